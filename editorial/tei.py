"""The TEI P5 builder: each chapter, and the whole edition, as TEI, from the doctrees of the HTML.

``sphinx-build -b tei`` writes ``tei/<chapter>.xml`` for each of the five chapters and
``tei/edition.xml`` for the whole edition, and beside them the JSON data set (``json_export.py``).
It reads the same doctrees the HTML and LaTeX writers start from, as the transforms left them,
and resolves references itself, so that each citation keeps its key and locator and each
reference its target (sphinxcontrib-bibtex's resolved citation is only a label):

- paragraphs keep their published ids (``p4``, furniture ``f2``; ``konr-p4`` in the edition file,
  which holds five chapters), furniture is ``fw type="furniture"``;
- a note is a ``note`` at its marker, ``@type`` its kind, ``xml:id`` its locked id;
- a citation is a ``bibl`` with a ``ptr`` into the ``listBibl`` and a ``citedRange`` for the
  locator; a cross-reference a ``ref``; a dated event a ``date`` with ``@when``;
- the back holds the bibliography (``biblStruct``), the registers and the chronology; the header the edition's
  metadata, the seed manifest's record of the source, the editorial principles of
  ``docs/method.md`` and the changelog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from lxml import etree
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from . import json_export, rights
from .chronology import dated_event, event_mention
from .citation_labels import edition_labels
from .citations import (
    EDITION_ID,
    TEI_DIR,
    base_url,
    book_title,
    chapter_record,
    page_url,
    paragraph_citation_template,
    render_note,
)
from .citing import EXAMPLE_PARAGRAPH
from .furniture import furniture
from .manifest import SeedRecord, seeds
from .notes import note_basis, note_kind
from .paragraphs import paragraph_number
from .reading import reading_text
from .name_index import env_registers
from .registers import RegisterEntry, slug

logger = logging.getLogger(__name__)

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Where a project sets no licences (``edition_licences``, rights.py), the TEI says so.
AVAILABILITY_PLACEHOLDER = (
    "The rights statement of this edition is being prepared: the licence of the editorial matter "
    "(headnotes, notes, registers, data) and the basis on which each source text is reproduced will "
    "be stated here. Until then, reuse of the source texts needs the permission of their rights holders."
)
REGISTER_LISTS = {"persons": ("listPerson", "person", "persName"), "places": ("listPlace", "place", "placeName"),
                  "organisations": ("listOrg", "org", "orgName")}
PARAGRAPH_ID = re.compile(r"^[pf]\d+$")
DROPPED = (nodes.target, nodes.label, nodes.raw, nodes.comment, nodes.transition, nodes.system_message,
           nodes.substitution_definition, addnodes.index, paragraph_number, note_kind, dated_event, nodes.footnote)


def tei(tag: str, *children: etree._Element | str | None, **attributes: str) -> etree._Element:
    """A TEI element; ``xml_id`` and ``xml_lang`` become ``xml:id`` and ``xml:lang``."""
    element = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS} if tag == "TEI" else None)
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        name = {"xml_id": XML_ID, "xml_lang": XML_LANG}.get(name, name.rstrip("_"))
        element.set(name, str(value))
    for child in children:
        if child is None:
            continue
        if isinstance(child, str):
            append_text(element, child)
        else:
            element.append(child)
    return element


def append_text(element: etree._Element, text: str) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def plain_text(element: etree._Element) -> str:
    """An element's text as a reader sees it, spaces normalised."""
    return " ".join("".join(element.itertext()).split())


def iso_date(text: str) -> str:
    """The leading ISO date of a manifest or changelog date ("2002-10-21 (last updated)"), or ""."""
    match = re.match(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?!\d)", text)
    return match.group(0) if match else ""


