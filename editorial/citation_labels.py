"""The edition's labels: one label per work, the same in the notes and the bibliography.

sphinxcontrib-bibtex's author-year references print "Wikipedia contributors, n.d." for every
Wikipedia article, and its bibliography numbers the same works [L1], [L2]: a reader cannot tell
works apart, nor match a note to its entry in print.  This module gives pybtex

* a *label style*: ``Konev 2008``, ``Anders 1953a``/``1953b`` for one author's works of one year
  (letters counted over the whole bibliography, not one group), and ``Wikipedia, ‘Prague
  uprising’`` for corporate authors, reference works and unsigned pages (``shortauthor`` and
  ``shorttitle`` fields shorten them; ``shorthand`` overrides the label);
* a *sorting style*: by label, so a reader finds an entry where its label says.

Two works with one label are an error named at both entries' lines.  The entries themselves are
formatted by :mod:`editorial.citation_style`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pybtex.plugin
from pybtex.database import Entry, Person
from pybtex.richtext import Text
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from sphinx.application import Sphinx
from sphinx.util import logging

from . import bibliography_cache
from .bibliography import entry_lines
from .bibliography_cache import entry_content

logger = logging.getLogger(__name__)

STYLE_NAME = "edition"
#: A label a reader can carry from a note to the bibliography, and that fits on a PDF line.
LONGEST_LABEL = 60
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


# -- Checking ------------------------------------------------------------------------------------

def compute_labels(app: Sphinx) -> None:
    """``builder-inited``, after sphinxcontrib-bibtex has read the .bib files: label every entry,
    and name both entries wherever two works would share a label."""
    entries = app.env.get_domain("cite").bibdata.data.entries
    # Labelling decodes every name and title through latexcodec (0.2 s for the edition): the
    # labels are kept with the formatted entries, under the content of all the entries.
    content = ("labels", tuple(entry_content(entry) for entry in entries.values()))
    labels = bibliography_cache.store.get_or_make(content, "labels", lambda: edition_labels(dict(entries)))
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


def setup(app: Sphinx) -> dict:
    pybtex.plugin.register_plugin("pybtex.style.labels", STYLE_NAME, EditionLabelStyle, force=True)
    pybtex.plugin.register_plugin("pybtex.style.sorting", STYLE_NAME, EditionSortingStyle, force=True)
    app.connect("builder-inited", compute_labels, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
