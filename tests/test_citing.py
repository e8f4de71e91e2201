"""Citing the edition from a reference manager: meta tags, downloadable records, JSON-LD, the
Chicago citation on the page, and the paragraph number's "copy citation" control."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
import rispy
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from conftest import MANIFEST, ROOT, VERSION, Edition

CHAPTERS = list(MANIFEST)
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EDITION = PROJECT["tool"]["edition"]
VERSION = PROJECT["project"]["version"]
BASE = EDITION["base-url"].rstrip("/") + "/"
BOOK_TITLE = f"{EDITION['title']}: {EDITION['subtitle']}"
PUBLISHER = EDITION["publisher"]
CSL_SCHEMA = ROOT.parent / "shared" / "schemas" / "csl-data.json"


def page(edition: Edition, name: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def head_tags(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(name, content) of every Highwire and PRISM tag in the head, in order."""
    return [(tag["name"], tag["content"]) for tag in soup.head.find_all("meta", attrs={"name": True})
            if tag["name"].startswith(("citation_", "prism."))]


def persons(record) -> list[str]:
    return [name for name in record.named_authors if "," in name]


# -- Highwire tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", CHAPTERS)
def test_chapter_highwire_tags_are_exactly_the_book_section_set(edition, key):
    record = MANIFEST[key]
    expected = [("citation_title", record.title)]
    expected += [("citation_author", name) for name in persons(record)]
    expected += [
        ("citation_inbook_title", BOOK_TITLE),
        ("citation_publisher", PUBLISHER),
        ("citation_publication_date", EDITION["year"]),
        ("citation_language", record.language),
        ("citation_public_url", f"{BASE}{key}.html"),
        ("citation_pdf_url", f"{BASE}{EDITION['pdf']}"),
        ("prism.edition", f"version {VERSION}"),
    ]
    assert head_tags(page(edition, key)) == expected


def test_home_page_highwire_tags_describe_the_book(edition):
    soup = page(edition, "index")
    assert head_tags(soup) == [
        ("citation_title", BOOK_TITLE),
        ("citation_publisher", PUBLISHER),
        ("citation_publication_date", EDITION["year"]),
        ("citation_language", "en"),
        ("citation_public_url", f"{BASE}index.html"),
        ("citation_pdf_url", f"{BASE}{EDITION['pdf']}"),
        ("prism.edition", f"version {VERSION}"),
    ]
    assert soup.head.find("meta", property="og:type")["content"] == "book"


@pytest.mark.parametrize("name", ["index", *CHAPTERS])
def test_no_collective_is_given_as_a_person(edition, name):
    tags = head_tags(page(edition, name))
    people = [content for tag, content in tags if tag in ("citation_author", "citation_editor")]
    assert all("," in person for person in people), people
    for collective in [*EDITION["editors"], "Wikipedia contributors"]:
        assert collective not in people
    assert not [tag for tag, _ in tags if tag in ("citation_editor", "citation_book_title")]


def test_other_pages_have_no_citation_tags(edition):
    assert head_tags(page(edition, "bibliography")) == []


# -- The downloadable records ---------------------------------------------------------------------


