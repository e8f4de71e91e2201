"""The generated apparatus: list of notes, chronology of dated events, index of names.

Nothing here is typed by hand.  The list of notes is built from the typed notes that
:mod:`editorial.notes` records; the chronology from ``{event}`` roles in the reading text, grouped
under the editors' ``dated-event`` entries; the index from one registry of names
(``docs/index-terms.toml``) whose variants are found in the reading text.  Each generated entry
links to the place it comes from, in HTML and in the PDF.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import make_refnode, split_explicit_title

from .manifest import seeds
from .notes import NOTE_KINDS
from .paragraphs import paragraph_label
from .reading import enclosing, reading_text

logger = logging.getLogger(__name__)


# -- List of notes -------------------------------------------------------------------------------

class note_list(nodes.General, nodes.Element):
    """Placeholder replaced, once every chapter is read, by the list of notes."""


class NoteListDirective(SphinxDirective):
    """``{note-list}`` with ``:by: chapter`` (default) or ``:by: kind``."""

    option_spec = {"by": lambda value: directives.choice(value, ("chapter", "kind"))}

    def run(self) -> list[nodes.Node]:
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
    result.insert(0, _count_table(env, table_rows))
    return result


def _count_table(env: BuildEnvironment, rows: list[tuple[str, list[int]]]) -> nodes.table:
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
    group += [head, body]
    return table


# -- Chronology ----------------------------------------------------------------------------------

class event_mention(nodes.Inline, nodes.TextElement):
    """Words of the reading text that date an event; the text is the seed's, unchanged."""


