"""Tools the production-gate tests share: the npm-installed checkers, Chromium, a local server.

The checkers (axe-core, the W3C Nu HTML Checker, DAISY's Ace for the EPUB) are pinned in
tests/browser/package-lock.json and installed with `npm ci`; Chromium and Java come from Debian
(pyproject.toml lists the packages).
A tool that is missing skips its tests on a developer's machine, saying what to install, and fails
them in CI (``CI`` set), where ./edition test has installed everything.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

# The loopback server and Chromium's quiet start are the benchmark's (ROOT is on sys.path: conftest.py).
from tools.bench.browser import CHROMIUM_ARGS, serve  # noqa: F401  (serve: the browser tests' server)

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
NODE_MODULES = BROWSER_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ACE_JS = NODE_MODULES / "@daisy" / "ace" / "bin" / "ace-puppeteer.js"
CHROMIUM = os.environ.get("EDITION_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def missing(what: str, install: str) -> None:
    """Skip outside CI, fail in CI: the message says exactly what to install."""
    message = f"{what} is missing; install it with: {install}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _lock_digest() -> str:
    return hashlib.sha256((BROWSER_DIR / "package-lock.json").read_bytes()).hexdigest()


@functools.cache
def _npm_ci() -> str:
    """Install tests/browser/package-lock.json once; return what went wrong, or ''."""
    stamp = NODE_MODULES / ".edition-lock-sha256"
    if stamp.is_file() and stamp.read_text() == _lock_digest() and all(
            tool.is_file() for tool in (AXE_JS, VNU_JAR, ACE_JS)):
        return ""
    npm = shutil.which("npm")
    if npm is None:
        return "npm"
    # --ignore-scripts: vnu-jar's install script only probes for Java, and Ace's would download
    # Electron, which its Puppeteer runner does not use; nothing needs to run.
    result = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=BROWSER_DIR,
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"npm ci in {BROWSER_DIR} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    stamp.write_text(_lock_digest())
    return ""


def axe_source() -> str:
    if _npm_ci():
        missing("npm (for axe-core)", f"sudo apt-get install npm, then: npm ci --prefix {BROWSER_DIR}")
    return AXE_JS.read_text(encoding="utf-8")


def vnu_command() -> list[str]:
    if _npm_ci():
        missing("npm (for the Nu HTML Checker)", f"sudo apt-get install npm, then: npm ci --prefix {BROWSER_DIR}")
    java = shutil.which("java")
    if java is None:
        missing("Java (for the Nu HTML Checker)", "sudo apt-get install default-jre-headless")
    return [java, "-jar", str(VNU_JAR)]


def ace_command() -> tuple[list[str], dict[str, str]]:
    """DAISY's Ace with its Puppeteer runner, and the environment that points it at Debian's Chromium."""
    if _npm_ci():
        missing("npm (for DAISY's Ace)", f"sudo apt-get install npm, then: npm ci --ignore-scripts --prefix {BROWSER_DIR}")
    node = shutil.which("node")
    if node is None:
        missing("Node.js (for DAISY's Ace)", "sudo apt-get install nodejs")
    if not Path(CHROMIUM).is_file():
        missing(f"Chromium ({CHROMIUM}, for DAISY's Ace)", "sudo apt-get install chromium")
    # Puppeteer would download a browser of its own; it is told to drive Debian's instead.
    return [node, str(ACE_JS)], {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}


def html_pages(html: Path) -> list[Path]:
    """Every page a reader can open: the top-level .html files of the build."""
    return sorted(html.glob("*.html"))


def launch_chromium(playwright):
    """Debian's Chromium, headless; Playwright never downloads a browser of its own here."""
    if not Path(CHROMIUM).is_file():
        missing(f"Chromium ({CHROMIUM})", "sudo apt-get install chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
