"""Accessible in every format (issue 19): the EPUB passes DAISY's Ace and declares its conformance,
the PDF declares its language, Russian is marked as Russian, a chapter's first screen on a phone
shows its title and headnote, and the accessibility statement is where a reader looks for it.

axe-core's gate on the HTML pages is in test_gates_browser.py; Ace runs axe-core too, inside each
content document of the EPUB, with DAISY's EPUB rules on top.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import DOCS, ROOT, Edition, sphinx_build
from gates import BROWSER_DIR, VIEWPORTS, ace_command

STATEMENT = "accessibility"
#: Ace's impacts that fail the edition; "moderate" and "minor" findings are reported.
FAILING_IMPACTS = {"serious", "critical"}
OPF = "{http://www.idpf.org/2007/opf}"
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
EDITORS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["edition"]["editors"]


def report(request, line: str) -> None:
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if terminal is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"[accessibility] {line}")


def front_matter() -> dict:
    text = (DOCS / f"{STATEMENT}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def run_ace(epub: Path, out: Path) -> dict:
    """Ace's report on ``epub`` (report.json): each finding with its impact, and the metadata."""
    command, env = ace_command()
    result = subprocess.run([*command, "--force", "--silent", "--outdir", str(out / "report"),
                             "--tempdir", str(out / "tmp"), str(epub)],
                            capture_output=True, text=True, env=env, cwd=out, timeout=600)
    report_json = out / "report" / "report.json"
    assert result.returncode == 0 and report_json.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(report_json.read_text(encoding="utf-8"))


def findings(ace_report: dict) -> list[tuple[str, str, str]]:
    """(impact, rule, document) for every finding of Ace."""
    return [(test["earl:test"]["earl:impact"], test["earl:test"]["dct:title"], document["earl:testSubject"]["url"])
            for document in ace_report["assertions"] for test in document["assertions"]]


@pytest.fixture(scope="module")
def ace_report(edition: Edition, tmp_path_factory) -> dict:
    return run_ace(edition.epub, tmp_path_factory.mktemp("ace"))


@pytest.fixture(scope="module")
def package(edition: Edition) -> ElementTree.Element:
    with zipfile.ZipFile(edition.epub) as book:
        return ElementTree.fromstring(book.read("content.opf")).find(f"{OPF}metadata")


# -- The EPUB ------------------------------------------------------------------------------------


def test_ace_finds_no_serious_or_critical_issue(ace_report, request):
    found = findings(ace_report)
    failing = [finding for finding in found if finding[0] in FAILING_IMPACTS]
    report(request, f"DAISY Ace on the EPUB: {len(failing)} serious/critical findings, "
                    f"{len(found) - len(failing)} moderate/minor (not gated)")
    assert not failing, "\n".join(map(str, failing))


def test_ace_sees_the_conformance_metadata(ace_report):
    metadata = ace_report["a11y-metadata"]
    assert {"dcterms:conformsTo", "a11y:certifiedBy", "schema:accessibilitySummary"} <= set(metadata["present"])
    assert not metadata["empty"]


