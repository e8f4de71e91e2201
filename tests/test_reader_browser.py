"""The reader's page in Debian's headless Chromium (Playwright), at desktop and phone width.

Notes open in place and close again by mouse, touch and keyboard; margin notes never overlap;
paragraphs with note markers keep one line height; one search field; print and a page without
JavaScript keep the notes at the foot.  Screenshots of a chapter and of the front page are
written beside the test run's temporary files for a person to look at.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from conftest import MANIFEST, ROOT
from gates import VIEWPORTS, axe_source, html_pages

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' (Playwright)")

CHAPTERS = list(MANIFEST)
#: The chapter whose one paragraph carries the most markers (eight), for the overlap test.
CROWDED = "vlasov-movement"



def open_tab(chromium, viewport: str, **options):
    context = chromium.new_context(viewport=VIEWPORTS[viewport], **options)
    return context, context.new_page()


PANEL_STATE = """(marker) => {
    const panel = document.getElementById(marker.getAttribute('aria-controls'));
    const m = marker.getBoundingClientRect(), p = panel.getBoundingClientRect();
    return {expanded: marker.getAttribute('aria-expanded'), hidden: panel.hidden,
            visible: p.width > 0 && p.height > 0,
            mode: panel.classList.contains('edition-note-margin') ? 'margin' : 'popover',
            marker: {top: m.top, bottom: m.bottom, left: m.left, right: m.right},
            panel: {top: p.top, bottom: p.bottom, left: p.left, right: p.right},
            text: panel.textContent, inViewport: p.right <= document.documentElement.clientWidth + 1};
}"""


def panel_state(marker) -> dict:
    return marker.evaluate(PANEL_STATE)


def assert_at_marker(state: dict, viewport: str) -> None:
    """A margin note starts level with its marker, right of it; a popover just under its line."""
    assert state["visible"] and state["expanded"] == "true" and not state["hidden"]
    assert state["inViewport"]
    marker, panel = state["marker"], state["panel"]
    if viewport == "desktop":
        assert state["mode"] == "margin"
        assert panel["left"] > marker["right"] - 1
        assert abs(panel["top"] - marker["top"]) < 4
    else:
        assert state["mode"] == "popover"
        assert marker["bottom"] - 2 <= panel["top"] <= marker["bottom"] + 40


#: A note this long fits beside its marker in a 1280 × 800 window; longer ones may open as
#: popovers (notes.js: taller than 70 % of the window), which the margin tests do not want.
FITS_THE_MARGIN = 600

SHORT_NOTE_MARKERS = """(selector) => [...document.querySelectorAll(selector)]
    .map((marker, index) => [index, document.getElementById(marker.getAttribute('href').slice(1)).textContent.length])
    .filter(([index, length]) => length < %d).map(([index]) => index)""" % FITS_THE_MARGIN


def first_marker(tab, chapter: str = "konr"):
    """The first marker of the reading text whose note fits the margin."""
    selector = "div.reading-text a.footnote-reference[aria-controls]"
    marker = tab.locator(selector).nth(tab.evaluate(SHORT_NOTE_MARKERS, selector)[0])
    marker.scroll_into_view_if_needed()
    return marker


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_note_opens_at_its_marker_and_closes_by_mouse(site, chromium, viewport):
    context, tab = open_tab(chromium, viewport)
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    marker = first_marker(tab)
    note_id = marker.get_attribute("href").lstrip("#")
    marker.click()
    state = panel_state(marker)
    assert_at_marker(state, viewport)
    # The panel holds the note's own text, and the page did not jump to the foot.
    foot = tab.locator(f"aside#{note_id}").inner_text()
    assert " ".join(foot.split()[2:14]) in " ".join(state["text"].split())
    assert urlsplit(tab.url).fragment == ""
    marker.click()
    assert panel_state(marker)["hidden"] and marker.get_attribute("aria-expanded") == "false"
    # The panel's close button closes it too.
    marker.click()
    tab.locator(f"#{marker.get_attribute('aria-controls')} button.edition-note-close").click()
    assert panel_state(marker)["hidden"]
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_note_opens_and_closes_by_touch(site, chromium, viewport):
    context, tab = open_tab(chromium, viewport, has_touch=True, is_mobile=viewport == "phone")
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    marker = first_marker(tab)
    marker.tap()
    assert_at_marker(panel_state(marker), viewport)
    marker.tap()
    assert panel_state(marker)["hidden"]
    if viewport == "phone":
        # A tap elsewhere on the page closes a popover.
        marker.tap()
        state = panel_state(marker)
        assert not state["hidden"]
        tab.touchscreen.tap(200, state["marker"]["top"] - 30)  # on the text above the marker
        assert panel_state(marker)["hidden"]
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_note_opens_and_closes_by_keyboard(site, chromium, viewport):
    context, tab = open_tab(chromium, viewport)
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    marker = first_marker(tab)
    marker.focus()
    tab.keyboard.press("Enter")
    assert_at_marker(panel_state(marker), viewport)
    # The note's links come next in the tab order, then Escape closes it and focus returns.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('.edition-note-panel') !== null")
    tab.keyboard.press("Escape")
    assert panel_state(marker)["hidden"]
    assert tab.evaluate("document.activeElement.getAttribute('aria-controls')") == marker.get_attribute("aria-controls")
    tab.keyboard.press("Enter")
    assert not panel_state(marker)["hidden"]
    tab.keyboard.press("Enter")
    assert panel_state(marker)["hidden"]
    context.close()


def test_margin_notes_never_overlap(site, chromium):
    context, tab = open_tab(chromium, "desktop")
    tab.goto(f"{site}/{CROWDED}.html", wait_until="networkidle")
    # The paragraph with the most notes that fit the margin; only those are opened.
    paragraph, short = max(
        ((pid, tab.evaluate(SHORT_NOTE_MARKERS, f"p#{pid} a.footnote-reference[aria-controls]"))
         for pid in tab.evaluate("() => [...document.querySelectorAll('div.reading-text p[id]')].map(p => p.id)")),
        key=lambda item: len(item[1]))
    markers = tab.locator(f"p#{paragraph} a.footnote-reference[aria-controls]")
    assert len(short) >= 4
    for index in short:
        markers.nth(index).click()
    boxes = tab.evaluate("""() => [...document.querySelectorAll('.edition-note-panel:not([hidden])')]
        .map(p => { const r = p.getBoundingClientRect();
                    return {top: r.top, bottom: r.bottom, margin: p.classList.contains('edition-note-margin')}; })""")
    margin = sorted((box for box in boxes if box["margin"]), key=lambda box: box["top"])
    assert len(margin) >= 4
    for upper, lower in zip(margin, margin[1:]):
        assert upper["bottom"] <= lower["top"], f"margin notes overlap: {upper} and {lower}"
    context.close()


def test_a_note_too_tall_for_the_margin_opens_as_a_popover(site, chromium):
    """On a short window, a long note does not fit beside its marker and opens under it."""
    context = chromium.new_context(viewport={"width": 1280, "height": 360})
    tab = context.new_page()
    tab.goto(f"{site}/auschwitz-pows.html", wait_until="networkidle")
    longest = tab.evaluate("""() => { const m = [...document.querySelectorAll('div.reading-text a.footnote-reference')];
        const length = a => document.getElementById(a.getAttribute('href').slice(1)).textContent.length;
        return m.indexOf(m.reduce((a, b) => length(a) >= length(b) ? a : b)); }""")
    marker = tab.locator("div.reading-text a.footnote-reference").nth(longest)
    marker.scroll_into_view_if_needed()
    marker.click()
    state = panel_state(marker)
    assert state["mode"] == "popover" and state["visible"]
    assert state["marker"]["bottom"] - 2 <= state["panel"]["top"]
    context.close()


LINE_TOPS = """() => [...document.querySelectorAll('div.reading-text p.reading-paragraph')]
  .filter(p => p.querySelector('a.footnote-reference'))
  .map(p => {
    const tops = new Set();
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest('a.footnote-reference, a.paranum, .edition-note-panel')) continue;
      const range = document.createRange(); range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top * 4) / 4);
    }
    const sorted = [...tops].sort((a, b) => a - b);
    return {id: p.id, steps: sorted.slice(1).map((top, i) => top - sorted[i])};
  })"""


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_paragraphs_with_note_markers_keep_one_line_height(site, chromium, viewport, request):
    context, tab = open_tab(chromium, viewport)
    uneven = []
    measured = 0
    for chapter in CHAPTERS:
        tab.goto(f"{site}/{chapter}.html", wait_until="networkidle")
        tab.evaluate("document.fonts.ready.then(() => true)")
        for paragraph in tab.evaluate(LINE_TOPS):
            if len(paragraph["steps"]) < 1:
                continue
            measured += 1
            if max(paragraph["steps"]) - min(paragraph["steps"]) > 1:
                uneven.append((chapter, paragraph["id"], paragraph["steps"]))
    context.close()
    assert measured > 20, "too few paragraphs with markers were measured"
    assert not uneven, "\n".join(map(str, uneven))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_one_search_field_per_page(edition, site, chromium, viewport):
    context, tab = open_tab(chromium, viewport)
    counts = {}
    for path in html_pages(edition.html):
        if path.name == "search.html":
            continue  # the search page's own form is the search
        tab.goto(f"{site}/{path.name}", wait_until="networkidle")
        counts[path.name] = tab.evaluate("""() => [...document.querySelectorAll(
            '.search-button-field, .search-button__button, form.bd-search, input[type=search]')]
            .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
                           return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
                                  && !e.closest('.search-button__wrapper'); }).length""")
    context.close()
    assert all(count == 1 for count in counts.values()), counts


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_passes_with_notes_open(site, chromium, viewport):
    context, tab = open_tab(chromium, viewport)
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    first_marker(tab).click()
    # A popover may cover the next marker on a phone: open it from the keyboard.
    tab.locator("div.reading-text a.footnote-reference[aria-controls]").nth(5).focus()
    tab.keyboard.press("Enter")
    tab.add_script_tag(content=axe_source())
    violations = tab.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => [v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])""")
    context.close()
    assert not violations


