"""editorial/bibliography_cache.py: the bibliography is formatted once, across builds.

Each build here is a clean one (its own output and doctree directories) sharing one cache folder,
as a clean build of the edition shares ``build/cache``.  Formatting is counted where pybtex does
it (the entry's top-level template), so the count does not depend on how the cache works.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from editorial import bibliography_cache

ROOT = "test-edition-citations"


@pytest.fixture
def formatted(monkeypatch) -> list[str]:
    """The keys of the entries pybtex formats, in order."""
    from pybtex.style.template import Node

    keys: list[str] = []
    original = Node.format_data

    def counting(self, data):
        if self.name == "toplevel":
            keys.append(data["entry"].key)
        return original(self, data)

    monkeypatch.setattr(Node, "format_data", counting)
    return keys


@pytest.fixture
def build(make_app, rootdir: Path, tmp_path: Path) -> Callable[..., str]:
    """A clean build of the root as edited (``(old, new)`` in refs.bib); the bibliography page's HTML."""
    srcdir = tmp_path / "root"
    shutil.copytree(rootdir / ROOT, srcdir)
    count = 0

    def run(*edits: tuple[str, str]) -> str:
        nonlocal count
        count += 1
        bib = srcdir / "refs.bib"
        for old, new in edits:
            text = bib.read_text(encoding="utf-8")
            assert old in text, old
            bib.write_text(text.replace(old, new), encoding="utf-8")
        app = make_app("html", srcdir=srcdir, builddir=tmp_path / f"build-{count}",
                       confoverrides={"edition_cache_dir": str(tmp_path / "cache")})
        app.build()
        assert [line for line in app.warning.getvalue().splitlines() if "is already registered" not in line] == []
        return (app.outdir / "index.html").read_text(encoding="utf-8")

    return run


def _entry(html: str, key: str) -> str:
    return BeautifulSoup(html, "html.parser").select_one(f"#cite-2-{key} p").get_text(" ", strip=True)


def test_a_build_where_no_entry_changed_formats_none(build, formatted):
    first = build()
    assert sorted(formatted) == ["kleska", "museum", "page", "parrish1996", "part4", "wp-prague"]
    formatted.clear()
    second = build()
    assert formatted == []
    assert second == first


def test_a_changed_field_formats_that_entry_again_and_changes_the_page(build, formatted):
    first = build()
    formatted.clear()
    edited = build(("title = {{The Lesser Terror}},", "title = {{The Lesser Terror Revisited}},"))
    assert formatted == ["parrish1996"]
    assert "The Lesser Terror Revisited" in _entry(edited, "parrish1996")
    assert _entry(edited, "kleska") == _entry(first, "kleska")
    formatted.clear()
    back = build(("title = {{The Lesser Terror Revisited}},", "title = {{The Lesser Terror}},"))
    assert formatted == ["parrish1996"]  # the old version was not kept past the build that dropped it
    assert back == first


def test_a_changed_name_or_style_formats_again(build, formatted, monkeypatch):
    build()
    formatted.clear()
    edited = build(("author = {Parrish, Michael},", "author = {Parrish, Michael J.},"))
    assert formatted == ["parrish1996"]
    assert "Parrish, Michael\N{NO-BREAK SPACE}J." in _entry(edited, "parrish1996")
    formatted.clear()
    monkeypatch.setattr(bibliography_cache, "STYLE_VERSION", bibliography_cache.STYLE_VERSION + 1)
    build()
    assert len(formatted) == 6


def test_an_unreadable_cache_is_formatted_again(build, formatted, tmp_path):
    first = build()
    (tmp_path / "cache" / bibliography_cache.CACHE_FILE).write_bytes(b"not a pickle")
    formatted.clear()
    assert build() == first
    assert len(formatted) == 6


def test_a_chicago_note_is_rendered_once_and_again_when_its_record_changes(monkeypatch):
    from editorial import citations

    rendered: list[str] = []
    real = citations._render_note

    def counting(csl, locator, html):
        rendered.append(csl["id"])
        return real(csl, locator, html)

    monkeypatch.setattr(citations, "_render_note", counting)
    monkeypatch.setattr(bibliography_cache, "notes", bibliography_cache.RenderedNotes())
    record = {"id": "konr", "type": "chapter", "title": "KONR", "container-title": "An edition",
              "issued": {"date-parts": [[2026]]}}
    first = citations.render_note(record, "3")
    assert citations.render_note(dict(record), "3") == first
    assert rendered == ["konr"]
    changed = citations.render_note({**record, "title": "The KONR"}, "3")
    assert rendered == ["konr", "konr"]
    assert "The KONR" in changed and changed != first
