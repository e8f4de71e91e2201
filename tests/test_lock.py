"""The dependency lock answers pyproject.toml's ranges, and a disagreement fails, naming the fix."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from tools import lock as dependency_lock  # as the package path names it, so nox -s mutants finds it

LOCK_FILES = ("pyproject.toml", "uv.lock", "requirements/docs.txt", "requirements/runner.txt")


@pytest.fixture
def locked_project(tmp_path) -> Path:
    """A copy of the files the lock check reads."""
    for name in LOCK_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def check(project: Path) -> subprocess.CompletedProcess:
    """tools/lock.py check, run on ``project`` as the lock session and a reviewer would run it."""
    script = (ROOT / "tools" / "lock.py").read_text(encoding="utf-8")
    copy = project / "tools" / "lock.py"
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(script, encoding="utf-8")
    return subprocess.run([sys.executable, str(copy), "check"], capture_output=True, text=True)


def edit_pyproject(project: Path, old: str, new: str) -> None:
    path = project / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_lock_answers_the_ranges():
    assert dependency_lock.disagreements(ROOT) == []
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "lock.py"), "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_lock_pins_every_package_with_hashes():
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    for package in lock["package"]:
        if package.get("source", {}).get("editable"):
            continue  # the edition itself
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files and all(f.get("hash", "").startswith("sha256:") for f in files), package["name"]
    for export in dependency_lock.EXPORTS:
        text = (ROOT / export).read_text(encoding="utf-8")
        pins = re.findall(r"^\S+==\S+", text, re.MULTILINE)
        assert pins and text.count("--hash=sha256:") >= len(pins), export


def test_a_range_the_lock_does_not_answer_fails_naming_the_fix(locked_project):
    edit_pyproject(locked_project, '"sphinx>=9.0.4,<9.1"', '"sphinx>=9.1,<9.2"')
    result = check(locked_project)
    assert result.returncode == 1
    assert "sphinx: uv.lock pins 9.0.4, outside pyproject.toml's range <9.2,>=9.1" in result.stderr
    assert "./edition -s lock" in result.stderr


def test_a_dependency_the_lock_lacks_fails(locked_project):
    edit_pyproject(locked_project, '"pytest>=9.0,<10",', '"pytest>=9.0,<10",\n    "tabulate>=0.9,<0.10",')
    result = check(locked_project)
    assert result.returncode == 1
    assert "tabulate (extra 'test', <0.10,>=0.9) is not in uv.lock" in result.stderr
    assert "./edition -s lock" in result.stderr


def test_a_narrowed_range_the_lock_still_answers_fails(locked_project):
    # The pinned 9.0.4 is inside the new range, but the lock was resolved for the old one.
    edit_pyproject(locked_project, '"sphinx>=9.0.4,<9.1"', '"sphinx>=9.0.4,<9.0.5"')
    result = check(locked_project)
    assert result.returncode == 1
    assert "sphinx ([project] dependencies): uv.lock was resolved for <9.1,>=9.0.4" in result.stderr


def test_an_export_behind_the_lock_fails(locked_project):
    path = locked_project / "requirements" / "runner.txt"
    text = path.read_text(encoding="utf-8")
    nox_pin = re.search(r"^nox==(\S+)", text, re.MULTILINE)
    path.write_text(text.replace(nox_pin[0], "nox==2025.2.9"), encoding="utf-8")
    result = check(locked_project)
    assert result.returncode == 1
    assert "requirements/runner.txt pins nox==2025.2.9, which uv.lock does not" in result.stderr


def test_read_the_docs_installs_from_the_lock():
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["python"]["install"] == [{"requirements": "requirements/docs.txt"}]
    assert "requirements/docs.txt" in dependency_lock.EXPORTS
