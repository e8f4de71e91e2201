"""editorial/theme.py: the theme no longer renders the sidebar and the header's buttons a first
time to see whether they are empty, and the pages are what the theme's own check gives."""

from __future__ import annotations

from pathlib import Path

import pytest

PAGES = ("index", "one", "two")
SKIPPED = ("navbar-logo.html", "sbt-sidebar-nav.html", "article-header-buttons.html")


def _build(make_app, rootdir: Path, tmp_path: Path, check: bool) -> tuple[dict[str, str], list[str]]:
    """Each page's HTML, and the templates the theme rendered apart to check them."""
    app = make_app("html", srcdir=rootdir / "test-theme", builddir=tmp_path / ("check" if check else "skip"),
                   confoverrides={"edition_check_empty_templates": check})
    rendered: list[str] = []
    real = app.builder.templates.render

    def render(template, context):
        rendered.append(template)
        return real(template, context)

    app.builder.templates.render = render
    app.build()
    # A second application in one test re-registers Sphinx's nodes; nothing else may warn.
    assert [line for line in app.warning.getvalue().splitlines() if "is already registered" not in line] == []
    return {page: (app.outdir / f"{page}.html").read_text(encoding="utf-8") for page in PAGES}, rendered


def test_pages_are_the_same_without_the_check(make_app, rootdir, tmp_path):
    with_check, checked = _build(make_app, rootdir, tmp_path, check=True)
    without, skipped = _build(make_app, rootdir, tmp_path, check=False)
    for template in SKIPPED:
        assert checked.count(template) >= len(PAGES), f"the theme no longer checks {template}: drop editorial/theme.py"
        assert template not in skipped
    assert with_check == without
    assert 'bd-sidenav' in without["one"] and "Chapter two" in without["one"]
