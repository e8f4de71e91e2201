"""The colophon states, in the HTML and on the PDF's last page, what really built this copy."""

from __future__ import annotations

import platform
import shutil
import subprocess
from importlib.metadata import version

import pytest
import sphinx
from bs4 import BeautifulSoup

from conftest import ROOT, Edition
from editorial import colophon


def expected_facts() -> dict[str, str]:
    """What this machine and checkout are, found independently of the extension."""
    facts = {
        "Python": platform.python_version(),
        "Built with": f"Sphinx {sphinx.__display_version__}",
        "Theme": f"sphinx-book-theme {version('sphinx-book-theme')}",
        "Bibliography": f"sphinxcontrib-bibtex {version('sphinxcontrib-bibtex')}",
    }
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        facts["Source commit"] = head.stdout.strip()
    xelatex = shutil.which("xelatex")
    if xelatex:
        first = subprocess.run([xelatex, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        facts["TeX engine (PDF)"] = first.split(" (")[0]  # "XeTeX 3.141592653-2.6-0.999994"
        facts["TeX distribution"] = first.split(" (")[1].rstrip(")")  # "TeX Live 2022/Debian"
    return facts


def html_colophon(page: str) -> dict[str, str]:
    soup = BeautifulSoup(page, "html.parser")
    fields = soup.select_one("dl.edition-colophon")
    assert fields is not None, "no colophon on the page"
    return {dt.get_text(strip=True).rstrip(":"): dt.find_next_sibling("dd").get_text(" ", strip=True)
            for dt in fields.select("dt")}


def test_the_html_colophon_names_the_real_versions(edition: Edition):
    shown = html_colophon((edition.html / "changelog.html").read_text(encoding="utf-8"))
    assert shown["Edition"].endswith(f"version {version('soviet-pows-edition')}")
    for label, fact in expected_facts().items():
        assert fact in shown[label], (label, shown[label])
    assert "TeX" in shown["TeX engine (PDF)"] and "not found" not in shown["TeX distribution"]


def test_the_pdf_ends_with_the_colophon(edition: Edition):
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(edition.pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    last = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(pages), "-l", str(pages), str(edition.pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "COLOPHON" in last.upper()
    assert f"version {version('soviet-pows-edition')}" in last
    for label, fact in expected_facts().items():
        assert f"{label} " in last and fact in last, (label, fact)


@pytest.mark.sphinx("html", testroot="colophon")
def test_an_incremental_build_after_a_new_commit_shows_the_new_commit(app, monkeypatch):
    app.build()
    assert "Source commit" in html_colophon((app.outdir / "index.html").read_text(encoding="utf-8"))
    # The page is unchanged, but the facts of the next build are not: it must be read again.
    monkeypatch.setattr(colophon, "source_commit", lambda srcdir: "0123abcd (a later commit)")
    app.edition_colophon = colophon.collect_facts(app)  # what config-inited does at the start of a build
    app.build()
    shown = html_colophon((app.outdir / "index.html").read_text(encoding="utf-8"))
    assert shown["Source commit"] == "0123abcd (a later commit)"
    assert shown["Edition"] == "Colophon test, version 9.9.9"