def test_the_package_declares_conformance_as_the_statement_does(package):
    statement = front_matter()
    properties: dict[str, list[ElementTree.Element]] = {}
    for meta in package.findall(f"{OPF}meta"):
        properties.setdefault(meta.get("property"), []).append(meta)
    [conforms_to] = properties["dcterms:conformsTo"]
    assert conforms_to.text == statement["conformance"] == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    [certifier] = properties["a11y:certifiedBy"]
    assert certifier.text == ", ".join(EDITORS)  # the editors as a body
    [date] = [meta for meta in properties["dcterms:date"] if meta.get("refines") == f"#{certifier.get('id')}"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", date.text) and date.text == str(statement["checked"])
    [report_link] = [link for link in package.findall(f"{OPF}link") if link.get("rel") == "a11y:certifierReport"]
    assert report_link.get("refines") == f"#{certifier.get('id')}"
    assert report_link.get("href").startswith("https://") and report_link.get("href").endswith(f"/{STATEMENT}.html")
    [summary] = properties["schema:accessibilitySummary"]
    assert " ".join(statement["epub-summary"].split()) in summary.text
    assert "‘Accessibility’" in summary.text  # names the statement, which the EPUB holds


def test_every_epub_document_declares_its_language(edition):
    with zipfile.ZipFile(edition.epub) as book:
        documents = [name for name in book.namelist() if name.endswith(".xhtml")]
        for name in documents:
            root = ElementTree.fromstring(book.read(name))
            assert root.get("lang") == root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en", name
    assert f"{STATEMENT}.xhtml" in documents


def test_ace_can_fail(edition, tmp_path):
    """A copy of the EPUB whose chapter has lost its language: Ace reports it as serious."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(edition.epub) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "konr.xhtml":
                data = data.replace(b' lang="en" xml:lang="en"', b"", 1)
            target.writestr(item, data, compress_type=zipfile.ZIP_STORED if item.filename == "mimetype"
                            else zipfile.ZIP_DEFLATED)
    found = findings(run_ace(broken, tmp_path))
    assert ("serious", "html-has-lang", "konr.xhtml") in found


# -- The PDF -------------------------------------------------------------------------------------


def test_the_pdf_declares_its_language_and_shows_its_title(edition):
    catalog = PdfReader(edition.pdf).trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    # Not tagged (TeX Live 2022's XeTeX cannot): the PDF must not claim to be (docs/accessibility.md).
    assert "/MarkInfo" not in catalog or not catalog["/MarkInfo"].get("/Marked")


# -- The HTML ------------------------------------------------------------------------------------


def test_every_cyrillic_passage_of_the_html_is_marked_with_its_language(edition):
    unmarked = []
    marked = 0
    for page in sorted(edition.html.glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for text in soup.find_all(string=CYRILLIC):
            parent = text.parent
            if parent.name in ("script", "style", "title") or parent.find_parent(["pre", "code", "head"]):
                continue
            language = parent.get("lang") if parent.name == "span" else None
            if language in ("ru", "uk", "be"):
                marked += 1
            else:
                unmarked.append((page.name, str(text)[:60]))
    assert marked and not unmarked, unmarked[:10]
    konr = BeautifulSoup((edition.html / "konr.html").read_text(encoding="utf-8"), "html.parser")
    assert "Фотоархив | Библиотека" in [span.get_text() for span in konr.select('span[lang="ru"]')]


def test_a_chapters_first_screen_on_a_phone_shows_its_title_and_headnote(edition, site, chromium, tmp_path):
    context = chromium.new_context(viewport=VIEWPORTS["phone"])
    tab = context.new_page()
    tab.goto(f"{site}/konr.html", wait_until="networkidle")
    tab.evaluate("document.fonts.ready.then(() => true)")
    boxes = tab.evaluate(
        """() => { const box = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
                   return {title: box(document.querySelector('article h1')),
                           headnote: box(document.querySelector('article div.headnote p'))}; }""")
    tab.screenshot(path=str(tmp_path / "konr-phone.png"))
    context.close()
    height = VIEWPORTS["phone"]["height"]
    assert boxes["title"]["bottom"] < height / 2, boxes
    assert boxes["headnote"]["top"] < height - 60, boxes  # at least two lines of the headnote show


# -- The statement -------------------------------------------------------------------------------


def test_the_statement_is_linked_from_the_front_page_and_in_every_format(edition, pdf_text):
    front = BeautifulSoup((edition.html / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert front.select_one(f'article a[href="{STATEMENT}.html"]') is not None
    with zipfile.ZipFile(edition.epub) as book:
        nav = BeautifulSoup(book.read("nav.xhtml").decode("utf-8"), "html.parser")
    assert nav.select_one(f'nav[role="doc-toc"] a[href="{STATEMENT}.xhtml"]') is not None
    assert "What is known not to work" in pdf_text


def test_the_statement_names_the_checkers_that_the_tests_run(edition):
    """The versions on the page are those pinned for the tests (tests/browser/package-lock.json)."""
    page = BeautifulSoup((edition.html / f"{STATEMENT}.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(page.select_one("article").get_text(" ").split())
    packages = json.loads((BROWSER_DIR / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for name, label in (("@daisy/ace", "DAISY Ace"), ("@daisy/axe-core-for-ace", "its axe-core"),
                        ("axe-core", "axe-core"), ("vnu-jar", "W3C Nu HTML Checker")):
        version = packages[f"node_modules/{name}"]["version"].split("-")[0]
        assert f"{label} {version}" in text, (label, version)


# -- Language of parts, on a test root; a statement without its date -----------------------------


@pytest.mark.sphinx("html", testroot="languages")
def test_cyrillic_runs_are_marked_and_code_is_left_alone(app):
    app.build()
    page = BeautifulSoup((Path(app.outdir) / "index.html").read_text(encoding="utf-8"), "html.parser")
    marked = [(span["lang"], span.get_text()) for span in page.select("span[lang]")]
    assert marked == [("ru", "Фотоархив | Библиотека"), ("ru", "Энциклопедия Зарубежной России"),
                      ("uk", "Київ"), ("ru", "Москва")]
    assert not page.select("code span[lang], pre span[lang]")
    assert "title = {Власов}" in page.select_one("pre").get_text()


def test_a_statement_without_its_date_stops_the_epub_build(project):
    statement = project / "docs" / f"{STATEMENT}.md"
    text = statement.read_text(encoding="utf-8")
    statement.write_text(re.sub(r"^checked: .*\n", "", text, count=1, flags=re.M), encoding="utf-8")
    result = sphinx_build("-b", "epub", "-n", "-W", "--keep-going", "-q", "docs", "_build/epub", cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{STATEMENT}.md:1" in output and "front matter lacks checked" in output
