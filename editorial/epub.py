"""The EPUB 3 of the edition: Sphinx's epub builder, with what an e-reader needs on top.

- Notes become EPUB footnotes: the marker carries ``epub:type="noteref"`` and the note
  ``epub:type="footnote"``, so reading systems show a note in a popup at its marker.  Ids are
  the HTML's, so ``konr.xhtml#p12`` is ``konr.html#p12``.
- The package document names the editors as the book's editor (a corporate name, MARC role
  ``edt``), the version and the identifier, gives a valid ``dcterms:modified`` and refers to no
  cover image (the cover is a page of text, ``edition-cover.html``).
- The fonts are embedded: FreeSerif and FreeMono from Debian's fonts-freefont-otf (GNU FreeFont,
  GPL 3 with the font exception, which allows embedding them, or portions of them, in a
  document), cut down with fontTools to the Latin, Polish and Cyrillic ranges the edition uses.
  A character of the text that the cut-down fonts lack fails the build, naming file and line.
- Content documents carry none of the web page's meta tags (description, OpenGraph,
  ``citation_*``): the package document holds the book's metadata, and those tags, written as
  HTML, are not well-formed XHTML.
- Accessibility (EPUB Accessibility 1.1, checked with DAISY's Ace in tests/test_accessibility.py):
  every document declares its language (``lang`` and ``xml:lang``), the contents' captions are
  headings with a level, code blocks wrap instead of scrolling sideways, the navigation document
  has the ARIA role its ``epub:type`` names, and the package declares its conformance, who
  checked it and when, and an accessibility summary, all taken from the accessibility statement's
  front matter (``edition_accessibility_statement``), so the book and the page say the same.
"""

from __future__ import annotations

import hashlib
import html
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent / "epub3"

#: Unicode ranges kept in the embedded fonts: Latin with Polish, Czech and the other letters the
#: sources and the bibliography use, the Cyrillic of the Russian quotations and keywords, and
#: the punctuation.  A character outside them fails the EPUB build (check_glyphs below).
FONT_RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x017F), (0x0218, 0x021B), (0x02B9, 0x02B9), (0x02BC, 0x02BC), (0x02C6, 0x02DD),
    (0x0300, 0x030C), (0x0400, 0x045F), (0x2010, 0x2027), (0x2030, 0x203A), (0x20AC, 0x20AC),
    (0x2116, 0x2116), (0x2122, 0x2122), (0x2190, 0x2193), (0x2212, 0x2212),
]

#: The accessibility statement's front matter that the package document repeats: the standard the
#: book conforms to, the day the editors checked it (YYYY-MM-DD), the summary for readers.
ACCESSIBILITY_FIELDS = ("conformance", "checked", "epub-summary")

#: (file in edition_epub_font_dir, CSS family, weight, style)
FONT_FACES = [
    ("FreeSerif.otf", "Edition Serif", "normal", "normal"),
    ("FreeSerifItalic.otf", "Edition Serif", "normal", "italic"),
    ("FreeSerifBold.otf", "Edition Serif", "bold", "normal"),
    ("FreeSerifBoldItalic.otf", "Edition Serif", "bold", "italic"),
    ("FreeMono.otf", "Edition Mono", "normal", "normal"),
]


class EpubFootnotes:
    """Translator mix-in: EPUB 3 structural semantics on note markers and notes."""

    def visit_footnote_reference(self, node: nodes.footnote_reference) -> None:
        classes = ["footnote-reference", self.settings.footnote_references]
        self.body.append(self.starttag(node, "a", suffix="", classes=classes, role="doc-noteref",
                                       href="#" + node["refid"], **{"epub:type": "noteref"}))
        self.body.append('<span class="fn-bracket">[</span>')

    def visit_footnote(self, node: nodes.footnote) -> None:
        label_style = self.settings.footnote_references
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append(f'<aside class="footnote-list {label_style}">\n')
        self.body.append(self.starttag(node, "aside", classes=[node.tagname, label_style],
                                       role="doc-footnote", **{"epub:type": "footnote"}))


