"""The edition as one JSON document: notes, registers, chronology and bibliography, for reuse.

A digital humanist who wants the apparatus without parsing TEI gets it here: every note with its
chapter, paragraph, kind, text and the works it cites with their locators; the registers; the
chronology; the bibliography as CSL-JSON, the format reference managers and pandoc read.  The TEI
builder (``tei.py``) collects the notes and paragraphs while it walks the doctrees, so the JSON and
the TEI say the same; ``edition-data.schema.json`` beside this module describes the document and
the tests validate it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pybtex.database import Entry, Person
from sphinx.config import Config

from .citation_labels import is_corporate, plain
from .citations import base_url, book_title, page_url
from .manifest import SeedRecord
from .registers import RegisterEntry

SCHEMA_FILE = Path(__file__).parent / "edition-data.schema.json"
#: Where the data lands under the builder's output (and under the HTML, beside the TEI).
JSON_PATH = "data/edition.json"
SCHEMA_PATH = "data/edition-data.schema.json"
FORMAT_VERSION = "1.0"

#: BibTeX/biblatex entry types and their CSL types.
CSL_TYPES = {
    "book": "book", "mvbook": "book", "collection": "book", "article": "article-journal",
    "incollection": "chapter", "inbook": "chapter", "online": "webpage", "misc": "document",
    "report": "report", "thesis": "thesis", "phdthesis": "thesis",
}
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def _csl_person(person: Person) -> dict[str, str]:
    if is_corporate(person):
        return {"literal": plain(str(person))}
    family = plain(" ".join(person.prelast_names + person.last_names))
    given = plain(" ".join(person.first_names + person.middle_names))
    return {"family": family, "given": given} if given else {"family": family}


def _date_parts(text: str) -> list[int] | None:
    """"2026-11-23" -> [2026, 11, 23]; anything else None."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    return [int(part) for part in match.groups() if part] if match else None


def csl_item(entry: Entry) -> dict:
    """A bibliography.bib entry as a CSL-JSON item (the fields a reference manager reads)."""
    fields = {name.lower(): plain(value) for name, value in entry.fields.items()}
    item: dict = {"id": entry.key, "type": CSL_TYPES.get(entry.type.lower(), "document")}
    title = fields.get("title", "")
    if fields.get("titleaddon"):
        title = f"{title} {fields['titleaddon']}".strip()
    item["title"] = title
    for role in ("author", "editor"):
        if entry.persons.get(role):
            item[role] = [_csl_person(person) for person in entry.persons[role]]
    container = fields.get("booktitle") or fields.get("journal")
    if container:
        item["container-title"] = f"{container} {fields.get('booktitleaddon', '')}".strip()
    simple = {"shorttitle": "title-short", "publisher": "publisher", "address": "publisher-place",
              "volume": "volume", "number": "issue", "pages": "page", "edition": "edition",
              "series": "collection-title", "isbn": "ISBN", "doi": "DOI", "url": "URL", "note": "note",
              "language": "language", "howpublished": "medium", "origtitle": "original-title"}
    for name, csl_name in simple.items():
        if fields.get(name):
            item[csl_name] = fields[name]
    if "publisher" not in item and fields.get("organization"):
        item["publisher"] = fields["organization"]
    year = fields.get("year", "")
    if re.fullmatch(r"\d{4}", year):
        parts = [int(year)]
        month = MONTHS.get(fields.get("month", "").lower()[:3]) or (
            int(fields["month"]) if fields.get("month", "").isdigit() else None)
        if month:
            parts.append(month)
            if fields.get("day", "").isdigit():
                parts.append(int(fields["day"]))
        item["issued"] = {"date-parts": [parts]}
    elif year:
        item["issued"] = {"literal": year}
    if fields.get("urldate") and _date_parts(fields["urldate"]):
        item["accessed"] = {"date-parts": [_date_parts(fields["urldate"])]}
    return item


def source_record(config: Config, record: SeedRecord) -> dict:
    return {
        "chapter": record.key,
        "title": record.title,
        "authors": record.named_authors,
        "source_editors": list(record.source_editors),
        "publisher": record.publisher,
        "kind": record.kind,
        "language": record.language,
        "url": None if record.url == "unknown" else record.url,
        "date": record.date,
        "sha256": record.sha256,
        "origin": record.origin,
        "rights": {"statement": record.rights, "basis": record.rights_basis,
                   "licence": record.rights_licence or None, "notices": list(record.rights_notice)},
        "edition_address": page_url(config, record.key),
    }


def register_record(entry: RegisterEntry) -> dict:
    return {"id": entry.ident, "name": entry.name, "forms": entry.forms, "see": entry.see,
            "original": entry.original or None, "transliteration": entry.transliteration or None,
            "dates": entry.dates or None, "identification": entry.identification or None,
            "about_source": entry.about_source or None,
            "authority_ids": entry.authority_ids, "authority_sources": entry.sources}


def edition_document(config: Config, availability: str, sources: list[dict], chapters: list[dict],
                     notes: list[dict], registers: list[RegisterEntry], chronology: list[dict],
                     bibliography: list[dict]) -> dict:
    """The whole data set as one JSON-serialisable document (see edition-data.schema.json)."""
    return {
        "format": FORMAT_VERSION,
        "edition": {
            "title": book_title(config),
            "version": config.release,
            "editors": list(config.edition_editors),
            "publisher": config.edition_publisher,
            "year": config.edition_year,
            "url": base_url(config),
            "availability": availability,
        },
        "sources": sources,
        "chapters": chapters,
        "notes": notes,
        "registers": {
            category: [register_record(entry) for entry in registers if entry.category == category]
            for category in ("persons", "places", "organisations")
        },
        "chronology": chronology,
        "bibliography": bibliography,
    }


def write_json(outdir: Path, document: dict) -> None:
    target = outdir / JSON_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (outdir / SCHEMA_PATH).write_text(SCHEMA_FILE.read_text(encoding="utf-8"), encoding="utf-8")
