"""End-to-end: what a scholar meets behind a note, in the built edition (HTML and PDF).

Each citation label stands for one work and is the label of that work's bibliography entry;
every correcting note rests on an authority or says that it does not; every record has the
fields a library needs and a date (or an explicit n.d.) with the date it was consulted.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from conftest import MANIFEST, ROOT, Edition
from editorial.bibliography import record_problems
from editorial.notes import AUTHORITATIVE, AUTHORITATIVE_FOR_SPELLING, CORRECTING_KINDS

CHAPTERS = list(MANIFEST)
BIBLIOGRAPHY = parse_file(str(ROOT / "bibliography.bib")).entries
CITE_ID = re.compile(r"^cite-\d+-(?P<key>.+)$")


def page(edition: Edition, name: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def entry_key(href: str) -> str:
    return CITE_ID.match(href.partition("#")[2])["key"]


@pytest.fixture(scope="module")
def bibliography_labels(edition) -> dict[str, str]:
    """label -> key, as the HTML bibliography page prints them."""
    labels: dict[str, str] = {}
    for entry in page(edition, "bibliography").select("div.citation[id]"):
        label = entry.select_one("span.label").get_text().removeprefix("[").removesuffix("]")
        assert label not in labels, f"the bibliography prints {label!r} for two entries"
        labels[label] = CITE_ID.match(entry["id"])["key"]
    return labels


@pytest.fixture(scope="module")
def cited_labels(edition) -> dict[str, set[str]]:
    """label -> the keys its links lead to, over every page that cites."""
    cited: dict[str, set[str]] = defaultdict(set)
    for html in edition.html.glob("*.html"):
        for link in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select(
                "span.bibtex-citation a[href*='#cite-']"):
            cited[link.get_text()].add(entry_key(link["href"]))
    return cited


def test_every_cited_label_names_exactly_one_work(cited_labels):
    assert cited_labels, "no citation found in the HTML"
    ambiguous = {label: keys for label, keys in cited_labels.items() if len(keys) > 1}
    assert not ambiguous
    keys_with_two_labels = defaultdict(set)
    for label, (key,) in cited_labels.items():
        keys_with_two_labels[key].add(label)
    assert not {key: labels for key, labels in keys_with_two_labels.items() if len(labels) > 1}


def test_bibliography_uses_the_labels_of_the_text(cited_labels, bibliography_labels):
    for label, (key,) in cited_labels.items():
        assert bibliography_labels.get(label) == key, label
    assert set(bibliography_labels.values()) == set(BIBLIOGRAPHY)
    assert not any(re.fullmatch(r"[SCL]\d+", label) for label in bibliography_labels)


def test_bibliography_groups_are_sorted_by_label(edition):
    from editorial.citation_labels import sort_key

    for group in page(edition, "bibliography").select("div.citation-list, div[role='list']"):
        labels = [label.get_text().strip("[]") for label in group.select("div.citation span.label")]
        assert labels == sorted(labels, key=sort_key)


def test_pdf_bibliography_prints_each_label_once_as_in_html(pdf_text, bibliography_labels):
    start = pdf_text.rindex("BIBLIOGRAPHY") if "BIBLIOGRAPHY" in pdf_text else pdf_text.rindex("Bibliography")
    bibliography = pdf_text[start:]
    for label in bibliography_labels:
        starts = re.findall(r"^" + re.escape(f"[{label}]"), bibliography, flags=re.M)
        assert len(starts) == 1, f"{label!r} begins {len(starts)} entries of the PDF's bibliography"


def test_pdf_bibliography_keeps_its_three_groups_in_order(pdf_text):
    bibliography = pdf_text[pdf_text.rindex("The sources"):]
    groups = [bibliography.index(heading) for heading in
              ("The sources", "Works the sources cite", "Literature and reference works")]
    assert groups == sorted(groups)
    first_entry = re.search(r"^\[", bibliography, flags=re.M).start()
    assert groups[0] < first_entry < groups[1], "no source is listed under 'The sources'"


def test_no_record_prints_its_date_twice(edition):
    for entry in page(edition, "bibliography").select("div.citation[id] p"):
        text = entry.get_text(" ", strip=True)
        assert not re.search(r"(\b\d{4}\b), \1\.", text), text


@pytest.mark.parametrize("key", CHAPTERS)
def test_every_correcting_note_rests_on_an_authority_or_says_it_does_not(edition, key):
    for note in page(edition, key).select("aside.edition-note"):
        kind = next((kind for kind in CORRECTING_KINDS if f"note-{kind}" in note["class"]), None)
        if kind is None:
            continue
        accepted = AUTHORITATIVE_FOR_SPELLING if kind == "spelling" else AUTHORITATIVE
        authorities = {BIBLIOGRAPHY[entry_key(link["href"])].fields["authority"]
                       for link in note.select("a[href*='#cite-']")}
        marked = note.select_one("span.note-basis") is not None
        assert marked != bool(authorities & set(accepted)), (note["id"], authorities, marked)
        if marked:
            assert "rests only on reference works" in note.select_one("span.note-basis").get_text()


def test_every_record_is_complete_and_dated():
    incomplete = {key: problems for key, entry in BIBLIOGRAPHY.items() if (problems := record_problems(entry))}
    assert not incomplete
    for key, entry in BIBLIOGRAPHY.items():
        assert entry.fields["year"] == "n.d." or re.fullmatch(r"\d{4}", entry.fields["year"]), key
        unverified = entry.fields.get("unverified", "")
        if "url" in entry.fields or (entry.fields["year"] == "n.d." and "year" not in unverified):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", entry.fields.get("urldate", "")), key


def test_books_are_recorded_as_books():
    """A record whose note says it is a book read in an online copy is a @book, not @misc."""
    for key, entry in BIBLIOGRAPHY.items():
        described = " ".join(entry.fields.get(name, "") for name in ("howpublished", "note")).lower()
        if "online copy" in described:
            assert entry.type in ("book", "incollection", "article"), key


# -- Pinpoint citations: a reader who follows a citation of a book finds the page ----------------

@pytest.fixture(scope="module")
def located_citations(edition) -> list[tuple[str, str, str, str]]:
    """(page, key, label, locator) for every citation link of the HTML; locator "" when none."""
    found = []
    for html in sorted(edition.html.glob("*.html")):
        for link in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").select(
                "span.bibtex-citation a[href*='#cite-']"):
            after = ""  # the text up to the next work or the closing bracket (Cyrillic runs are spans)
            for sibling in link.next_siblings:
                if getattr(sibling, "name", None) == "a":
                    break
                after += sibling if isinstance(sibling, str) else sibling.get_text()
            locator = re.match(r"^(?:, ([^;\]]+))?", after)[1] or ""
            found.append((html.stem, entry_key(link["href"]), link.get_text(), locator.strip()))
    return found


def test_every_citation_of_a_paged_work_carries_a_locator_in_the_html(located_citations):
    from editorial.locators import locator_problem, needs_locator

    paged = [(page, key, label, locator) for page, key, label, locator in located_citations
             if needs_locator(BIBLIOGRAPHY[key].type, BIBLIOGRAPHY[key].fields.get("authority", ""))]
    assert len(paged) > 50, "the edition cites fewer books and articles than it did"
    assert [citation for citation in paged if not citation[3]] == []
    assert [citation for citation in paged if locator_problem(citation[3])] == []
    located = [citation for citation in paged if citation[3] != "not seen"]
    assert len(located) >= 0.75 * len(paged), "most citations of books should point to a page or section"


def test_the_pdf_prints_each_citation_with_its_locator(located_citations, pdf_text):
    from editorial.locators import needs_locator

    printed = re.sub(r"\s+", "", re.sub(r"-\n", "", pdf_text))
    missing = sorted({f"[{label}, {locator}" for _, key, label, locator in located_citations
                      if locator and needs_locator(BIBLIOGRAPHY[key].type, BIBLIOGRAPHY[key].fields.get("authority", ""))
                      and re.sub(r"\s+", "", f"{label},{locator}") not in printed})
    assert missing == []
