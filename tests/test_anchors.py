"""Citable addresses: what anchors.lock promises, the built HTML and PDF keep."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import MANIFEST, ROOT, VERSION, Edition
from test_bad_input import build, edit

LOCKED = [
    line.strip() for line in (ROOT / "anchors.lock").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@cache
def html_ids(html_file: Path) -> frozenset[str]:
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    return frozenset(tag["id"] for tag in soup.find_all(id=True))


def pdf_destinations(edition: Edition) -> dict[str, int]:
    """Named destination -> page number."""
    listing = subprocess.run(["pdfinfo", "-dests", str(edition.pdf)], capture_output=True, text=True,
                             check=True).stdout
    return {m.group(2): int(m.group(1)) for m in re.finditer(r'^\s*(\d+) \[.*\] "(.+)"$', listing, flags=re.M)}


def test_lockfile_is_not_empty():
    assert sum(a.endswith(".html") for a in LOCKED) >= 8
    assert sum("#p" in a for a in LOCKED) > 50
    assert sum("nameddest=" in a for a in LOCKED) > 100


def test_every_locked_html_address_exists(edition):
    for address in (a for a in LOCKED if not a.startswith("edition.pdf")):
        page, _, fragment = address.partition("#")
        assert (edition.html / page).is_file(), f"{address}: page missing"
        if fragment:
            assert fragment in html_ids(edition.html / page), f"{address}: no element with that id"


def test_every_locked_pdf_destination_exists(edition):
    destinations = pdf_destinations(edition)
    for address in (a for a in LOCKED if a.startswith("edition.pdf#")):
        name = address.split("nameddest=", 1)[1]
        assert name in destinations, f"{address}: not a named destination of the PDF"


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad]+", "", text)


@pytest.mark.parametrize("key", list(MANIFEST))
def test_paragraph_numbers_agree_between_html_and_pdf(edition, key):
    """Each HTML paragraph id is a PDF destination on the page where that paragraph's text stands,
    and the PDF prints the same number in the margin there."""
    destinations = pdf_destinations(edition)
    soup = BeautifulSoup((edition.html / f"{key}.html").read_text(encoding="utf-8"), "html.parser")
    paragraphs = soup.select("div.reading-text p[id]")
    assert paragraphs
    for paragraph in paragraphs:
        number = paragraph.select_one("a.paranum").get_text()
        paragraph.select_one("a.paranum").decompose()
        # The words before the first note marker: in the PDF a marker's number sits among them.
        marker = paragraph.select_one("a.footnote-reference")
        if marker is not None:
            for later in list(marker.find_all_next(string=True)):
                if paragraph in later.parents:
                    later.extract()
            marker.decompose()
        words = paragraph.get_text().split()[:4]
        page = destinations[f"{key}:{paragraph['id']}"]
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page + 1), str(edition.pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        # pdftotext reads a line whose words stand far apart (the seed's tab-separated navigation
        # furniture) as separate blocks and may put the next paragraph's margin number among them.
        opening = _squash(" ".join(words))
        numbers_apart = re.sub(r"(?m)^\d+$", "", text)
        assert opening in _squash(text) or opening in _squash(numbers_apart), f"{key}#{paragraph['id']}: text not on page {page}"
        assert re.search(rf"(^|\s){re.escape(number)}\s", text), f"{key}#{paragraph['id']}: number {number} not printed"


@pytest.mark.parametrize("key", list(MANIFEST))
def test_citation_meta_tags_describe_a_book_section(edition, key):
    soup = BeautifulSoup((edition.html / f"{key}.html").read_text(encoding="utf-8"), "html.parser")
    meta: dict[str, list[str]] = {}
    for tag in soup.head.find_all("meta", attrs={"name": re.compile(r"^citation_")}):
        meta.setdefault(tag["name"], []).append(tag["content"])
    record = MANIFEST[key]
    assert meta["citation_title"] == [record.title]
    # Persons only: a collective author ("Wikipedia contributors") would import as a fake person.
    assert meta.get("citation_author", []) == [a for a in record.named_authors if "," in a]
    assert len(meta["citation_inbook_title"]) == 1 and "Second World War" in meta["citation_inbook_title"][0]
    assert "citation_editor" not in meta  # a collective is never a person (tests/test_citing.py)
    assert meta["citation_public_url"][0].endswith(f"/{key}.html")
    assert meta["citation_pdf_url"][0].endswith("/edition.pdf")
    canonical = soup.head.find("link", rel="canonical")
    assert canonical["href"] == meta["citation_public_url"][0]
    assert soup.head.find("meta", property="og:title") is not None


@pytest.mark.parametrize("key", list(MANIFEST))
def test_cite_this_block(edition, key):
    soup = BeautifulSoup((edition.html / f"{key}.html").read_text(encoding="utf-8"), "html.parser")
    block = soup.find(id=f"{key}-cite")
    assert block is not None
    chicago = block.select_one(".cite-chicago").get_text()
    assert MANIFEST[key].title.casefold() in chicago.casefold() and f"version {VERSION}" in chicago  # headline case
    assert block.select_one(".cite-paragraph").get_text().rstrip(".").endswith(f"{key}.html#p3")
    assert "@incollection{" in block.select_one(".cite-bibtex").get_text()


def test_version_on_every_page_and_in_the_pdf(edition, pdf_text):
    for page in edition.html.glob("*.html"):
        if page.name in ("genindex.html", "search.html"):
            continue
        assert f"Version {VERSION}" in page.read_text(encoding="utf-8"), page.name
    assert f"Version {VERSION}" in pdf_text


def test_pdf_metadata(edition):
    info = subprocess.run(["pdfinfo", str(edition.pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+Soviet Soldiers and Prisoners", info, flags=re.M)
    assert re.search(r"^Author:\s+\S", info, flags=re.M)
    assert re.search(r"^Subject:\s+Five Sources", info, flags=re.M)


def test_pdf_has_bookmarks(edition):
    from pypdf import PdfReader

    titles = [item.title for item in PdfReader(edition.pdf).outline if not isinstance(item, list)]
    assert any("GULAG" in title for title in titles)


def test_sitemap_lists_the_chapters(edition):
    sitemap = (edition.html / "sitemap.xml").read_text(encoding="utf-8")
    for key in MANIFEST:
        assert f"/{key}.html</loc>" in sitemap


def test_removed_label_fails_naming_the_anchor(project):
    edit(project / "docs" / "konr.md", "(konr-headnote)=\n", "")
    status, output = build(project)
    assert status != 0
    assert "anchors.lock:" in output
    assert "locked address konr.html#konr-headnote is no longer provided" in output


def test_renamed_page_fails_unless_redirected(project):
    (project / "docs" / "konr.md").rename(project / "docs" / "konr-chapter.md")
    edit(project / "docs" / "index.md", "\nkonr\n", "\nkonr-chapter\n")
    status, output = build(project)
    assert status != 0
    assert "locked address konr.html is no longer provided" in output
    # A declared redirect keeps the old page address alive, and the build passes again.
    edit(project / "docs" / "conf.py", "redirects: dict[str, str] = {}", 'redirects = {"konr": "konr-chapter.html"}')
    aliases = "\n".join(f'    "konr.html#{i}": "konr-chapter.html#{i}",' for i in _konr_fragments())
    edit(project / "docs" / "conf.py", "edition_anchor_aliases: dict[str, str] = {}",
         "edition_anchor_aliases = {\n" + aliases + "\n}")
    status, output = build(project)
    assert "konr.html is no longer provided" not in output
    assert (project / "_build" / "out" / "konr.html").is_file()  # the redirect page


def _konr_fragments() -> list[str]:
    return [a.split("#", 1)[1] for a in LOCKED if a.startswith("konr.html#")]


def test_citation_cff_agrees_with_the_edition_metadata():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    edition = project["tool"]["edition"]
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'title: "{edition["title"]}: {edition["subtitle"]}"' in cff
    assert f"version: {project['project']['version']}\n" in cff
    assert f'url: "{edition["base-url"]}"' in cff
    for editor in edition["editors"]:
        assert f'- name: "{editor}"' in cff
