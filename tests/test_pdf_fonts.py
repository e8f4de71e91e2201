"""A character that the PDF's fonts lack stops the PDF build instead of vanishing silently."""

from __future__ import annotations

import subprocess

import pytest


@pytest.mark.slow
@pytest.mark.sphinx("latex", testroot="edition-basic", freshenv=True)
def test_missing_glyph_fails_the_pdf_build(app):
    index = app.srcdir / "index.md"
    # U+4E2D (a CJK ideograph) is in none of the FreeFont faces the edition uses.
    index.write_text(index.read_text(encoding="utf-8") + "\nA glyph the fonts lack: \u4e2d.\n", encoding="utf-8")
    app.build()
    make = subprocess.run(["make", "-C", str(app.outdir), "all-pdf", "LATEXMKOPTS=-silent"],
                          capture_output=True, text=True)
    log = next(app.outdir.glob("*.log")).read_text(encoding="utf-8", errors="replace")
    assert make.returncode != 0
    assert "Missing character" in log
