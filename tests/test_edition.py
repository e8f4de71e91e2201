"""End-to-end: the real edition, built once, read as a reader gets it (HTML and PDF)."""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from conftest import MANIFEST, Edition

CHAPTERS = list(MANIFEST)


def seed_lines(key: str) -> list[str]:
    return [line for line in MANIFEST[key].text().split("\n") if line.strip(" \t\xa0")]


def page(edition: Edition, name: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def reading_text(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(id, text) of every reading paragraph, without paragraph numbers and note markers."""
    paragraphs = []
    for paragraph in soup.select("div.reading-text p[id]"):
        for editorial in paragraph.select("a.paranum, a.footnote-reference"):
            editorial.decompose()
        paragraphs.append((paragraph["id"], paragraph.get_text()))
    return paragraphs


@pytest.mark.parametrize("key", CHAPTERS)
def test_html_reading_text_is_the_seed_verbatim(edition, key):
    assert [text for _, text in reading_text(page(edition, key))] == seed_lines(key)


@pytest.mark.parametrize("key", CHAPTERS)
def test_furniture_is_kept_marked_and_numbered_apart(edition, key):
    soup = page(edition, key)
    for block in soup.select("div.furniture"):
        assert block.select_one(".furniture-label").get_text().startswith("Web-page furniture")
        assert all(p["id"].startswith("f") for p in block.select("p[id]"))
    numbered = [ident for ident, _ in reading_text(soup)]
    text_ids = [i for i in numbered if i.startswith("p")]
    assert text_ids == [f"p{n}" for n in range(1, len(text_ids) + 1)]


def _squash(text: str) -> str:
    """Letters only: the PDF breaks lines, hyphenates and spaces as typesetting wants."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


@pytest.mark.parametrize("key", CHAPTERS)
def test_pdf_contains_every_word_of_the_seed_in_order(pdf_text, key):
    """Every word and mark of the seed, in order. Words and punctuation are sought separately,
    because a note's number may stand between a word and the comma after it."""
    pdf = _squash(pdf_text)
    position = 0
    for line in seed_lines(key):
        for token in re.findall(r"\w+|[^\w\s\-\u00ad\u2010]", line):
            found = pdf.find(token, position)
            assert found >= 0, f"{key}: {token!r} (from {line[:60]!r}) is not in the PDF after position {position}"
            position = found + len(token)


def test_pdf_has_polish_and_cyrillic_text(pdf_text):
    for sample in ("Władysław", "Muňoz", "Власов", "Фотоархив", "Olšanské hřbitovy", "Flossenbürg"):
        assert sample in pdf_text


def test_pdf_fonts_are_embedded(edition):
    fonts = subprocess.run(["pdffonts", str(edition.pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert row.split()[-5] == "yes", f"font not embedded: {row}"
    assert any("FreeSerif" in row for row in rows)


def test_latex_log_has_no_missing_character(edition):
    log = edition.latex_log.read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    assert "Output written on edition.pdf" in log


def test_pdf_has_bibliography_and_footnotes(pdf_text):
    assert "Bibliography" in pdf_text
    assert "Soviet Opposition to Stalin" in pdf_text


@pytest.mark.parametrize("name", ["index", *CHAPTERS, "bibliography"])
def test_every_page_links_the_pdf(edition, name):
    link = page(edition, name).select_one("a.edition-pdf-link")
    assert link is not None
    target = (edition.html / link["href"]).resolve()
    assert target.name == "edition.pdf" and target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("key", CHAPTERS)
def test_headnote_is_apart_from_the_reading_text(edition, key):
    soup = page(edition, key)
    headnote = soup.select_one("div.headnote")
    assert headnote is not None and "Source." in headnote.get_text()
    assert headnote.find_parent(class_="reading-text") is None
    reading = soup.select_one("div.reading-text")
    assert headnote in reading.find_all_previous("div"), "the headnote comes before the text"


def test_pdf_paragraph_destinations_match_html(edition):
    dests = subprocess.run(["pdfinfo", "-dests", str(edition.pdf)], capture_output=True, text=True,
                           check=True).stdout
    names = set(re.findall(r'"([^"]+)"\s*$', dests, flags=re.M))
    for key in CHAPTERS:
        for ident, _ in reading_text(page(edition, key)):
            assert f"{key}:{ident}" in names
