"""Unit tests of the editorial extension on a tiny test root (sphinx.testing)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

SEED = "tests/roots/test-edition-basic/seeds/seed.txt"


def _page(app, name: str = "chap") -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _reading_lines(app) -> list[str]:
    soup = _page(app)
    lines = []
    for paragraph in soup.select("div.reading-text p[id]"):
        for editorial in paragraph.select("a.paranum, a.footnote-reference"):
            editorial.decompose()
        lines.append(paragraph.get_text())
    return lines


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_reading_text_is_the_seed_exactly(app, warning):
    app.build()
    assert warning.getvalue() == ""
    seed = (app.srcdir / "seeds" / "seed.txt").read_text(encoding="utf-8")
    expected = [line for line in seed.split("\n") if line.strip()]
    # No-break spaces, curly quotes, "--", "...", leading bullets' spaces, the trailing no-break
    # space and the escaped "1." all survive Markdown and the writer.
    assert _reading_lines(app) == expected


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_paragraphs_numbered_from_seed_and_furniture_apart(app):
    app.build()
    soup = _page(app)
    ids = [p["id"] for p in soup.select("div.reading-text p[id]")]
    assert ids == ["p1", "f1", "p2", "p3", "p4"]
    furniture = soup.select_one("div.furniture")
    assert "Site navigation" in furniture.select_one(".furniture-label").get_text()
    assert furniture.select_one("p#f1") is not None


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_changed_reading_text_fails_with_file_line_and_column(app, warning):
    chapter = app.srcdir / "chap.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("“quotes”", '"quotes"'), encoding="utf-8")
    app.build()
    message = warning.getvalue()
    assert "chap.md:" in message
    assert "differs from seed seed.txt line 5 at column 22" in message
    assert "[edition.fidelity]" in message


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_deleted_paragraph_is_reported(app, warning):
    chapter = app.srcdir / "chap.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("1\\. ^ a b Parrish, 1996, p.160\n", ""),
                       encoding="utf-8")
    app.build()
    assert "reading text ends before seed seed.txt line 7" in warning.getvalue()


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_chapter_without_seed_in_front_matter_fails(app, warning):
    chapter = app.srcdir / "chap.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("seed: chap\n", "title: x\n"), encoding="utf-8")
    app.build()
    assert "chap.md:" in warning.getvalue()
    assert "no `seed:` in its front matter" in warning.getvalue()


@pytest.mark.sphinx("html", testroot="edition-basic", confoverrides={"smartquotes": True})
def test_smartquotes_would_be_caught(app, warning):
    app.build()
    assert "differs from seed" in warning.getvalue()


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_note_without_source_fails(app, warning):
    chapter = app.srcdir / "chap.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(" {cite:p}`parrish1996{160}`", ""), encoding="utf-8")
    app.build()
    assert "correction note 'chap-note' cites no work" in warning.getvalue()
    assert "chap.md:" in warning.getvalue()


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_note_kind_is_shown_and_typed(app):
    app.build()
    note = _page(app).select_one("aside#chap-note")
    assert note is not None
    assert "note-correction" in note["class"]
    assert note.select_one(".note-kind-correction").get_text().strip() == "Correction."
    assert app.env.edition_notes["chap"][0]["kind"] == "correction"
    assert app.env.edition_notes["chap"][0]["paragraph"] == "p3"


@pytest.mark.sphinx("latex", testroot="edition-basic")
def test_latex_has_paragraph_destinations_and_furniture(app):
    app.build()
    (tex_file,) = app.outdir.glob("*.tex")
    tex = tex_file.read_text(encoding="utf-8")
    assert r"\phantomsection\label{\detokenize{chap:p3}}\editionparanum{3}" in tex
    assert r"\begin{editionfurniture}{Site navigation}" in tex
    assert r"\label{\detokenize{chap:chap-note}}" in tex
    assert (app.outdir / "edition.sty").is_file()
    assert r"\usepackage{edition}" in tex
