"""The EPUB: valid for epubcheck, notes as EPUB footnotes, the HTML's addresses, metadata, fonts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from conftest import MANIFEST, ROOT, Edition, copy_project, sphinx_build

CHAPTERS = list(MANIFEST)
_PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EDITION_META = {**_PROJECT["tool"]["edition"], "version": _PROJECT["project"]["version"]}
EPUB_CHECK_JAR = Path("/usr/share/java/epubcheck.jar")
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
NOTE_SAMPLE = "ĄąĆćĘęŁłŃńÓóŚśŹźŻż АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдежзийклмнопрстуфхцчшщъыьэюяё"


def epubcheck_command() -> list[str]:
    if not EPUB_CHECK_JAR.is_file() or shutil.which("java") is None:
        from gates import missing

        missing("epubcheck", "sudo apt-get install epubcheck default-jre-headless")
    return [shutil.which("java"), "-jar", str(EPUB_CHECK_JAR)]


@pytest.fixture(scope="module")
def book(edition: Edition) -> zipfile.ZipFile:
    with zipfile.ZipFile(edition.epub) as archive:
        yield archive


def xhtml(book: zipfile.ZipFile, name: str) -> BeautifulSoup:
    return BeautifulSoup(book.read(name).decode("utf-8"), "html.parser")


def test_epubcheck_finds_no_error_and_no_warning(edition, request):
    result = subprocess.run([*epubcheck_command(), str(edition.epub)], capture_output=True, text=True)
    output = result.stdout + result.stderr
    summary = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings? / (\d+) infos?", output)
    assert summary, output[-3000:]
    fatals, errors, warnings, _infos = map(int, summary.groups())
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(f"[epub] epubcheck: {summary.group(0)} ({edition.epub.stat().st_size} bytes)")
    assert (fatals, errors, warnings) == (0, 0, 0), output[-5000:]
    assert result.returncode == 0


def test_epubcheck_can_fail(edition, tmp_path):
    """A copy of the EPUB with one note's id removed: its marker's link dangles; epubcheck says so."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(edition.epub) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "konr.xhtml":
                data = data.replace(b'id="konr-reserve-army"', b'id="konr-reserve-army-gone"')
            target.writestr(item, data, compress_type=zipfile.ZIP_STORED if item.filename == "mimetype"
                            else zipfile.ZIP_DEFLATED)
    result = subprocess.run([*epubcheck_command(), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0 and "RSC-012" in result.stdout + result.stderr  # fragment not defined


@pytest.mark.parametrize("key", CHAPTERS)
def test_notes_are_epub_footnotes_with_the_htmls_ids(edition, book, key):
    page = xhtml(book, f"{key}.xhtml")
    html = BeautifulSoup((edition.html / f"{key}.html").read_text(encoding="utf-8"), "html.parser")
    notes = page.select("aside.edition-note")
    assert notes and all(note.get("epub:type") == "footnote" for note in notes)
    markers = page.select("div.reading-text a.footnote-reference")
    assert markers and all(marker.get("epub:type") == "noteref" for marker in markers)
    assert {marker["href"].lstrip("#") for marker in markers} <= {note["id"] for note in notes}
    # Every paragraph and note address of the HTML page is an address of the EPUB page too.
    published = {tag["id"] for tag in html.select("div.reading-text p[id], aside.edition-note[id], section[id]")}
    assert published <= {tag["id"] for tag in page.select("[id]")}


@pytest.mark.parametrize("key", CHAPTERS)
def test_the_reading_text_is_there_with_paragraph_numbers_and_furniture(book, key):
    page = xhtml(book, f"{key}.xhtml")
    lines = [line for line in MANIFEST[key].text().split("\n") if line.strip(" \t\xa0")]
    paragraphs = page.select("div.reading-text p[id]")
    assert len(paragraphs) == len(lines)
    for paragraph, line in zip(paragraphs, lines):
        number = paragraph.select_one("a.paranum")
        assert number is not None and number["href"] == f"#{paragraph['id']}"
        for editorial in paragraph.select("a.paranum, a.footnote-reference"):
            editorial.decompose()
        assert paragraph.get_text() == line
    if any(p["id"].startswith("f") for p in paragraphs):
        assert page.select("div.furniture p.furniture-label")


def test_package_metadata(book):
    opf = ElementTree.fromstring(book.read("content.opf"))
    metadata = opf.find(f"{OPF}metadata")
    titles = [title.text for title in metadata.findall(f"{DC}title")]
    assert titles[0] == EDITION_META["title"] and EDITION_META["subtitle"] in titles
    creators = metadata.findall(f"{DC}creator")
    assert [creator.text for creator in creators] == EDITION_META["editors"]
    roles = {meta.get("refines"): meta.text for meta in metadata.findall(f"{OPF}meta")
             if meta.get("property") == "role"}
    assert all(roles[f"#{creator.get('id')}"] == "edt" for creator in creators)
    assert metadata.find(f"{DC}language").text == "en"
    identifier = metadata.find(f"{DC}identifier")
    assert identifier.get("id") == opf.get("unique-identifier") and identifier.text.startswith("https://")
    properties = {meta.get("property"): meta.text for meta in metadata.findall(f"{OPF}meta")}
    assert properties["schema:version"] == EDITION_META["version"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", properties["dcterms:modified"])


def test_the_cover_is_a_page_of_text(book):
    opf = ElementTree.fromstring(book.read("content.opf"))
    first = opf.find(f"{OPF}spine").find(f"{OPF}itemref").get("idref")
    href = next(item.get("href") for item in opf.find(f"{OPF}manifest") if item.get("id") == first)
    cover = xhtml(book, href)
    assert cover.select_one("[epub\\:type=cover]") is not None
    text = cover.get_text(" ", strip=True)
    assert EDITION_META["title"] in text and EDITION_META["version"] in text
    assert not cover.select("img")


def test_the_chapters_are_in_the_table_of_contents_in_order(book):
    nav = xhtml(book, "nav.xhtml")
    pages = [a["href"].split("#")[0] for a in nav.select("nav a") if "#" not in a["href"]]
    chapters = [page.removesuffix(".xhtml") for page in pages if page.removesuffix(".xhtml") in MANIFEST]
    assert chapters == CHAPTERS


def test_embedded_fonts_show_polish_and_cyrillic(book):
    from fontTools.ttLib import TTFont

    fonts = [name for name in book.namelist() if name.endswith(".otf")]
    assert any(name.endswith("FreeSerif.otf") for name in fonts)
    css = "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".css"))
    assert '@font-face { font-family: "Edition Serif"' in css and 'font-family: "Edition Serif", serif' in css
    for name in fonts:
        cmap = TTFont(io.BytesIO(book.read(name))).getBestCmap()
        assert not [char for char in NOTE_SAMPLE if char != " " and ord(char) not in cmap], name
        # Cut down: a font of the whole GNU FreeFont coverage would weigh a megabyte or more.
        assert len(book.read(name)) < 150_000, name
    # Every character of every page is in the fonts (the build checks it too).
    regular = TTFont(io.BytesIO(book.read(next(n for n in fonts if n.endswith("FreeSerif.otf"))))).getBestCmap()
    for name in book.namelist():
        if name.endswith(".xhtml"):
            text = xhtml(book, name).get_text()
            assert not {c for c in text if ord(c) >= 0x20 and ord(c) not in regular}, name


def test_the_epub_pages_carry_no_script_and_no_web_meta_tags(book):
    for name in book.namelist():
        if name.endswith(".xhtml"):
            page = xhtml(book, name)
            assert not page.select("script"), name
            assert not page.select("meta[name^=citation_], meta[property^='og:']"), name
    assert not [name for name in book.namelist() if name.endswith(".js")]


def test_the_epub_is_linked_beside_the_pdf_on_every_page(edition):
    from gates import html_pages

    for path in html_pages(edition.html):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        sidebar = soup.select_one("nav.edition-pdf")
        if sidebar is None:
            continue
        links = [a["href"] for a in sidebar.select("a[href]")]
        assert "edition.pdf" in links and "edition.epub" in links, path.name
    assert (edition.html / "edition.epub").is_file()


@pytest.mark.slow
def test_a_character_the_fonts_lack_fails_the_epub_build(tmp_path):
    project = copy_project(tmp_path)
    chapter = project / "docs" / "konr.md"
    text = chapter.read_text(encoding="utf-8")
    anchor = "[^konr-title]: {note}`spelling` "
    assert anchor in text
    chapter.write_text(text.replace(anchor, anchor + "Hebrew שלום. ", 1), encoding="utf-8")
    result = sphinx_build("-b", "epub", "-W", "-q", "docs", "_build/epub", cwd=project)
    assert result.returncode != 0
    line = next(number for number, content in enumerate(chapter.read_text(encoding="utf-8").splitlines(), 1)
                if "שלום" in content)
    assert re.search(rf"konr\.md:{line}: .*U\+05E9.*FONT_RANGES", result.stderr), result.stderr[-2000:]
