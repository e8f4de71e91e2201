"""The JSON data set (valid against its schema, the same notes as the TEI) and the one download of
everything (a zip with a SHA-256 list that matches its contents)."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile

import pytest
from conftest import BUNDLE, MANIFEST, ROOT
from lxml import etree

from editorial.json_export import SCHEMA_FILE
from editorial.tei import TEI_NS, XML_ID

CSL_SCHEMA = ROOT.parent / "shared" / "schemas" / "csl-data.json"


def data(edition) -> dict:
    return json.loads((edition.html / "data" / "edition.json").read_text(encoding="utf-8"))


def test_json_validates_against_its_schema(edition):
    jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [f"{list(error.absolute_path)}: {error.message}"
              for error in jsonschema.Draft202012Validator(schema).iter_errors(data(edition))]
    assert not errors, errors[:20]


def test_json_bibliography_is_csl_json(edition):
    jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")
    if not CSL_SCHEMA.is_file():
        message = f"{CSL_SCHEMA} is missing: CI has ../shared beside the clone"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    validator = jsonschema.Draft7Validator(json.loads(CSL_SCHEMA.read_text(encoding="utf-8")))
    errors = [error.message for error in validator.iter_errors(data(edition)["bibliography"])]
    assert not errors, errors[:20]


def test_json_has_every_note_of_the_tei_with_its_citations(edition):
    document = data(edition)
    notes = {note["id"]: note for note in document["notes"]}
    keys = {item["id"] for item in document["bibliography"]}
    for key in MANIFEST:
        tree = etree.parse(str(edition.tei / "tei" / f"{key}.xml"))
        tei_notes = tree.findall(f".//{{{TEI_NS}}}note[@place='foot']")
        assert {note.get(XML_ID) for note in tei_notes} == {n for n, note in notes.items() if note["chapter"] == key}
        for note in tei_notes:
            record = notes[note.get(XML_ID)]
            assert record["kind"] == note.get("type")
            assert record["paragraph"] in {"", *(p["id"] for c in document["chapters"] if c["id"] == key
                                                 for p in c["paragraphs"])}
            cited = [ptr.get("target").removeprefix("#bib-") for ptr in note.iter(f"{{{TEI_NS}}}ptr")
                     if ptr.getparent().tag == f"{{{TEI_NS}}}bibl"]
            assert [citation["key"] for citation in record["citations"]] == cited
            assert all(citation["key"] in keys for citation in record["citations"])
    assert any(citation["locator"] for note in notes.values() for citation in note["citations"]) or not notes


def test_json_paragraphs_are_the_seed(edition):
    for chapter in data(edition)["chapters"]:
        lines = [line for line in MANIFEST[chapter["id"]].text().split("\n") if line.strip(" \t\xa0")]
        assert [paragraph["text"] for paragraph in chapter["paragraphs"]] == lines


def test_one_download_of_everything_with_its_sha256_list(edition):
    path = edition.html / BUNDLE
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        folder = BUNDLE.removesuffix(".zip")
        assert all(name.startswith(f"{folder}/") for name in names)
        members = {name.removeprefix(f"{folder}/"): archive.read(name) for name in names}
    for wanted in ("tei/edition.xml", "data/edition.json", "data/edition-data.schema.json",
                   "citations/edition.bib", "edition.pdf", "edition.epub", *(f"tei/{key}.xml" for key in MANIFEST)):
        assert wanted in members, wanted
    sums = dict(reversed(line.split("  ", 1)) for line in members.pop("SHA256SUMS").decode().splitlines())
    assert sums.keys() == members.keys()
    for name, content in members.items():
        assert hashlib.sha256(content).hexdigest() == sums[name], name
        assert content == (edition.html / name).read_bytes(), name
    digest, name = (edition.html / f"{BUNDLE}.sha256").read_text(encoding="utf-8").split()
    assert (name, digest) == (BUNDLE, hashlib.sha256(path.read_bytes()).hexdigest())
