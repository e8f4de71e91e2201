"""The chronology: dated events, each with the words in which every source dates it.

The reading text marks a dating with ``{event}`the source's words <event-key>```; the editors
define each event once with a ``dated-event`` directive (``docs/chronology.md``).  At resolve time
every event lists, and links to, the places that mention it, so where the sources differ the
reader sees it; the events are put in date order whatever order they were typed in.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import make_refnode, split_explicit_title

from .manifest import seeds
from .paragraphs import paragraph_label
from .reading import enclosing

logger = logging.getLogger(__name__)


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


# -- Environment bookkeeping -----------------------------------------------------------------------

def init_env(app: Sphinx, env: BuildEnvironment, *args) -> None:
    for name in ("edition_events", "edition_event_defs"):
        if not hasattr(env, name):
            setattr(env, name, {})


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env.edition_events_changed = True  # type: ignore[attr-defined]
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


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the chronology's pages, when any page was read again (its mentions may have
    moved); otherwise an incremental build would leave their tables of mentions as they were."""
    changed = getattr(env, "edition_events_changed", False)
    env.edition_events_changed = False  # type: ignore[attr-defined]
    defs = getattr(env, "edition_event_defs", {})
    return sorted({docname for docname, _date, _line in defs.values()}) if changed else []


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


def resolve_event_tables(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
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
    app.add_node(dated_event)
    app.add_node(event_mention, html=(visit_event_mention_html, depart_event_mention_html),
                 latex=(visit_event_mention_latex, depart_event_mention_latex))
    app.add_directive("dated-event", DatedEventDirective)
    app.add_role("event", EventRole())
    app.add_transform(CollectEvents)
    app.add_transform(SortChronology)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-check-consistency", check_event_keys)
    app.connect("env-updated", pages_to_rewrite)
    app.connect("doctree-resolved", resolve_event_tables)
