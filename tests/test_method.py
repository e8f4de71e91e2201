"""End-to-end: the page "Editorial method and review" states the rules and records each chapter's
second reading, in the HTML, the PDF and the EPUB, and the reader can find it from the front page
and the introduction."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from bs4 import BeautifulSoup

from conftest import MANIFEST, Edition

PRINCIPLES = ("method-verbatim", "method-furniture", "method-notes", "method-authority", "method-locators",
              "method-wording")


def page(edition: Edition, name: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_the_method_page_states_each_principle(edition):
    method = page(edition, "method")
    assert method.select_one("h1").get_text().startswith("Editorial method and review")
    missing = [ident for ident in PRINCIPLES if method.find(id=ident) is None]
    assert missing == []


@pytest.mark.parametrize("chapter", list(MANIFEST))
def test_the_review_record_has_a_section_for_each_chapter(edition, chapter):
    section = page(edition, "method").find(id=f"method-review-{chapter}")
    assert section is not None, f"no record of the second reading of {chapter}"
    assert section.select_one(f'a[href^="{chapter}.html"]'), "the record does not link its chapter"
    text = section.get_text(" ", strip=True)
    for heading in ("Date and scope", "Found", "Changed", "Open"):
        assert heading in text, f"the record of {chapter} does not say {heading!r}"
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", text), "the record is not dated"


@pytest.mark.parametrize("name", ["index", "introduction"])
def test_the_front_page_and_the_introduction_link_the_method_page(edition, name):
    assert page(edition, name).select_one('article a[href^="method.html"]'), f"{name} does not link method.html"


def test_the_pdf_and_the_epub_carry_the_method_page(edition, pdf_text):
    flat = " ".join(pdf_text.split())
    assert "Editorial method and review" in flat
    assert "The second reading" in flat
    destinations = subprocess.run(["pdfinfo", "-dests", str(edition.pdf)], capture_output=True, text=True,
                                  check=True).stdout
    missing = [chapter for chapter in MANIFEST if f'"method:method-review-{chapter}"' not in destinations]
    assert missing == [], "the PDF lacks the review record of these chapters"
    with zipfile.ZipFile(edition.epub) as epub:
        text = epub.read("method.xhtml").decode("utf-8")
    assert "The second reading" in text