def test_without_javascript_a_marker_leads_to_its_note_at_the_foot(site, chromium):
    context, tab = open_tab(chromium, "desktop", java_script_enabled=False)
    tab.goto(f"{site}/konr.html", wait_until="load")
    marker = tab.locator("div.reading-text a.footnote-reference").nth(2)
    note_id = marker.get_attribute("href").lstrip("#")
    assert marker.get_attribute("aria-expanded") is None  # nothing was enhanced
    marker.click()
    assert urlsplit(tab.url).fragment == note_id
    assert tab.evaluate("document.querySelector(':target').tagName") == "ASIDE"
    context.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_note_address_still_opens_the_note(site, chromium, chapter, edition):
    """``chapter.html#note-label``, as anchors.lock publishes it, opens the note at the foot."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((edition.html / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
    note_id = soup.select("aside.edition-note")[-1]["id"]
    context, tab = open_tab(chromium, "phone")
    tab.goto(f"{site}/{chapter}.html#{note_id}", wait_until="networkidle")
    target = tab.evaluate("""() => { const t = document.querySelector(':target'); const r = t.getBoundingClientRect();
        return {id: t.id, visible: r.bottom > 0 && r.top < window.innerHeight}; }""")
    context.close()
    assert target == {"id": note_id, "visible": True}


def test_a_printed_chapter_has_its_text_numbers_and_notes_without_sidebars(site, chromium):
    context, tab = open_tab(chromium, "desktop")
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    first_marker(tab).click()  # an open note does not print twice
    tab.emulate_media(media="print")
    shown = tab.evaluate("""() => { const seen = s => [...document.querySelectorAll(s)]
            .filter(e => e.getBoundingClientRect().height > 0 && getComputedStyle(e).visibility !== 'hidden').length;
        return {sidebars: seen('.bd-sidebar-primary, .bd-sidebar-secondary, .bd-header'),
                panels: seen('.edition-note-panel'), paranums: seen('a.paranum'),
                notes: seen('aside.footnote'), text: seen('div.reading-text p.reading-paragraph')}; }""")
    pdf = tab.pdf()
    context.close()
    assert shown["sidebars"] == 0 and shown["panels"] == 0
    notes = len(re.findall(r"^\[\^[\w-]+\]:", (ROOT / "docs" / "konr.md").read_text(encoding="utf-8"), re.M))
    assert shown["paranums"] > 10 and shown["notes"] == notes and shown["text"] > 10
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots_of_a_chapter_and_the_front_page(site, chromium, viewport, tmp_path_factory, request):
    folder = tmp_path_factory.mktemp(f"reader-{viewport}")
    context, tab = open_tab(chromium, viewport)
    for page in ("index", "konr"):
        tab.goto(f"{site}/{page}.html", wait_until="networkidle")
        tab.evaluate("document.fonts.ready.then(() => true)")
        if page == "konr":
            first_marker(tab).click()
        shot = folder / f"{page}-{viewport}.png"
        tab.screenshot(path=str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG")
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(f"[reader] screenshots in {folder}")
