"""An incremental build (sphinx-autobuild, ./edition build) keeps the generated apparatus current."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from conftest import sphinx_build

FIRST_NOTE = re.compile(r"^(\[\^[^\]\s]+\]:\s*\{note\}`[^`]+`\s*)", re.MULTILINE)


def test_the_list_of_notes_follows_an_edited_note(project):
    out, doctrees = project / "out", project / "doctrees"
    build = ("-b", "html", "-q", "-d", str(doctrees), str(project / "docs"), str(out))
    assert sphinx_build(*build).returncode == 0
    chapter = project / "docs" / "konr.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(FIRST_NOTE.sub(lambda m: m[1] + "Newly revised. ", text, count=1), encoding="utf-8")
    rebuilt = sphinx_build(*build)
    assert rebuilt.returncode == 0, rebuilt.stderr
    listing = BeautifulSoup((out / "list-of-notes.html").read_text(encoding="utf-8"), "html.parser")
    assert "Newly revised." in listing.get_text()
