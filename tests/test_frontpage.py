"""The front page presents the edition: statement, downloads, the five sources, this version."""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from conftest import BUNDLE, MANIFEST, ROOT, Edition, copy_project, sphinx_build

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def front(edition: Edition) -> BeautifulSoup:
    return BeautifulSoup((edition.html / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_the_sources_table_comes_from_the_manifest_and_the_notes(edition):
    soup = front(edition)
    rows = soup.select("table.edition-sources tbody tr")
    assert len(rows) == len(MANIFEST)
    for row, (key, record) in zip(rows, MANIFEST.items()):
        cells = row.select("td")
        link = cells[0].select_one("a.reference.internal")
        assert link["href"] == f"{key}.html" and link.get_text(strip=True) == record.title
        assert record.kind in cells[0].get_text()
        authors = cells[1].get_text()
        assert all(name.split(",")[0] in authors for name in record.named_authors) or "not named" in authors
        assert record.publisher in cells[2].get_text() or record.publisher == "unknown"
        # Notes by kind, as counted on the chapter page itself.
        chapter = BeautifulSoup((edition.html / f"{key}.html").read_text(encoding="utf-8"), "html.parser")
        kinds = Counter(cls.removeprefix("note-") for note in chapter.select("aside.edition-note")
                        for cls in note["class"] if cls.startswith("note-"))
        notes_text = " ".join(cells[3].get_text(" ").split())
        assert f"{sum(kinds.values())} notes" in notes_text
        for kind, count in kinds.items():
            assert re.search(rf"\b{count} {kind}", notes_text), (key, kind, notes_text)
        assert cells[4].select_one("a")["href"] == f"edition.pdf#nameddest={key}:{key}"


def test_the_pdf_links_of_the_table_are_named_destinations_of_the_pdf(edition):
    destinations = subprocess.run(["pdfinfo", "-dests", str(edition.pdf)], capture_output=True, text=True,
                                  check=True).stdout
    for link in front(edition).select("table.edition-sources a.edition-pdf-chapter"):
        name = link["href"].split("#nameddest=")[1]
        assert f'"{name}"' in destinations, name


def test_downloads_are_in_plain_view_and_exist(edition):
    soup = front(edition)
    article = soup.select_one("article")
    links = [a["href"] for a in article.select("ul.edition-downloads a")]
    assert links == ["edition.pdf", "edition.epub", "citations/edition.bib", "citations/edition.ris",
                     "citations/edition.json", "tei/edition.xml", "data/edition.json", BUNDLE]
    assert all((edition.html / href).is_file() for href in links)
    # Before the table of sources, not at the foot of the page.
    text = article.get_text(" ")
    assert text.index("The edition as EPUB") < text.index("The five sources of the edition")


def test_the_version_and_what_changed_in_it(edition):
    soup = front(edition)
    heading = next(h for h in soup.select("article h2") if h.get_text(strip=True) == "This version")
    section = heading.parent
    text = section.get_text(" ")
    assert f"version {VERSION}" in text
    changelog = BeautifulSoup((edition.html / "changelog.html").read_text(encoding="utf-8"), "html.parser")
    first_change = changelog.select_one("section section li").get_text(" ", strip=True)
    assert " ".join(first_change.split()) in " ".join(text.split())
    assert section.select_one("a[href='changelog.html']")


def test_the_front_page_no_longer_repeats_the_chapters_sections(edition):
    soup = front(edition)
    toc_text = " ".join(tree.get_text(" ") for tree in soup.select("article .toctree-wrapper"))
    assert "Editor's headnote" not in toc_text and "Cite this chapter" not in toc_text


def test_the_pdf_opening_is_unchanged_by_the_front_page(pdf_text):
    for generated in ("The five sources of the edition", "The edition as EPUB", "This version"):
        assert generated not in pdf_text


@pytest.mark.slow
def test_a_changelog_without_the_release_fails_the_build(tmp_path):
    project = copy_project(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(f'version = "{VERSION}"', 'version = "9.9.9"'),
                         encoding="utf-8")
    result = sphinx_build("-b", "html", "-W", "-q", "docs", "_build/html", cwd=project)
    assert result.returncode != 0
    assert re.search(r"changelog\.md:\d+: .*no entry for version 9\.9\.9", result.stderr), result.stderr[-2000:]
