"""Sessions for building and checking the edition: `nox -l` lists them.

Builds go to a temporary directory and replace build/html and build/pdf only when they succeed,
so a broken chapter never destroys the last good edition.  Every session installs its Python
packages from uv.lock (exact versions, hashes checked); `nox -s lock` refreshes the lock.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "tools"))

import bundle  # noqa: E402  (tools/bundle.py: the one download of everything)
import lock as dependency_lock  # noqa: E402  (tools/lock.py, beside this file)

# uv creates the environments and installs them from uv.lock; ./edition installs uv beside nox.
nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["build"]

DOCS = ROOT / "docs"
BUILD = ROOT / "build"
EDITION = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["edition"]
PDF_NAME = EDITION["pdf"]
EPUB_NAME = EDITION["epub"]
BUNDLE_NAME = bundle.bundle_name(EDITION["bundle"], tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])
#: What the TEI builder writes (tei/*.xml, data/edition.json), put beside the HTML like the PDF.
DATA_FOLDERS = ("tei", "data")
STRICT = ["-n", "-W", "--keep-going"]


def _install(session: nox.Session, *extras: str) -> None:
    """Install the edition (editable) and the extras' packages, exactly as uv.lock pins them."""
    problems = dependency_lock.disagreements(ROOT)
    if problems:
        session.error(dependency_lock.message(problems))
    session.run_install("uv", "sync", "--locked", "--quiet", "--compile-bytecode", *(f"--extra={extra}" for extra in extras),
                        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location})


def _swap(session: nox.Session, fresh: Path, final: Path) -> None:
    """Replace ``final`` with the successful build in ``fresh``."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    session.log(f"built {final.relative_to(ROOT)}")


def build_html(session: nox.Session, *extra: str) -> Path:
    fresh = BUILD / ".html.new"
    shutil.rmtree(fresh, ignore_errors=True)
    session.run("sphinx-build", "-b", "html", "-d", str(BUILD / "doctrees" / "html"),
                *STRICT, *extra, str(DOCS), str(fresh))
    final = BUILD / "html"
    for download in (BUILD / "pdf" / PDF_NAME, BUILD / "epub" / EPUB_NAME):
        if download.exists():  # the HTML links the PDF and the EPUB; keep the last good ones beside it
            shutil.copy2(download, fresh / download.name)
    for folder in DATA_FOLDERS:  # and the TEI and the JSON, and the last download of everything
        if (BUILD / "tei" / folder).is_dir():
            shutil.copytree(BUILD / "tei" / folder, fresh / folder)
    for download in (BUILD / "bundle").glob(f"{BUNDLE_NAME}*"):
        shutil.copy2(download, fresh / download.name)
    _swap(session, fresh, final)
    return final


def build_tei(session: nox.Session, *extra: str) -> Path:
    fresh = BUILD / ".tei.new"
    shutil.rmtree(fresh, ignore_errors=True)
    session.run("sphinx-build", "-b", "tei", "-d", str(BUILD / "doctrees" / "tei"),
                *STRICT, *extra, str(DOCS), str(fresh))
    final = BUILD / "tei"
    _swap(session, fresh, final)
    html = BUILD / "html"
    for folder in DATA_FOLDERS if html.exists() else ():
        shutil.rmtree(html / folder, ignore_errors=True)
        shutil.copytree(final / folder, html / folder)
    return final


def build_bundle(session: nox.Session) -> Path:
    """Zip what build/html offers for download (TEI, JSON, citations, PDF, EPUB) with its SHA-256 list."""
    html = BUILD / "html"
    target = bundle.write_bundle(html, BUILD / "bundle" / BUNDLE_NAME, PDF_NAME, EPUB_NAME)
    for made in (target, target.with_name(target.name + ".sha256")):
        shutil.copy2(made, html / made.name)
    session.log(f"built {target.relative_to(ROOT)}")
    return target


def build_epub(session: nox.Session, *extra: str) -> Path:
    fresh = BUILD / ".epub.new"
    shutil.rmtree(fresh, ignore_errors=True)
    session.run("sphinx-build", "-b", "epub", "-d", str(BUILD / "doctrees" / "epub"),
                *STRICT, *extra, str(DOCS), str(fresh))
    keep = BUILD / ".epub.keep"
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    shutil.copy2(fresh / EPUB_NAME, keep / EPUB_NAME)
    shutil.rmtree(fresh)
    final = BUILD / "epub"
    _swap(session, keep, final)
    html = BUILD / "html"
    if html.exists():
        shutil.copy2(final / EPUB_NAME, html / EPUB_NAME)
    return final / EPUB_NAME


def build_pdf(session: nox.Session, *extra: str) -> Path:
    fresh = BUILD / ".latex.new"
    shutil.rmtree(fresh, ignore_errors=True)
    session.run("sphinx-build", "-b", "latex", "-d", str(BUILD / "doctrees" / "latex"),
                *STRICT, *extra, str(DOCS), str(fresh))
    # Sphinx's Makefile sets XINDYOPTS for latexmk; running latexmk by hand would not.
    session.run("make", "-C", str(fresh), "--no-print-directory", "all-pdf", "LATEXMKOPTS=-silent",
                external=True)
    final = BUILD / "pdf"
    keep = BUILD / ".pdf.new"
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    shutil.copy2(fresh / PDF_NAME, keep / PDF_NAME)
    shutil.copy2(fresh / PDF_NAME.replace(".pdf", ".log"), keep / PDF_NAME.replace(".pdf", ".log"))
    _swap(session, keep, final)
    latex = BUILD / "latex"
    shutil.rmtree(latex, ignore_errors=True)
    fresh.rename(latex)
    html = BUILD / "html"
    if html.exists():
        shutil.copy2(final / PDF_NAME, html / PDF_NAME)
    return final / PDF_NAME


@nox.session
def build(session: nox.Session) -> None:
    """Build the whole edition: build/html (with the PDF, EPUB, TEI, JSON and zip beside it), build/pdf, build/epub, build/tei."""
    _install(session)
    build_pdf(session, *session.posargs)
    build_epub(session, *session.posargs)
    build_tei(session, *session.posargs)
    build_html(session, *session.posargs)
    build_bundle(session)
    session.log(f"HTML: {BUILD / 'html' / 'index.html'}   PDF: {BUILD / 'pdf' / PDF_NAME}   "
                f"EPUB: {BUILD / 'epub' / EPUB_NAME}   TEI: {BUILD / 'tei' / 'tei'}   "
                f"everything: {BUILD / 'bundle' / BUNDLE_NAME}")


@nox.session
def html(session: nox.Session) -> None:
    """Build the HTML edition only, into build/html."""
    _install(session)
    build_html(session, *session.posargs)


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the PDF only, into build/pdf/edition.pdf."""
    _install(session)
    build_pdf(session, *session.posargs)


