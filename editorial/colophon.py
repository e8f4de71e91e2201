"""The colophon: what built this copy, so that a reader can cite it and a future editor rebuild it.

The edition's version and source commit, Python, Sphinx, the theme, the bibliography extension,
the TeX engine and TeX Live's version are read from the build machine at every build, never
typed; the rights of the edition's layers and of each source text follow them (``rights.py``), so
the colophon is also the imprint.  The HTML and the EPUB get them where a ``{colophon}`` directive
stands; the PDF gets them on its last page, after the index (through
``latex_elements["printindex"]``, the last thing Sphinx's LaTeX template prints).  A page with the directive is read again whenever a fact changes (a new commit,
an upgraded package), so an incremental build never shows a stale colophon.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import sphinx
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape as tex_escape

from .rights import URL, colophon_rights, linked_text, manifest_records

Facts = tuple[tuple[str, str], ...]

NOT_FOUND = "not found on the build machine"


def _package(name: str) -> str:
    try:
        return f"{name} {version(name)}"
    except PackageNotFoundError:
        return f"{name} ({NOT_FOUND})"


def source_commit(srcdir: Path) -> str:
    """The git commit the sources were built from, and whether the checkout had changes on top."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(srcdir), *args], capture_output=True, text=True)

    if shutil.which("git") is None:
        return "unknown (git not found on the build machine)"
    head = git("rev-parse", "HEAD")
    if head.returncode != 0:
        return "unknown (not built from a git checkout)"
    dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    return head.stdout.strip() + (" with uncommitted changes" if dirty else "")


def tex_version(engine: str) -> tuple[str, str]:
    """(engine and its version, TeX distribution), from the first line of ``<engine> --version``,
    e.g. "XeTeX 3.141592653-2.6-0.999994 (TeX Live 2022/Debian)"."""
    program = shutil.which(engine)
    if program is None:
        return f"{engine} ({NOT_FOUND})", NOT_FOUND
    first = subprocess.run([program, "--version"], capture_output=True, text=True).stdout.partition("\n")[0]
    name, _, distribution = first.partition(" (")
    return name.strip() or engine, distribution.rstrip(")").strip() or "unknown"


def collect_facts(app: Sphinx) -> Facts:
    config = app.config
    engine, distribution = tex_version(config.latex_engine)
    return (
        ("Edition", f"{config.project}, version {config.release}"),
        ("Source commit", source_commit(Path(app.srcdir))),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Built with", f"Sphinx {sphinx.__display_version__}, {_package('myst-parser')}"),
        ("Theme", f"{_package('sphinx-book-theme')}, {_package('pydata-sphinx-theme')}"),
        ("Bibliography", f"{_package('sphinxcontrib-bibtex')}, {_package('pybtex')}"),
        ("TeX engine (PDF)", engine),
        ("TeX distribution", distribution),
    ) + colophon_rights(config, manifest_records(app))


class colophon(nodes.General, nodes.Element):
    """Placeholder filled with the facts of the build that writes the page."""


class ColophonDirective(SphinxDirective):
    """``{colophon}``: the facts of this build, as a list."""

    def run(self) -> list[nodes.Node]:
        self.env.edition_colophon_docs.add(self.env.docname)  # type: ignore[attr-defined]
        node = colophon()
        self.set_source_info(node)
        return [node]


def facts_list(facts: Facts) -> nodes.field_list:
    fields = nodes.field_list(classes=["edition-colophon"])
    for label, value in facts:
        body = nodes.field_body("", nodes.paragraph("", "", *linked_text(value)))
        fields += nodes.field("", nodes.field_name("", label), body)
    return fields


def latex_text(value: str) -> str:
    """``value`` escaped for LaTeX, its web addresses set with ``\\url`` so that they break at the margin."""
    parts, position = [], 0
    for match in URL.finditer(value):
        parts += [tex_escape(value[position:match.start()]), rf"\url{{{match.group()}}}"]
        position = match.end()
    return "".join(parts) + tex_escape(value[position:])


def latex_colophon(facts: Facts) -> str:
    lines = "\n".join(rf"\item[{tex_escape(label)}] {latex_text(value)}" for label, value in facts)
    return ("\n% The colophon (editorial/colophon.py): what built this copy.\n"
            r"\clearpage\chapter*{Colophon}\thispagestyle{empty}\begin{description}\raggedright"
            f"\n{lines}\n" r"\end{description}")


def remember_facts(app: Sphinx, config: Config) -> None:
    """Read the facts once per build, and give the PDF its last page."""
    app.edition_colophon = collect_facts(app)  # type: ignore[attr-defined]
    elements = dict(config.latex_elements)
    elements["printindex"] = elements.get("printindex", r"\printindex") + latex_colophon(app.edition_colophon)
    config.latex_elements = elements


def init_env(app: Sphinx, env: BuildEnvironment, *args) -> None:
    if not hasattr(env, "edition_colophon_docs"):
        env.edition_colophon_docs = set()  # type: ignore[attr-defined]


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Read the colophon pages again when a fact has changed since they were read."""
    init_env(app, env)
    facts = app.edition_colophon  # type: ignore[attr-defined]
    if getattr(env, "edition_colophon_facts", None) == facts:
        return []
    env.edition_colophon_facts = facts  # type: ignore[attr-defined]
    return sorted(env.edition_colophon_docs - removed)  # type: ignore[attr-defined]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "edition_colophon_docs", set()).discard(docname)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    init_env(app, env)
    env.edition_colophon_docs |= getattr(other, "edition_colophon_docs", set()) & docnames  # type: ignore[attr-defined]


def fill(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for node in list(doctree.findall(colophon)):
        node.replace_self(facts_list(app.edition_colophon))  # type: ignore[attr-defined]


def setup(app: Sphinx) -> None:
    app.add_node(colophon)
    app.add_directive("colophon", ColophonDirective)
    app.connect("config-inited", remember_facts)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-get-outdated", outdated)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("doctree-resolved", fill)
