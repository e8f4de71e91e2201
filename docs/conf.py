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
edition_index_terms = "index-terms.toml"  # anchors come from explicit labels only, never from heading text

# -- Bibliography ----------------------------------------------------------------------------------
bibtex_bibfiles = ["../bibliography.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
# Stable ids, so bibliography.html#cite-2-fischer1952 survives a new entry (TOOLCHAIN.md, 5).
# The bibliography page has three {bibliography} directives (sources, works they cite,
# literature), and sphinxcontrib-bibtex makes an id for every entry in each of them, so the id
# must name the group (1, 2, 3) as well as the key.
bibtex_cite_id = "cite-{bibliography_count}-{key}"
bibtex_footcite_id = "footcite-{key}"
bibtex_bibliography_id = "bibliography-{bibliography_count}"
bibtex_footbibliography_id = "footbibliography-{footbibliography_count}"

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
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html", "edition-pdf.html"]}
templates_path = ["_templates"]
html_static_path: list[str] = []
html_context = {"edition_pdf": edition_pdf}
sitemap_url_scheme = "{link}"
ogp_site_url = html_baseurl
ogp_site_name = project
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # would need matplotlib and fonts; a text card is enough
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False

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
