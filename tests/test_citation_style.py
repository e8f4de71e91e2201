"""The edition's citation style and authority rule, on a tiny test root (sphinx.testing).

One label per work, the same in the notes and in the bibliography; letters for one author's works
of one year; short titles for bodies and reference works; a correcting note rests on an
authority or says that it does not.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from editorial import bibliography_cache

ROOT = "edition-citations"


def _soup(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _cited_labels(app) -> dict[str, set[str]]:
    """Every citation label in the chapter and the bibliography ids it links to."""
    links: dict[str, set[str]] = {}
    for link in _soup(app, "chap").select("span.bibtex-citation a[href]"):
        links.setdefault(link.get_text(), set()).add(link["href"].partition("#")[2])
    return links


def _bibliography_labels(app) -> dict[str, str]:
    labels = {}
    for entry in _soup(app, "index").select("div.citation[id]"):
        label = entry.select_one("span.label").get_text().strip("[]")
        assert label not in labels, f"the bibliography shows {label!r} twice"
        labels[label] = entry["id"]
    return labels


@pytest.fixture
def build_edited(make_app, rootdir: Path, tmp_path: Path) -> Callable[..., str]:
    """Build a private copy of the root with ``(file, old, new)`` edits; return the warnings.

    The edits come before the application is made, because the .bib files are read and
    labelled when it starts (``builder-inited``), not when it builds."""

    def build(*edits: tuple[str, str, str], builder: str = "html") -> str:
        srcdir = tmp_path / "root"
        shutil.copytree(rootdir / f"test-{ROOT}", srcdir)
        for name, old, new in edits:
            text = (srcdir / name).read_text(encoding="utf-8")
            assert old in text, (name, old)
            (srcdir / name).write_text(text.replace(old, new), encoding="utf-8")
        app = make_app(builder, srcdir=srcdir)
        app.build()
        return app.warning.getvalue()

    return build


@pytest.mark.sphinx("html", testroot=ROOT)
def test_each_label_names_one_work_in_text_and_bibliography(app, warning):
    app.build()
    assert warning.getvalue() == ""
    cited = _cited_labels(app)
    assert {label: ids for label, ids in cited.items()} == {
        "Anders 2002": {"cite-1-page"},
        "Wikipedia, ‘Prague uprising’": {"cite-2-wp-prague"},
        "Auschwitz Museum, ‘Soviet POWs’": {"cite-2-museum"},
        "Anders n.d.-a": {"cite-2-kleska"},
        "Anders n.d.-b": {"cite-2-part4"},
        "Parrish 1996": {"cite-2-parrish1996"},
    }
    bibliography = _bibliography_labels(app)
    for label, ids in cited.items():
        assert {bibliography[label]} == ids


@pytest.mark.sphinx("html", testroot=ROOT)
def test_several_works_are_separated_by_semicolons(app):
    app.build()
    citations = [span.get_text() for span in _soup(app, "chap").select("span.bibtex-citation")]
    assert "[Auschwitz Museum, ‘Soviet POWs’; Wikipedia, ‘Prague uprising’]" in citations
    assert "[Parrish 1996, 160]" in citations


@pytest.mark.sphinx("html", testroot=ROOT)
def test_bibliography_is_sorted_by_label_and_prints_each_date_once(app):
    app.build()
    assert list(_bibliography_labels(app)) == [
        "Anders 2002",
        "Anders n.d.-a", "Anders n.d.-b", "Auschwitz Museum, ‘Soviet POWs’", "Parrish 1996",
        "Wikipedia, ‘Prague uprising’",
    ]
    page = _soup(app, "index").select_one("#cite-1-page p").get_text(" ", strip=True)
    assert page.count("2002") == 1, page
    assert "last updated 21 October 2002" in page
    assert "accessed 23 November 2026" in page
    book = _soup(app, "index").select_one("#cite-2-parrish1996 p").get_text(" ", strip=True)
    assert "Parrish, Michael. The Lesser Terror . Westport, CT: Praeger, 1996." in book


@pytest.mark.sphinx("html", testroot=ROOT)
def test_each_entry_is_formatted_once_and_the_tooltip_shows_the_entry(app, monkeypatch):
    """sphinxcontrib-bibtex asks for every entry twice (bibliography, tooltip); the second answer
    is the first one, so the tooltip still shows the whole entry as the bibliography prints it."""
    from pybtex.style.template import Node

    formatted: list[str] = []
    original = Node.format_data

    def counting(self, data):
        if self.name == "toplevel":
            formatted.append(data["entry"].key)
        return original(self, data)

    monkeypatch.setattr(Node, "format_data", counting)
    # Earlier tests on this root leave formatted entries in its cache: start from none.
    monkeypatch.setattr(bibliography_cache, "store", bibliography_cache.FormattedEntries())
    app.build()
    assert sorted(formatted) == sorted(set(formatted)), f"entries formatted more than once: {formatted}"
    assert len(formatted) == 6
    tooltip = _soup(app, "chap").select_one('a[href$="#cite-1-page"]')["title"]
    entry = _soup(app, "index").select_one("#cite-1-page p").get_text()
    assert tooltip.split() == entry.split()
    assert "last updated 21 October 2002" in tooltip


def test_a_label_standing_for_two_works_fails_naming_both_entries(build_edited):
    message = build_edited(
        ("refs.bib", "title = {{Soviet {POWs}}},", "title = {{Soviet POWs}}, shorttitle = {Prague uprising},"),
        ("refs.bib", "shortauthor = {Auschwitz Museum},", "shortauthor = {Wikipedia},"))
    assert re.search(r"refs\.bib:\d+: WARNING: the label 'Wikipedia, ‘Prague uprising’' of 'wp-prague' "
                     r"also stands for 'museum'", message), message
    assert "of 'museum' also stands for 'wp-prague'" in message


def test_a_label_too_long_to_carry_fails(build_edited):
    message = build_edited(("refs.bib", "title = {{Prague uprising}},",
                            "title = {{The Prague uprising of May 1945 and the First Division of the KONR}},"))
    assert re.search(r"refs\.bib:\d+: WARNING: the label 'Wikipedia, ‘The Prague uprising of May 1945 and the "
                     r"First Division of the KONR’' of 'wp-prague' is longer than 60 characters", message), message


def test_correction_on_reference_works_alone_fails_with_file_and_line(build_edited):
    message = build_edited(("chap.md", "{cite:p}`wp-prague,museum`", "{cite:p}`wp-prague`"))
    assert re.search(r"chap\.md:\d+: WARNING: correction note 'chap-correction' rests only on "
                     r"wp-prague \(reference\)", message), message
    assert "[edition.authority]" in message


@pytest.mark.sphinx("html", testroot=ROOT)
def test_marked_note_is_accepted_shown_and_recorded(app, warning):
    app.build()
    assert warning.getvalue() == ""
    note = _soup(app, "chap").select_one("aside#chap-basis")
    assert "rests only on reference works and popular accounts" in note.select_one("span.note-basis").get_text()
    recorded = {note["id"]: note["basis"] for note in app.env.edition_notes["chap"]}
    assert recorded["chap-basis"] == "reference works only"
    assert recorded["chap-correction"] == ""


def test_mark_on_a_note_that_has_an_authority_fails(build_edited):
    message = build_edited(("chap.md", "Reference works differ {cite:p}`wp-prague`", "Differ {cite:p}`wp-prague,museum`"))
    assert re.search(r"chap\.md:\d+: WARNING: contradiction note 'chap-basis' is marked "
                     r"\{basis\}`reference works only` but cites museum", message), message


def test_spelling_note_may_rest_on_the_page_itself_but_a_correction_may_not(build_edited):
    message = build_edited(("chap.md", "{note}`spelling` The page has it so", "{note}`correction` The page has it so"))
    assert "correction note 'chap-spelling' rests only on page (source)" in message


def test_incomplete_records_fail_naming_the_line(build_edited):
    message = build_edited(
        ("refs.bib", "organization = {historykon.pl}, year = {n.d.},", "organization = {historykon.pl},"),
        ("refs.bib", "url = {http://example.org/page4}, urldate = {2026-11-23},", "url = {http://example.org/page4},"),
        ("refs.bib", "authority = {scholarship}", "authority = {famous}"),
        ("refs.bib", "address = {Westport, CT}, ", ""),
        ("refs.bib", "url = {http://example.org/page6}, urldate = {2026-11-23},", "url = {http://example.org/page6},"))
    assert re.search(r"refs\.bib:16: WARNING: @online entry 'kleska' lacks year", message), message
    assert re.search(r"refs\.bib:24: WARNING: @online entry 'part4' has no date \(n\.d\.\) and no urldate", message), message
    assert re.search(r"refs\.bib:1: WARNING: @online entry 'page' has a url but no urldate", message), message
    assert re.search(r"refs\.bib:9: WARNING: @book entry 'parrish1996' lacks address", message), message
    assert "'parrish1996' has authority 'famous'; use one of: source, scholarship" in message


def test_an_imprint_no_record_shows_may_stay_unverified_and_says_so(build_edited, make_app, tmp_path):
    message = build_edited(("refs.bib", "publisher = {Praeger}, address = {Westport, CT}, year = {1996},",
                            "publisher = {Praeger}, year = {n.d.}, unverified = {address, year}, "
                            "note = {Not found in the catalogues searched}, url = {http://example.org/b}, "
                            "urldate = {2026-11-23},"))
    assert "parrish1996" not in message, message
    index = BeautifulSoup((tmp_path / "root" / "_build" / "html" / "index.html").read_text(encoding="utf-8"),
                          "html.parser")
    record = index.select_one("#cite-2-parrish1996 p").get_text(" ", strip=True)
    assert "Place and year not verified by the editors. Not found in the catalogues searched." in record


@pytest.mark.sphinx("latex", testroot=ROOT)
def test_pdf_keeps_each_bibliography_group_in_place_with_the_same_labels(app):
    app.build()
    (tex_file,) = app.outdir.glob("*.tex")
    tex = tex_file.read_text(encoding="utf-8")
    sources, literature = tex.index(r"\chapter{Sources}"), tex.index(r"\chapter{Literature}")
    first_list, second_list = [m.start() for m in re.finditer(r"\\begin\{sphinxthebibliography\}", tex)]
    assert sources < first_list < literature < second_list
    assert r"\bibitem[Anders 2002]{index:cite-1-page}" in tex
    assert r"\bibitem[Anders n.d.\sphinxhyphen{}a]{index:cite-2-kleska}" in tex


# -- Locators: every citation of a paged work says where ------------------------------------------

def test_a_book_cited_without_a_locator_fails_naming_file_and_line(build_edited):
    message = build_edited(("chap.md", "{cite:p}`parrish1996{160}`", "{cite:p}`parrish1996`"))
    assert re.search(r"chap\.md:22: WARNING: citation of 'parrish1996' \(book\) has no locator", message), message
    assert "[edition.locator]" in message


def test_a_locator_the_rule_cannot_read_fails_saying_why(build_edited):
    message = build_edited(("chap.md", "{cite:p}`parrish1996{160}`", "{cite:p}`parrish1996{p. 160}`"))
    assert re.search(r"chap\.md:22: WARNING: citation of 'parrish1996' has the locator 'p\. 160': give pages "
                     r"bare", message), message


def test_a_page_range_with_a_hyphen_fails_asking_for_an_en_dash(build_edited):
    message = build_edited(("chap.md", "{cite:p}`parrish1996{160}`", "{cite:p}`parrish1996{160-162}`"))
    assert re.search(r"chap\.md:22: WARNING: .*join a page range with an en dash", message), message


def test_web_pages_need_no_locator_and_any_citation_may_carry_one(build_edited):
    message = build_edited(("chap.md", "{cite:p}`kleska,part4`", "{cite:p}`kleska{ch. 3},part4`"),
                           ("chap.md", "{cite:p}`parrish1996{160}`", "{cite:p}`parrish1996{not seen}`"))
    assert "locator" not in message, message


@pytest.mark.parametrize("locator", ["419", "196–199", "63, 67", "xii", "87 n. 3", "ch. 7", 'sec. "Smolensk"',
                                     "doc. 525", "app. IV", "§ 3", "s.v. Vlasov", "«Первая дивизия»",
                                     "“the first division”", "not seen"])
def test_locators_the_rule_reads(locator):
    from editorial.locators import locator_problem

    assert locator_problem(locator) == ""


@pytest.mark.parametrize("locator", ["p. 419", "pp. 196–199", "196-199", "online copy", "419 and 420", "ch.7",
                                     "«unclosed"])
def test_locators_the_rule_refuses(locator):
    from editorial.locators import locator_problem

    assert locator_problem(locator) != ""


@pytest.mark.sphinx("latex", testroot=ROOT)
def test_the_locator_follows_the_label_in_the_pdf_source(app):
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert "{Parrish 1996}, 160{]}" in tex, "the LaTeX citation lacks its locator"
