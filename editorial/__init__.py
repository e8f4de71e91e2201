"""The editorial extension of the edition: fidelity to the seeds, furniture, paragraphs, notes.

Each concern lives in its own module; this one only registers them.  Everything works on the
doctree, so the HTML and the LaTeX writers render the same edition.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.fileutil import copy_asset_file

from . import (
    accessibility,
    anchors,
    bibliography,
    bibliography_cache,
    bibliography_pdf,
    bibtex_domain,
    chronology,
    citation_labels,
    citation_style,
    citations,
    citing,
    colophon,
    epub,
    fidelity,
    frontpage,
    furniture,
    jsonld,
    languages,
    locators,
    manifest,
    name_index,
    navigation,
    note_list,
    notes,
    paragraphs,
    pybtex_lookup,
    reader,
    reading,
    registers,
    rights,
    tei,
    theme,
    toolchain,
)

__version__ = "0.1.0"

STATIC = Path(__file__).parent / "static"
LATEX = Path(__file__).parent / "latex"


def _latex_options(app: Sphinx, config: Config) -> None:
    # hyperref's destlabel names each PDF destination after its label (docname:id), so that
    # edition.pdf#nameddest=konr:p12 is as stable as konr.html#p12 (TOOLCHAIN.md, 4).
    elements = dict(config.latex_elements)
    options = elements.get("passoptionstopackages", "")
    if "destlabel" not in options:
        elements["passoptionstopackages"] = options + "\n\\PassOptionsToPackage{destlabel}{hyperref}"
    # The bibliography's web addresses are long and hyphenated: let them break at hyphens too,
    # not only at slashes, so that none runs into the margin.
    if "{url}" not in options:
        elements["passoptionstopackages"] += "\n\\PassOptionsToPackage{hyphens}{url}"
    # The PDF's catalog names its language (/Lang, which a screen reader chooses its voice by;
    # PDF/UA-1, pdfua's UA-06-001) and asks viewers to show its title rather than its file name
    # (/DisplayDocTitle, UA-07-002).  hyperref writes both with XeTeX's dvipdfmx driver too.
    if "pdflang" not in elements["passoptionstopackages"]:
        elements["passoptionstopackages"] += (
            f"\n\\PassOptionsToPackage{{pdflang={config.language or 'en'},pdfdisplaydoctitle=true}}{{hyperref}}")
    config.latex_elements = elements


def _static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def _copy_assets(app: Sphinx) -> None:
    if app.builder.format == "latex":
        copy_asset_file(LATEX / "edition.sty", app.builder.outdir, force=True)


def setup(app: Sphinx) -> dict:
    for module in (pybtex_lookup, manifest, toolchain, bibliography, bibliography_cache, bibliography_pdf, bibtex_domain,
                   citation_labels, citation_style, locators, reading, furniture, fidelity, paragraphs, notes, note_list,
                   chronology, name_index, registers, citations, citing, rights, jsonld, colophon, anchors, accessibility,
                   languages, reader, frontpage, epub, tei, theme, navigation):
        module.setup(app)
    app.connect("config-inited", _latex_options)
    app.connect("config-inited", _static_path)
    app.connect("builder-inited", _copy_assets)
    app.add_latex_package("edition")
    app.add_css_file("edition.css")
    return {
        "version": __version__,
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
