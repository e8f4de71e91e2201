"""Bibliography file check: bibliography.bib is read strictly, and every entry earns its place.

sphinxcontrib-bibtex stops with a traceback and no file name on a syntax error, reports a repeated
key without its line, and silently drops an entry that nothing cites.  This module reads the files
first and names ``bibliography.bib:LINE`` for each problem: a syntax error (the build stops), a
repeated key, a field the entry's type requires (a record a librarian can find the work by), a
missing or unknown ``authority`` class, a malformed date, a web address without the date it was
consulted, and (once all chapters are read) an entry that no chapter cites.
"""

from __future__ import annotations

import re
from pathlib import Path

from pybtex.database import BibliographyDataError
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Fields each entry type must have ("a|b": either one), after BibTeX's standard styles and what
#: a library catalogue needs to find the work.  An unsigned article or web page has no author.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "address", "year"),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "address", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "address", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "mastersthesis": ("author", "title", "school", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "misc": ("title", "year"),
    "online": ("title", "url", "year"),
}
#: Every entry: what kind of work it is, and which group of the bibliography page lists it.
COMMON_FIELDS = ("authority", "keywords")
#: The ``authority`` classes (see editorial/notes.py for which of them can carry a correction).
AUTHORITY_CLASSES = ("source", "scholarship", "primary", "institution", "reference", "popular")
#: Imprint fields that may stay empty when no catalogue, publisher or book-trade record shows
#: them: the entry names them in ``unverified`` and its ``note`` says what was searched.
UNVERIFIABLE = ("address", "publisher", "year")
#: ``year = {n.d.}`` says explicitly that the work shows no date.
YEAR = re.compile(r"^(\d{4}|n\.d\.)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ENTRY_START = re.compile(r"^\s*@\s*(\w+)\s*[{(]\s*([^,\s]+)\s*,", re.M)


def _bibfiles(app: Sphinx) -> list[Path]:
    return [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles]


def entry_lines(text: str) -> dict[str, list[int]]:
    """Every key (lower-cased, as BibTeX compares them) and the lines its entries start on."""
    lines: dict[str, list[int]] = {}
    for match in ENTRY_START.finditer(text):
        if match.group(1).lower() in ("comment", "preamble", "string"):
            continue
        lines.setdefault(match.group(2).lower(), []).append(text.count("\n", 0, match.start()) + 1)
    return lines


def check_bibfiles(app: Sphinx) -> None:
    """``builder-inited``, before sphinxcontrib-bibtex parses the same files."""
    for path in _bibfiles(app):
        if not path.is_file():
            continue  # sphinxcontrib-bibtex names a missing file itself
        text = path.read_text(encoding=app.config.bibtex_encoding)
        lines = entry_lines(text)
        for key, starts in lines.items():
            for line in starts[1:]:
                logger.warning("repeated bibliography key %r (first entry at line %d)", key, starts[0],
                               location=f"{path}:{line}", type="edition", subtype="bibliography")
        try:
            data = Parser(encoding=app.config.bibtex_encoding).parse_string(text)
        except PybtexSyntaxError as exc:
            logger.error("%s", exc, location=f"{path}:{exc.lineno}", type="edition", subtype="bibliography")
            # sphinxcontrib-bibtex would now fail on the same file with a traceback that names
            # neither file nor line, and Sphinx prints a bug-report banner for any exception, even
            # a SphinxError: stop here, after the one clear message.
            raise SystemExit(2) from exc
        except BibliographyDataError:
            continue  # a repeated key, reported above with its line
        for key, entry in data.entries.items():
            line = lines.get(key.lower(), [0])[0]
            for problem in record_problems(entry):
                logger.warning("@%s entry %r %s", entry.type, key, problem,
                               location=f"{path}:{line}", type="edition", subtype="bibliography")


def record_problems(entry) -> list[str]:
    """What a catalogue-grade record of this entry lacks, each as a phrase."""
    required = REQUIRED_FIELDS.get(entry.type.lower(), ()) + COMMON_FIELDS
    fields = {name.lower(): value for name, value in entry.fields.items()}
    present = set(fields) | {role.lower() for role in entry.persons}
    problems = []
    unverified = {name.strip() for name in fields.get("unverified", "").split(",") if name.strip()}
    missing = [need for need in required
               if not any(name in present or name in unverified for name in need.split("|"))]
    if missing:
        problems.append("lacks " + ", ".join(missing).replace("|", " or ")
                        + " (or name it in 'unverified' and say in 'note' what was searched)")
    if unverified - set(UNVERIFIABLE):
        problems.append(f"has unverified {', '.join(sorted(unverified - set(UNVERIFIABLE)))}; only "
                        f"{', '.join(UNVERIFIABLE)} may stay unverified")
    if unverified and "note" not in fields:
        problems.append("leaves fields unverified without a note saying what was searched")
    authority = fields.get("authority")
    if authority is not None and authority not in AUTHORITY_CLASSES:
        problems.append(f"has authority {authority!r}; use one of: {', '.join(AUTHORITY_CLASSES)}")
    if "year" in fields and not YEAR.match(fields["year"]):
        problems.append(f"has year {fields['year']!r}; give four digits, or n.d. when the work shows no date")
    if fields.get("year") == "n.d." and "urldate" not in fields:
        problems.append("has no date (n.d.) and no urldate: give the date it was consulted, YYYY-MM-DD")
    elif "url" in fields and "urldate" not in fields:
        problems.append("has a url but no urldate (the date it was consulted, YYYY-MM-DD)")
    if "urldate" in fields and not ISO_DATE.match(fields["urldate"]):
        problems.append(f"has urldate {fields['urldate']!r}; write it YYYY-MM-DD")
    return problems


def check_uncited(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: an entry nothing cites is dead weight or a forgotten citation."""
    domain = env.get_domain("cite")
    cited = {citation.key.lower() for citation in getattr(domain, "citations", [])}
    for path in _bibfiles(app):
        if not path.is_file():
            continue
        for key, starts in entry_lines(path.read_text(encoding=app.config.bibtex_encoding)).items():
            if key not in cited:
                logger.warning("bibliography entry %r is cited nowhere; cite it or remove it", key,
                               location=f"{path}:{starts[0]}", type="edition", subtype="bibliography")


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", check_bibfiles, priority=400)
    app.connect("env-check-consistency", check_uncited)
