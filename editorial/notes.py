"""Typed editorial notes: every footnote of a chapter says what kind of note it is.

A note is a MyST footnote whose text opens with the ``note`` role naming its kind, e.g.
``[^konr-reserve-army]: {note}`correction` The text calls …``.  Knowing the kind lets the build
demand what the kind owes the reader (a correction cites its authority; a cross-reference links
somewhere) and lets the apparatus pages list the notes by chapter and kind.  The notes are kept on
the build environment, purged and merged per document so incremental and parallel builds agree.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator

from .reading import enclosing, reading_text

logger = logging.getLogger(__name__)

#: kind -> (heading shown to the reader, what the note must contain)
NOTE_KINDS: dict[str, tuple[str, str]] = {
    "correction": ("Correction", "citation"),
    "spelling": ("Spelling", "citation"),
    "contradiction": ("Contradiction", "citation"),
    "speculation": ("Speculation", "citation"),
    "identification": ("Identification", "citation"),
    "clarification": ("Clarification", "citation"),
    "cross-reference": ("Cross-reference", "reference"),
}


class note_kind(nodes.Inline, nodes.TextElement):
    """The label at the head of a note: its kind, shown and machine-readable."""


class NoteKindRole(SphinxRole):
    """``{note}`kind```: declares the kind of the footnote it opens."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        kind = self.text.strip()
        if kind not in NOTE_KINDS:
            logger.warning("unknown note kind %r; use one of: %s", kind, ", ".join(NOTE_KINDS),
                           location=self.get_location(), type="edition", subtype="note")
            return [], []
        node = note_kind(NOTE_KINDS[kind][0], NOTE_KINDS[kind][0] + ".", kind=kind, editorial=True)
        self.set_source_info(node)
        return [node], []


def _cites(footnote: nodes.Element) -> bool:
    return any(ref.get("refdomain") == "cite" for ref in footnote.findall(addnodes.pending_xref))


def _references(footnote: nodes.Element) -> bool:
    return any(ref.get("refdomain") == "std" for ref in footnote.findall(addnodes.pending_xref))


class CollectNotes(SphinxTransform):
    """Check every note of a chapter and record it on the environment."""

    default_priority = 806  # after paragraph numbering, so notes know their paragraph

    def apply(self, **kwargs) -> None:
        if not any(self.document.findall(reading_text)):
            return
        docname = self.env.docname
        std = self.env.domains.standard_domain
        references = {}
        for reference in self.document.findall(nodes.footnote_reference):
            references.setdefault(reference.get("refid"), reference)
        collected = []
        for footnote in self.document.findall(nodes.footnote):
            ident = footnote["ids"][0] if footnote["ids"] else ""
            kinds = list(footnote.findall(note_kind))
            if len(kinds) != 1:
                logger.warning("note %r must open with exactly one {note}`kind` role (found %d)",
                               ident, len(kinds), location=footnote, type="edition", subtype="note")
                continue
            kind = kinds[0]["kind"]
            owes = NOTE_KINDS[kind][1]
            if owes == "citation" and not _cites(footnote):
                logger.warning("%s note %r cites no work from bibliography.bib; every %s names its authority",
                               kind, ident, kind, location=footnote, type="edition", subtype="note")
            if owes == "reference" and not _references(footnote):
                logger.warning("cross-reference note %r links to nothing", ident,
                               location=footnote, type="edition", subtype="note")
            footnote["classes"] += ["edition-note", f"note-{kind}"]
            reference = references.get(ident)
            paragraph = enclosing(reference, nodes.paragraph)
            paragraph_ident = paragraph["ids"][0] if paragraph is not None and paragraph["ids"] else ""
            if ident in std.anonlabels and std.anonlabels[ident][0] != docname:
                logger.warning("note label %r is already used in %s", ident, std.anonlabels[ident][0],
                               location=footnote, type="edition", subtype="anchor")
            else:
                std.anonlabels[ident] = (docname, ident)
                std.labels[ident] = (docname, ident, f"note {ident}")
            text = footnote.astext()
            label = footnote.children[0].astext() if isinstance(footnote.children[0], nodes.label) else ""
            summary = text[len(label):].strip()
            targets = sorted({ref["reftarget"] for ref in footnote.findall(addnodes.pending_xref)
                              if ref.get("refdomain") == "std" and ref.get("reftype") == "ref"})
            collected.append({
                "id": ident, "kind": kind, "paragraph": paragraph_ident,
                "summary": summary, "line": footnote.line or 0, "targets": targets,
            })
        self.env.edition_notes[docname] = collected  # type: ignore[attr-defined]


def check_cross_references(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: a chapter that points to another is pointed back to."""
    std = env.domains.standard_domain
    notes_by_doc = getattr(env, "edition_notes", {})

    def chapters_referenced(docname: str) -> dict[str, dict]:
        referenced = {}
        for note in notes_by_doc.get(docname, []):
            for target in note.get("targets", []):
                other = std.anonlabels.get(target, (None,))[0]
                if other in notes_by_doc and other != docname:
                    referenced.setdefault(other, note)
        return referenced

    links = {docname: chapters_referenced(docname) for docname in notes_by_doc}
    for docname, referenced in links.items():
        for other, note in referenced.items():
            if docname not in links.get(other, {}):
                logger.warning(
                    "note %r refers to chapter %r, but no note there refers back to %r; "
                    "cross-references go both ways", note["id"], other, docname,
                    location=(docname, note["line"]), type="edition", subtype="crossref")


def init_notes(app: Sphinx, env: BuildEnvironment, *args) -> None:
    if not hasattr(env, "edition_notes"):
        env.edition_notes = {}  # type: ignore[attr-defined]


def purge_notes(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "edition_notes", {}).pop(docname, None)


def merge_notes(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    init_notes(app, env)
    for docname in docnames:
        if docname in getattr(other, "edition_notes", {}):
            env.edition_notes[docname] = other.edition_notes[docname]


def visit_note_kind_html(self: HTML5Translator, node: note_kind) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS=f"note-kind note-kind-{node['kind']}"))


def depart_note_kind_html(self: HTML5Translator, node: note_kind) -> None:
    self.body.append("</span> ")


def visit_note_kind_latex(self: LaTeXTranslator, node: note_kind) -> None:
    # The footnote's own id becomes a named destination (docname:note-id), like a paragraph's.
    footnote = enclosing(node, nodes.footnote)
    if footnote is not None and footnote["ids"]:
        self.body.append(self.hypertarget(footnote["ids"][0], anchor=True))
    self.body.append(r"\editionnotekind{")


def depart_note_kind_latex(self: LaTeXTranslator, node: note_kind) -> None:
    self.body.append("} ")


def setup(app: Sphinx) -> None:
    app.add_node(
        note_kind,
        html=(visit_note_kind_html, depart_note_kind_html),
        latex=(visit_note_kind_latex, depart_note_kind_latex),
    )
    app.add_role("note", NoteKindRole())
    app.add_transform(CollectNotes)
    app.connect("env-before-read-docs", init_notes)
    app.connect("env-purge-doc", purge_notes)
    app.connect("env-merge-info", merge_notes)
    app.connect("env-check-consistency", check_cross_references)
