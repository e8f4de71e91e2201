"""The edition in a real browser: Debian's headless Chromium, driven by Playwright, on 127.0.0.1.

Every page is opened at desktop and at phone width; axe-core runs inside it, and every request the
page makes is recorded.  A reader's path (note and back, a cross-reference, a paragraph address,
the PDF download) is walked by clicking, as a reader would.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import Edition, copy_project, sphinx_build
from gates import VIEWPORTS, axe_source, html_pages, serve

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' (Playwright)")

#: axe-core impacts that fail the edition: all of them (issue 19).  Until then "moderate" and
#: "minor" were only reported, and every page had one (content outside any landmark).
FAILING_IMPACTS = {"minor", "moderate", "serious", "critical"}


def report(request, line: str) -> None:
    """Print a count into the test run's output, whatever pytest's capture settings."""
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if terminal is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"[gates] {line}")


@dataclass
class Visit:
    page: str
    viewport: str
    violations: list[dict]
    requests: list[str] = field(default_factory=list)



def _record_and_block(context, origin: str, requests: list[str]) -> None:
    """Record every request; let only the edition's own origin through, so no test goes online."""
    own = urlsplit(origin).netloc

    def route(route_, request_):
        requests.append(request_.url)
        if urlsplit(request_.url).scheme in ("data", "blob") or urlsplit(request_.url).netloc == own:
            route_.continue_()
        else:
            route_.abort()

    context.route("**/*", route)


