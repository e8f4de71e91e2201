"""Debian's Chromium through Playwright, and a loopback server that gzips text as a web server does.

Playwright drives ``/usr/bin/chromium`` (``BENCH_CHROMIUM`` to change it), as the browser tests
do (tests/gates.py); ``playwright install`` is never run, so no browser is downloaded.  The
browser tests serve the built edition with :func:`serve` too (plain, without gzip).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium calls Google's hosts at start, which would count as page weight.
CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", "--disable-default-apps", "--metrics-recording-only"]
#: A phone's viewport: the first load a reader on the move pays for.
VIEWPORT = {"width": 412, "height": 915}

#: Served gzipped, as nginx's or Apache's defaults do for text; fonts and images are sent as they are.
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright's Browser) for as long as the block runs."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"bench: {CHROMIUM} not found; sudo apt-get install chromium (or set BENCH_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a directory without logging every request."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


class GzipHandler(QuietHandler):
    """Serves a directory, gzipping text (level 6, as Apache's mod_deflate) when the browser asks."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or not wants_gzip or not ctype.startswith(GZIP_TYPES):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(directory: Path, handler_class: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for as long as the block runs; yields the
    base URL.  ``GzipHandler`` gzips text as a web server would."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
