"""Spare the theme a second rendering of the templates that are never empty.

Before each page, pydata-sphinx-theme (under sphinx-book-theme) renders every template named for
the sidebar and the article's header once, to drop those that come out empty, and then renders
the page with them: the sidebar's navigation and the header's buttons are built twice per page,
about a sixth of a clean HTML build of the edition (``nox -s bench``).  The theme skips that check
only for its own two navigation templates, by name.

The templates of our sidebar (``html_sidebars`` in ``conf.py``) and the header's buttons are never
empty, so their sections are taken out of the theme's way just before its ``html-page-context``
handler (priority 500) and put back just after it, as the list of ``.html`` names the theme would
have made.  The page is the same (tests/test_theme.py compares it with the theme's own check).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

#: Context sections whose templates always render something on every page of the edition.
NEVER_EMPTY_SECTIONS = ("sidebars", "theme_article_header_end")
_STASH = "edition_never_empty_templates"


def _template_names(templates: list[str] | str) -> list[str]:
    """The theme's normal form: a list of template names, each with its ``.html``."""
    names = [name.strip() for name in templates.split(",")] if isinstance(templates, str) else list(templates)
    return [name if "." in name.rsplit("/", 1)[-1] else f"{name}.html" for name in names if name]


def set_aside(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """``html-page-context``, just before the theme: hide the sections it need not check."""
    if app.config.edition_check_empty_templates:
        return
    kept = {}
    for section in NEVER_EMPTY_SECTIONS:
        if context.get(section):
            kept[section] = _template_names(context[section])
            context[section] = []
    context[_STASH] = kept


def put_back(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """``html-page-context``, just after the theme: the sections as they were."""
    context.update(context.pop(_STASH, {}))


def setup(app: Sphinx) -> dict[str, bool]:
    # True gives the theme back its check of every template (for a template that may be empty).
    app.add_config_value("edition_check_empty_templates", False, "html", bool)
    app.connect("html-page-context", set_aside, priority=499)
    app.connect("html-page-context", put_back, priority=501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