@pytest.fixture(scope="module")
def visits(edition: Edition, site: str, chromium) -> list[Visit]:
    """Every page at every width: axe-core's violations and the requests the page made."""
    axe = axe_source()
    results = []
    for viewport, size in VIEWPORTS.items():
        context = chromium.new_context(viewport=size)
        tab = context.new_page()
        for path in html_pages(edition.html):
            requests: list[str] = []
            context.unroute("**/*")
            _record_and_block(context, site, requests)
            tab.goto(f"{site}/{path.name}", wait_until="networkidle")
            tab.evaluate("document.fonts.ready.then(() => true)")
            tab.add_script_tag(content=axe)  # inline: axe itself makes no request
            violations = tab.evaluate(
                """async () => (await axe.run(document)).violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
            )
            results.append(Visit(path.name, viewport, violations, requests))
        context.close()
    return results


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_axe_finds_no_violation(visits, viewport, request):
    mine = [visit for visit in visits if visit.viewport == viewport]
    assert mine, "no page was visited"
    failing = [(visit.page, v["impact"], v["id"], v["help"], v["targets"])
               for visit in mine for v in visit.violations if v["impact"] in FAILING_IMPACTS]
    impacts = Counter(v["impact"] for visit in mine for v in visit.violations)
    report(request, f"axe-core, {viewport} ({VIEWPORTS[viewport]['width']} px): {len(mine)} pages, "
                    f"{len(failing)} violations ({', '.join(f'{n} {impact}' for impact, n in impacts.items()) or 'none'})")
    assert not failing, "\n".join(map(str, failing))


def test_pages_request_nothing_from_another_host(visits, site, request):
    own = urlsplit(site).netloc
    requests = [(visit.page, url) for visit in visits for url in visit.requests]
    foreign = [(page, url) for page, url in requests
               if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own]
    report(request, f"requests: {len(requests)} recorded on {len(visits)} page views, "
                    f"{len(foreign)} to another host")
    assert requests, "no request was recorded: the recorder is broken"
    assert not foreign, "\n".join(f"{page}: {url}" for page, url in foreign)


# -- A reader's path ---------------------------------------------------------------------------------


def _has_path(html: Path) -> tuple[str, str] | None:
    """(chapter, note id): a note marker whose note links to another chapter's paragraph, if any."""
    for path in html_pages(html):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for marker in soup.select("div.reading-text a.footnote-reference"):
            note = soup.find(id=marker["href"].lstrip("#"))
            if note is not None and any(
                    "#p" in a.get("href", "") and not a["href"].startswith(("#", path.name))
                    for a in note.select("a.reference.internal")):
                return path.name, note["id"]
    return None


@pytest.fixture(scope="module")
def reader_html(edition: Edition, tmp_path_factory) -> Path:
    """The real edition if its chapters have a note with a cross-reference; otherwise a copy of
    the project with one such note added to the KONR chapter, built the same way."""
    if _has_path(edition.html):
        return edition.html
    project = copy_project(tmp_path_factory.mktemp("reader-project"))
    chapter = project / "docs" / "konr.md"
    text = chapter.read_text(encoding="utf-8")
    line = "Commander of the Reserve Troops"
    start = text.index(line)
    end = text.index("\n", start)
    text = (text[:end] + "[^gate-path]" + text[end:] + "\n[^gate-path]: {note}`correction` Compare "
            "{ref}`liberation-army-p2` and {cite:p}`fischer1952{74}`.\n")
    chapter.write_text(text, encoding="utf-8")
    built = sphinx_build("-b", "html", "-n", "-W", "--keep-going", "-q", "docs", "_build/html", cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    shutil.copy2(edition.pdf, project / "_build" / "html" / edition.pdf.name)
    assert _has_path(project / "_build" / "html")
    return project / "_build" / "html"


def _target(tab) -> dict | None:
    """The element the URL's fragment points at (CSS :target), and whether it is on screen."""
    return tab.evaluate(
        """() => { const t = document.querySelector(':target'); if (!t) return null;
                   const r = t.getBoundingClientRect();
                   return {id: t.id, tag: t.tagName.toLowerCase(), cls: t.className,
                           visible: r.bottom > 0 && r.top < window.innerHeight}; }"""
    )


def test_a_readers_path(reader_html, chromium, request):
    chapter, cross_note = _has_path(reader_html)
    with serve(reader_html) as origin:
        context = chromium.new_context(viewport=VIEWPORTS["desktop"], accept_downloads=True)
        requests: list[str] = []
        _record_and_block(context, origin, requests)
        tab = context.new_page()
        tab.goto(f"{origin}/{chapter}", wait_until="networkidle")

        # A note marker in the reading text opens the note in place (notes.js); the panel's
        # number takes the reader to the note at the foot of the page ...
        marker = tab.locator(f"div.reading-text a.footnote-reference[href='#{cross_note}']").first
        marker_id = marker.get_attribute("id")
        note_id = marker.get_attribute("href").lstrip("#")
        marker.click()
        panel = tab.locator(f"#{marker.get_attribute('aria-controls')}")
        assert panel.is_visible() and marker.get_attribute("aria-expanded") == "true"
        panel.locator("a.edition-note-number").click()
        assert urlsplit(tab.url).fragment == note_id
        target = _target(tab)
        assert target and target["id"] == note_id and target["tag"] == "aside" and target["visible"]

        # ... and its back-link returns to the marker.
        tab.locator(f"aside#{note_id} a[role='doc-backlink']").first.click()
        assert urlsplit(tab.url).fragment == marker_id
        assert _target(tab)["visible"]

        # A cross-reference in the note opens another chapter at the paragraph it names.
        xref = tab.locator(f"aside#{note_id} a.reference.internal[href*='.html#p']").first
        href = xref.get_attribute("href")
        xref.click()
        tab.wait_for_load_state()
        assert urlsplit(tab.url).path.lstrip("/") == href.split("#")[0]
        target = _target(tab)
        assert target and target["id"] == href.split("#")[1] and target["tag"] == "p" and target["visible"]
        assert tab.locator(f"div.reading-text p#{target['id']}").count() == 1

        # A paragraph address typed in (or cited) opens at that paragraph.
        tab.goto(f"{origin}/{chapter}#p3", wait_until="networkidle")
        target = _target(tab)
        assert target and target["id"] == "p3" and target["visible"]

        # The PDF link downloads the edition as a valid PDF.
        with tab.expect_download() as download_info:
            tab.locator("a.edition-pdf-link").first.click()
        download = download_info.value
        data = Path(download.path()).read_bytes()
        assert download.suggested_filename.endswith(".pdf")
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
        pdf = PdfReader(io.BytesIO(data))
        assert len(pdf.pages) > 1 and pdf.metadata.title
        context.close()
    own = urlsplit(origin).netloc
    assert all(urlsplit(url).netloc == own for url in requests if urlsplit(url).scheme in ("http", "https"))
    report(request, f"reader's path on {chapter}: note, back, cross-reference to {href}, #p3, "
                    f"PDF ({len(data)} bytes, {len(pdf.pages)} pages); {len(requests)} requests, all local")


def test_phone_screenshot_of_a_chapter(edition, site, chromium, tmp_path_factory, request):
    context = chromium.new_context(viewport=VIEWPORTS["phone"], device_scale_factor=2)
    tab = context.new_page()
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    shot = tmp_path_factory.mktemp("screenshots") / "konr-phone.png"
    tab.screenshot(path=str(shot))
    # The reading text fits the phone's width: no sideways scrolling.
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
    assert shot.read_bytes().startswith(b"\x89PNG")
    report(request, f"phone screenshot: {shot}")


def test_the_gates_can_fail(chromium, tmp_path):
    """A page with an image lacking alt text and a web font from another host fails both gates."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>bad</title>'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"></head>'
        '<body><main><img src="pic.png"></main></body></html>', encoding="utf-8")
    with serve(tmp_path) as origin:
        context = chromium.new_context()
        requests: list[str] = []
        _record_and_block(context, origin, requests)
        tab = context.new_page()
        tab.goto(f"{origin}/bad.html", wait_until="networkidle")
        tab.add_script_tag(content=axe_source())
        impacts = tab.evaluate("async () => (await axe.run(document)).violations.map(v => v.impact)")
        context.close()
    assert FAILING_IMPACTS & set(impacts)
    assert any(urlsplit(url).netloc == "fonts.googleapis.com" for url in requests)
