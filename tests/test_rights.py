"""Rights (issue 18, item 4): the licence files, each source's rights statement in its headnote, on
the front page, in the PDF and in the TEI, and metadata that no longer puts the sources under CC BY."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from bs4 import BeautifulSoup
from conftest import MANIFEST, ROOT, Edition
from lxml import etree
from test_bad_input import build, edit

from editorial.manifest import checksum_errors
from editorial.rights import LICENCES
from editorial.tei import TEI_NS

CHAPTERS = list(MANIFEST)
NS = {"tei": TEI_NS}
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LAYERS = PROJECT["tool"]["edition"]["licences"]
CC_BY = LICENCES["CC-BY-4.0"].url


def squash(text: str) -> str:
    """Letters and marks only: the PDF breaks lines and hyphenates as typesetting wants."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def soup(edition: Edition, name: str) -> BeautifulSoup:
    return BeautifulSoup((edition.html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def plain(text: str) -> str:
    return " ".join(text.split())


# -- The files and the manifest ---------------------------------------------------------------------


def test_licence_files_exist_and_name_the_editors_as_a_body():
    editors = PROJECT["tool"]["edition"]["editors"]
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and f"Copyright (c) {PROJECT['tool']['edition']['year']} {editors[0]}" in code
    assert (ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8").startswith("Attribution 4.0 International")
    assert "CC0 1.0 Universal" in (ROOT / "LICENSES" / "CC0-1.0.txt").read_text(encoding="utf-8")
    editorial = (ROOT / "LICENSE-editorial.md").read_text(encoding="utf-8")
    for name in ("CC BY 4.0", "CC0 1.0", "MIT", "seeds/manifest.toml"):
        assert name in editorial
    assert LAYERS == {"editorial": "CC-BY-4.0", "metadata": "CC0-1.0", "code": "MIT"}


@pytest.mark.parametrize("key", CHAPTERS)
def test_every_source_states_its_rights(key):
    record = MANIFEST[key]
    assert record.rights and record.rights_basis in ("licence", "quotation")
    assert bool(record.rights_licence) == (record.rights_basis == "licence")
    for notice in record.rights_notice:  # quoted from the page, word for word
        assert notice in record.text() and notice in record.rights
    assert not checksum_errors({key: record}, ROOT / "seeds" / "manifest.toml")


def test_the_wikipedia_article_carries_its_licence_and_attribution():
    record = MANIFEST["gulag-operation"]
    assert record.rights_licence == "CC-BY-SA-3.0"
    assert "https://en.wikipedia.org/w/index.php?title=GULAG_Operation&action=history" in record.rights
    assert "Wikipedia contributors" in record.rights
    assert "CC BY-SA 3.0" in record.rights and LICENCES["CC-BY-SA-3.0"].url in record.rights


# -- Where the statements show ----------------------------------------------------------------------


@pytest.mark.parametrize("key", CHAPTERS)
def test_headnote_ends_with_the_rights_of_its_source(edition, key):
    headnote = soup(edition, key).select_one("div.headnote")
    rights = headnote.select("p.headnote-rights")
    assert len(rights) == 1 and headnote.find_all("p")[-1] is rights[0]
    assert plain(rights[0].get_text()) == plain(f"Rights. {MANIFEST[key].rights}")


def test_front_page_states_every_licence_and_every_source(edition):
    text = plain(soup(edition, "index").get_text())
    assert "Rights and reuse" in text
    for key in CHAPTERS:
        assert plain(MANIFEST[key].rights) in text
    for spdx in LAYERS.values():
        assert LICENCES[spdx].name in text


@pytest.mark.parametrize("key", CHAPTERS)
def test_pdf_gives_each_source_its_rights_in_the_headnote_and_the_colophon(pdf_text, key):
    statement = squash(MANIFEST[key].rights)
    # A statement may run over a page break, where pdftotext puts the page number and the running
    # head in the middle of it: leave those lines out.
    pdf = squash("\n".join(line for line in pdf_text.splitlines()
                           if not re.fullmatch(r"\d+|Soviet Soldiers and Prisoners in the Second World War, Version .*",
                                               line.strip())))
    assert pdf.count(statement) >= 2, f"{key}: the rights statement is not in the PDF's headnote and colophon"
    colophon = pdf[pdf.rindex("Colophon"):]
    assert squash(f"Source text: {MANIFEST[key].title}") in colophon and statement in colophon


@pytest.mark.parametrize("key", CHAPTERS)
def test_tei_states_the_rights_of_its_source(edition, key):
    record = MANIFEST[key]
    for name in (key, "edition"):
        tree = etree.parse(str(edition.tei / "tei" / f"{name}.xml"))
        availability = tree.find(".//tei:publicationStmt/tei:availability", NS)
        assert availability.get("status") in ("free", "restricted")
        statements = [plain(element.xpath("string()")) for element in availability]
        assert plain(f"“{record.title}”: {record.rights}") in statements
        assert any(element.get("target") == CC_BY for element in availability.findall("tei:licence", NS))
        (note,) = tree.xpath(f"//tei:sourceDesc/tei:bibl[@xml:id='source-{key}']/tei:note[@type='rights']",
                             namespaces=NS)
        assert note.text == record.rights
    if record.rights_licence:
        licence = availability.xpath(f"tei:licence[@target='{LICENCES[record.rights_licence].url}']", namespaces=NS)
        assert licence


def test_json_data_gives_each_source_its_rights(edition):
    data = json.loads((edition.tei / "data" / "edition.json").read_text(encoding="utf-8"))
    rights = {source["chapter"]: source["rights"] for source in data["sources"]}
    for key, record in MANIFEST.items():
        assert rights[key] == {"statement": record.rights, "basis": record.rights_basis,
                               "licence": record.rights_licence or None, "notices": record.rights_notice}
    assert "not covered" in data["edition"]["availability"]


# -- The metadata no longer claims CC BY for the sources ---------------------------------------------


def test_package_and_citation_file_do_not_put_the_sources_under_cc_by():
    assert PROJECT["project"]["license"] == "MIT"  # the package is the extension: code
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "license: CC-BY-4.0" in cff
    abstract = plain(cff.split("abstract: >-", 1)[1].split("\nauthors:", 1)[0])
    assert "covers the editorial matter only" in abstract and "CC BY-SA 3.0" in abstract


def jsonld(edition: Edition, name: str) -> dict:
    (script,) = soup(edition, name).head.find_all("script", type="application/ld+json")
    return json.loads(script.string)


def test_book_metadata_licenses_the_editorial_matter_only(edition):
    book = jsonld(edition, "index")
    assert book["license"] == CC_BY
    assert "not covered" in book["copyrightNotice"]


@pytest.mark.parametrize("key", CHAPTERS)
def test_chapter_metadata_claims_no_licence_for_its_source(edition, key):
    record = MANIFEST[key]
    chapter = jsonld(edition, key)
    assert "license" not in chapter
    assert record.rights in chapter["copyrightNotice"]
    source = chapter["isBasedOn"]
    if record.rights_licence:
        assert source["license"] == LICENCES[record.rights_licence].url
    else:
        assert "license" not in source
    if record.rights_notice:
        assert source["copyrightNotice"] == "; ".join(record.rights_notice)


# -- Bad input ---------------------------------------------------------------------------------------


def manifest_line(project, text: str) -> int:
    lines = (project / "seeds" / "manifest.toml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(text))


def test_seed_without_rights_statement_stops_the_build(project):
    manifest = project / "seeds" / "manifest.toml"
    statement = next(line for line in manifest.read_text(encoding="utf-8").splitlines()
                     if line.startswith("rights = ") and "mochola" in line)
    edit(manifest, statement + "\n", "")
    status, output = build(project)
    assert status != 0
    line = manifest_line(project, "[seeds.konr]")
    assert f"manifest.toml:{line}: seed 'konr' lacks rights" in output


def test_notice_not_in_the_seed_stops_the_build(project):
    manifest = project / "seeds" / "manifest.toml"
    edit(manifest, 'rights_notice = ["copyright © 2002 by mochola"]', 'rights_notice = ["copyright © 2003 by mochola"]')
    status, output = build(project)
    assert status != 0
    line = manifest_line(project, "[seeds.konr]")
    assert f"manifest.toml:{line}: seed 'konr': the notice 'copyright © 2003 by mochola'" in output
    assert "is not in 001_cc7236b206390885.txt" in output


def test_licence_basis_without_a_licence_stops_the_build(project):
    manifest = project / "seeds" / "manifest.toml"
    edit(manifest, 'rights_licence = "CC-BY-SA-3.0"\n', "")
    status, output = build(project)
    assert status != 0
    line = manifest_line(project, 'rights_basis = "licence"')
    assert f"manifest.toml:{line}: seed 'gulag-operation' is reproduced under a licence but names none" in output