@dataclass
class Context:
    """What one TEI file is being written for, and what its text has referred to so far."""

    builder: TEIBuilder
    docname: str  # the chapter being converted ("" outside chapters)
    edition: bool  # the whole-edition file: chapter-local ids carry their chapter
    cited_keys: dict[str, None] = field(default_factory=dict)
    footnotes: dict[str, nodes.footnote] = field(default_factory=dict)
    emitted_notes: set[str] = field(default_factory=set)
    notes: list[dict] = field(default_factory=list)
    furniture_label: str = ""
    paragraph: str = ""
    citations: list[dict] | None = None  # the citations of the note being converted
    references: list[str] | None = None  # and the addresses it refers to
    verbatim: bool = False  # inside a seed's paragraph (not its notes): the text as it stands
    named: set[str] = field(default_factory=set)  # the register entries the text names

    def local_id(self, docname: str, ident: str) -> str:
        """The xml:id of a chapter's id in this file: paragraphs and event mentions are per chapter."""
        if self.edition and (PARAGRAPH_ID.match(ident) or ident in self.builder.mention_ids.get(docname, ())):
            return f"{docname}-{ident}"
        return ident

    def target(self, docname: str, ident: str) -> str:
        """Where a reference to ``docname#ident`` points from this file."""
        chapters = self.builder.chapters
        if docname in chapters:
            local = self.local_id(docname, ident or docname)
            if self.edition or docname == self.docname:
                return f"#{local}"
            return f"{docname}.xml#{local}"
        return page_url(self.builder.config, docname, ident)


