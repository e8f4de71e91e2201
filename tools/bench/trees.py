"""The trees the benchmark builds: a copy of the project, its chapters replicated, the bare baseline.

Nothing is built in ``docs/``: every tree is a copy in a temporary directory.  The bare baseline
is the same sources with myst-parser and Sphinx's ``basic`` theme only, and do-nothing stand-ins
for our directives and roles (read off the extension's ``setup()``), so that the same text is
parsed and the ratio of the two builds is the cost of the theme, the bibliography and our machinery.
The same bare tree built with the edition's theme (:data:`BOOK_THEME`) tells the theme's share
apart: what no change inside the project can remove while the edition keeps sphinx-book-theme.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

#: What a copy of the project needs besides docs/ (conf.py reads pyproject.toml from docs/..).
PROJECT_FILES = ("pyproject.toml", "bibliography.bib", "anchors.lock")
PROJECT_DIRS = ("seeds", "editorial")

#: Roles and directives of sphinxcontrib-bibtex, which the bare baseline replaces by stand-ins.
BIBTEX_ROLES = [f"{domain}:{style}" for domain in ("cite", "footcite")
                for style in ("p", "ps", "t", "ts", "ct", "cts", "year", "author", "authors", "label", "empty")]
BIBTEX_DIRECTIVES = ["bibliography", "footbibliography"]

#: sphinx-build's arguments that give the bare baseline the edition's theme, and nothing else of ours.
BOOK_THEME = ("-D", "html_theme=sphinx_book_theme")


@dataclass
class Tree:
    """A copy of the project in a temporary directory: ``root/docs`` is what Sphinx builds (or
    ``root/docs-bare`` for the bare baseline)."""

    root: Path
    chapters: list[str]
    copies: int = 1
    docs_dir: str = "docs"

    @property
    def docs(self) -> Path:
        return self.root / self.docs_dir


SEED_FRONT_MATTER = re.compile(r"\A---\s*\n(?:.*\n)*?seed:\s*\S+", re.MULTILINE)


def chapter_names(docs: Path) -> list[str]:
    """Docnames of the chapters: the MyST files whose front matter names a seed."""
    return sorted(p.stem for p in docs.glob("*.md") if SEED_FRONT_MATTER.match(p.read_text(encoding="utf-8")))


def copy_project(source: Path, dest: Path) -> Tree:
    dest.mkdir(parents=True)
    shutil.copytree(source / "docs", dest / "docs", ignore=shutil.ignore_patterns("_build"))
    for name in PROJECT_FILES:
        shutil.copy2(source / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return Tree(dest, chapter_names(dest / "docs"))


LABEL_LINE = re.compile(r"^\(([^)\s]+)\)=", re.MULTILINE)
FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
XREF_ROLE = re.compile(r"\{(ref|numref|doc|any|myst)\}`([^`]*)`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")


def replicate(tree: Tree, copies: int) -> None:
    """Add ``copies - 1`` renamed copies of every chapter, as new chapters of the same edition.

    A copy keeps its seed (so the fidelity check runs on it as on the original); its labels, note
    names and the references to them get the suffix ``-cNN``, and references to a chapter or to a
    paragraph label (``konr-p12``) point to the same copy, so that ids stay unique edition-wide.
    """
    docs = tree.docs
    texts = {name: (docs / f"{name}.md").read_text(encoding="utf-8") for name in tree.chapters}
    labels = set()
    for text in texts.values():
        labels.update(LABEL_LINE.findall(text))
        labels.update(FOOTNOTE.findall(text))
    paragraph_label = re.compile(rf"({'|'.join(map(re.escape, tree.chapters))})-([pf]\d+)")

    for number in range(2, copies + 1):
        suffix = f"-c{number:02d}"

        def rename(target: str) -> str:
            if target in labels or target in tree.chapters:
                return target + suffix
            match = paragraph_label.fullmatch(target)
            return f"{match[1]}{suffix}-{match[2]}" if match else target

        def rename_link(target: str) -> str:
            path, _, anchor = target.partition("#")
            stem = path[:-3] if path.endswith(".md") else path
            new_path = (rename(stem) + (".md" if path.endswith(".md") else "")) if stem in tree.chapters else path
            return new_path + ("#" + rename(anchor) if anchor else "") if (path or anchor) else target

        def rename_xref(match: re.Match) -> str:
            content = match[2]
            inner = re.fullmatch(r"(.*<)([^>]+)(>)", content, re.DOTALL)
            if inner:
                content = inner[1] + rename(inner[2]) + inner[3]
            else:
                content = rename(content)
            return f"{{{match[1]}}}`{content}`"

        for name, text in texts.items():
            text = LABEL_LINE.sub(lambda m: f"({rename(m[1])})=", text)
            text = FOOTNOTE.sub(lambda m: f"[^{rename(m[1])}]", text)
            text = XREF_ROLE.sub(rename_xref, text)
            text = LINK_TARGET.sub(lambda m: f"]({rename_link(m[1])})", text)
            (docs / f"{name}{suffix}.md").write_text(text, encoding="utf-8")

    index = docs / "index.md"
    lines = []
    for line in index.read_text(encoding="utf-8").splitlines():
        lines.append(line)
        if line.strip() in tree.chapters:
            indent = line[: len(line) - len(line.lstrip())]
            lines += [f"{indent}{line.strip()}-c{n:02d}" for n in range(2, copies + 1)]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tree.copies = copies


def extension_markup(project: Path) -> tuple[list[str], list[str]]:
    """The roles and directives that the editorial extension registers, read off its ``setup()``."""
    roles: list[str] = []
    directives: list[str] = []

    class Recorder:
        def add_role(self, name, *args, **kwargs):
            roles.append(name)

        def add_directive(self, name, *args, **kwargs):
            directives.append(name)

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    sys.path.insert(0, str(project))
    import editorial

    editorial.setup(Recorder())
    return roles, directives


BARE_CONF = '''\
"""Bare baseline written by tools/bench/trees.py: myst-parser, the basic theme, no editorial machinery.

