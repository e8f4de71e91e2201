"""The registers of persons, places and organisations: their page, the roles that point into it,
and the entries as data for the TEI and the JSON.

The file is read and checked by the index's own loader (``name_index.load_registers``), so that
the register page, the TEI, the JSON and the printed index list the same entries with the same
forms.  ``{person}`vlasov```, ``{place}`...``` and ``{org}`...``` link a note to an entry of the
page the ``registers`` directive writes; an unknown key stops a strict build at the note's line.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .name_index import CATEGORIES, RegisterEntry, env_registers
from .name_index import load_registers as load_checked_registers

logger = logging.getLogger(__name__)

__all__ = ["CATEGORIES", "RegisterEntry", "load_registers", "slug"]

#: Letters that Unicode does not decompose into a base letter and a mark ("Władysław").
UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae"})
#: The role for each register, and the register it names.
ROLES = {"person": "persons", "place": "places", "org": "organisations"}
HEADINGS = {"persons": "Persons", "places": "Places", "organisations": "Organisations"}


def slug(text: str) -> str:
    """"Vlasov, Andrei Andreyevich" -> "vlasov-andrei-andreyevich": an XML name, ASCII only."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSED)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def load_registers(path: Path) -> list[RegisterEntry]:
    """Every entry of the registers, with its category, in the file's order."""
    return load_checked_registers(path).entries


def register_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{person}`vlasov``` or ``{person}`Vlasov <vlasov>```: a link to the entry in the register
    page; the text shown is the given title, or else the entry's standard form."""
    env = inliner.document.settings.env
    category = ROLES[name]
    match = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", text, re.S)
    title, key = (match.group(1), match.group(2).strip()) if match else ("", text.strip())
    entry = env_registers(env).by_key(category).get(key)
    if entry is None:
        logger.warning("unknown %s entry %r: no [%s.%s] in %s", name, key, category, key,
                       env.config.edition_registers, location=(env.docname, lineno),
                       type="edition", subtype="register")
        return [nodes.inline(rawtext, title or key)], []
    reference = addnodes.pending_xref(rawtext, refdomain="std", reftype="ref", reftarget=entry.ident,
                                      refexplicit=True, refwarn=True, register=category)
    reference += nodes.inline(rawtext, title or entry.name, classes=["register-name", name])
    return [reference], []


class RegistersDirective(SphinxDirective):
    """The register page: each entry under its register, with its forms, dates, identification and
    the records of the authority files; each is an index entry, so the index links to it."""

    has_content = False
    option_spec: dict = {}

    def run(self) -> list[nodes.Node]:
        registers = env_registers(self.env)
        self.env.note_dependency(str(registers.path))
        output: list[nodes.Node] = []
        for category, heading in HEADINGS.items():
            entries = [entry for entry in registers.entries if entry.category == category]
            if not entries:
                continue
            output.append(nodes.rubric("", heading, classes=["register-heading"]))
            listing = nodes.definition_list(classes=["register", category])
            for entry in entries:
                listing += self.item(entry)
            output.append(listing)
        return output

    def item(self, entry: RegisterEntry) -> nodes.definition_list_item:
        target = nodes.target("", "", ids=[entry.ident], names=[entry.ident])
        self.state.document.note_explicit_target(target)
        index = addnodes.index(entries=[("single", entry.name, entry.ident, "main", None)], inline=False)
        term = nodes.term("", "", target, index, nodes.strong("", entry.name))
        if entry.original or entry.transliteration:  # "(Власов, Андрей Андреевич, Vlasov, Andrej Andreevič)"
            term += nodes.Text(" (")
            if entry.original:
                term += nodes.inline("", entry.original, classes=["register-original"])
            if entry.original and entry.transliteration:
                term += nodes.Text(", ")
            term += nodes.Text(entry.transliteration)
            term += nodes.Text(")")
        if entry.dates:
            term += nodes.Text(f", {entry.dates}")
        definition = nodes.definition()
        line = nodes.paragraph()
        if entry.identification:
            line += nodes.Text(entry.identification)
        forms = [form for form in dict.fromkeys([*entry.forms, *entry.see]) if form != entry.name]
        if forms:
            line += nodes.Text(" In the texts: ")
            for number, form in enumerate(forms):
                line += nodes.Text(", " if number else "")
                line += nodes.emphasis("", form)
            line += nodes.Text(".")
        for number, (label, value, address) in enumerate(entry.authority_links()):
            line += nodes.Text(" " if number == 0 else " · ")
            line += nodes.reference("", label, refuri=address, classes=["authority-link"],
                                    reftitle=f"{label} {value}")
        definition += line
        return nodes.definition_list_item("", term, definition)


def index_authority_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The index page: under each register entry with authority ids, one small link per record
    ("Wikidata Q…", "GND …"), as sub-entries, so that the index itself leads to the records."""
    if pagename != "genindex" or "genindexentries" not in context:
        return
    by_name = {entry.name: entry for entry in env_registers(app.env).entries if entry.authority_ids}
    for _letter, entries in context["genindexentries"]:
        for name, (links, subitems, _key) in entries:
            entry = by_name.get(name)
            if entry is not None:
                subitems.extend((f"{label} {value}", [(False, address)])
                                for label, value, address in entry.authority_links())


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", index_authority_links)
    for role in ROLES:
        app.add_role(role, register_role)
    app.add_directive("registers", RegistersDirective)
