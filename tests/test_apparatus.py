"""The generated apparatus, as a reader gets it: list of notes, chronology, index; and the notes."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import MANIFEST, Edition


def soup(edition: Edition, name: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def chapter_notes(edition: Edition, key: str) -> list:
    return soup(edition, key).select("aside.footnote.edition-note")


@pytest.mark.parametrize("key", list(MANIFEST))
def test_every_footnote_of_a_chapter_is_a_typed_note(edition, key):
    page = soup(edition, key)
    footnotes = page.select("aside.footnote")
    assert footnotes, f"{key} has no notes"
    for footnote in footnotes:
        assert "edition-note" in footnote["class"], footnote.get("id")
        assert footnote.select_one(".note-kind"), footnote.get("id")


@pytest.mark.parametrize("key", list(MANIFEST))
def test_every_sourced_note_cites_the_bibliography(edition, key):
    for note in chapter_notes(edition, key):
        kind = next(c for c in note["class"] if c.startswith("note-") and c != "note-kind")
        if kind == "note-cross-reference":
            assert note.select("a.reference.internal"), note["id"]
            continue
        links = [a["href"] for a in note.select("a[href]")]
        assert any(href.startswith("bibliography.html#cite-") for href in links), note["id"]


def test_list_of_notes_links_every_note(edition):
    listing = soup(edition, "list-of-notes")
    links = {a["href"] for a in listing.select("a[href]")}
    for key in MANIFEST:
        for note in chapter_notes(edition, key):
            assert f"{key}.html#{note['id']}" in links, f"{key}#{note['id']} missing from the list of notes"


def test_list_of_notes_counts_add_up(edition):
    table = soup(edition, "list-of-notes").select_one("table.note-counts")
    rows = [[cell.get_text(strip=True) for cell in row.select("td, th")] for row in table.select("tr")]
    by_heading = {row[0]: row[1:] for row in rows}
    assert int(by_heading["All"][-1]) == sum(len(chapter_notes(edition, key)) for key in MANIFEST)
    marked = [len(soup(edition, key).select("aside.edition-note span.note-basis")) for key in MANIFEST]
    assert list(map(int, by_heading["of which rest on reference works only"])) == [*marked, sum(marked)]


def test_chronology_is_in_date_order_and_links_the_chapters(edition):
    page = soup(edition, "chronology")
    dates = [re.match(r"\d{4}(-\d{2})?(-\d{2})?", h.get_text()).group(0)
             for h in page.select("section.dated-event > h2")]
    assert dates and dates == sorted(dates)
    for section in page.select("section.dated-event"):
        mentions = section.select("ul.event-mentions a[href]")
        assert mentions, section["id"]
        for link in mentions:
            page_name, _, fragment = link["href"].partition("#")
            target = soup(edition, page_name.removesuffix(".html"))
            assert target.find(id=fragment) is not None, link["href"]


def test_chronology_shows_discrepancies_side_by_side(edition):
    escape = soup(edition, "chronology").find(id="event-pow-escape-1942")
    words = [em.get_text() for em in escape.select("ul.event-mentions em")]
    assert "November 6, 1942" in words and "6 November 1942" in words
    assert "they differ" in escape.get_text()


def test_index_points_names_to_paragraphs_and_variants_to_the_normal_form(edition):
    index = soup(edition, "genindex").get_text(" ", strip=True)
    assert "Meandrov, Mikhail Alekseyevich" in index
    assert re.search(r"Mikhael Meandrov\s*see Meandrov, Mikhail Alekseyevich", index)
    links = [a["href"] for a in soup(edition, "genindex").select("a[href]")]
    assert any(re.fullmatch(r"gulag-operation\.html#p\d+", href) for href in links)


def test_pdf_has_the_index_and_the_chronology(pdf_text):
    assert "INDEX" in pdf_text.upper()
    assert "Meandrov, Mikhail Alekseyevich" in pdf_text
    assert "CHRONOLOGY" in pdf_text.upper()


def test_pdf_index_page_references_are_real_pages(edition, pdf_text):
    """Every page number the PDF index gives is a page of the PDF, and index entries are set in the
    text face: a range printed without its dash ("1921" for 19–21) would fail here."""
    from pypdf import PdfReader

    pages = len(PdfReader(edition.pdf).pages)
    index = pdf_text[pdf_text.rindex("Anders, Władysław"):]  # the index's first entry; it ends the PDF
    references = [int(n) for n in re.findall(r"(?:, |–)(\d+)", index)]
    assert references, "no page references found in the index"
    assert max(references) <= pages, f"index refers to page {max(references)} of {pages}"
    assert "–" in index, "no page range in the index"


def test_apparatus_names_furniture_lines_as_furniture(edition):
    """A mention in a caption is cited as a furniture line, never as a paragraph of the text."""
    escape = soup(edition, "chronology").find(id="event-pow-escape-1942")
    places = [a.get_text() for a in escape.select("ul.event-mentions a")]
    assert "Soviet POWs in Auschwitz, furniture 5" in places
    assert "Soviet POWs in Auschwitz, ¶ 3" in places


def test_chronology_table_of_contents_is_in_date_order(edition):
    """The page's own contents list follows the sorted entries, not the order they were typed in."""
    page = soup(edition, "chronology")
    toc = [a.get_text(strip=True)[:10] for a in page.select("nav.bd-toc-nav a, .bd-toc a") if a.get_text(strip=True)[:1].isdigit()]
    assert toc and toc == sorted(toc)