class EventRole(SphinxRole):
    """``{event}`the source's words <event-key>```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        has_key, words, key = split_explicit_title(self.text)
        if not has_key:
            logger.warning("event role needs a key: {event}`words <event-key>`",
                           location=self.get_location(), type="edition", subtype="event")
        node = event_mention(words, words, event=key.strip(), classes=["event-mention"])
        self.set_source_info(node)
        return [node], []


class CollectEvents(SphinxTransform):
    """Record each dated mention with its paragraph, and give it an id to link to."""

    default_priority = 808

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        mentions = []
        for number, mention in enumerate(self.document.findall(event_mention), start=1):
            ident = f"event-{mention['event']}-{number}"
            mention["ids"].append(ident)
            paragraph = enclosing(mention, nodes.paragraph)
            mentions.append({
                "event": mention["event"], "words": mention.astext(), "id": ident,
                "paragraph": paragraph["ids"][0] if paragraph is not None and paragraph["ids"] else "",
                "line": mention.line or 0,
            })
        self.env.edition_events[docname] = mentions  # type: ignore[attr-defined]


class dated_event(nodes.General, nodes.Element):
    """An entry of the chronology; its table of mentions is filled in at resolve time."""


class DatedEventDirective(SphinxDirective):
    """``{dated-event} key`` with ``:date:`` (ISO) and ``:title:``; content: the editors' account."""

    required_arguments = 1
    has_content = True
    option_spec = {"date": directives.unchanged_required, "title": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        date = self.options.get("date", "")
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
            logger.warning("dated-event %r needs :date: as YYYY, YYYY-MM or YYYY-MM-DD", key,
                           location=self.get_location(), type="edition", subtype="event")
        self.env.edition_event_defs[key] = (self.env.docname, date, self.lineno)  # type: ignore[attr-defined]
        section = nodes.section(ids=[f"event-{key}"], names=[f"event-{key}"], classes=["dated-event"], date=date)
        section += nodes.title("", f"{date} — {self.options.get('title', key)}")
        section.extend(self.parse_content_to_nodes())
        placeholder = dated_event(event=key)
        self.set_source_info(placeholder)
        section += placeholder
        std = self.env.domains.standard_domain
        std.anonlabels[f"event-{key}"] = (self.env.docname, f"event-{key}")
        std.labels[f"event-{key}"] = (self.env.docname, f"event-{key}", f"{date} {self.options.get('title', key)}")
        return [section]


def build_event_table(app: Sphinx, node: dated_event, fromdocname: str) -> list[nodes.Node]:
    env = app.env
    rows = []
    for docname in seeds(env):
        for mention in getattr(env, "edition_events", {}).get(docname, []):
            if mention["event"] == node["event"]:
                rows.append((docname, mention))
    if not rows:
        logger.warning("dated-event %r is mentioned by no chapter", node["event"],
                       location=node, type="edition", subtype="event")
        return []
    distinct = {mention["words"] for _, mention in rows}
    intro = nodes.paragraph("", "How the sources put it" + (
        " (they differ):" if len(distinct) > 1 else ":"), classes=["event-sources"])
    items = nodes.bullet_list(classes=["event-mentions"])
    for docname, mention in rows:
        where = seeds(env)[docname].short_title
        if mention["paragraph"]:
            where += f", {paragraph_label(mention['paragraph'])}"
        paragraph = nodes.paragraph()
        paragraph += make_refnode(app.builder, fromdocname, docname, mention["id"], nodes.inline("", where))
        paragraph += nodes.Text(": “")
        paragraph += nodes.emphasis("", mention["words"])
        paragraph += nodes.Text("”")
        items += nodes.list_item("", paragraph)
    return [intro, items]


def check_event_keys(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: every mention names a defined event."""
    defined = getattr(env, "edition_event_defs", {})
    for docname, mentions in getattr(env, "edition_events", {}).items():
        for mention in mentions:
            if mention["event"] not in defined:
                logger.warning("event %r is not defined by any dated-event directive", mention["event"],
                               location=(docname, mention["line"]), type="edition", subtype="event")


# -- Index of names --------------------------------------------------------------------------------

def load_index_terms(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(normalised form, variants found in texts, variant spellings that get a "see" entry)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = []
    for category in ("persons", "places", "organisations"):
        for name, entry in data.get(category, {}).items():
            terms.append((name, entry.get("match", []), entry.get("see", [])))
    return terms


class IndexNames(SphinxTransform):
    """Add an index entry, at the paragraph, for every registered name the reading text mentions."""

    default_priority = 804  # after paragraph numbering: entries point at paragraph ids

    def apply(self, **kwargs) -> None:
        if not self.config.edition_index_terms:
            return
        path = Path(self.env.srcdir) / self.config.edition_index_terms
        self.env.note_dependency(str(path))
        terms = load_index_terms(path)
        for container in self.document.findall(reading_text):
            for paragraph in container.findall(nodes.paragraph):
                if not paragraph["ids"] or paragraph.get("furniture"):
                    continue
                text = paragraph.astext()
                entries = []
                for name, variants, see in terms:
                    for variant in variants:
                        if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", text):
                            entries.append(("single", name, paragraph["ids"][0], "", None))
                            entries += [("see", f"{spelling}; {name}", paragraph["ids"][0], "", None)
                                        for spelling in see if spelling in text]
                            break
                if entries:
                    index = addnodes.index(entries=entries, inline=False)
                    paragraph.insert(1, index)  # after the paragraph number


# -- Environment bookkeeping -----------------------------------------------------------------------

def init_env(app: Sphinx, env: BuildEnvironment, *args) -> None:
    for name in ("edition_events", "edition_event_defs"):
        if not hasattr(env, name):
            setattr(env, name, {})


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "edition_events", {}).pop(docname, None)
    defs = getattr(env, "edition_event_defs", {})
    for key in [k for k, v in defs.items() if v[0] == docname]:
        del defs[key]


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    init_env(app, env)
    for docname in docnames:
        if docname in getattr(other, "edition_events", {}):
            env.edition_events[docname] = other.edition_events[docname]
    env.edition_event_defs.update(
        {k: v for k, v in getattr(other, "edition_event_defs", {}).items() if v[0] in docnames})


def sort_chronology(document: nodes.document) -> None:
    """Put the dated-event sections of each parent in date order, whatever order they were typed in."""
    parents = {id(s.parent): s.parent for s in document.findall(nodes.section) if "dated-event" in s["classes"]}
    for parent in parents.values():
        events = [child for child in parent.children if "dated-event" in child.get("classes", [])]
        first = parent.index(events[0])
        for event in events:
            parent.remove(event)
        for offset, event in enumerate(sorted(events, key=lambda e: e["date"])):
            parent.insert(first + offset, event)


class SortChronology(SphinxTransform):
    """Put the chronology in date order while reading, so its table of contents is in order too."""

    default_priority = 809  # before the doctree-read event (880) collects the table of contents

    def apply(self, **kwargs) -> None:
        sort_chronology(self.document)


def resolve_placeholders(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for node in list(doctree.findall(note_list)):
        node.replace_self(build_note_list(app, node, fromdocname))
    for node in list(doctree.findall(dated_event)):
        node.replace_self(build_event_table(app, node, fromdocname))


def visit_event_mention_html(self, node: event_mention) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="event-mention"))


def depart_event_mention_html(self, node: event_mention) -> None:
    self.body.append("</span>")


def visit_event_mention_latex(self, node: event_mention) -> None:
    self.body.append(self.hypertarget(node["ids"][0], anchor=True) if node["ids"] else "")


def depart_event_mention_latex(self, node: event_mention) -> None:
    pass


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_index_terms", "", "env", str)
    app.add_node(note_list)
    app.add_node(dated_event)
    app.add_node(event_mention, html=(visit_event_mention_html, depart_event_mention_html),
                 latex=(visit_event_mention_latex, depart_event_mention_latex))
    app.add_directive("note-list", NoteListDirective)
    app.add_directive("dated-event", DatedEventDirective)
    app.add_role("event", EventRole())
    app.add_transform(IndexNames)
    app.add_transform(CollectEvents)
    app.add_transform(SortChronology)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_event_keys)
    app.connect("doctree-resolved", resolve_placeholders)
