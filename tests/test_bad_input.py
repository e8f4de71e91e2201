"""Bad input stops the build with one clear message naming the file and line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from conftest import sphinx_build


def build(project: Path, builder: str = "html", env: dict | None = None) -> tuple[int, str]:
    result = sphinx_build("-b", builder, "-n", "-W", "--keep-going", "-q", "docs", "_build/out", cwd=project, env=env)
    return result.returncode, result.stdout + result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_unbroken_copy_builds(project):
    status, output = build(project)
    assert status == 0, output


def test_changed_byte_in_seed(project):
    seed = project / "seeds" / "001_cc7236b206390885.txt"
    seed.write_bytes(seed.read_bytes().replace(b"July 21st", b"July 22nd", 1))
    status, output = build(project)
    assert status != 0
    assert "001_cc7236b206390885.txt: seed changed" in output
    assert "manifest.toml:" in output


def test_changed_reading_text(project):
    edit(project / "docs" / "konr.md", "Commander of the Reserve Troops", "Commander of the Replacement Army")
    status, output = build(project)
    assert status != 0
    assert "konr.md:" in output and "differs from seed 001_cc7236b206390885.txt line 15" in output


def test_broken_cross_reference(project):
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as index:
        index.write("\nSee {ref}`no-such-label`.\n")
    status, output = build(project)
    assert status != 0
    assert "index.md:" in output and "no-such-label" in output


def test_unknown_citation_key(project):
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as index:
        index.write("\nAs {cite:p}`nobody1999` shows.\n")
    status, output = build(project)
    assert status != 0
    assert "index.md:" in output and "nobody1999" in output


def test_duplicate_label(project):
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as index:
        index.write("\n(konr-text)=\n## A second section with a used label\n")
    status, output = build(project)
    assert status != 0
    assert "duplicate label konr-text" in output and ".md:" in output


def test_missing_tex_names_the_install_command(project, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    env = {"PATH": str(bare), "HOME": str(tmp_path), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    status, output = build(project, "latex", env=env)
    assert status != 0
    assert "xelatex" in output and "apt-get install -y --no-install-recommends" in output
    assert "texlive-xetex" in output


def test_one_way_cross_reference_between_chapters(project):
    # The Auschwitz chapter's only pointers to the KONR chapter are in aus-total; without them the
    # KONR chapter still points at Auschwitz, and nothing points back.
    edit(project / "docs" / "auschwitz-pows.md", " and\n    {ref}`konr-p6`", "")
    status, output = build(project)
    assert status != 0
    assert "konr.md:" in output
    assert "refers to chapter 'auschwitz-pows', but no note there refers back to 'konr'" in output


def test_event_without_a_chronology_entry(project):
    edit(project / "docs" / "konr.md", "<konr-prague-1944>", "<konr-prague-1945>")
    status, output = build(project)
    assert status != 0
    assert "konr.md:" in output and "event 'konr-prague-1945' is not defined" in output
