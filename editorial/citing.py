"""Citing the edition: the "Cite this chapter" section and the metadata reference managers read.

Readers cite the edition by chapter and paragraph, mostly through a reference manager.  Every
chapter ends with its Chicago citation (rendered by citeproc-py from the chapter's CSL-JSON record,
see ``citations.py``), links to that record as BibTeX, RIS and CSL-JSON, and the data the
paragraph numbers' "copy citation" control needs.  The page head carries Highwire ``citation_*``
tags chosen for what Zotero's Embedded Metadata translator (the code of the browser connector) and
Google Scholar read:

- ``citation_inbook_title``, not ``citation_book_title``: the translator reads a three-part name
  whose middle part is an RDF prefix it knows (``book``) as that vocabulary (OpenGraph's
  ``book:title``), so ``citation_book_title`` never makes the item a book section; Google Scholar's
  inclusion guidelines list neither tag.
- no ``citation_editor`` and no ``citation_author`` for a collective (a name without a comma): the
  translator splits such a name into a fake person ("Team, The Edition's Editorial"); the
  editorial team is named as ``citation_publisher``.
- ``prism.edition`` for the version: no Highwire tag carries it to Zotero, PRISM does (Google
  Scholar reads PRISM tags too).
- on the home page, ``og:type`` "book", so that it imports as the book.
"""

from __future__ import annotations

import json
from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.texescape import escape as tex_escape

from . import citations
from .citations import (
    CITATIONS_DIR, EDITION_ID, TEI_DIR, book_title, chapter_record, edition_statement, is_collective, page_url, pdf_url,
)
from .manifest import SeedRecord, seeds
from .reading import reading_text

#: The paragraph whose citation the section shows as an example.
EXAMPLE_PARAGRAPH = "3"
FORMAT_LABELS = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}


def display_name(name: str) -> str:
    """"von Geldern, James" -> "James von Geldern"; a collective stays as written."""
    if is_collective(name):
        return name
    family, given = (part.strip() for part in name.split(",", 1))
    return f"{given} {family}"


def _downloads_html(docname: str, record: SeedRecord) -> str:
    """Links to the generated files, relative to the page (HTML only: they exist beside the HTML)."""
    up = "../" * docname.count("/")

    def links(name: str) -> str:
        return ", ".join(
            f'<a class="cite-download" href="{up}{CITATIONS_DIR}/{name}.{ext}" download>{label}</a>'
            for ext, label in FORMAT_LABELS.items()
        )

    return (f'<p class="cite-downloads">For a reference manager: this chapter as {links(record.key)}; '
            f'the whole edition as {links(EDITION_ID)}.</p>'
            f'<p class="tei-downloads">The text and its notes in TEI P5: '
            f'<a class="tei-download" href="{up}{TEI_DIR}/{record.key}.xml" download>this chapter</a>, '
            f'<a class="tei-download" href="{up}{TEI_DIR}/{EDITION_ID}.xml" download>the whole edition</a>.</p>')


