"""Citing the edition: a "Cite this chapter" section and machine-readable metadata on every chapter.

Readers quote the edition by chapter and paragraph.  Everything a citation needs is read from one
place (the seed manifest for the source, the edition metadata in conf.py for the book), and turned
into a Chicago-style citation, a BibTeX entry and Highwire ``citation_*`` meta tags that Zotero's
Embedded Metadata translator reads as a book section (``citation_book_title`` makes it one).
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .manifest import SeedRecord, seeds
from .reading import reading_text


def display_name(name: str) -> str:
    """"von Geldern, James" -> "James von Geldern"; a name without a comma is corporate."""
    if "," not in name:
        return name
    family, given = (part.strip() for part in name.split(",", 1))
    return f"{given} {family}"


def chicago_names(names: list[str]) -> str:
    """Chicago bibliography order: first author inverted, the rest as written."""
    if not names:
        return ""
    shown = [names[0]] + [display_name(name) for name in names[1:]]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + (", and " if len(shown) > 2 else " and ") + shown[-1]


def page_url(config, docname: str, fragment: str = "") -> str:
    return f"{config.html_baseurl.rstrip('/')}/{docname}.html" + (f"#{fragment}" if fragment else "")


def chicago_citation(config, record: SeedRecord, fragment: str = "", locator: str = "") -> str:
    authors = chicago_names(record.named_authors)
    editors = " and ".join(config.edition_editors)
    head = f"{authors}. " if authors else ""
    where = f", {locator}" if locator else ""
    return (
        f"{head}“{record.title}.” In {config.project}: {config.edition_subtitle}, edited by {editors}, "
        f"version {config.release}{where}. {config.edition_year}. {page_url(config, record.key, fragment)}."
    )


def bibtex_entry(config, record: SeedRecord) -> str:
    fields = {
        "author": " and ".join(name if "," in name else "{" + name + "}" for name in record.named_authors),
        "title": record.title,
        "booktitle": f"{config.project}: {config.edition_subtitle}",
        "editor": " and ".join("{" + name + "}" for name in config.edition_editors),
        "edition": f"version {config.release}",
        "year": config.edition_year,
        "url": page_url(config, record.key),
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@incollection{{{record.key}-edition-{config.release},\n{body},\n}}"


class CiteThisChapter(SphinxTransform):
    """Append the "Cite this chapter" section to every chapter."""

    default_priority = 810

    def apply(self, **kwargs) -> None:
        container = next(iter(self.document.findall(reading_text)), None)
        record = seeds(self.env).get(container.get("seed", "")) if container is not None else None
        if record is None:
            return
        config = self.config
        docname = self.env.docname
        ident = f"{docname}-cite"
        section = nodes.section(ids=[ident], names=[ident], classes=["cite-this"])
        section += nodes.title("", "Cite this chapter")
        section += nodes.paragraph("", chicago_citation(config, record), classes=["cite-chicago"])
        section += nodes.paragraph("", "A paragraph, for example paragraph 3:", classes=["cite-example-label"])
        section += nodes.paragraph("", chicago_citation(config, record, "p3", "¶ 3"), classes=["cite-paragraph"])
        section += nodes.paragraph("", "BibTeX:")
        bibtex = bibtex_entry(config, record)
        section += nodes.literal_block(bibtex, bibtex, language="bibtex", classes=["cite-bibtex"])
        top = next(iter(self.document.findall(nodes.section)), None)
        (top if top is not None else self.document).append(section)
        self.document.ids[ident] = section
        std = self.env.domains.standard_domain
        std.anonlabels[ident] = (docname, ident)
        std.labels[ident] = (docname, ident, "Cite this chapter")


DESCRIPTION_LENGTH = 200


def page_description(app: Sphinx, pagename: str, doctree: nodes.document) -> str:
    """A plain-text summary of the page: for a chapter from the manifest, else its first paragraph."""
    record = seeds(app.env).get(pagename)
    if record is not None:
        authors = chicago_names(record.named_authors)
        by = f" by {authors}" if authors else ""
        return (f"“{record.title}”{by}: the source text verbatim, with the editors' headnote and notes. "
                f"A chapter of {app.config.project}.")
    paragraph = next(iter(doctree.findall(nodes.paragraph)), None)
    text = " ".join(paragraph.astext().split()) if paragraph is not None else app.config.project
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"


def description_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, before sphinxext-opengraph: give every page its description.

    sphinxext-opengraph 0.13 cuts its own description after HTML-escaping it, which can leave half
    an entity ("&quot...") that the Nu validator rejects; a page field ``og:description`` takes
    precedence over its own, and an existing ``description`` meta tag stops it adding another.
    """
    if doctree is None:
        return
    description = escape(page_description(app, pagename, doctree), quote=True)
    context["meta"] = {**(context.get("meta") or {}), "og:description": description}
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{description}">\n'


def highwire_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``: ``citation_*`` meta tags for a chapter page."""
    record = seeds(app.env).get(pagename)
    if record is None or doctree is None:
        return
    config = app.config
    tags = [("citation_title", record.title)]
    tags += [("citation_author", name) for name in record.named_authors]
    tags += [("citation_editor", name) for name in config.edition_editors]
    tags += [
        ("citation_book_title", f"{config.project}: {config.edition_subtitle}"),
        ("citation_publication_date", config.edition_year),
        ("citation_date", config.edition_year),
        ("citation_edition", f"version {config.release}"),
        ("citation_language", record.language),
        ("citation_public_url", page_url(config, pagename)),
        ("citation_pdf_url", f"{config.html_baseurl.rstrip('/')}/{config.edition_pdf}"),
    ]
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta name="{name}" content="{escape(value, quote=True)}">' for name, value in tags
    )


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_subtitle", "", "env", str)
    app.add_config_value("edition_editors", [], "env", list)
    app.add_config_value("edition_pdf", "edition.pdf", "env", str)
    app.add_config_value("edition_year", "", "env", str)
    app.add_transform(CiteThisChapter)
    app.connect("html-page-context", highwire_meta)
    app.connect("html-page-context", description_meta, priority=400)  # before sphinxext-opengraph
