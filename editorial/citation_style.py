"""The edition's citation style: one label per work, the same in the notes and the bibliography.

sphinxcontrib-bibtex's author-year references print "Wikipedia contributors, n.d." for every
Wikipedia article, and its bibliography numbers the same works [L1], [L2]: a reader cannot tell
works apart, nor match a note to its entry in print.  This module gives pybtex and
sphinxcontrib-bibtex the edition's own plugins instead of post-processing their output:

* a *label style*: ``Konev 2008``, ``Anders 1953a``/``1953b`` for one author's works of one year
  (letters counted over the whole bibliography, not one group), and ``Wikipedia, ‘Prague
  uprising’`` for corporate authors, reference works and unsigned pages (``shortauthor`` and
  ``shorttitle`` fields shorten them; ``shorthand`` overrides the label);
* a *sorting style*: by label, so a reader finds an entry where its label says;
* a *formatting style*: each entry type the way a librarian expects it (place: publisher, year;
  translator; edition; ISBN; "consulted in an online copy"; the web page's own date, once; the
  date of access), printing nothing twice;
* a *referencing style*: the label in brackets, several labels separated by semicolons (labels
  may contain commas).

Two works with one label are an error named at both entries' lines.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.database import Entry, Person
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.formatting import toplevel
from pybtex.style.template import (
    FieldIsMissing,
    field,
    first_of,
    href,
    join,
    node,
    optional,
    optional_field,
    sentence,
    tag,
    words,
)
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle
from sphinx.util import logging

from .bibliography import entry_lines

logger = logging.getLogger(__name__)

STYLE_NAME = "edition"
#: A label a reader can carry from a note to the bibliography, and that fits on a PDF line.
LONGEST_LABEL = 60
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTH_ABBREVIATIONS = {name[:3].lower(): number for number, name in enumerate(MONTHS, 1)}
NO_DATE = "n.d."


# -- Labels ------------------------------------------------------------------------------------

def plain(latex: str) -> str:
    """A field's LaTeX (braces, ``--``, escapes) as the text a reader sees."""
    return Text.from_latex(latex).render_as("text")


def is_corporate(person: Person) -> bool:
    """``{Auschwitz-Birkenau State Museum}``: one braced name, no given names."""
    return not (person.first_names or person.middle_names) and len(person.last_names) == 1 \
        and person.last_names[0].startswith("{") and person.last_names[0].endswith("}")


def surname(person: Person) -> str:
    return plain(" ".join(person.prelast_names + person.last_names))


def _names(entry: Entry) -> list[Person]:
    return entry.persons.get("author") or entry.persons.get("editor") or []


def _title_label(entry: Entry) -> str:
    persons = _names(entry)
    body = entry.fields.get("shortauthor") or (plain(str(persons[0])) if persons else "") \
        or entry.fields.get("organization") or entry.fields.get("publisher") or ""
    title = plain(entry.fields.get("shorttitle") or entry.fields.get("title", entry.key))
    quoted = f"\N{LEFT SINGLE QUOTATION MARK}{title}\N{RIGHT SINGLE QUOTATION MARK}"
    return f"{plain(body)}, {quoted}" if body else quoted


def base_label(entry: Entry) -> tuple[str, bool]:
    """The label before a/b letters, and whether it is an author-date label that may take one."""
    if "shorthand" in entry.fields:
        return plain(entry.fields["shorthand"]), False
    persons = _names(entry)
    if not persons or any(is_corporate(person) for person in persons) or "shortauthor" in entry.fields:
        return _title_label(entry), False
    names = [surname(person) for person in persons]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {entry.fields.get('year', NO_DATE)}", True


def edition_labels(entries: dict[str, Entry]) -> dict[str, str]:
    """Every key's label; one author's several works of one year get a, b, … by title."""
    groups: dict[str, list[tuple[str, Entry]]] = defaultdict(list)
    dated: dict[str, bool] = {}
    for key, entry in entries.items():
        label, lettered = base_label(entry)
        groups[label].append((key, entry))
        dated[label] = lettered
    labels = {}
    for label, members in groups.items():
        if len(members) == 1 or not dated[label]:
            for key, _ in members:
                labels[key] = label
            continue
        members.sort(key=lambda member: sort_key(plain(member[1].fields.get("title", ""))))
        for letter, (key, _) in zip("abcdefghijklmnopqrstuvwxyz", members):
            labels[key] = f"{label}-{letter}" if label.endswith(NO_DATE) else f"{label}{letter}"
    return labels