class EpubAccessibility:
    """Translator mix-in: what DAISY's Ace asks of the content documents that Sphinx omits."""

    def visit_title(self, node: nodes.title) -> None:
        # A toctree's caption is written as <p role="heading"> with no level (Ace, after axe-core:
        # "aria-required-attr", critical).  The web theme adds the level; the EPUB has no theme
        # script, so the caption gets it here: level 2, under the page's title.
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading", **{"aria-level": "2"}))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
        else:
            super().visit_title(node)


class EditionEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder with the edition's package document, fonts and cover."""

    def init(self) -> None:
        super().init()
        self.template_dir = self._merged_templates()
        self.font_codepoints = self._embed_fonts()

    def _merged_templates(self) -> Path:
        """Sphinx's epub3 templates, with the edition's content.opf in place of Sphinx's."""
        merged = Path(self.doctreedir) / "epub3-templates"
        merged.mkdir(parents=True, exist_ok=True)
        for source in Path(Epub3Builder.template_dir).iterdir():
            shutil.copyfile(source, merged / source.name)
        for source in HERE.glob("*.jinja"):
            shutil.copyfile(source, merged / source.name)
        return merged

    def _embed_fonts(self) -> set[int]:
        """Cut the fonts down to FONT_RANGES (cached by input), add them and their CSS to _static."""
        from fontTools import subset
        from fontTools.ttLib import TTFont

        font_dir = Path(self.config.edition_epub_font_dir)
        static = Path(self.doctreedir) / "epub-static"
        fonts = static / "fonts"
        stamps = Path(self.doctreedir) / "epub-font-stamps"  # which input each cut-down font came from
        fonts.mkdir(parents=True, exist_ok=True)
        stamps.mkdir(exist_ok=True)
        wanted = {code for first, last in FONT_RANGES for code in range(first, last + 1)}
        covered = set(wanted)
        faces = []
        for file_name, family, weight, style in FONT_FACES:
            source = font_dir / file_name
            if not source.is_file():
                logger.error("EPUB font %s is missing; install Debian's fonts-freefont-otf or set "
                             "edition_epub_font_dir in docs/conf.py", source, type="edition", subtype="epub")
                return set()
            key = hashlib.sha256(source.read_bytes() + repr(FONT_RANGES).encode()).hexdigest()[:16]
            target = fonts / file_name
            stamp = stamps / f"{file_name}.{key}"
            if not (target.is_file() and stamp.is_file()):
                font = TTFont(str(source), recalcTimestamp=False, lazy=True)
                options = subset.Options()
                options.hinting = False  # e-readers rasterise themselves; hints only add bytes
                options.notdef_outline = True
                options.name_IDs = ["*"]  # keep the licence and copyright notices
                options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a reader uses
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=sorted(wanted))
                subsetter.subset(font)
                font.save(str(target))
                for old in stamps.glob(f"{file_name}.*"):
                    old.unlink()
                stamp.touch()
            if family == "Edition Serif":
                covered &= set(TTFont(str(target), lazy=True).getBestCmap())
            faces.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                         f'font-style: {style}; src: url("fonts/{file_name}") format("opentype"); }}')
        css = "/* Generated by editorial/epub.py: the embedded fonts. */\n" + "\n".join(faces) + "\n"
        css += (HERE / "edition-epub.css").read_text(encoding="utf-8")
        (static / "edition-epub.css").write_text(css, encoding="utf-8")
        for stale in fonts.iterdir():  # a face dropped from FONT_FACES leaves no file behind
            if not stale.name.startswith(tuple(face[0] for face in FONT_FACES)):
                stale.unlink()
        self.config.html_static_path = [*self.config.html_static_path, str(static)]
        self.add_css_file("edition-epub.css")
        return covered

    def prepare_writing(self, docnames: set[str]) -> None:
        super().prepare_writing(docnames)
        # Sphinx's root element has neither lang nor xml:lang; a reader's voice and hyphenation
        # depend on them (Ace: "html-has-lang", serious, on every document).
        lang = html.escape(self.config.epub_language)
        self.globalcontext["html_tag"] = ('<html xmlns="http://www.w3.org/1999/xhtml" '
                                          f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">')

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        metadata["subtitle"] = self.config.edition_subtitle
        metadata["editors"] = list(self.config.edition_editors)
        metadata["release"] = self.config.release
        metadata["accessibility"] = self.accessibility_metadata()
        return metadata

    def accessibility_metadata(self) -> dict[str, str]:
        """Conformance, certifier, date and summary, from the accessibility statement's front matter."""
        docname = self.config.edition_accessibility_statement
        if docname not in self.env.found_docs:
            logger.warning("the accessibility statement %r (edition_accessibility_statement) is not in the "
                           "edition; the EPUB cannot declare its conformance", docname,
                           type="edition", subtype="epub")
            return {}
        front_matter = self.env.metadata.get(docname, {})
        missing = [key for key in ACCESSIBILITY_FIELDS if not str(front_matter.get(key, "")).strip()]
        if missing:
            logger.warning("the accessibility statement's front matter lacks %s", ", ".join(missing),
                           location=(docname, 1), type="edition", subtype="epub")
            return {}
        title = self.env.titles[docname].astext()
        summary = " ".join(str(front_matter["epub-summary"]).split())
        summary += (f" The page \u2018{title}\u2019, in the apparatus, says what was checked, with which tools, "
                    "and what is known not to work.")
        # The statement on the web is the report of the check (a11y:certifierReport).
        report = f"{self.config.html_baseurl.rstrip('/')}/{docname}.html" if self.config.html_baseurl else ""
        return {
            "report": html.escape(report),
            "conforms_to": html.escape(str(front_matter["conformance"])),
            "certified_by": html.escape(", ".join(self.config.edition_editors)),
            "checked": html.escape(str(front_matter["checked"])),
            "summary": html.escape(summary),
        }

    def build_content(self) -> None:
        # The cover page is written while the package document is made; one left by an earlier
        # build in the same folder would be listed twice in the spine (epubcheck: RSC-005).
        (Path(self.outdir) / self.coverpage_name).unlink(missing_ok=True)
        super().build_content()

    def toc_metadata(self, level: int, navpoints: list) -> dict[str, Any]:
        # Sphinx 9.0 writes epub_uid (the XML id of the identifier) as the NCX's dtb:uid, which
        # must be the identifier itself; epubcheck: NCX-001.
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def copy_static_files(self) -> None:
        super().copy_static_files()
        # The web pages' scripts are not linked from the EPUB's pages (Sphinx leaves them out);
        # they need not travel in its folder either.
        for script in (Path(self.outdir) / "_static").glob("*.js"):
            script.unlink()


def epub_translator(app: Sphinx) -> None:
    """``builder-inited``: the EPUB's translator, whatever it is, gains the footnote semantics."""
    if app.builder.name != "epub":
        return
    translator = app.registry.get_translator_class(app.builder)
    if not issubclass(translator, EpubFootnotes):
        app.set_translator("epub", type("EditionEpubTranslator", (EpubFootnotes, EpubAccessibility, translator), {}),
                           override=True)


def drop_web_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``html-page-context``, last: an EPUB page carries no web meta tags (see the module's doc)."""
    if app.builder.name == "epub":
        context["metatags"] = ""
        context.pop("meta", None)


def check_glyphs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: every character the EPUB shows is in its embedded fonts."""
    covered = getattr(app.builder, "font_codepoints", None)
    if app.builder.name != "epub" or not covered:
        return
    reported = set()
    for text in doctree.findall(nodes.Text):
        for char in set(str(text)):
            if ord(char) < 0x20 or ord(char) in covered or char in reported:
                continue
            reported.add(char)
            logger.warning("character %r (U+%04X) has no glyph in the EPUB's embedded fonts; add its "
                           "range to FONT_RANGES in editorial/epub.py", char, ord(char),
                           location=text.parent, type="edition", subtype="epub")


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_epub_font_dir", "/usr/share/fonts/opentype/freefont", "env", str)
    # The page whose front matter the package document's accessibility metadata comes from.
    app.add_config_value("edition_accessibility_statement", "accessibility", "env", str)
    app.add_builder(EditionEpubBuilder, override=True)
    app.connect("builder-inited", epub_translator)
    app.connect("html-page-context", drop_web_metadata, priority=900)
    app.connect("doctree-resolved", check_glyphs)
