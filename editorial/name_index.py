"""The registers of persons, places and organisations, and the index of names built from them.

The names are registered once, in ``docs/registers.toml`` (``edition_registers``): each entry
with the forms the sources write, a standard form, dates, an identification and the authority
ids a record shows (issue 18, item 3).  This module is the one reader of that file: it checks it
(a malformed id or one id given to two entries stops a strict build at the file and line), and
gives every paragraph of the reading text that mentions an entry an index entry at its own
address, so the HTML index and the PDF's index point at paragraphs.  Variant spellings get a
"see" entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from .reading import reading_text

logger = logging.getLogger(__name__)

#: The register tables, and what each entry is called in TEI (and in its id: ``person-vlasov``).
CATEGORIES = {"persons": "person", "places": "place", "organisations": "org"}
#: The authority files an entry may name, with the form of their ids and the address of a record.
#: GND: the format constraint of Wikidata's property "GND ID" (P227): a person's or body's number
#: of 9 or 10 characters ending in a check digit or X, or an older SWD/GKD number with a hyphen.
AUTHORITIES = {
    "wikidata": ("Wikidata", re.compile(r"Q[1-9][0-9]*"), "https://www.wikidata.org/wiki/{}"),
    "gnd": ("GND", re.compile(r"1[012]?[0-9]{7}[0-9X]|[47][0-9]{6}-[0-9]|[1-9][0-9]{0,7}-[0-9X]|3[0-9]{7}[0-9X]"),
            "https://d-nb.info/gnd/{}"),
    "viaf": ("VIAF", re.compile(r"[1-9][0-9]{0,21}"), "https://viaf.org/viaf/{}"),
    "geonames": ("GeoNames", re.compile(r"[1-9][0-9]{0,9}"), "https://www.geonames.org/{}"),
}
#: The fields an entry may have; anything else is a typing error worth a warning.
FIELDS = {"name", "match", "see", "original", "transliteration", "dates", "identification", "note",
          "about_source", *AUTHORITIES, "source", *(f"{authority}_source" for authority in AUTHORITIES)}
KEY = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class RegisterEntry:
    """One person, place or organisation of the registers."""

    key: str  # the entry's key in the file, as the roles name it: {person}`vlasov`
    category: str  # persons, places or organisations
    name: str  # the standard form, as the index shows it
    forms: list[str]  # the forms the reading text writes, each found adds an index entry
    see: list[str]  # variant spellings that get a "see" entry
    original: str = ""  # the name in its own script, where that is not Latin
    transliteration: str = ""  # that name transliterated (scholarly, ISO 9 / ALA-LC-like)
    dates: str = ""  # life dates, or dates of existence
    identification: str = ""  # one line: who or what
    about_source: str = ""  # the record that carries the dates and the identification
    authority_ids: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # authority -> the record that shows the id
    line: int = 0  # where the entry begins in the file

    @property
    def ident(self) -> str:
        """The entry's id in the register page, the TEI and the JSON: ``person-vlasov``."""
        return f"{CATEGORIES[self.category]}-{self.key}"

    def authority_links(self) -> list[tuple[str, str, str]]:
        """(label, id, address of the record) for each authority id, in the order of AUTHORITIES."""
        return [(AUTHORITIES[authority][0], value, AUTHORITIES[authority][2].format(value))
                for authority, value in self.authority_ids.items()]


@dataclass(frozen=True)
class Registers:
    """The entries of the file, and what is wrong with it, each problem with its line."""

    path: Path
    entries: list[RegisterEntry]
    problems: list[tuple[int, str]]

    def by_key(self, category: str) -> dict[str, RegisterEntry]:
        return {entry.key: entry for entry in self.entries if entry.category == category}


def field_lines(text: str) -> dict[tuple[str, str, str], int]:
    """The line of each table header and of each field in it: (category, key, field) -> line.

    tomllib keeps no positions; the register file is a plain run of ``[category.key]`` tables with
    ``field = value`` lines, so a line scan finds them (the table itself under field "")."""
    lines: dict[tuple[str, str, str], int] = {}
    table = ("", "")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r'\s*\[\s*([A-Za-z_-]+)\s*\.\s*"?([^"\]]+?)"?\s*\]', line)
        if header:
            table = (header.group(1), header.group(2))
            lines.setdefault((*table, ""), number)
            continue
        assignment = re.match(r"\s*([A-Za-z_-]+)\s*=", line)
        if assignment:
            lines.setdefault((*table, assignment.group(1)), number)
    return lines