def sort_key(text: str) -> str:
    """Alphabetical order a reader expects: case, accents and quotation marks ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[\u0300-\u036f‘’“”'\"«»\[\]()]", "", decomposed).strip()


#: The labels of the bibliography being built, set at ``builder-inited``.  pybtex creates its
#: styles without arguments, so a class attribute is the one place they can read them from.
class EditionLabelStyle(BaseLabelStyle):
    labels: dict[str, str] = {}

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        for entry in sorted_entries:
            yield self.labels.get(entry.key) or base_label(entry)[0]


class EditionSortingStyle(BaseSortingStyle):
    def sorting_key(self, entry: Entry) -> tuple[str, str]:
        label = EditionLabelStyle.labels.get(entry.key) or base_label(entry)[0]
        return sort_key(label), entry.key


# -- Formatting --------------------------------------------------------------------------------

def _day_month_year(iso: str) -> str:
    """``2026-11-23`` → ``23 November 2026``; ``2002-10`` → ``October 2002``."""
    parts = [int(part) for part in iso.split("-")]
    if len(parts) == 3:
        return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


@node
def date_text(children, data):
    """The work's own date, once: ``21 October 2002``, ``last updated …``, or ``n.d.``."""
    assert not children
    fields = data["entry"].fields
    year = fields.get("year", NO_DATE)
    if year == NO_DATE and "year" in fields.get("unverified", ""):
        raise FieldIsMissing("year", data["entry"])  # "Year not verified" says it, once
    if year == NO_DATE:
        return Text(NO_DATE)
    month = fields.get("month", "")
    number = MONTH_ABBREVIATIONS.get(month[:3].lower()) if month and not month.isdigit() else \
        (int(month) if month else None)
    shown = str(year)
    if number:
        shown = f"{MONTHS[number - 1]} {year}"
        if fields.get("day"):
            shown = f"{int(fields['day'])} {shown}"
    if fields.get("datetype") == "updated":
        shown = f"last updated {shown}"
    return Text(shown)


@node
def accessed(children, data):
    """``accessed 23 November 2026`` from the ISO ``urldate``."""
    assert not children
    entry = data["entry"]
    if "urldate" not in entry.fields:
        raise FieldIsMissing("urldate", entry)
    return Text("accessed ", _day_month_year(entry.fields["urldate"]))


UNVERIFIED_NAMES = {"author": "author", "address": "place", "publisher": "publisher", "year": "year"}


@node
def unverified(children, data):
    """``Place and year not verified by the editors.`` for the imprint fields no record showed."""
    assert not children
    entry = data["entry"]
    names = [UNVERIFIED_NAMES.get(name.strip(), name.strip())
             for name in entry.fields.get("unverified", "").split(",") if name.strip()]
    if not names:
        raise FieldIsMissing("unverified", entry)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return Text(listed[0].upper() + listed[1:], " not verified by the editors")


def dashify(text: Text) -> Text:
    return Text(Symbol("ndash")).join(text.split(re.compile(r"-+")))


class EditionStyle(UnsrtStyle):
    """Chicago-like bibliography entries, one template per entry type."""

    default_label_style = STYLE_NAME
    default_sorting_style = STYLE_NAME
    default_name_style = "lastfirst"  # "Anders, Władysław": found where a catalogue files it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._formatted: dict[tuple[str, int], tuple[Entry, object]] = {}

    def format_entry(self, label, entry, bib_data=None):
        """Format each entry once per style object.

        sphinxcontrib-bibtex 2.7 formats every entry twice at every build, with the same style
        object: for the bibliography and for the citation's tooltip (``bibtex_tooltips``, with
        ``bibtex_tooltips_style`` left empty), which was half the bibliography's cost.  pybtex's
        formatted entries are not changed by their users, so the second call returns the first
        result.  The entry itself is kept beside it, so that an ``id()`` reused by another entry
        can never return a stale result.
        """
        key = (label, id(entry))
        cached = self._formatted.get(key)
        if cached is not None and cached[0] is entry and bib_data is None:
            return cached[1]
        formatted = super().format_entry(label, entry, bib_data=bib_data)
        if bib_data is None:
            self._formatted[key] = (entry, formatted)
        return formatted

    def format_title(self, e, which_field, as_sentence=True):
        # Titles as the work spells them (pybtex's plain style lower-cases all but the first
        # word), in quotation marks with the sentence's full stop inside them.
        title = join[field(which_field), optional[" ", field("titleaddon")]]
        if as_sentence:
            return join["\N{LEFT DOUBLE QUOTATION MARK}", title, ".\N{RIGHT DOUBLE QUOTATION MARK}"]
        return join["\N{LEFT DOUBLE QUOTATION MARK}", title, "\N{RIGHT DOUBLE QUOTATION MARK}"]

    def format_btitle(self, e, which_field, as_sentence=True):
        title = join(sep=" ")[tag("em")[field(which_field)], optional_field("titleaddon")]
        return sentence[title] if as_sentence else title

    def translation(self):
        return optional[
            sentence[join(sep=" ")["Translated", optional["from ", field("origlanguage")], "by",
                                   self.format_names("translator", as_sentence=False)]]
        ]

    def original(self):
        return optional[sentence[join(sep=" ")["Original title:", tag("em")[field("origtitle")],
                                               optional["(", field("origyear"), ")"]]]]

    def imprint(self):
        """``Cambridge: Cambridge University Press, 1987``."""
        return sentence[join(sep=", ")[
            join(sep=": ")[optional_field("address"), optional_field("publisher")], optional[date_text]]]

    def identifiers(self, e):
        return optional[sentence[join(sep=". ")[
            optional[self.format_isbn(e)], optional[self.format_doi(e)]]]]

    def format_web_refs(self, e):
        return optional[sentence[join(sep=" ")[
            href(field("url", raw=True))[field("url", raw=True)],
            optional["(", accessed, ")"],
        ]]]

    def series(self):
        return optional[sentence[join(sep=", ")[optional_field("series"), optional[words["vol.", field("volume")]]]]]

    def notes(self):
        return join(sep=" ")[optional[sentence[unverified]], sentence[optional_field("note")]]

    def get_book_template(self, e):
        return toplevel[
            self.format_author_or_editor(e),
            self.format_btitle(e, "title"),
            self.translation(),
            self.original(),
            optional[sentence[field("edition")]],
            self.series(),
            self.imprint(),
            self.identifiers(e),
            self.notes(),
            self.format_web_refs(e),
        ]

    def get_incollection_template(self, e):
        return toplevel[
            optional[sentence[self.format_names("author")]],
            self.format_title(e, "title"),
            sentence[join(sep=", ")[
                words["In", tag("em")[field("booktitle")]],
                optional[words["edited by", self.format_names("editor", as_sentence=False)]],
                optional[field("volume")],
                optional[field("pages", apply_func=dashify)],
            ]],
            self.translation(),
            self.imprint(),
            self.identifiers(e),
            self.notes(),
            self.format_web_refs(e),
        ]

    def get_article_template(self, e):
        return toplevel[
            optional[sentence[self.format_names("author")]],
            self.format_title(e, "title"),
            sentence[join(sep=", ")[
                tag("em")[field("journal")],
                optional[words["vol.", field("volume")]],
                optional[words["no.", field("number")]],
                optional[date_text],
                optional[words["pp.", field("pages", apply_func=dashify)]],
            ]],
            self.identifiers(e),
            self.notes(),
            self.format_web_refs(e),
        ]

    def get_online_template(self, e):
        return toplevel[
            optional[sentence[self.format_names("author")]],
            self.format_title(e, "title"),
            sentence[join(sep=", ")[optional_field("organization"), optional_field("howpublished"), optional[date_text]]],
            self.notes(),
            self.format_web_refs(e),
        ]

    def get_misc_template(self, e):
        return toplevel[
            optional[sentence[self.format_names("author")]],
            self.format_title(e, "title"),
            sentence[join(sep=", ")[optional_field("howpublished"), optional_field("publisher"), optional[date_text]]],
            self.notes(),
            self.format_web_refs(e),
        ]


