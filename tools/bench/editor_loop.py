"""The editor's loop: from saving a note to the page reloaded by sphinx-autobuild in Chromium.

sphinx-autobuild is started as ``./edition -s serve`` starts it (the noxfile's ``serve``
session: same watched paths), on a copy of the project; Chromium shows the chapter whose first
note is edited.  One run writes the note with new words, then waits for the page to reload with
those words in it: the time between is what the editor waits for.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .browser import VIEWPORT, chromium
from .builds import edit_note, first_note
from .run import summary
from .trees import Tree


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_served(url: str, server: subprocess.Popen, log: Path, limit: float = 600.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: sphinx-autobuild stopped ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise SystemExit(f"bench: sphinx-autobuild did not serve {url} within {limit:.0f} s")


def serve_command(tree: Tree, out: Path, port: int, sphinx_args: tuple[str, ...] = ()) -> list[str]:
    """The noxfile's ``serve`` session's command line, on the copy ``tree``."""
    watched = [arg for path in (tree.root / "editorial", tree.root / "bibliography.bib") if path.exists()
               for arg in ("--watch", str(path))]
    return [sys.executable, "-m", "sphinx_autobuild", "--host", "127.0.0.1", "--port", str(port),
            *watched, *sphinx_args, str(tree.docs), str(out)]


def editor_loop(tree: Tree, work: Path, runs: int, sphinx_args: tuple[str, ...] = (), label: str = "ours") -> dict:
    """Median and spread of save-to-reload over ``runs`` edits of one note, and what was edited."""
    target, note = first_note(tree)
    original = target.read_text(encoding="utf-8")
    port = _free_port()
    log = work / f"autobuild-{label}.log"
    with log.open("w") as output:
        server = subprocess.Popen(serve_command(tree, work / f"serve-html-{label}", port, sphinx_args), stdout=output,
                                  stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/{target.stem}.html"
    samples = []
    try:
        _wait_until_served(url, server, log)
        with chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(1000)  # let the live-reload socket connect
            for run in range(runs):
                words = f"Edited in the editor's loop, run {run}."
                with page.expect_navigation(wait_until="load", timeout=120_000):
                    saved = time.perf_counter()
                    target.write_text(edit_note(original, words), encoding="utf-8")
                while words not in page.content():  # a reload from an earlier save: wait for ours
                    with page.expect_navigation(wait_until="load", timeout=120_000):
                        pass
                samples.append(time.perf_counter() - saved)
                print(f"  editor's loop, {label} (save -> page reloaded): {samples[-1]:.2f} s", flush=True)
                page.wait_for_timeout(500)  # the watcher settles before the next save
    finally:
        target.write_text(original, encoding="utf-8")
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return {**summary(samples), "edited": f"the note {note!r} in {target.name}", "server": "sphinx-autobuild"}
