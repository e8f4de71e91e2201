"""Structured data for search engines: schema.org JSON-LD in the head of the home page and chapters.

The edition is a ``Book`` with its version, licence and publisher; each chapter a ``Chapter`` that
is part of it and is based on the source it reproduces, with that source's address and date as the
seed manifest records them.  Built from the same metadata as the citations, never by hand.

The Book's ``license`` is that of the editorial matter, and its ``copyrightNotice`` says that the
source texts are not under it.  A chapter holds a source text as well as the editors' headnote and
notes, so it claims no single licence: its ``copyrightNotice`` states both, and the source it is
based on carries its own ``license`` where it has one (``rights.py``, ``seeds/manifest.toml``).
"""

from __future__ import annotations

import json
from datetime import date

from sphinx.application import Sphinx
from sphinx.config import Config

from .citations import base_url, book_title, edition_statement, is_collective, page_url, pdf_url
from .manifest import SeedRecord, seeds
from .rights import edition_rights
from .rights import licence as licence_of

CONTEXT = "https://schema.org"


def book_id(config: Config) -> str:
    return base_url(config) + "#edition"


def organisation(name: str) -> dict:
    return {"@type": "Organization", "name": name}


def agent(name: str) -> dict:
    """A person ("Family, Given") or, for a name without a comma, an organisation."""
    if is_collective(name):
        return organisation(name)
    family, given = (part.strip() for part in name.split(",", 1))
    return {"@type": "Person", "name": f"{given} {family}", "familyName": family, "givenName": given}


def licence(config: Config) -> str | None:
    """The licence of the editorial matter (``edition_licences["editorial"]``), as its canonical URL."""
    spdx = config.edition_licences.get("editorial")
    return licence_of(spdx).url if spdx else None


def book(config: Config) -> dict:
    data = {
        "@type": "Book",
        "@id": book_id(config),
        "name": book_title(config),
        "url": base_url(config),
        "version": config.release,
        "bookEdition": edition_statement(config),
        "datePublished": config.edition_year,
        "inLanguage": config.language,
        "license": licence(config),
        "copyrightNotice": edition_rights(config) if config.edition_licences else None,
        "publisher": organisation(config.edition_publisher) if config.edition_publisher else None,
        "editor": [agent(name) for name in config.edition_editors],
        "encoding": {"@type": "MediaObject", "contentUrl": pdf_url(config), "encodingFormat": "application/pdf"},
    }
    return {key: value for key, value in data.items() if value}


def _iso_date(text: str) -> str | None:
    """The ISO date that opens a manifest date ("2002-10-21 (last updated)"), if there is one."""
    try:
        return date.fromisoformat(text.split()[0]).isoformat() if text.strip() else None
    except ValueError:
        return None


def original(record: SeedRecord) -> dict:
    """The source a chapter reproduces, as far as the manifest knows it ("unknown" is left out)."""
    source = {"@type": "WebPage", "name": record.title}
    if record.url != "unknown":
        source["url"] = record.url
    if record.named_authors:
        source["author"] = [agent(name) for name in record.named_authors]
    if record.publisher != "unknown":
        source["publisher"] = organisation(record.publisher)
    iso = _iso_date(record.date)
    if iso:
        source["dateModified" if "last updated" in record.date else "datePublished"] = iso
    if record.rights_licence:
        source["license"] = licence_of(record.rights_licence).url
    if record.rights_notice:
        source["copyrightNotice"] = "; ".join(record.rights_notice)
    return source


def chapter(config: Config, record: SeedRecord) -> dict:
    data = {
        "@type": "Chapter",
        "name": record.title,
        "url": page_url(config, record.key),
        "inLanguage": record.language,
        "isPartOf": {"@type": "Book", "@id": book_id(config), "name": book_title(config)},
        "isBasedOn": original(record),
    }
    editorial = config.edition_licences.get("editorial")
    headnote = f"The headnote and notes: {licence_of(editorial).name}, {licence(config)}. " if editorial else ""
    data["copyrightNotice"] = f"{headnote}The source text: {record.rights}"
    if record.named_authors:
        data["author"] = [agent(name) for name in record.named_authors]
    return data


def page_data(app: Sphinx, pagename: str) -> dict | None:
    config = app.config
    record = seeds(app.env).get(pagename)
    if record is not None:
        return {"@context": CONTEXT, **chapter(config, record)}
    if pagename == config.root_doc:
        return {"@context": CONTEXT, **book(config)}
    return None


def jsonld_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``: the page's JSON-LD, as a script in the head."""
    data = page_data(app, pagename) if doctree is not None else None
    if data is None:
        return
    # "</" cannot end the script early once escaped; JSON reads "<\/" as "</".
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    context["metatags"] = context.get("metatags", "") + f'\n<script type="application/ld+json">\n{text}\n</script>\n'


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", jsonld_script)