def citation_file(edition: Edition, name: str) -> str:
    return (edition.html / "citations" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("key", CHAPTERS)
def test_ris_is_a_book_section_with_its_fields(edition, key):
    record = MANIFEST[key]
    (entry,) = rispy.loads(citation_file(edition, f"{key}.ris"))
    assert entry["type_of_reference"] == "CHAP"
    assert entry["title"] == record.title
    assert entry["secondary_title"] == BOOK_TITLE
    assert entry["publisher"] == PUBLISHER
    assert entry["edition"] == f"version {VERSION}"
    assert entry["year"] == EDITION["year"]
    assert entry["language"] == record.language
    assert entry["urls"] == [f"{BASE}{key}.html"]
    assert entry["file_attachments1"] == f"{BASE}{EDITION['pdf']}"
    # Persons as "Family, Given"; a collective with a trailing comma, i.e. no given name.
    assert entry.get("authors", []) == [n if "," in n else n + "," for n in record.named_authors]
    assert "secondary_authors" not in entry and "editor" not in entry


def test_edition_ris_is_the_book(edition):
    (entry,) = rispy.loads(citation_file(edition, "edition.ris"))
    assert entry["type_of_reference"] == "BOOK"
    assert entry["title"] == BOOK_TITLE and entry["publisher"] == PUBLISHER
    assert "authors" not in entry


@pytest.mark.parametrize("key", CHAPTERS)
def test_bibtex_is_an_incollection(edition, key):
    record = MANIFEST[key]
    data = parse_string(citation_file(edition, f"{key}.bib"), "bibtex")
    (entry,) = data.entries.values()
    assert entry.type == "incollection"
    assert entry.fields["title"] == record.title and entry.fields["booktitle"] == BOOK_TITLE
    assert entry.fields["publisher"] == PUBLISHER and entry.fields["edition"] == f"version {VERSION}"
    assert "editor" not in entry.persons
    authors = [str(person) for person in entry.persons.get("author", [])]
    assert authors == [n if "," in n else "{" + n + "}" for n in record.named_authors]


def test_edition_bibtex_gives_the_team_as_one_braced_name(edition):
    (entry,) = parse_string(citation_file(edition, "edition.bib"), "bibtex").entries.values()
    assert entry.type == "book"
    (editor,) = entry.persons["editor"]
    assert not editor.first_names and str(editor) == "{" + EDITION["editors"][0] + "}"


def csl_validator():
    jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")
    if not CSL_SCHEMA.is_file():
        message = f"{CSL_SCHEMA} is missing: CI has ../shared beside the clone"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("name", ["edition", *CHAPTERS])
def test_csl_json_validates_against_the_schema(edition, name):
    validator = csl_validator()
    records = json.loads(citation_file(edition, f"{name}.json"))
    errors = [error.message for error in validator.iter_errors(records)]
    assert not errors, errors
    (record,) = records
    assert record["type"] == ("book" if name == "edition" else "chapter")


def test_csl_schema_check_can_fail():
    validator = csl_validator()
    assert list(validator.iter_errors([{"id": "x", "type": "chapter", "author": [{"name": "A Person"}]}]))


@pytest.mark.parametrize("name", ["edition", *CHAPTERS])
def test_csl_json_names_collectives_as_literals_only(edition, name):
    (record,) = json.loads(citation_file(edition, f"{name}.json"))
    for role in ("author", "editor"):
        for person in record.get(role, []):
            assert ("literal" in person) != ("family" in person)
            if "family" in person:
                assert person["given"], person
    if name == "edition":
        assert record["editor"] == [{"literal": editor} for editor in EDITION["editors"]]
    else:
        assert "editor" not in record and record["publisher"] == PUBLISHER
        assert record["container-title"] == BOOK_TITLE


# -- The citation on the page is citeproc-py's rendering of the same CSL-JSON ------------------------


def fragment(html: str) -> str:
    return str(BeautifulSoup(html, "html.parser"))


@pytest.mark.parametrize("key", CHAPTERS)
def test_page_shows_what_citeproc_renders_from_the_csl_json(edition, key):
    from editorial.citations import render_note

    (record,) = json.loads(citation_file(edition, f"{key}.json"))
    block = page(edition, key).find(id=f"{key}-cite")
    shown = block.select_one("p.cite-chicago")
    assert shown.decode_contents() == fragment(render_note(record))
    # Chicago sets titles in headline style: compare without case.
    assert f"version {VERSION}" in shown.get_text() and record["title"].casefold() in shown.get_text().casefold()
    # The paragraph example: the same record with that paragraph's address, and ¶ 3 as locator.
    paragraph = dict(record, URL=record["URL"] + "#p3")
    assert block.select_one("p.cite-paragraph").decode_contents() == fragment(render_note(paragraph, "3"))
    assert "¶ 3" in block.select_one("p.cite-paragraph").get_text()


@pytest.mark.parametrize("key", CHAPTERS)
def test_paragraph_template_gives_citeprocs_note_for_every_paragraph(edition, key):
    from editorial.citations import render_note

    soup = page(edition, key)
    parts = json.loads(soup.find("script", id="paragraph-citation").string)["parts"]
    (record,) = json.loads(citation_file(edition, f"{key}.json"))
    numbers = [p["id"][1:] for p in soup.select("div.reading-text p[id^=p]")]
    assert numbers
    for number in (numbers[0], numbers[-1]):
        paragraph = dict(record, URL=record["URL"] + f"#p{number}")
        assert number.join(parts) == render_note(paragraph, number)


@pytest.mark.parametrize("key", CHAPTERS)
def test_download_links_point_at_the_generated_files(edition, key):
    links = page(edition, key).select(f"section#{key}-cite a.cite-download")
    hrefs = [link["href"] for link in links]
    assert hrefs == [f"citations/{name}.{ext}" for name in (key, "edition") for ext in ("bib", "ris", "json")]
    for href in hrefs:
        assert (edition.html / href).is_file()


# -- JSON-LD ----------------------------------------------------------------------------------------------


def jsonld(edition: Edition, name: str) -> dict:
    (script,) = page(edition, name).head.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def test_home_page_jsonld_is_the_book(edition):
    data = jsonld(edition, "index")
    assert data["@context"] == "https://schema.org" and data["@type"] == "Book"
    assert data["name"] == BOOK_TITLE and data["version"] == VERSION
    # The editorial matter's licence, not the package's (rights.py; tests/test_rights.py).
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["publisher"] == {"@type": "Organization", "name": PUBLISHER}
    assert all(editor["@type"] == "Organization" for editor in data["editor"])


@pytest.mark.parametrize("key", CHAPTERS)
def test_chapter_jsonld_is_part_of_the_book_and_based_on_the_source(edition, key):
    record = MANIFEST[key]
    data = jsonld(edition, key)
    assert data["@type"] == "Chapter" and data["name"] == record.title
    assert data["isPartOf"]["@type"] == "Book" and data["isPartOf"]["@id"] == jsonld(edition, "index")["@id"]
    source = data["isBasedOn"]
    assert source["@type"] == "WebPage"
    assert source.get("url") == (record.url if record.url != "unknown" else None)
    if record.date.startswith("2002-10-21"):
        assert source["dateModified"] == "2002-10-21"
    assert [a["@type"] for a in data.get("author", [])] == [
        "Person" if "," in name else "Organization" for name in record.named_authors]


# -- The paragraph number's control, in Chromium --------------------------------------------------------


#: How long a check may wait for the page to reach the state it asserts: a bound, never a delay.
#: The script moves the focus to "Copy link" in a task after the link's own navigation, and writes
#: the status line in an animation frame, so each check waits for its state (Playwright's expect
#: polls until it holds); read at once, "Copy link" was not yet focused on a loaded machine.
SETTLE_MS = 30_000


def test_paragraph_number_copies_link_and_citation_by_keyboard(edition, site, chromium):
    from playwright.sync_api import expect

    from editorial.citations import render_note

    (record,) = json.loads(citation_file(edition, "konr.json"))
    context = chromium.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    tab = context.new_page()
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    number = tab.locator("div.reading-text p#p3 a.paranum")
    assert number.get_attribute("href") == "#p3"
    number.focus()
    tab.keyboard.press("Enter")
    expect(number).to_have_attribute("aria-expanded", "true", timeout=SETTLE_MS)
    menu = tab.get_by_role("group", name="Cite paragraph 3")
    copy_link = menu.get_by_role("button", name="Copy link")
    expect(copy_link).to_be_focused(timeout=SETTLE_MS)
    tab.keyboard.press("Enter")
    status = tab.get_by_role("status")
    expect(status).to_contain_text("Link copied", timeout=SETTLE_MS)
    expect(status).to_be_visible(timeout=SETTLE_MS)
    assert tab.evaluate("navigator.clipboard.readText()") == f"{site}/konr.html#p3"

    tab.keyboard.press("Tab")
    expect(menu.get_by_role("button", name="Copy citation")).to_be_focused(timeout=SETTLE_MS)
    tab.keyboard.press("Enter")
    expect(status).to_contain_text("Citation copied", timeout=SETTLE_MS)
    expected = BeautifulSoup(render_note(dict(record, URL=record["URL"] + "#p3"), "3"), "html.parser").get_text()
    assert tab.evaluate("navigator.clipboard.readText()") == expected
    assert "¶ 3" in expected and expected.rstrip(".").endswith("konr.html#p3")

    tab.keyboard.press("Escape")
    expect(menu).to_have_count(0, timeout=SETTLE_MS)
    expect(number).to_be_focused(timeout=SETTLE_MS)
    context.close()


def test_without_javascript_the_number_is_a_plain_link(site, chromium):
    from playwright.sync_api import expect

    context = chromium.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{site}/konr.html")
    number = tab.locator("div.reading-text p#p3 a.paranum")
    number.click()
    expect(tab).to_have_url(re.compile(r"/konr\.html#p3$"), timeout=SETTLE_MS)
    assert tab.locator(".paracite-menu").count() == 0
    context.close()