@nox.session
def epub(session: nox.Session) -> None:
    """Build the EPUB only, into build/epub/edition.epub."""
    _install(session)
    build_epub(session, *session.posargs)


@nox.session
def tei(session: nox.Session) -> None:
    """Build the TEI P5 files and the JSON data only, into build/tei (tei/*.xml, data/edition.json)."""
    _install(session)
    build_tei(session, *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Strict checks: every reference and citation resolves in HTML and LaTeX (-n -W --keep-going)."""
    _install(session)
    for builder in ("html", "latex"):
        session.run("sphinx-build", "-b", builder, "-E", *STRICT, "-q", str(DOCS),
                    str(session.create_tmp() + f"/check-{builder}"))


@nox.session(name="lock-anchors")
def lock_anchors(session: nox.Session) -> None:
    """Add the addresses this build publishes to anchors.lock (review the diff, then commit)."""
    _install(session)
    session.run("sphinx-build", "-b", "html", "-E", "-q", "-D", "edition_anchor_lock_update=1",
                str(DOCS), session.create_tmp() + "/lock-anchors")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; it builds the real edition once and checks what a reader gets."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview at http://127.0.0.1:8000 that rebuilds on every save (sphinx-autobuild)."""
    _install(session, "serve")
    session.run("sphinx-autobuild", "--host", "127.0.0.1", "--port", "8000",
                "--watch", str(ROOT / "editorial"), "--watch", str(ROOT / "bibliography.bib"),
                *session.posargs, str(DOCS), str(BUILD / "serve"))


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark build speed, the editor's loop and page weight against bare Sphinx (bench-results/bench.json)."""
    _install(session, "bench")
    session.run("python", "-m", "tools.bench", *session.posargs)


@nox.session(venv_backend="none")
def lock(session: nox.Session) -> None:
    """Refresh uv.lock and requirements/ from pyproject.toml; print what changed (-- --upgrade: newest in range)."""
    lock_file = ROOT / "uv.lock"
    before = dependency_lock.locked_versions(tomllib.loads(lock_file.read_text())) if lock_file.exists() else {}
    uv = (sys.executable, "-m", "uv")  # the uv that ./edition installed beside nox
    session.run(*uv, "lock", *session.posargs, external=True)
    for export, options in dependency_lock.EXPORTS.items():
        session.run(*uv, "export", "--frozen", "--quiet", "--no-emit-project", "--format", "requirements-txt",
                    *options, "--output-file", export, external=True)
    after = dependency_lock.locked_versions(tomllib.loads(lock_file.read_text()))
    changed = dependency_lock.changes(before, after)
    session.log("what changed in uv.lock:" if changed else "uv.lock: no version changed")
    for line in changed:
        print(line)
    problems = dependency_lock.disagreements(ROOT)
    if problems:
        session.error(dependency_lock.message(problems))


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutation testing: break the rules one small change at a time; do the fast tests fail? (build/mutants/)"""
    _install(session, "test", "mutants")
    session.run("python", str(ROOT / "tools" / "mutants.py"), *session.posargs)