# -- References in the text --------------------------------------------------------------------

@dataclasses.dataclass
class EditionReferenceStyle(LabelReferenceStyle):
    """``[Konev 2008]``; several: ``[Konev 2008; Wikipedia, ‘Prague uprising’]``."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=lambda: BracketStyle(sep="; "))
    bracket_textual: BracketStyle = dataclasses.field(default_factory=lambda: BracketStyle(sep="; "))
    bracket_label: BracketStyle = dataclasses.field(default_factory=lambda: BracketStyle(sep="; "))


# -- Wiring ------------------------------------------------------------------------------------

def compute_labels(app: Sphinx) -> None:
    """``builder-inited``, after sphinxcontrib-bibtex has read the .bib files: label every entry,
    and name both entries wherever two works would share a label."""
    entries = app.env.get_domain("cite").bibdata.data.entries
    labels = edition_labels(dict(entries))
    EditionLabelStyle.labels = labels
    keys_by_label: dict[str, list[str]] = defaultdict(list)
    for key, label in labels.items():
        keys_by_label[label].append(key)
    clashes = {label: keys for label, keys in keys_by_label.items() if len(keys) > 1}
    too_long = {key: label for key, label in labels.items() if len(label) > LONGEST_LABEL}
    if not clashes and not too_long:
        return
    lines: dict[str, tuple[Path, int]] = {}
    for name in app.config.bibtex_bibfiles:
        path = (Path(app.confdir) / name).resolve()
        if path.is_file():
            for key, starts in entry_lines(path.read_text(encoding=app.config.bibtex_encoding)).items():
                lines.setdefault(key, (path, starts[0]))
    for label, keys in sorted(clashes.items()):
        for key in keys:
            path, line = lines.get(key.lower(), ("bibliography", 0))
            others = ", ".join(repr(other) for other in keys if other != key)
            logger.warning("the label %r of %r also stands for %s; give one a distinct shorttitle, "
                           "shortauthor or shorthand", label, key, others,
                           location=f"{path}:{line}", type="edition", subtype="bibliography")
    for key, label in sorted(too_long.items()):
        path, line = lines.get(key.lower(), ("bibliography", 0))
        logger.warning("the label %r of %r is longer than %d characters; give it a shorttitle or shortauthor",
                       label, key, LONGEST_LABEL, location=f"{path}:{line}", type="edition", subtype="bibliography")


def setup(app: Sphinx) -> None:
    pybtex.plugin.register_plugin("pybtex.style.labels", STYLE_NAME, EditionLabelStyle, force=True)
    pybtex.plugin.register_plugin("pybtex.style.sorting", STYLE_NAME, EditionSortingStyle, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, EditionStyle, force=True)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", STYLE_NAME, EditionReferenceStyle, force=True)
    app.connect("builder-inited", compute_labels, priority=600)
