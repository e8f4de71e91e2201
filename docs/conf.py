"""Sphinx configuration of the edition.  Edition metadata is read from pyproject.toml."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the editorial extension, also when it is not pip-installed

_project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_edition = _project["tool"]["edition"]

# -- Edition metadata: the one place -----------------------------------------------------------
project = _edition["title"]
edition_subtitle = _edition["subtitle"]
edition_editors = _edition["editors"]
author = ", ".join(edition_editors)
release = version = _project["project"]["version"]
edition_year = _edition["year"]
copyright = f"{edition_year}, {author}"
language = "en"
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", _edition["base-url"])
edition_pdf = _edition["pdf"]
edition_publisher = _edition["publisher"]
# Who may reuse what: the licence of each layer of the edition (editorial matter, metadata, code);
# each source text's own rights are in seeds/manifest.toml (editorial/rights.py shows both).
edition_licences = _edition["licences"]
edition_epub = _edition["epub"]
edition_bundle = _edition["bundle"].format(version=release)

# -- Extensions ----------------------------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "sphinx_sitemap",
    "sphinx_reredirects",
    "editorial",
]

# -- Addresses: anchors.lock holds every published one (see docs/how-to-cite.md) ------------------
# A renamed page gets a redirect here; a renamed fragment an alias: {"old.html#id": "new.html#id"}.
redirects: dict[str, str] = {}
edition_anchor_aliases: dict[str, str] = {}
exclude_patterns = ["_build"]
root_doc = "index"

# The reading text is the seed to the letter: Sphinx must not turn "..." into curly quotes or
# -- into dashes behind the editors' backs.  The fidelity check would catch it; this prevents it.
smartquotes = False

myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 0
edition_registers = "registers.toml"  # anchors come from explicit labels only, never from heading text

# -- Bibliography ----------------------------------------------------------------------------------
bibtex_bibfiles = ["../bibliography.bib"]
# The edition's own pybtex and sphinxcontrib-bibtex styles (editorial/citation_style.py): one
# label per work ("Konev 2008", "Wikipedia, 'Prague uprising'"), the same in text and bibliography.
bibtex_default_style = "edition"
bibtex_reference_style = "edition"
# Stable ids, so bibliography.html#cite-2-fischer1952 survives a new entry (TOOLCHAIN.md, 5).
# The bibliography page has three {bibliography} directives (sources, works they cite,
# literature), and sphinxcontrib-bibtex makes an id for every entry in each of them, so the id
# must name the group (1, 2, 3) as well as the key.
bibtex_cite_id = "cite-{bibliography_count}-{key}"
bibtex_footcite_id = "footcite-{key}"
bibtex_bibliography_id = "bibliography-{bibliography_count}"
bibtex_footbibliography_id = "footbibliography-{footbibliography_count}"
# Formatted entries are kept here between builds, even clean ones, keyed by each entry's content
# and the style's version (editorial/bibliography_cache.py): a build where no entry changed
# formats none.
edition_cache_dir = "../build/cache"

# -- HTML ------------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_theme_options = {
    # The theme's download menu offers only "print this page"; our sidebar links the real PDF.
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    # The sidebar lists pages only (the theme asks Sphinx for titles_only), yet Sphinx copies every
    # page's whole table of contents into the navigation of every page before pruning it: a cost
    # of pages x sections.  Asking for one level, collapsed, gives the same sidebar for less work
    # (nox -s bench; the HTML is byte-identical).
    "max_navbar_depth": 1,
    "collapse_navbar": True,
}
# One search field per page: the theme's header bar carries it at every width (navbar_persistent),
# so the sidebar does not repeat it.
html_sidebars = {"**": ["edition-home.html", "sbt-sidebar-nav.html", "edition-pdf.html"]}
templates_path = ["_templates"]
html_static_path: list[str] = []
html_context = {"edition_pdf": edition_pdf, "edition_subtitle": edition_subtitle, "edition_editors": edition_editors}
# The files a reader can take away, listed on the front page and in every page's sidebar; each
# must lie beside the HTML (`./edition build` puts them there; the link gate checks every one).
edition_downloads = [
    {"kind": "pdf", "label": "The edition as PDF", "file": edition_pdf, "note": "for print; A4"},
    {"kind": "epub", "label": "The edition as EPUB", "file": edition_epub, "note": "for e-readers"},
    # The whole edition's citation records, written by editorial/citations.py into the HTML root.
    {"kind": "bibtex", "label": "Citation as BibTeX", "file": "citations/edition.bib", "note": "LaTeX, JabRef"},
    {"kind": "ris", "label": "Citation as RIS", "file": "citations/edition.ris", "note": "EndNote, Zotero, Mendeley"},
    {"kind": "csl-json", "label": "Citation as CSL-JSON", "file": "citations/edition.json", "note": "Zotero, pandoc"},
    # The data, written by the TEI builder (editorial/tei.py); each chapter's TEI is tei/<chapter>.xml.
    {"kind": "tei", "label": "The edition in TEI P5", "file": "tei/edition.xml", "note": "XML; one file per chapter in tei/"},
    {"kind": "json", "label": "Notes, registers, chronology and bibliography as JSON", "file": "data/edition.json",
     "note": "schema: data/edition-data.schema.json"},
    # Everything above in one zip with its SHA-256 list (tools/bundle.py, run by ./edition build).
    {"kind": "zip", "label": "Everything in one download", "file": edition_bundle,
     "note": "TEI, JSON, citations, PDF, EPUB; zip with SHA-256 list"},
]
sitemap_url_scheme = "{link}"
ogp_site_url = html_baseurl
ogp_site_name = project
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # would need matplotlib and fonts; a text card is enough
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

# -- EPUB ------------------------------------------------------------------------------------------
# Sphinx's epub builder with the edition's extension (editorial/epub.py: notes as EPUB footnotes,
# embedded fonts, the package document).  ./edition build puts edition.epub beside the HTML.
epub_basename = edition_epub.removesuffix(".epub")
epub_title = project
epub_description = f"{project}: {edition_subtitle}. Version {release}."
epub_author = author
epub_publisher = author
epub_copyright = f"{copyright}. Editorial matter CC BY 4.0; metadata CC0 1.0; code MIT. The five source texts are not under these licences: each chapter's headnote states the rights in its text."
epub_language = language
epub_scheme = "URL"
epub_identifier = f"{html_baseurl.rstrip('/')}/{edition_epub}#version-{release}"
epub_uid = "edition-id"
epub_cover = ("", "edition-cover.html")  # a cover page made of text, no image
epub_show_urls = "no"  # the links stay links; the bibliography prints its own URLs
epub_tocdepth = 2

# -- LaTeX / PDF -----------------------------------------------------------------------------------
latex_engine = "xelatex"
edition_tex_packages = _edition["system-packages"]["build"]
latex_documents = [(root_doc, _edition["pdf"].replace(".pdf", ".tex"), project, author, "manual")]
latex_show_urls = "footnote"
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # FreeSerif/FreeSans/FreeMono (Debian fonts-freefont-otf) cover Latin, Polish and Cyrillic.
    "fontpkg": r"""
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, BoldFont=*Bold, ItalicFont=*Italic, BoldItalicFont=*BoldItalic]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, BoldFont=*Bold, ItalicFont=*Oblique, BoldItalicFont=*BoldOblique]
\setmonofont{FreeMono}[Extension=.otf, UprightFont=*, BoldFont=*Bold, ItalicFont=*Oblique, BoldItalicFont=*BoldOblique]
""",
    "sphinxsetup": "TitleColor={named}{black}",
    "releasename": "Version",
    # PDF metadata (title and author come from latex_documents).
    "preamble": rf"\hypersetup{{pdfsubject={{{edition_subtitle}}}, pdfkeywords={{Vlasov, KONR, ROA, GULAG, Auschwitz, Soviet prisoners of war}}}}",
    "printindex": r"\footnotesize\raggedright\printindex",
}