Our directives and roles are replaced by stand-ins that parse the same text and do nothing else,
so the ratio of the two builds is the cost of the theme, the bibliography and our transforms.
"""
from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.domains import Domain

project = "bare baseline"
extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence"]
smartquotes = False
html_theme = "basic"
exclude_patterns = ["_build"]
suppress_warnings = ["myst.xref_missing", "ref.ref", "ref.doc", "ref.any"]

STAND_IN_ROLES = {roles!r}
STAND_IN_DIRECTIVES = {directives!r}


class AnyOption(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return directives.unchanged


class StandIn(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = AnyOption()

    def run(self):
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def stand_in_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    shown = text.split(" <", 1)[0] if text.endswith(">") else text
    return [nodes.inline(rawtext, shown)], []


def setup(app):
    domains = {{}}
    for name in STAND_IN_ROLES:
        if ":" in name:  # a domain's role, such as cite:p: Sphinx looks it up in a domain of that name
            domain, role = name.split(":", 1)
            domains.setdefault(domain, {{}})[role] = stand_in_role
        else:
            app.add_role(name, stand_in_role, override=True)
    for domain, roles in domains.items():
        app.add_domain(type(f"StandIn_{{domain}}", (Domain,), {{"name": domain, "label": domain, "roles": roles}}))
    for name in STAND_IN_DIRECTIVES:
        app.add_directive(name, StandIn, override=True)
'''


def bare_tree(tree: Tree, dest: Path) -> Path:
    """The same sources with the bare configuration: a sibling docs directory with its own conf.py."""
    docs = dest / "docs-bare"
    shutil.copytree(tree.docs, docs, ignore=shutil.ignore_patterns("conf.py", "_templates", "_build"))
    roles, directives = extension_markup(tree.root)
    (docs / "conf.py").write_text(
        BARE_CONF.format(roles=roles + BIBTEX_ROLES, directives=directives + BIBTEX_DIRECTIVES), encoding="utf-8")
    return docs


def basic_theme_conf(tree: Tree) -> tuple[str, ...]:
    """Our configuration with the theme swapped for Sphinx's basic one, to tell what the theme costs:
    a conf.py beside docs/ (so the paths it resolves from its directory still hold) that runs ours."""
    confdir = tree.root / "conf-basic-theme"
    confdir.mkdir(exist_ok=True)
    (confdir / "conf.py").write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(tree.docs / 'conf.py')!r}).items() if not k.startswith('__')}})\n"
        "html_theme = 'basic'\nhtml_theme_options = {}\nhtml_sidebars = {}\ntemplates_path = []\n",
        encoding="utf-8")
    return ("-c", str(confdir))
