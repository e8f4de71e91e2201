"""The list of notes: every typed note of the edition, by chapter or by kind, with a count table.

Nothing here is typed by hand: the list is built from the notes that :mod:`editorial.notes`
records on the environment, once every chapter is read, and each entry links to its note in HTML
and in the PDF.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from .manifest import seeds
from .notes import NOTE_KINDS
from .paragraphs import paragraph_label


class note_list(nodes.General, nodes.Element):
    """Placeholder replaced, once every chapter is read, by the list of notes."""


class NoteListDirective(SphinxDirective):
    """``{note-list}`` with ``:by: chapter`` (default) or ``:by: kind``."""

    option_spec = {"by": lambda value: directives.choice(value, ("chapter", "kind"))}

    def run(self) -> list[nodes.Node]:
        _note_list_docs(self.env).add(self.env.docname)
        node = note_list(by=self.options.get("by", "chapter"))
        self.set_source_info(node)
        return [node]


def _chapter_order(env: BuildEnvironment) -> list[str]:
    return [key for key in seeds(env) if key in getattr(env, "edition_notes", {})]


def _note_item(app: Sphinx, fromdocname: str, docname: str, note: dict, with_chapter: bool) -> nodes.list_item:
    paragraph = nodes.paragraph()
    where = paragraph_label(note["paragraph"])
    if with_chapter:
        where = f"{seeds(app.env)[docname].short_title}, {where}"
    label = nodes.inline("", f"{where}: " if where else "", classes=["note-list-where"])
    link = make_refnode(app.builder, fromdocname, docname, note["id"],
                        nodes.inline("", NOTE_KINDS[note["kind"]][0]))
    summary = note["summary"]
    summary = summary.split(".", 1)[1].strip() if summary.startswith(NOTE_KINDS[note["kind"]][0]) else summary
    words = summary.split()
    short = " ".join(words[:22]) + (" …" if len(words) > 22 else "")
    paragraph += [label, link, nodes.Text(f" — {short}")]
    if note.get("basis"):
        paragraph += nodes.inline("", f" ({note['basis']})", classes=["note-list-basis"])
    return nodes.list_item("", paragraph)


def build_note_list(app: Sphinx, node: note_list, fromdocname: str) -> list[nodes.Node]:
    env = app.env
    notes_by_doc = getattr(env, "edition_notes", {})
    result: list[nodes.Node] = []
    if node["by"] == "chapter":
        for docname in _chapter_order(env):
            title = env.titles[docname].astext() if docname in env.titles else docname
            result.append(nodes.rubric("", f"{title} ({len(notes_by_doc[docname])} notes)"))
            if notes_by_doc[docname]:  # LaTeX refuses an empty itemize
                items = nodes.bullet_list()
                items += [_note_item(app, fromdocname, docname, note, False) for note in notes_by_doc[docname]]
                result.append(items)
        return result
    table_rows = []
    for kind, (heading, _owes) in NOTE_KINDS.items():
        entries = [(doc, n) for doc in _chapter_order(env) for n in notes_by_doc[doc] if n["kind"] == kind]
        table_rows.append((heading, [sum(n["kind"] == kind for n in notes_by_doc[doc]) for doc in _chapter_order(env)]))
        if not entries:
            continue
        result.append(nodes.rubric("", f"{heading} ({len(entries)})"))
        items = nodes.bullet_list()
        items += [_note_item(app, fromdocname, doc, note, True) for doc, note in entries]
        result.append(items)
    resting_on_reference_works = [sum(bool(n.get("basis")) for n in notes_by_doc[doc]) for doc in _chapter_order(env)]
    result.insert(0, _count_table(env, table_rows, ("of which rest on reference works only", resting_on_reference_works)))
    return result


def _count_table(env: BuildEnvironment, rows: list[tuple[str, list[int]]],
                 after_total: tuple[str, list[int]]) -> nodes.table:
    chapters = [seeds(env)[doc].short_title for doc in _chapter_order(env)]
    table = nodes.table(classes=["note-counts"])
    group = nodes.tgroup(cols=len(chapters) + 2)
    table += group
    for _ in range(len(chapters) + 2):
        group += nodes.colspec(colwidth=1)

    def row(cells: list[str]) -> nodes.row:
        result = nodes.row()
        for cell in cells:
            result += nodes.entry("", nodes.paragraph("", cell))
        return result

    head = nodes.thead()
    head += row(["Kind", *chapters, "All"])
    body = nodes.tbody()
    for heading, counts in rows:
        body += row([heading, *map(str, counts), str(sum(counts))])
    totals = [sum(counts[i] for _, counts in rows) for i in range(len(chapters))]
    body += row(["All", *map(str, totals), str(sum(totals))])
    heading, counts = after_total
    body += row([heading, *map(str, counts), str(sum(counts))])
    group += [head, body]
    return table


# -- Incremental builds: the list is written again whenever a page was read again ------------------

def _note_list_docs(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "edition_note_list_docs"):
        env.edition_note_list_docs = set()  # type: ignore[attr-defined]
    return env.edition_note_list_docs  # type: ignore[attr-defined]


def note_reading(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: a page is read again or removed, so its notes may have changed."""
    _note_list_docs(env).discard(docname)
    env.edition_notes_changed = True  # type: ignore[attr-defined]


def merge_note_list_docs(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _note_list_docs(env).update(_note_list_docs(other) & docnames)


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages with a list of notes, when any page was read again; otherwise an
    incremental build (sphinx-autobuild, ./edition build) would leave the list as it was."""
    changed = getattr(env, "edition_notes_changed", False)
    env.edition_notes_changed = False  # type: ignore[attr-defined]
    return sorted(_note_list_docs(env)) if changed else []


def resolve_note_lists(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for node in list(doctree.findall(note_list)):
        node.replace_self(build_note_list(app, node, fromdocname))


def setup(app: Sphinx) -> None:
    app.add_node(note_list)
    app.add_directive("note-list", NoteListDirective)
    app.connect("env-purge-doc", note_reading)
    app.connect("env-merge-info", merge_note_list_docs)
    app.connect("env-updated", pages_to_rewrite)
    app.connect("doctree-resolved", resolve_note_lists)
