"""Pinpoint citations: a reader who follows a citation of a book lands on the page.

"[Dallin 1957]" sends a reader into a book of seven hundred pages.  Every citation of a paged
work (a book, a chapter, an article, a report, a thesis, a printed collection of documents) must
therefore say where in it the claim stands, in sphinxcontrib-bibtex's own post-text, which it
prints after the label: ``{cite:p}`mamadaliev2017{103}``` gives "[Mamadaliev 2017, 103]".  A locator is
one of

* pages, bare, as in an author-date reference: ``419``, ``196–199``, ``63, 67``, ``xii``,
  ``87 n. 3``;
* a division named by its abbreviation, where the copy read has no printed pages or the work is
  numbered otherwise: ``ch. 7``, ``sec. "Title"``, ``doc. 525``, ``no. 12``, ``app. IV``,
  ``n. 14``, ``fol. 3``, ``col. 2``, ``pt. 2``, ``vol. 2``, ``para. 4``, ``§ 3``, ``s.v. Vlasov``;
* the passage's opening words, quoted (``«Первая дивизия формировалась»``), where the copy read
  shows neither printed pages nor chapter titles: a phrase a reader can search for;
* ``not seen``: the work is named because the source cites it, and the editors could not
  consult it (*non vidi*); no claim of the note rests on it.

Web pages and reference works (``authority = {reference}``) are exempt.  A citation of a paged
work without a locator, or with one the rule cannot read, is a warning at the citation's file
and line, so the strict build fails there.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

logger = logging.getLogger(__name__)

#: BibTeX and biblatex entry types whose works have pages (or numbered documents) to point to.
PAGED_TYPES = frozenset({
    "book", "mvbook", "inbook", "bookinbook", "incollection", "collection", "mvcollection",
    "article", "periodical", "report", "techreport", "thesis", "phdthesis", "mastersthesis",
    "inproceedings", "proceedings", "booklet", "manual",
})
#: ``authority`` classes cited by article name (s.v.) rather than by page: encyclopaedias.
EXEMPT_AUTHORITIES = frozenset({"reference"})
NOT_SEEN = "not seen"

_PAGE = r"(?:\d+[a-z]?|[ivxlcdm]+)"
_PAGES = rf"{_PAGE}(?:–{_PAGE})?(?: n{{1,2}}\. \d+(?:–\d+)?)?"
#: Abbreviations a locator may open with, each followed by what it points to.
DIVISIONS = ("ch.", "sec.", "doc.", "no.", "app.", "n.", "nn.", "fol.", "col.", "pt.", "vol.", "para.",
             "§", "s.v.")
LOCATOR = re.compile(
    rf"^(?:{_PAGES}(?:, {_PAGES})*"
    rf"|(?:{'|'.join(re.escape(division) for division in DIVISIONS)}) \S.*"
    r"|«[^»]+»|“[^”]+”|\"[^\"]+\""
    rf"|{NOT_SEEN})$"
)


def needs_locator(entry_type: str, authority: str) -> bool:
    """Whether a citation of an entry of this type and authority class must say where."""
    return entry_type.lower() in PAGED_TYPES and authority not in EXEMPT_AUTHORITIES


def locator_problem(locator: str) -> str:
    """Why a locator is not one the rule reads, or "" when it is."""
    if LOCATOR.match(locator):
        return ""
    if re.match(r"^pp?\.\s", locator):
        return "give pages bare, as the label's year is given: '419', not 'p. 419'"
    if re.search(r"\d-\d", locator):
        return "join a page range with an en dash: '196–199'"
    return ("a locator is pages ('419', '196–199'), a division ('ch. 7', 'doc. 525', 'sec. \"Title\"', "
            "'§ 3', 's.v. Vlasov'), the passage's opening words in quotation marks, or 'not seen'")


def citation_lines(doctree: nodes.document) -> dict[int, str]:
    """``file:line`` of each citation (by node id), read from the source.

    MyST gives every role of a footnote or paragraph the line where that block starts; the
    citation's own line is the one, from there on, that holds its written text (the n-th such
    place for the n-th citation of the block with that text)."""
    source = doctree["source"]
    source_lines = Path(source).read_text(encoding="utf-8").splitlines()
    seen: dict[tuple[int, str], int] = {}
    found = {}
    for ref in doctree.findall(addnodes.pending_xref):
        if ref.get("refdomain") != "cite" or not ref.line:
            continue
        written = f"`{ref['reftarget']}`"
        nth = seen[ref.line, written] = seen.get((ref.line, written), 0) + 1
        for number in range(ref.line - 1, len(source_lines)):
            nth -= source_lines[number].count(written)
            if nth <= 0:
                found[id(ref)] = f"{source}:{number + 1}"
                break
    return found


def check_locators(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: every citation of a paged work carries a locator the rule reads."""
    entries = app.env.get_domain("cite").bibdata.data.entries
    lines = citation_lines(doctree)
    for ref in doctree.findall(addnodes.pending_xref):
        if ref.get("refdomain") != "cite":
            continue
        for target in parse_citation_targets(ref["reftarget"]):
            entry = entries.get(target.key)
            if entry is None:
                continue  # sphinxcontrib-bibtex names the unknown key itself
            locator = target.post.strip()
            if locator:
                problem = locator_problem(locator)
                if problem:
                    logger.warning("citation of %r has the locator %r: %s", target.key, locator, problem,
                                   location=lines.get(id(ref), ref), type="edition", subtype="locator")
            elif needs_locator(entry.type, entry.fields.get("authority", "")):
                logger.warning("citation of %r (%s) has no locator: add the page, section or document "
                               "where the claim stands, e.g. {cite:p}`%s{419}`, or {%s} if the editors "
                               "did not see the work", target.key, entry.type, target.key, NOT_SEEN,
                               location=lines.get(id(ref), ref), type="edition", subtype="locator")


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", check_locators)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
