"""Typed editorial notes: every footnote of a chapter says what kind of note it is.

A note is a MyST footnote whose text opens with the ``note`` role naming its kind, e.g.
``[^konr-reserve-army]: {note}`correction` The text calls …``.  Knowing the kind lets the build
demand what the kind owes the reader (a correction cites its authority; a cross-reference links
somewhere) and lets the apparatus pages list the notes by chapter and kind.

A note that corrects the source (correction, contradiction, spelling) must rest on at least one
work that is more than a reference work or a popular page: the ``authority`` field of its entry
in bibliography.bib says what kind of work it is.  Where no such work could be found, the note
says so to the reader with ``{basis}`reference works only```, and the build accepts it.  The notes are kept on
the build environment, purged and merged per document so incremental and parallel builds agree.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

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

#: Note kinds that correct the source, and the kinds of work that can be their authority
#: (values of the ``authority`` field in bibliography.bib).
CORRECTING_KINDS = ("correction", "contradiction", "spelling")
AUTHORITATIVE = ("scholarship", "primary", "institution")
#: A spelling note may rest on the edited page itself where it records what the page shows
#: ("WorldWar" run together): the page is the evidence of its own letters.
AUTHORITATIVE_FOR_SPELLING = (*AUTHORITATIVE, "source")
#: ``{basis}`…```: what a note rests on when no authoritative work could be found.
#: The sentence names popular accounts too: the mark covers notes resting on either.
BASES = {"reference works only": "This note rests only on reference works and popular accounts: no "
                                 "scholarly, documentary or institutional source for it was found."}


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


class note_basis(nodes.Inline, nodes.TextElement):
    """The reader-visible statement that a note rests on reference works only."""


class NoteBasisRole(SphinxRole):
    """``{basis}`reference works only```: marks and explains a note without an authority."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        basis = " ".join(self.text.split())
        if basis not in BASES:
            logger.warning("unknown note basis %r; use one of: %s", basis, ", ".join(BASES),
                           location=self.get_location(), type="edition", subtype="note")
            return [], []
        node = note_basis(BASES[basis], BASES[basis], basis=basis, editorial=True)
        self.set_source_info(node)
        return [node], []


def cited_keys(footnote: nodes.Element) -> list[str]:
    """The bibliography keys a note cites, in order."""
    keys = []
    for ref in footnote.findall(addnodes.pending_xref):
        if ref.get("refdomain") == "cite":
            keys += [target.key for target in parse_citation_targets(ref["reftarget"])]
    return keys


def _cites(footnote: nodes.Element) -> bool:
    return any(ref.get("refdomain") == "cite" for ref in footnote.findall(addnodes.pending_xref))


def _references(footnote: nodes.Element) -> bool:
    return any(ref.get("refdomain") == "std" for ref in footnote.findall(addnodes.pending_xref))


def text_without_citations(footnote: nodes.Element) -> str:
    """The note's words for the list of notes: its citations are still unresolved here, and would
    show as raw bibliography keys ("the original page anders-munoz-2002; read …")."""
    words = footnote.deepcopy()
    for ref in list(words.findall(addnodes.pending_xref)):
        if ref.get("refdomain") == "cite":
            ref.parent.remove(ref)
    return re.sub(r"\s+([;,.:)])", r"\1", " ".join(words.astext().split()))


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
            bases = [node["basis"] for node in footnote.findall(note_basis)]
            if kind in CORRECTING_KINDS:
                self.check_authority(footnote, ident, kind, bases)
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
            text = text_without_citations(footnote)
            label = footnote.children[0].astext() if isinstance(footnote.children[0], nodes.label) else ""
            summary = text[len(label):].strip()
            targets = sorted({ref["reftarget"] for ref in footnote.findall(addnodes.pending_xref)
                              if ref.get("refdomain") == "std" and ref.get("reftype") == "ref"})
            collected.append({
                "id": ident, "kind": kind, "paragraph": paragraph_ident,
                "summary": summary, "line": footnote.line or 0, "targets": targets,
                "basis": bases[0] if bases else "",
            })
        self.env.edition_notes[docname] = collected  # type: ignore[attr-defined]

    def check_authority(self, footnote: nodes.footnote, ident: str, kind: str, bases: list[str]) -> None:
        entries = self.env.get_domain("cite").bibdata.data.entries
        authorities = {key: entries[key].fields.get("authority", "") for key in cited_keys(footnote)
                       if key in entries}
        accepted = AUTHORITATIVE_FOR_SPELLING if kind == "spelling" else AUTHORITATIVE
        authoritative = [key for key, authority in authorities.items() if authority in accepted]
        cited = ", ".join(f"{key} ({authority or 'no authority field'})" for key, authority in authorities.items())
        if authoritative and bases:
            logger.warning("%s note %r is marked {basis}`%s` but cites %s: drop the mark",
                           kind, ident, bases[0], ", ".join(authoritative),
                           location=footnote, type="edition", subtype="authority")
        elif authorities and not authoritative and not bases:
            logger.warning("%s note %r rests only on %s; cite a work of scholarship, a primary document or "
                           "an institution's publication, or mark the note {basis}`reference works only`",
                           kind, ident, cited, location=footnote, type="edition", subtype="authority")


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


def visit_note_basis_html(self: HTML5Translator, node: note_basis) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="note-basis"))


def depart_note_basis_html(self: HTML5Translator, node: note_basis) -> None:
    self.body.append("</span>")


def visit_note_basis_latex(self: LaTeXTranslator, node: note_basis) -> None:
    self.body.append(r"\editionnotebasis{")


def depart_note_basis_latex(self: LaTeXTranslator, node: note_basis) -> None:
    self.body.append("}")


def setup(app: Sphinx) -> None:
    app.add_node(
        note_basis,
        html=(visit_note_basis_html, depart_note_basis_html),
        latex=(visit_note_basis_latex, depart_note_basis_latex),
    )
    app.add_role("basis", NoteBasisRole())
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
