"""The edition's citation style: bibliography entries as a librarian expects them, citations as a reader follows them.

This module gives pybtex and sphinxcontrib-bibtex the edition's own plugins instead of
post-processing their output:

* a *formatting style*: each entry type the way a librarian expects it (place: publisher, year;
  translator; edition; ISBN; "consulted in an online copy"; the web page's own date, once; the
  date of access), printing nothing twice;
* a *referencing style*: the label in brackets (:mod:`editorial.citation_labels` makes the
  labels), several labels separated by semicolons (labels may contain commas), each followed by
  its locator (:mod:`editorial.locators` checks them): ``[Mamadaliev 2017, 103; Wikipedia, ‘KONR’]``.
"""

from __future__ import annotations

import dataclasses
import re

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.richtext import Symbol, Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import (
    FieldIsMissing,
    field,
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

from . import bibliography_cache
from .citation_labels import NO_DATE, STYLE_NAME

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
MONTH_ABBREVIATIONS = {name[:3].lower(): number for number, name in enumerate(MONTHS, 1)}


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

    def format_entry(self, label, entry, bib_data=None):
        """Format each entry once, across builds (:mod:`editorial.bibliography_cache`).

        sphinxcontrib-bibtex 2.7 formats every entry at every build, and twice, with the same
        style object: for the bibliography and for the citation's tooltip (``bibtex_tooltips``,
        with ``bibtex_tooltips_style`` left empty).  Both calls, in this build and in the next,
        get the one formatted entry kept under the entry's content, its label and the style's
        fingerprint; pybtex's formatted entries are not changed by their users.
        """
        if bib_data is not None:  # cross-references resolved against other entries: not kept
            return super().format_entry(label, entry, bib_data=bib_data)
        return bibliography_cache.store.get_or_format(
            self, label, entry, lambda: super(EditionStyle, self).format_entry(label, entry))

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


def setup(app: Sphinx) -> dict:
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, EditionStyle, force=True)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", STYLE_NAME, EditionReferenceStyle, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