def load_registers(path: Path) -> Registers:
    """Read and check the register file: the entries in the file's order, and its problems."""
    text = path.read_text(encoding="utf-8")
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        return Registers(path, [], [(int(line.group(1)) if line else 0, f"not valid TOML: {error}")])
    lines = field_lines(text)
    entries: list[RegisterEntry] = []
    problems: list[tuple[int, str]] = []
    holders: dict[tuple[str, str], str] = {}  # (authority, id) -> the entry that has it
    for category in tables:
        if category not in CATEGORIES:
            problems.append((lines.get((category, "", ""), 1),
                             f"unknown register table [{category}]; use one of: {', '.join(CATEGORIES)}"))
    for category in CATEGORIES:
        for key, table in tables.get(category, {}).items():
            line = lines.get((category, key, ""), 0)
            where = f"[{category}.{key}]"
            if not KEY.fullmatch(key):
                problems.append((line, f"{where}: an entry's key is lower-case letters, digits and hyphens"))
            if not isinstance(table, dict):
                problems.append((line, f"{where} is not a table"))
                continue
            for name in sorted(set(table) - FIELDS):
                problems.append((lines.get((category, key, name), line), f"{where}: unknown field {name!r}"))
            if not table.get("name"):
                problems.append((line, f"{where} has no standard form (name = ...)"))
            ids: dict[str, str] = {}
            sources: dict[str, str] = {}
            for authority, (label, pattern, _address) in AUTHORITIES.items():
                if authority not in table:
                    continue
                value = str(table[authority]).strip()
                at = lines.get((category, key, authority), line)
                if not pattern.fullmatch(value):
                    problems.append((at, f"{where}: malformed {label} id {value!r}"))
                    continue
                holder = holders.setdefault((authority, value), where)
                if holder != where:
                    problems.append((at, f"{where}: {label} id {value} is already given to {holder}"))
                    continue
                source = table.get(f"{authority}_source") or table.get("source")
                if not source:
                    problems.append((at, f"{where}: {label} id {value} without a source (the record that shows it)"))
                    continue
                ids[authority] = value
                sources[authority] = str(source)
            entries.append(RegisterEntry(
                key=key, category=category, name=str(table.get("name", key)),
                forms=list(table.get("match", [])), see=list(table.get("see", [])),
                original=table.get("original", ""), transliteration=table.get("transliteration", ""),
                dates=str(table.get("dates", "")), identification=table.get("identification", ""),
                about_source=str(table.get("about_source", "")),
                authority_ids=ids, sources=sources, line=line))
    return Registers(path, entries, problems)


def registers_path(app_or_env) -> Path | None:
    """The register file of this project, or None if it names none."""
    config, srcdir = app_or_env.config, app_or_env.srcdir
    return Path(srcdir) / config.edition_registers if config.edition_registers else None


def env_registers(env) -> Registers:
    """The registers, read once per build (the file is an env dependency of every reading page)."""
    path = registers_path(env)
    cached = getattr(env, "_edition_registers", None)
    if cached is None or cached.path != path:
        cached = load_registers(path) if path and path.is_file() else Registers(path or Path(), [], [])
        env._edition_registers = cached
    return cached


def paragraph_words(paragraph: nodes.paragraph) -> str:
    """The paragraph's text with each note marker as a space: "von Geldern[^vm-byline]" must
    read "von Geldern " (its marker "1" would otherwise glue to the name and hide it)."""
    parts = []
    for text in paragraph.findall(nodes.Text):
        inside_marker = any(isinstance(parent, nodes.footnote_reference)
                            for parent in _ancestors(text, paragraph))
        parts.append(" " if inside_marker else text.astext())
    return "".join(parts)


def _ancestors(node: nodes.Node, stop: nodes.Node):
    parent = node.parent
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parent


class IndexNames(SphinxTransform):
    """Add an index entry, at the paragraph, for every registered name the reading text mentions."""

    default_priority = 804  # after paragraph numbering: entries point at paragraph ids

    def apply(self, **kwargs) -> None:
        path = registers_path(self.env)
        if path is None:
            return
        self.env.note_dependency(str(path))
        terms = [(entry.name, entry.forms, entry.see) for entry in env_registers(self.env).entries]
        for container in self.document.findall(reading_text):
            for paragraph in container.findall(nodes.paragraph):
                if not paragraph["ids"] or paragraph.get("furniture"):
                    continue
                text = paragraph_words(paragraph)
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


def check_registers(app: Sphinx) -> None:
    """Report each problem of the register file at its file and line (``-W`` stops the build)."""
    path = registers_path(app)
    if path is None:
        return
    if not path.is_file():
        logger.warning("register file %s not found (edition_registers)", path,
                       type="edition", subtype="register")
        return
    app.env._edition_registers = None  # re-read: the file may have changed since the last build
    for line, problem in env_registers(app.env).problems:
        logger.warning(problem, location=f"{path}:{line}", type="edition", subtype="register")


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_registers", "", "env", str)
    app.add_transform(IndexNames)
    app.connect("builder-inited", check_registers)
