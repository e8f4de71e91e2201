"""Page weight: what Chromium transfers for one page's first load, and the PDF's size and pages."""

from __future__ import annotations

from pathlib import Path

from .browser import VIEWPORT, GzipHandler, chromium, serve


def page_weight(html_dir: Path, page: str, screenshot: Path | None = None) -> dict:
    """Load ``page`` from a gzipping loopback server in a fresh browser context (empty cache) and add
    up every response: its headers and body as they came over the wire, and the body unpacked."""
    finished = []
    with chromium() as browser, serve(html_dir, GzipHandler) as base:
        context = browser.new_context(viewport=VIEWPORT)
        tab = context.new_page()
        tab.on("requestfinished", lambda request: finished.append(request))
        tab.goto(f"{base}/{page}", wait_until="networkidle")
        # Icon fonts are fetched only once layout needs a glyph: wait for them too.
        tab.evaluate("document.fonts.ready.then(() => true)")
        tab.wait_for_load_state("networkidle")
        if screenshot is not None:
            tab.screenshot(path=str(screenshot))
        resources = []
        for request in finished:
            sizes = request.sizes()
            response = request.response()
            resources.append({
                "url": request.url.split("/", 3)[-1].split("?")[0],
                "type": request.resource_type.capitalize(),  # Document, Stylesheet, Script, Font, Image
                "transferred": sizes["responseHeadersSize"] + sizes["responseBodySize"],
                "uncompressed": len(response.body()) if response is not None else 0,
            })
        context.close()
    resources.sort(key=lambda r: -r["transferred"])
    by_type: dict[str, int] = {}
    for resource in resources:
        by_type[resource["type"]] = by_type.get(resource["type"], 0) + resource["transferred"]
    return {
        "page": page,
        "requests": len(resources),
        "transferred_bytes": sum(r["transferred"] for r in resources),
        "uncompressed_bytes": sum(r["uncompressed"] for r in resources),
        "by_type": by_type,
        "resources": resources,
    }


def pdf_facts(pdf: Path) -> dict:
    from pypdf import PdfReader

    return {"bytes": pdf.stat().st_size, "pages": len(PdfReader(pdf).pages)}
