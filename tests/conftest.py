"""Shared fixtures: Sphinx's test roots for unit tests, and one real build of the edition."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from bundle import bundle_name, write_bundle  # noqa: E402  (tools/bundle.py)
from editorial.manifest import load_manifest  # noqa: E402

MANIFEST = load_manifest(ROOT / "seeds" / "manifest.toml")
#: The edition's version, as pyproject.toml sets it once.
_PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = _PYPROJECT["project"]["version"]
#: The one download of everything for this version (tools/bundle.py).
BUNDLE = bundle_name(_PYPROJECT["tool"]["edition"]["bundle"], VERSION)


#: Fixtures that build the whole edition (or a copy of it to break) or start Chromium: a test that
#: uses one takes seconds to minutes, so it is marked ``slow`` and ``-m "not slow"`` selects the fast
#: tests (the unit tests on test roots and pure functions that ``nox -s mutants`` runs many times).
SLOW_FIXTURES = frozenset({"edition", "project", "pdf_text", "site", "chromium"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


@pytest.fixture
def sphinx_test_tempdir(tmp_path: Path) -> Path:
    """Each test builds its own copy of its test root.  sphinx.testing's own fixture shares one copy
    per session and copies the root over it, keeping the original files' times: a test run after
    one that edited the chapter got the environment of the edited chapter, as "0 changed", so the
    tests passed or failed by their order (and nox -s mutants runs them in another order)."""
    return tmp_path


def sphinx_build(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run sphinx-build as a reader of the README would, capturing what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", *args], cwd=cwd, capture_output=True, text=True,
        env=env if env is not None else {**os.environ, "PYTHONWARNINGS": "ignore"},
    )


#: What a copy of the project needs in order to build: sources, seeds, extension, metadata, and the
#: lock check the noxfile imports (tools/lock.py; found before only when another test had imported it).
PROJECT_FILES = ("docs", "seeds", "editorial", "bibliography.bib", "pyproject.toml", "noxfile.py", "anchors.lock",
                 "tools")


def copy_project(destination: Path) -> Path:
    """A private copy of the project, to break or to build, without build output or caches."""
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("_build", "__pycache__"))
        else:
            shutil.copy2(source, destination / name)
    return destination


@pytest.fixture
def project(tmp_path) -> Path:
    """A private copy of the project to break."""
    return copy_project(tmp_path)


@dataclass(frozen=True)
class Edition:
    html: Path
    pdf: Path
    latex_log: Path
    build_output: str
    epub: Path
    tei: Path  # the TEI builder's output: tei/*.xml and data/edition.json (also beside the HTML)


@pytest.fixture(scope="session")
def edition(tmp_path_factory) -> Edition:
    """The whole edition, built once from this checkout, strictly, HTML and PDF."""
    out = tmp_path_factory.mktemp("edition")
    html = sphinx_build("-b", "html", "-n", "-W", "--keep-going", "-d", str(out / "doctrees"),
                        str(DOCS), str(out / "html"))
    assert html.returncode == 0, html.stderr
    latex = sphinx_build("-b", "latex", "-n", "-W", "--keep-going", "-d", str(out / "doctrees-latex"),
                         str(DOCS), str(out / "latex"))
    assert latex.returncode == 0, latex.stderr
    make = subprocess.run(["make", "-C", str(out / "latex"), "all-pdf", "LATEXMKOPTS=-silent"],
                          capture_output=True, text=True)
    assert make.returncode == 0, make.stdout[-3000:] + make.stderr[-3000:]
    pdf = out / "latex" / "edition.pdf"
    shutil.copy2(pdf, out / "html" / "edition.pdf")
    epub = sphinx_build("-b", "epub", "-n", "-W", "--keep-going", "-d", str(out / "doctrees-epub"),
                        str(DOCS), str(out / "epub"))
    assert epub.returncode == 0, epub.stderr
    shutil.copy2(out / "epub" / "edition.epub", out / "html" / "edition.epub")
    tei = sphinx_build("-b", "tei", "-n", "-W", "--keep-going", "-d", str(out / "doctrees-tei"),
                       str(DOCS), str(out / "tei"))
    assert tei.returncode == 0, tei.stderr
    for folder in ("tei", "data"):  # beside the HTML, as ./edition build puts them
        shutil.copytree(out / "tei" / folder, out / "html" / folder)
    write_bundle(out / "html", out / "html" / BUNDLE, "edition.pdf", "edition.epub")
    return Edition(html=out / "html", pdf=pdf, latex_log=out / "latex" / "edition.log",
                   build_output=html.stdout + html.stderr + latex.stdout + latex.stderr + epub.stdout + epub.stderr
                   + tei.stdout + tei.stderr,
                   epub=out / "epub" / "edition.epub", tei=out / "tei")


@pytest.fixture(scope="session")
def pdf_text(edition: Edition) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(edition.pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def site(edition: Edition):
    """The built HTML edition, served on 127.0.0.1 for the browser tests."""
    from gates import serve

    with serve(edition.html) as origin:
        yield origin


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, driven by Playwright (no browser is downloaded)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]' (Playwright)")
    from gates import launch_chromium

    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
