"""The registers of persons, places and organisations: the checked file, the register page, the
roles that point into it, the index's links to the authority records, and bad input.

Bad input stops a strict build with a message naming the file and line (issue 18, item 3)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes

from conftest import sphinx_build
from editorial.name_index import AUTHORITIES, load_registers, paragraph_words

ROOT = Path(__file__).parent / "roots" / "test-registers"
CHECKOUT = Path(__file__).parent.parent
EDITION_REGISTERS = CHECKOUT / "docs" / "registers.toml"


def _page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.sphinx("html", testroot="registers")
def test_roles_link_notes_to_register_entries(app, warning):
    app.build()
    assert warning.getvalue() == ""
    links = {a.get_text(): a["href"] for a in _page(app, "notes").select("a")}
    assert links["General Vlasov"] == "registers.html#person-vlasov"
    assert links["Prague"] == "registers.html#place-prague"  # no title: the standard form
    assert links["KONR"] == "registers.html#org-konr"


@pytest.mark.sphinx("html", testroot="registers")
def test_register_page_shows_entry_and_links_its_records(app):
    app.build()
    entry = _page(app, "registers").find(id="person-vlasov").find_parent("dt")
    assert "Власов, Андрей Андреевич" in entry.get_text() and "1901–1946" in entry.get_text()
    records = [a["href"] for a in entry.find_next_sibling("dd").select("a.authority-link")]
    assert records == ["https://www.wikidata.org/wiki/Q999999901", "https://d-nb.info/gnd/199999990"]


@pytest.mark.sphinx("html", testroot="registers")
def test_index_links_each_entry_to_the_register_and_its_records(app):
    app.build()
    index = _page(app, "genindex")
    entry = index.find("a", string="Vlasov, Andrei Andreyevich") or index.find(
        lambda tag: tag.name == "a" and tag.get_text() == "Vlasov, Andrei Andreyevich")
    assert entry["href"] == "registers.html#person-vlasov"
    hrefs = [a["href"] for a in entry.find_parent("li").select("a")]
    assert "https://www.wikidata.org/wiki/Q999999901" in hrefs and "https://d-nb.info/gnd/199999990" in hrefs
    prague = index.find(lambda tag: tag.name == "a" and tag.get_text() == "GeoNames 999999902")
    assert prague["href"] == "https://www.geonames.org/999999902"


def test_a_name_before_a_note_marker_is_found():
    paragraph = nodes.paragraph("", "", nodes.Text("Subject essay: James von Geldern"),
                                nodes.footnote_reference("1", "1", refid="vm-byline"))
    assert paragraph_words(paragraph) == "Subject essay: James von Geldern "


def test_the_editions_registers_are_well_formed():
    registers = load_registers(EDITION_REGISTERS)
    assert registers.problems == []
    for entry in registers.entries:
        assert entry.identification, entry.key
        for authority, value in entry.authority_ids.items():
            assert AUTHORITIES[authority][1].fullmatch(value)
            assert entry.sources[authority], (entry.key, authority)


# -- Bad input: a copy of the test root, broken, built strictly -----------------------------------

def _build(project: Path) -> tuple[int, str]:
    # The copy has no extension of its own: this checkout's, ahead of any installed copy.
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "PYTHONPATH": os.pathsep.join([str(CHECKOUT), os.environ.get("PYTHONPATH", "")])}
    result = sphinx_build("-b", "html", "-n", "-W", "--keep-going", "-q", ".", "_build/out", cwd=project, env=env)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def registers_project(tmp_path) -> Path:
    return Path(shutil.copytree(ROOT, tmp_path / "project"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text in line)


def test_the_unbroken_root_builds(registers_project):
    status, output = _build(registers_project)
    assert status == 0, output


def test_unknown_entry_in_a_note(registers_project):
    _edit(registers_project / "notes.md", "{org}`konr`", "{org}`konr-army`")
    status, output = _build(registers_project)
    assert status != 0
    assert "notes.md:3:" in output and "unknown org entry 'konr-army'" in output


@pytest.mark.parametrize(("authority", "bad"), [("wikidata", "Q12a"), ("wikidata", "12"), ("gnd", "99999999"),
                                                ("viaf", "0123"), ("geonames", "GN1")])
def test_malformed_id(registers_project, authority, bad):
    registers = registers_project / "registers.toml"
    if authority in ("wikidata", "gnd"):
        _edit(registers, f'{authority} = "', f'{authority} = "{bad}" # was "')
    else:
        _edit(registers, 'geonames = "999999902"', f'{authority} = "{bad}"')
    status, output = _build(registers_project)
    assert status != 0
    line = _line_of(registers, f'{authority} = "{bad}"')
    assert f"registers.toml:{line}:" in output
    assert f"malformed {AUTHORITIES[authority][0]} id '{bad}'" in output


def test_id_given_to_two_entries(registers_project):
    registers = registers_project / "registers.toml"
    _edit(registers, 'identification = "Committee for the Liberation of the Peoples of Russia."',
          'identification = "Committee for the Liberation of the Peoples of Russia."\n'
          'wikidata = "Q999999901"\nsource = "a test record"')
    status, output = _build(registers_project)
    assert status != 0
    line = [number for number, text in enumerate(registers.read_text(encoding="utf-8").splitlines(), 1)
            if text == 'wikidata = "Q999999901"'][-1]
    assert f"registers.toml:{line}:" in output
    assert "Wikidata id Q999999901 is already given to [persons.vlasov]" in output


def test_id_without_a_source(registers_project):
    registers = registers_project / "registers.toml"
    _edit(registers, 'geonames_source = "a test record"\n', "")
    status, output = _build(registers_project)
    assert status != 0
    assert f"registers.toml:{_line_of(registers, 'geonames = ')}:" in output and "without a source" in output