class TEIBuilder(Builder):
    """Writes tei/<chapter>.xml, tei/edition.xml and the JSON data set (data/edition.json)."""

    name = "tei"
    format = "tei"
    epilog = "The TEI files are in %(outdir)s/tei, the JSON data set in %(outdir)s/data."
    allow_parallel = False

    def init(self) -> None:
        self.chapters: dict[str, SeedRecord] = {}
        self.mention_ids: dict[str, set[str]] = {}

    def get_outdated_docs(self) -> str:
        return "the TEI and JSON of the whole edition"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return f"{TEI_DIR}/{docname}.xml"

    def prepare_writing(self, docnames: Iterable[str]) -> None:
        self.chapters = {key: record for key, record in seeds(self.env).items() if key in self.env.found_docs}
        self.mention_ids = {docname: {mention["id"] for mention in mentions}
                            for docname, mentions in getattr(self.env, "edition_events", {}).items()}
        self.entries = self.env.get_domain("cite").bibdata.data.entries
        self.labels = edition_labels(dict(self.entries))
        self.registers: list[RegisterEntry] = env_registers(self.env).entries
        self.register_entries = {entry.ident: entry for entry in self.registers}
        self.name_forms: dict[str, RegisterEntry] = {}
        for entry in self.registers:
            for form in entry.forms:
                self.name_forms.setdefault(form, entry)
        forms = sorted(self.name_forms, key=len, reverse=True)  # "Andrey Vlasov" before "Vlasov"
        self.name_pattern = re.compile(
            "|".join(rf"(?<!\w){re.escape(form)}(?!\w)" for form in forms)) if forms else None

    def write_documents(self, docnames: Iterable[str]) -> None:
        outdir = Path(self.outdir)
        (outdir / TEI_DIR).mkdir(parents=True, exist_ok=True)
        all_notes: list[dict] = []
        chapters_data: list[dict] = []
        for docname in self.chapters:
            context = Context(self, docname, edition=False)
            document = self.chapter_document(docname, context)
            self.write_tei(outdir / TEI_DIR / f"{docname}.xml", document)
            all_notes += context.notes
            chapters_data.append(self.chapter_data(docname, document))
        self.write_tei(outdir / TEI_DIR / f"{EDITION_ID}.xml", self.edition_document())
        availability = self.config.edition_tei_availability or AVAILABILITY_PLACEHOLDER
        sources = [json_export.source_record(self.config, record) for record in self.chapters.values()]
        json_export.write_json(outdir, json_export.edition_document(
            self.config, availability, sources, chapters_data, all_notes, self.registers,
            self.chronology_data(), [json_export.csl_item(entry) for entry in self.entries.values()]))

    def write_tei(self, path: Path, document: etree._Element) -> None:
        tree = etree.ElementTree(document)
        path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True))
        logger.info("wrote %s", path.relative_to(self.outdir))

    # -- The header ------------------------------------------------------------------------------

    def header(self, context: Context, title: etree._Element, sources: list[etree._Element], address: str,
               extent: str = "") -> etree._Element:
        config = self.config
        editors = [tei("respStmt", tei("resp", "edited by"), tei("orgName", name)) for name in config.edition_editors]
        availability = self.availability(context)
        return tei(
            "teiHeader",
            tei("fileDesc",
                tei("titleStmt", *title, *editors),
                tei("editionStmt", tei("edition", f"Version {config.release}", n=config.release)),
                tei("extent", extent) if extent else None,
                tei("publicationStmt",
                    tei("publisher", tei("orgName", config.edition_publisher)),
                    tei("date", config.edition_year, when=config.edition_year if iso_date(config.edition_year) else None),
                    tei("idno", address, type="URL"),
                    availability),
                tei("sourceDesc", *sources)),
            tei("encodingDesc", self.editorial_principles(context)),
            tei("profileDesc", tei("langUsage", tei("language", "English", ident="en"))),
            self.revisions(context),
        )

    def availability(self, context: Context) -> etree._Element:
        """The licence of each layer of the edition (``rights.py``), then the rights of each source text
        the file holds: a ``licence`` where the text has one of its own, a ``p`` where it is quoted."""
        config = self.config
        statement = config.edition_tei_availability or AVAILABILITY_PLACEHOLDER
        records = list(self.chapters.values()) if context.edition else [self.chapters[context.docname]]
        if not config.edition_tei_availability:
            status = "unknown"
        else:
            status = "free" if all(record.rights_basis == "licence" for record in records) else "restricted"
        element = tei("availability", tei("p", statement), status=status)
        for scope, item in rights.edition_layers(config):
            element.append(tei("licence", f"{scope}: {item.name}", target=item.url))
        for record in records:
            text = rights.source_statement(record)
            if record.rights_licence:
                element.append(tei("licence", text, target=rights.licence(record.rights_licence).url))
            else:
                element.append(tei("p", text))
        return element

    def source_description(self, record: SeedRecord, xml_id: str) -> etree._Element:
        """The witness: what the seed manifest records of the page the text was copied from."""
        bibl = tei("bibl", tei("title", record.title), type="witness", xml_id=xml_id)
        for name in record.named_authors:
            bibl.append(tei("author", self.agent_name(name)))
        for name in record.source_editors:
            bibl.append(tei("editor", self.agent_name(name)))
        bibl.append(tei("publisher", record.publisher))
        bibl.append(tei("date", record.date, when=iso_date(record.date) or None))
        if record.url != "unknown":
            bibl.append(tei("ptr", target=record.url))
        else:
            bibl.append(tei("note", "The address of the page is not known.", type="address"))
        bibl.append(tei("idno", record.sha256, type="SHA-256"))
        bibl.append(tei("note", record.kind, type="kind"))
        bibl.append(tei("note", record.origin, type="origin"))
        bibl.append(tei("note", record.rights, type="rights"))
        return bibl

    @staticmethod
    def agent_name(name: str) -> etree._Element:
        if "," not in name:
            return tei("orgName", name)
        family, given = (part.strip() for part in name.split(",", 1))
        return tei("persName", tei("forename", given), " ", tei("surname", family))

    def editorial_principles(self, context: Context) -> etree._Element:
        """``encodingDesc``: the principles as docs/method.md states them, one ``p`` per paragraph."""
        declaration = tei("editorialDecl")
        doctree = self.env.get_doctree("method") if "method" in self.env.found_docs else None
        principles = next((section for section in doctree.findall(nodes.section)
                           if "method-principles" in section["ids"]), None) if doctree else None
        for section in (principles.findall(nodes.section) if principles is not None else []):
            if section is principles:
                continue
            first = True
            for child in section.children:
                if isinstance(child, nodes.paragraph):
                    paragraph = tei("p")
                    if first:
                        paragraph.append(tei("hi", f"{section[0].astext()}.", rend="bold"))
                        append_text(paragraph, " ")
                        first = False
                    self.inline(child, paragraph, context)
                    declaration.append(paragraph)
                elif isinstance(child, (nodes.bullet_list, nodes.enumerated_list)):
                    paragraph = tei("p")
                    self.block(child, paragraph, context)
                    declaration.append(paragraph)
        if not len(declaration):
            declaration.append(tei("p", "The editorial principles are stated in the edition's method page."))
        declaration.append(tei("p", "Encoding: paragraphs keep the ids of the published addresses (p1, p2 … for "
                                    "the text, f1, f2 … for web-page furniture, marked fw); notes are note "
                                    "elements at their marker, typed by kind; citations are bibl with a ptr into "
                                    "the bibliography and the locator as citedRange; dated events are date "
                                    "elements with @when, pointing to the chronology."))
        return declaration

    def revisions(self, context: Context) -> etree._Element:
        """``revisionDesc``: one ``change`` per version of the changelog, newest first."""
        revision = tei("revisionDesc")
        changelog = self.config.edition_changelog
        if changelog in self.env.found_docs:
            top = next(iter(self.env.get_doctree(changelog).findall(nodes.section)), None)
            for section in (top.children if top is not None else []):
                if not isinstance(section, nodes.section):
                    continue
                heading = section[0].astext()
                match = re.match(r"Version (\S+) \((\d{4}-\d{2}-\d{2})\)", heading)
                if not match:
                    continue
                change = tei("change", n=match.group(1), when=match.group(2))
                for child in section.children[1:]:
                    self.block(child, change, context)
                revision.append(change)
        if not len(revision):
            revision.append(tei("change", f"Version {self.config.release}", n=self.config.release))
        return revision

    # -- The text --------------------------------------------------------------------------------

    def chapter_document(self, docname: str, context: Context) -> etree._Element:
        record = self.chapters[docname]
        title = [tei("title", record.title, level="a", type="main"),
                 tei("title", book_title(self.config), level="m")]
        text = self.chapter_text(docname, context)
        text.set(XML_ID, docname)
        sources = [self.source_description(record, f"source-{docname}")]
        header = self.header(context, title, sources, page_url(self.config, docname))
        back = text.find(f"{{{TEI_NS}}}back")
        if back is None:
            back = tei("back")
            text.append(back)
        self.apparatus(back, context, only=docname)
        return tei("TEI", header, text)

    def edition_document(self) -> etree._Element:
        context = Context(self, "", edition=True)
        group = tei("group")
        for docname in self.chapters:
            context.docname = docname
            text = self.chapter_text(docname, context)
            text.set(XML_ID, docname)
            text.set("decls", f"#source-{docname}")
            text.set("type", "chapter")
            group.append(text)
        context.docname = ""
        sources = [self.source_description(record, f"source-{docname}") for docname, record in self.chapters.items()]
        title = [tei("title", self.config.project, type="main"),
                 tei("title", self.config.edition_subtitle, type="sub")]
        header = self.header(context, title, sources, base_url(self.config),
                             extent=f"{len(self.chapters)} source texts with their notes")
        back = tei("back")
        self.apparatus(back, context, only=None)
        return tei("TEI", header, tei("text", group, back))

    def chapter_text(self, docname: str, context: Context) -> etree._Element:
        """``text`` with the headnote in ``front``, the reading text in ``body``, the rest in ``back``."""
        doctree = self.env.get_doctree(docname)
        context.footnotes = {ident: footnote for footnote in doctree.findall(nodes.footnote)
                             for ident in footnote["ids"]}
        top = next(iter(doctree.findall(nodes.section)))
        front, body, back = tei("front"), tei("body"), tei("back")
        loose = tei("div", type="edition")  # a chapter without sections: its text straight under the title
        for section in top.children:
            if not isinstance(section, nodes.section):
                if not isinstance(section, (nodes.title, *DROPPED)):
                    self.block(section, loose, context)
                continue
            if any(section.findall(reading_text)):
                where, kind = body, "edition"
            elif any(ident.endswith("-headnote") for ident in section["ids"]):
                where, kind = front, "headnote"
            else:
                where, kind = back, "apparatus"
            where.append(self.section(section, context, kind))
        if len(loose):
            body.insert(0, loose)
        for ident, footnote in context.footnotes.items() if not context.edition else ():
            if ident not in context.emitted_notes:
                logger.warning("note %r has no marker in the text, so the TEI cannot place it", ident,
                               location=footnote, type="edition", subtype="tei")
        text = tei("text", front if len(front) else None, body, back if len(back) else None)
        return text

    def section(self, section: nodes.section, context: Context, kind: str) -> etree._Element:
        div = tei("div", type=kind, xml_id=section["ids"][0] if section["ids"] else None)
        for child in section.children:
            self.block(child, div, context)
        return div

    def block(self, node: nodes.Node, parent: etree._Element, context: Context) -> None:
        """A block-level node into ``parent`` (a div, a note, a change, an item)."""
        if isinstance(node, DROPPED):
            return
        if isinstance(node, nodes.title):
            parent.append(self.inline(node, tei("head"), context))
        elif isinstance(node, nodes.section):
            parent.append(self.section(node, context, "section"))
        elif isinstance(node, furniture):
            context.furniture_label = node["label"]
            for child in node.children:
                self.block(child, parent, context)
            context.furniture_label = ""
        elif isinstance(node, nodes.paragraph):
            parent.append(self.paragraph(node, context))
        elif isinstance(node, (nodes.bullet_list, nodes.enumerated_list)):
            items = tei("list", rend="bulleted" if isinstance(node, nodes.bullet_list) else "numbered")
            for item in node.children:
                element = tei("item")
                paragraphs = [child for child in item.children if isinstance(child, nodes.paragraph)]
                if len(paragraphs) == len(item.children) == 1:
                    self.inline(paragraphs[0], element, context)
                else:
                    for child in item.children:
                        self.block(child, element, context)
                items.append(element)
            parent.append(items)
        elif isinstance(node, nodes.literal_block):
            parent.append(tei("ab", node.astext(), type="code"))
        elif isinstance(node, nodes.Element):
            for child in node.children:  # containers: the headnote, the reading text
                self.block(child, parent, context)

    def paragraph(self, node: nodes.paragraph, context: Context) -> etree._Element:
        ident = node["ids"][0] if node["ids"] else ""
        if node.get("seed_line") is not None and ident:
            context.paragraph = ident
            xml_id = context.local_id(context.docname, ident)
            if node.get("furniture"):
                element = tei("fw", type="furniture", subtype=slug(context.furniture_label),
                              n=context.furniture_label, xml_id=xml_id)
            else:
                element = tei("p", xml_id=xml_id, n=ident[1:])
            context.verbatim = True
            self.inline(node, element, context)
            context.paragraph, context.verbatim = "", False
            return element
        if "cite-chicago" in node["classes"] or "cite-paragraph" in node["classes"]:
            # The "Cite this chapter" section renders citeproc-py's note as raw HTML or LaTeX; here as text.
            record = self.chapters[context.docname]
            if "cite-chicago" in node["classes"]:
                return tei("p", render_note(chapter_record(self.config, record), html=False))
            template = paragraph_citation_template(self.config, record, html=False)
            return tei("p", EXAMPLE_PARAGRAPH.join(template))
        return self.inline(node, tei("p"), context)

    def inline(self, node: nodes.Element, element: etree._Element, context: Context) -> etree._Element:
        """The children of ``node`` as mixed content of ``element``."""
        for child in node.children:
            self.phrase(child, element, context)
        return element

    def phrase(self, node: nodes.Node, parent: etree._Element, context: Context) -> None:
        if isinstance(node, nodes.Text):
            if context.verbatim and not context.furniture_label:
                self.names(node.astext(), parent, context)
            else:  # MyST keeps the line breaks of the editors' Markdown; in their prose they are spaces.
                append_text(parent, node.astext().replace("\n", " "))
        elif isinstance(node, DROPPED):
            return
        elif isinstance(node, nodes.footnote_reference):
            self.note(node, parent, context)
        elif isinstance(node, addnodes.pending_xref):
            self.reference(node, parent, context)
        elif isinstance(node, event_mention):
            parent.append(self.event_date(node, context))
        elif isinstance(node, note_basis):
            parent.append(tei("seg", node.astext(), type="basis", subtype=slug(node["basis"])))
        elif isinstance(node, nodes.emphasis):
            parent.append(self.inline(node, tei("hi", rend="italic"), context))
        elif isinstance(node, nodes.strong):
            parent.append(self.inline(node, tei("hi", rend="bold"), context))
        elif isinstance(node, nodes.literal):
            parent.append(tei("code", node.astext()))
        elif isinstance(node, nodes.reference):
            uri = node.get("refuri") or (f"#{node['refid']}" if node.get("refid") else "")
            parent.append(self.inline(node, tei("ref", target=uri), context) if uri else self.inline(node, parent, context))
        elif isinstance(node, nodes.Element):
            self.inline(node, parent, context)

    def names(self, text: str, parent: etree._Element, context: Context) -> None:
        """The reading text's words, each name of the registers as persName, placeName or orgName
        pointing to its entry: the forms the index of names finds, where it finds them (name_index.py)."""
        if self.name_pattern is None:
            append_text(parent, text)
            return
        position = 0
        for match in self.name_pattern.finditer(text):
            entry = self.name_forms[match.group(0)]
            context.named.add(entry.name)
            append_text(parent, text[position:match.start()])
            parent.append(tei(REGISTER_LISTS[entry.category][2], match.group(0), ref=f"#{entry.ident}"))
            position = match.end()
        append_text(parent, text[position:])

    def note(self, reference: nodes.footnote_reference, parent: etree._Element, context: Context) -> None:
        """The note itself, at its marker: ``@type`` its kind, ``xml:id`` its locked id."""
        ident = reference.get("refid", "")
        footnote = context.footnotes.get(ident)
        if footnote is None:
            return
        if ident in context.emitted_notes:  # a second marker of the same note points to it
            parent.append(tei("ptr", type="noteAnchor", target=f"#{ident}"))
            return
        context.emitted_notes.add(ident)
        kinds = [node["kind"] for node in footnote.findall(note_kind)]
        note = tei("note", type=kinds[0] if kinds else None, xml_id=ident, n=reference.astext(), place="foot")
        paragraph = context.paragraph
        citations: list[dict] = []
        references: list[str] = []
        outer = context.citations, context.references
        context.citations, context.references = citations, references
        outer_verbatim, context.verbatim = context.verbatim, False
        for child in footnote.children:
            self.block(child, note, context)
        (context.citations, context.references), context.verbatim = outer, outer_verbatim
        if len(note) and note[0].text:
            note[0].text = note[0].text.lstrip()  # the space after the kind, which @type carries
        parent.append(note)
        if not context.edition and context.docname:
            bases = [node["basis"] for node in footnote.findall(note_basis)]
            context.notes.append({
                "id": ident, "chapter": context.docname, "paragraph": paragraph, "kind": kinds[0] if kinds else "",
                "number": reference.astext(), "text": plain_text(note), "basis": bases[0] if bases else None,
                "citations": citations,
                "references": list(dict.fromkeys(references)),
                "address": page_url(self.config, context.docname, ident),
            })

    def reference(self, node: addnodes.pending_xref, parent: etree._Element, context: Context) -> None:
        domain = node.get("refdomain")
        if domain == "cite":
            targets = list(parse_citation_targets(node["reftarget"]))
            append_text(parent, "[")
            for number, target in enumerate(targets):
                if number:
                    append_text(parent, "; ")
                context.cited_keys.setdefault(target.key)
                bibl = tei("bibl", target.pre + " " if target.pre else None,
                           tei("ptr", target=f"#bib-{target.key}"), self.labels.get(target.key, target.key))
                if target.post:
                    append_text(bibl, ", ")
                    bibl.append(tei("citedRange", target.post))
                parent.append(bibl)
                if context.citations is not None:
                    context.citations.append({"key": target.key, "label": self.labels.get(target.key, target.key),
                                      "locator": target.post or None, "prefix": target.pre or None})
            append_text(parent, "]")
            return
        entry = self.register_entries.get(node.get("reftarget", "")) if node.get("register") else None
        if entry is not None:  # {person}`...`, {place}`...`, {org}`...`: the name, pointing into the back
            context.named.add(entry.name)
            parent.append(tei(REGISTER_LISTS[entry.category][2], node.astext(), ref=f"#{entry.ident}"))
            return
        if domain == "std" and node.get("reftype") in ("ref", "doc"):
            std = self.env.domains.standard_domain
            target_name = node["reftarget"]
            if node["reftype"] == "doc":
                docname = target_name.lstrip("/")
                ident, title = "", self.env.titles[docname].astext() if docname in self.env.titles else docname
            else:
                docname, ident, title = std.labels.get(target_name, (None, "", target_name))
                if docname is None and target_name in std.anonlabels:
                    docname, ident = std.anonlabels[target_name]
            text = node.astext() if node.get("refexplicit") else title
            if docname is None:
                append_text(parent, text)
                return
            parent.append(tei("ref", text, target=context.target(docname, ident)))
            if context.references is not None:
                context.references.append(page_url(self.config, docname, ident))
            return
        self.inline(node, parent, context)

    def event_date(self, node: event_mention, context: Context) -> etree._Element:
        key = node["event"]
        _docname, when, _line = self.env.edition_event_defs.get(key, ("", "", 0))
        ident = node["ids"][0] if node["ids"] else None
        return tei("date", node.astext(), when=when or None, corresp=f"#event-{key}",
                   xml_id=context.local_id(context.docname, ident) if ident else None)

    # -- The back: bibliography, registers, chronology --------------------------------------------

    def apparatus(self, back: etree._Element, context: Context, only: str | None) -> None:
        """Chronology, registers and bibliography; for a chapter, what the chapter refers to."""
        events = self.event_list(context, only)
        registers = self.register_lists(only, context)
        if registers is not None:
            back.append(registers)
        if events is not None:
            back.append(events)
        # Last: the text, the header and the chronology's accounts have cited what a chapter lists.
        keys = list(self.entries) if only is None else list(context.cited_keys)
        bibliography = tei("listBibl", *(self.bibl(key) for key in keys if key in self.entries))  # biblStruct
        back.append(tei("div", tei("head", "Bibliography"), bibliography, type="bibliography"))

    def event_list(self, context: Context, only: str | None) -> etree._Element | None:
        mentions = getattr(self.env, "edition_events", {})
        wanted = None if only is None else {mention["event"] for mention in mentions.get(only, [])}
        chronology = self.config.edition_chronology
        if chronology not in self.env.found_docs:
            return None
        doctree = self.env.get_doctree(chronology)
        events = tei("listEvent")
        saved_docname = context.docname
        context.docname = ""
        for section in doctree.findall(nodes.section):
            if "dated-event" not in section["classes"]:
                continue
            key = section["ids"][0].removeprefix("event-")
            if wanted is not None and key not in wanted:
                continue
            title = section[0].astext().split(" — ", 1)[-1]
            event = tei("event", tei("head", title), when=section.get("date") or None, xml_id=section["ids"][0])
            for child in section.children[1:]:
                if isinstance(child, nodes.paragraph):
                    event.append(self.inline(child, tei("p"), context))
            if len(event) == 1:
                event.append(tei("p", title))
            for docname in self.chapters:
                for mention in mentions.get(docname, []):
                    if mention["event"] == key:
                        context.docname = saved_docname
                        event.append(tei("ptr", type="mention", target=context.target(docname, mention["id"])))
                        context.docname = ""
            events.append(event)
        context.docname = saved_docname
        if not len(events):
            return None
        return tei("div", tei("head", "Chronology"), events, type="chronology")

    def register_lists(self, only: str | None, context: Context) -> etree._Element | None:
        if not self.registers:
            return None
        mentioned = None
        if only is not None:
            mentioned = context.named | {entry[1] for node in self.env.get_doctree(only).findall(addnodes.index)
                                         for entry in node["entries"] if entry[0] == "single"}
        div = tei("div", tei("head", "Registers of persons, places and organisations"), type="registers")
        for category, (list_tag, entry_tag, name_tag) in REGISTER_LISTS.items():
            entries = [entry for entry in self.registers if entry.category == category
                       and (mentioned is None or entry.name in mentioned)]
            if not entries:
                continue
            listing = tei(list_tag)
            for entry in entries:
                element = tei(entry_tag, tei(name_tag, entry.name, type="standard"), xml_id=entry.ident)
                for form in dict.fromkeys([*entry.forms, *entry.see]):
                    if form != entry.name:
                        element.append(tei(name_tag, form, type="variant"))
                for authority, value in entry.authority_ids.items():
                    element.append(tei("idno", value, type=authority))
                if entry.identification:
                    element.append(tei("note", entry.identification, type="identification"))
                listing.append(element)
            div.append(listing)
        return div if len(div) > 1 else None

    def bibl(self, key: str) -> etree._Element:
        """A bibliography entry as ``biblStruct``, from its CSL-JSON record (one conversion for TEI
        and JSON): the part cited (a chapter, an article) in ``analytic``, the book, journal or site
        in ``monogr`` with its ``imprint``."""
        item = json_export.csl_item(self.entries[key])
        record = tei("biblStruct", type=item["type"], xml_id=f"bib-{key}", n=self.labels.get(key, key))
        has_part = "container-title" in item
        monogr = tei("monogr")
        if has_part:
            record.append(tei("analytic", *self.names_of(item, "author"), tei("title", item["title"], level="a")))
            monogr.extend(self.names_of(item, "editor"))
            level = "j" if item["type"] == "article-journal" else "m"
            monogr.append(tei("title", item["container-title"], level=level))
        else:
            monogr.extend([*self.names_of(item, "author"), *self.names_of(item, "editor")])
            monogr.append(tei("title", item["title"], level="m"))
        for field_name, idno_type in (("ISBN", "ISBN"), ("DOI", "DOI")):
            if item.get(field_name):
                monogr.append(tei("idno", item[field_name], type=idno_type))
        if item.get("edition"):
            monogr.append(tei("edition", item["edition"]))
        imprint = tei("imprint")
        if item.get("publisher-place"):
            imprint.append(tei("pubPlace", item["publisher-place"]))
        if item.get("publisher"):
            imprint.append(tei("publisher", item["publisher"]))
        imprint.append(self.csl_date(item.get("issued", {}), None))
        if item.get("accessed"):
            imprint.append(self.csl_date(item["accessed"], "access"))
        for field_name, unit in (("volume", "volume"), ("issue", "issue"), ("page", "page")):
            if item.get(field_name):
                imprint.append(tei("biblScope", item[field_name], unit=unit))
        monogr.append(imprint)
        record.append(monogr)
        if item.get("collection-title"):
            record.append(tei("series", tei("title", item["collection-title"], level="s")))
        if item.get("URL"):
            record.append(tei("ptr", target=item["URL"]))
        if item.get("note"):
            record.append(tei("note", item["note"]))
        return record

    @staticmethod
    def names_of(item: dict, role: str) -> list[etree._Element]:
        """CSL names as TEI: a person as persName with surname and forename, a body as orgName."""
        elements = []
        for name in item.get(role, []):
            if "literal" in name:
                elements.append(tei(role, tei("orgName", name["literal"])))
            else:
                person = tei("persName", tei("surname", name["family"]))
                if name.get("given"):
                    append_text(person, ", ")
                    person.append(tei("forename", name["given"]))
                elements.append(tei(role, person))
        return elements

    @staticmethod
    def csl_date(date: dict, kind: str | None) -> etree._Element:
        if "date-parts" in date:
            when = "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(date["date-parts"][0]))
            return tei("date", when, when=when, type=kind)
        return tei("date", date.get("literal", "n.d."), type=kind)

    # -- Data for the JSON -------------------------------------------------------------------------

    def chapter_data(self, docname: str, document: etree._Element) -> dict:
        paragraphs = []
        for element in document.iter(f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}fw"):
            ident = element.get(XML_ID)
            if not ident or not PARAGRAPH_ID.match(ident):
                continue
            paragraphs.append({"id": ident, "furniture": element.get("n") if element.tag.endswith("fw") else None,
                               "text": reading_words(element),
                               "address": page_url(self.config, docname, ident)})
        return {"id": docname, "title": self.chapters[docname].title, "address": page_url(self.config, docname),
                "tei": f"{TEI_DIR}/{docname}.xml", "paragraphs": paragraphs}

    def chronology_data(self) -> list[dict]:
        events = []
        mentions = getattr(self.env, "edition_events", {})
        std = self.env.domains.standard_domain
        for key, (docname, date, _line) in sorted(self.env.edition_event_defs.items(), key=lambda item: item[1][1]):
            title = std.labels.get(f"event-{key}", ("", "", key))[2].removeprefix(date).strip()
            events.append({
                "id": f"event-{key}", "date": date, "title": title,
                "address": page_url(self.config, docname, f"event-{key}"),
                "mentions": [{"chapter": chapter, "paragraph": mention["paragraph"], "words": mention["words"],
                              "id": mention["id"], "address": page_url(self.config, chapter, mention["id"])}
                             for chapter in self.chapters for mention in mentions.get(chapter, [])
                             if mention["event"] == key],
            })
        return events


def reading_words(element: etree._Element) -> str:
    """A paragraph's own words: its text without the notes at its markers."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != f"{{{TEI_NS}}}note":
            parts.append(reading_words(child))
        parts.append(child.tail or "")
    return "".join(parts)


def setup(app: Sphinx) -> None:
    # The rights of the edition's layers; rights.py fills it from edition_licences unless conf.py sets it.
    app.add_config_value("edition_tei_availability", "", "env", str)
    app.add_config_value("edition_chronology", "chronology", "env", str)
    app.add_builder(TEIBuilder)