def _rendered(citation: str, html: bool) -> nodes.raw:
    """citeproc-py's output as the builder takes it: its HTML, or its plain text escaped for LaTeX."""
    return nodes.raw("", citation, format="html") if html else nodes.raw("", tex_escape(citation), format="latex")


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
        # citeproc-py takes some 30 ms a note: render only the form this builder writes.
        html = getattr(self.env, "edition_writes_html", True)
        note = citations.render_note(chapter_record(config, record), html=html)
        template = citations.paragraph_citation_template(config, record, html=html)
        example = EXAMPLE_PARAGRAPH.join(template)

        ident = f"{docname}-cite"
        section = nodes.section(ids=[ident], names=[ident], classes=["cite-this"])
        section += nodes.title("", "Cite this chapter")
        section += nodes.paragraph("", "", _rendered(note, html), classes=["cite-chicago"])
        section += nodes.paragraph("", f"A paragraph, for example paragraph {EXAMPLE_PARAGRAPH} (the number beside "
                                       "each paragraph offers its own citation):", classes=["cite-example-label"])
        section += nodes.paragraph("", "", _rendered(example, html), classes=["cite-paragraph"])
        if html:
            section += nodes.raw("", _downloads_html(docname, record), format="html")
            # The "copy citation" control of the paragraph numbers (static/paragraph-cite.js).
            data = json.dumps({"parts": template}, ensure_ascii=False).replace("</", "<\\/")
            section += nodes.raw("", f'<script type="application/json" id="paragraph-citation">{data}</script>',
                                 format="html")
        section += nodes.paragraph("", "BibTeX:")
        bibtex = citations.bibtex(config, [chapter_record(config, record)])
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
        authors = " and ".join(display_name(name) for name in record.named_authors)
        by = f" by {authors}" if authors else ""
        return (f"“{record.title}”{by}: the source text verbatim, with the editors' headnote and notes. "
                f"A chapter of {app.config.project}.")
    paragraph = next(iter(doctree.findall(nodes.paragraph)), None)
    text = " ".join(paragraph.astext().split()) if paragraph is not None else app.config.project
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"


def description_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, before sphinxext-opengraph: every page's description; the home page's type.

    sphinxext-opengraph 0.13 cuts its own description after HTML-escaping it, which can leave half
    an entity ("&quot...") that the Nu validator rejects; a page field ``og:description`` takes
    precedence over its own, and an existing ``description`` meta tag stops it adding another.
    The same page fields set ``og:type``: "book" on the home page makes Zotero import it as a book.
    """
    if doctree is None:
        return
    description = escape(page_description(app, pagename, doctree), quote=True)
    fields = {**(context.get("meta") or {}), "og:description": description}
    if pagename == app.config.root_doc:
        fields["og:type"] = "book"
    context["meta"] = fields
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{description}">\n'


def highwire_tags(app: Sphinx, pagename: str) -> list[tuple[str, str]]:
    """The ``citation_*`` (and ``prism.edition``) tags of a page: a chapter, the home page, or none."""
    config = app.config
    record = seeds(app.env).get(pagename)
    if record is not None:
        tags = [("citation_title", record.title)]
        tags += [("citation_author", name) for name in record.named_authors if not is_collective(name)]
        tags += [("citation_inbook_title", book_title(config))]
        language = record.language
    elif pagename == config.root_doc:
        tags = [("citation_title", book_title(config))]
        language = config.language
    else:
        return []
    return tags + [
        ("citation_publisher", config.edition_publisher),
        ("citation_publication_date", config.edition_year),
        ("citation_language", language),
        ("citation_public_url", page_url(config, pagename)),
        ("citation_pdf_url", pdf_url(config)),
        ("prism.edition", edition_statement(config)),
    ]


def highwire_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``: the page's Highwire tags."""
    if doctree is None:
        return
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta name="{name}" content="{escape(value, quote=True)}">' for name, value in highwire_tags(app, pagename)
    )


def note_builder_format(app: Sphinx) -> None:
    """``builder-inited``: tell the transform which form of the citation this build writes."""
    # The EPUB's builder writes HTML too, but its pages take no script and link no web downloads.
    app.env.edition_writes_html = app.builder.format == "html" and app.builder.name != "epub"  # type: ignore[attr-defined]


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", note_builder_format)
    app.add_config_value("edition_subtitle", "", "env", str)
    app.add_config_value("edition_editors", [], "env", list)
    app.add_config_value("edition_pdf", "edition.pdf", "env", str)
    app.add_config_value("edition_year", "", "env", str)
    app.add_transform(CiteThisChapter)
    app.connect("html-page-context", highwire_meta)
    app.connect("html-page-context", description_meta, priority=400)  # before sphinxext-opengraph
    app.add_js_file("paragraph-cite.js", loading_method="defer")
    app.add_css_file("paragraph-cite.css")
