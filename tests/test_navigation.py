"""editorial/navigation.py: the sidebar's navigation rendered once per state, every page unchanged.

Every page is built with the theme's own rendering and with the shared one, and compared byte for
byte: on a test root with two captioned toctrees, a page with children, pages in a subfolder and
an orphan, under the theme's default options and the edition's; and on the real edition.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project, sphinx_build

EDITION_OPTIONS = {"html_theme_options.max_navbar_depth": "1", "html_theme_options.collapse_navbar": "1"}


def _pages(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*.html"))}


def _build(make_app, rootdir: Path, out: Path, shared: bool, options: dict[str, str]) -> tuple[dict[str, bytes], int]:
    """Every page of the root, and how often the theme rendered the navigation."""
    app = make_app("html", srcdir=rootdir / "test-navigation", builddir=out,
                   confoverrides={"edition_shared_navigation": shared, **options})
    rendered = 0
    real = app.builder.render_partial

    def render_partial(node):
        nonlocal rendered
        rendered += 1
        return real(node)

    app.builder.render_partial = render_partial
    app.build()
    assert [line for line in app.warning.getvalue().splitlines() if "is already registered" not in line] == []
    return _pages(app.outdir), rendered


@pytest.mark.parametrize("options", [{}, EDITION_OPTIONS], ids=["theme-defaults", "edition-options"])
def test_every_page_is_the_same_with_the_navigation_rendered_once(make_app, rootdir, tmp_path, options):
    theirs, rendered_by_theme = _build(make_app, rootdir, tmp_path / "theirs", False, options)
    ours, rendered_shared = _build(make_app, rootdir, tmp_path / "ours", True, options)
    assert sorted(ours) == sorted(theirs)
    assert len(ours) >= 12
    for page in theirs:
        assert ours[page] == theirs[page], f"{page} differs"
    # one and two share one rendering, five and six another, sub/four and sub/seven a third; the
    # orphan, index, genindex and search a fourth; the part (it has children) goes to the theme.
    assert rendered_shared <= rendered_by_theme - 5, (rendered_shared, rendered_by_theme)
    assert b'<li class="toctree-l1 current active"><a class="current reference internal" href="#">Chapter two' \
        in ours["two.html"]


def test_every_page_of_the_edition_is_the_same(tmp_path):
    project = copy_project(tmp_path / "project")
    pages = {}
    for shared in (True, False):
        out = tmp_path / f"html-{shared}"
        result = sphinx_build("-b", "html", "-q", "-d", str(tmp_path / f"doctrees-{shared}"),
                              "-D", f"edition_shared_navigation={int(shared)}",
                              str(project / "docs"), str(out), cwd=project)
        assert result.returncode == 0, result.stderr[-3000:]
        pages[shared] = _pages(out)
    assert len(pages[True]) > 10
    assert pages[True].keys() == pages[False].keys()
    different = [page for page in pages[True] if pages[True][page] != pages[False][page]]
    assert different == [], f"pages differ: {different}"
