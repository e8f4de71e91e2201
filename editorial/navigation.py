"""The sidebar's navigation rendered once per build and per state of the toctree, not once per page.

sphinx-book-theme's sidebar (``sbt-sidebar-nav.html``) calls pydata-sphinx-theme's
``generate_toctree_html`` on every page: Sphinx resolves the whole toctree for that page, renders
it, and the theme re-parses it with BeautifulSoup; so a build costs pages × pages, and the
edition's themed build grew 3× faster than a bare one (``nox -s bench``).  On every page the
result is the same HTML except for the marks of the current page: its ``<li>`` gets
``current active``, its link ``class="current reference internal" href="#"``, and the branch
that holds it (its lists and the entries above it) gets ``current``.

So this module replaces the theme's function in the page's context (``html-page-context``, after
the theme has put it there) by one that renders through the theme once per *state* and reuses it:

- pages outside every toctree (the root, the index, search) in one folder share one rendering;
- a page that is a leaf of the toctree, and appears in it once, shares its rendering with the
  leaves of the same toctree directive in the same folder: the same branch is marked ``current``,
  and only the link of the current page moves; it is moved as the theme would have marked it,
  and only where the marks are found exactly once as expected;
- anything else (a page with children, a page in two toctrees, another call of the function)
  goes to the theme, as before.

The pages are byte-identical to the theme's own (tests/test_navigation.py compares every page of
a test root and of the edition, built with and without this module).  ``edition_shared_navigation
= False`` turns it off.  It can go once the theme renders its navigation once per build itself.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Callable
from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: The marks pydata-sphinx-theme gives the current page's entry (Sphinx's "current" class, then
#: the theme's "active"); its link is Sphinx's reference to the page itself.
CURRENT_ITEM = " current active"
CURRENT_LINK = '<a class="current reference internal" href="#">'
LINK = '<a class="reference internal" href="{href}">'

#: Renderings of this build: state → (the page it was rendered for, its HTML).
_rendered: dict[tuple, tuple[str, str]] = {}
#: Where each leaf of the toctree stands: docname → (parent, index of the toctree directive).
_places: dict[str, tuple[str, int] | None] = {}


def forget(*args: Any) -> None:
    """A new build, or a new state of the toctree: render again."""
    _rendered.clear()
    _places.clear()


def _place(env: BuildEnvironment, docname: str) -> tuple[str, int] | None:
    """The toctree directive that lists ``docname``, if it is a leaf listed exactly once."""
    if not _places:
        counts: dict[str, int] = {}
        for parent, children in env.toctree_includes.items():
            for child in children:
                counts[child] = counts.get(child, 0) + 1
        for parent in env.toctree_includes:
            toc = env.tocs.get(parent)
            directives = list(toc.findall(addnodes.toctree)) if toc is not None else []
            for index, directive in enumerate(directives):
                for child in directive.get("includefiles", ()):
                    leaf = counts.get(child) == 1 and not env.toctree_includes.get(child)
                    _places[child] = (parent, index) if leaf else None
        _places.setdefault("", None)  # computed, even for an edition without a toctree
    return _places.get(docname)


def _move_current(rendered: str, builder, old: str, new: str) -> str | None:
    """``rendered`` (the navigation of page ``old``) as the theme renders it for page ``new``, or
    None when the marks are not where and as they are expected."""
    if rendered.count(CURRENT_LINK) != 1:
        return None
    old_link = LINK.format(href=html.escape(builder.get_relative_uri(new, old)))
    new_link = LINK.format(href=html.escape(builder.get_relative_uri(old, new)))
    if rendered.count(new_link) != 1 or old_link in rendered:
        return None
    at = rendered.index(CURRENT_LINK)
    item = rendered.rfind("<li ", 0, at)
    item_end = rendered.find(">", item)
    if item < 0 or item_end + 1 != at or not rendered[item:item_end].endswith(CURRENT_ITEM + '"'):
        return None
    unmarked = (rendered[:item_end - len(CURRENT_ITEM) - 1] + '"' + rendered[item_end:at] + old_link
                + rendered[at + len(CURRENT_LINK):])
    at = unmarked.index(new_link)
    item = unmarked.rfind("<li ", 0, at)
    item_end = unmarked.find(">", item)
    if item < 0 or item_end + 1 != at or CURRENT_ITEM in unmarked[item:item_end] or not unmarked[item_end - 1] == '"':
        return None
    return (unmarked[:item_end - 1] + CURRENT_ITEM + '"' + unmarked[item_end:at] + CURRENT_LINK
            + unmarked[at + len(new_link):])


def share_navigation(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    """``html-page-context``, after the theme: its ``generate_toctree_html`` behind a cache."""
    theirs: Callable[..., Any] | None = context.get("generate_toctree_html")
    if theirs is None or not app.config.edition_shared_navigation:
        return
    env, builder = app.env, app.builder
    folder = posixpath.dirname(pagename)

    def generate_toctree_html(kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs):
        if kind != "sidebar" or startdepth != 0 or not kwargs.get("titles_only"):
            return theirs(kind, startdepth, show_nav_level, **kwargs)
        call = (kind, startdepth, show_nav_level, tuple(sorted(kwargs.items())), folder)
        included = any(pagename in children for children in env.toctree_includes.values())
        place = _place(env, pagename) if included else None
        if included and place is None:
            return theirs(kind, startdepth, show_nav_level, **kwargs)
        state = (call, place)
        if state in _rendered:
            page, rendered = _rendered[state]
            if page == pagename or not included:
                return rendered
            moved = _move_current(rendered, builder, page, pagename)
            if moved is not None:
                return moved
        rendered = str(theirs(kind, startdepth, show_nav_level, **kwargs))
        _rendered[state] = (pagename, rendered)
        return rendered

    context["generate_toctree_html"] = generate_toctree_html


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_config_value("edition_shared_navigation", True, "html", bool)
    app.connect("builder-inited", forget)
    app.connect("env-updated", forget)
    # After pydata-sphinx-theme's add_toctree_functions (priority 500), before the page renders.
    app.connect("html-page-context", share_navigation, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
