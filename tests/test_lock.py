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


# -- The check itself, called in-process (what the noxfile's sessions call; nox -s mutants mutates it) --

def edit(project: Path, name: str, old: str, new: str) -> Path:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return project


@pytest.mark.parametrize(("name", "old", "new", "problems"), [
    ("pyproject.toml", '"nox>=2025.2,<2027",\n    "uv', '"nox>=2026.11,<2027",\n    "uv', [
        "nox: uv.lock pins 2026.10.20, outside pyproject.toml's range <2027,>=2026.11 (dependency group 'runner')",
        "nox (dependency group 'runner'): uv.lock was resolved for <2027,>=2025.2, pyproject.toml now says "
        "<2027,>=2026.11"]),
    ("pyproject.toml", '    "pystemmer>=3.1,<3.2",\n', "", [
        "pystemmer ([project] dependencies) is in uv.lock but no longer in pyproject.toml"]),
    ("pyproject.toml", 'serve = ["sphinx-autobuild>=2025.8,<2026"]',
     'serve = ["sphinx-autobuild>=2025.8,<2026", "pypdf"]', [
        "pypdf (extra 'serve') is in pyproject.toml but uv.lock was not resolved for it"]),
    ("pyproject.toml", '"rispy>=0.10,<0.11",', '"rispy",', [
        "rispy ([project] dependencies): uv.lock was resolved for <0.11,>=0.10, pyproject.toml now says any version"]),
    ("pyproject.toml", '"pytest>=9.0,<10",', '"pytest>=9.0,<10",\n    "tabulate",', [
        "tabulate (extra 'test', any version) is not in uv.lock"]),
    ("pyproject.toml", '"sphinx>=9.0.4,<9.1"', '"sphinx>=9.1,<9.2"', [
        "sphinx: uv.lock pins 9.0.4, outside pyproject.toml's range <9.2,>=9.1 ([project] dependencies)",
        "sphinx ([project] dependencies): uv.lock was resolved for <9.1,>=9.0.4, pyproject.toml now says <9.2,>=9.1"]),
    ("requirements/docs.txt", "\nsphinx==9.0.4 ", "\nsphinx==9.0.3 ", [
        "requirements/docs.txt pins sphinx==9.0.3, which uv.lock does not"]),
])
def test_each_disagreement_is_named(locked_project, name, old, new, problems):
    assert dependency_lock.disagreements(locked_project) == []
    assert dependency_lock.disagreements(edit(locked_project, name, old, new)) == problems


@pytest.mark.parametrize(("missing", "problem"), [
    ("uv.lock", "uv.lock is missing"),
    ("requirements/docs.txt", "requirements/docs.txt is missing"),
    ("requirements/runner.txt", "requirements/runner.txt is missing"),
])
def test_a_missing_file_is_named(locked_project, missing, problem):
    (locked_project / missing).unlink()
    assert dependency_lock.disagreements(locked_project) == [problem]


def test_the_message_lists_the_problems_and_the_fix():
    assert dependency_lock.message(["one", "two"]) == (
        "pyproject.toml and the lock disagree:\n  - one\n  - two\n"
        "Refresh the lock with `./edition -s lock` (it prints what changed), then commit pyproject.toml, "
        "uv.lock and requirements/")


def test_a_refresh_reports_what_was_added_removed_and_changed():
    before = {"gone": {"1.0", "1.1"}, "moved": {"1.0", "0.9"}, "kept": {"2.0"}}
    after = {"moved": {"1.1", "1.2"}, "kept": {"2.0"}, "new": {"0.1", "0.2"}}
    assert dependency_lock.changes(before, after) == [
        "  - gone 1.0, 1.1", "  ~ moved 0.9, 1.0 -> 1.1, 1.2", "  + new 0.1, 0.2"]


def test_a_universal_lock_may_hold_two_versions_of_a_package():
    lock = {"package": [{"name": "Sphinx", "version": "9.0.4"}, {"name": "sphinx", "version": "9.1.0"},
                        {"name": "no-version", "source": {"editable": "."}}]}
    assert dependency_lock.locked_versions(lock) == {"sphinx": {"9.0.4", "9.1.0"}}


def test_the_command_line_check(capsys, monkeypatch):
    assert dependency_lock.main(["lock.py", "check"]) == 0
    assert capsys.readouterr().out == "uv.lock and requirements/ answer pyproject.toml's ranges\n"
    assert dependency_lock.main(["lock.py"]) == 2
    assert "python tools/lock.py check" in capsys.readouterr().err
    monkeypatch.setattr(dependency_lock, "disagreements", lambda: ["sphinx is not in uv.lock"])
    assert dependency_lock.main(["lock.py", "check"]) == 1
    assert capsys.readouterr().err == dependency_lock.message(["sphinx is not in uv.lock"]) + "\n"


def small_project(tmp_path: Path, dependencies: list[str], recorded_for: list[tuple[str, str]],
                  locked: list[tuple[str, str]]) -> Path:
    """A project with runtime dependencies only (no extras, no groups), its lock and empty exports."""
    requirements = ", ".join(f'"{requirement}"' for requirement in dependencies)
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "small"\ndependencies = [{requirements}]\n',
                                             encoding="utf-8")
    requires = ", ".join(f'{{ name = "{name}"' + (f', specifier = "{specifier}"' if specifier else "") + " }"
                         for name, specifier in recorded_for)
    packages = "".join(f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n' for name, version in locked)
    (tmp_path / "uv.lock").write_text(
        f'version = 1\n\n[[package]]\nname = "small"\nsource = {{ editable = "." }}\n\n'
        f'[package.metadata]\nrequires-dist = [{requires}]\n{packages}', encoding="utf-8")
    for export in dependency_lock.EXPORTS:
        (tmp_path / export).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / export).write_text("", encoding="utf-8")
    return tmp_path


def test_a_project_without_extras_groups_or_ranges(tmp_path):
    project = small_project(tmp_path, ["alpha", "beta>=1.0"], [("alpha", ""), ("beta", ">=1.0")],
                            [("alpha", "3.0"), ("beta", "2.0rc1")])  # a pre-release inside the range answers it
    assert dependency_lock.disagreements(project) == []


def test_every_package_is_checked_not_only_the_first_that_disagrees(tmp_path):
    project = small_project(tmp_path, ["alpha>=2", "beta>=2", "gamma", "delta"], [("alpha", ">=2"), ("beta", ">=2")],
                            [("alpha", "1.0"), ("alpha", "1.5"), ("beta", "1.0")])
    assert dependency_lock.disagreements(project) == [
        "alpha: uv.lock pins 1.0, 1.5, outside pyproject.toml's range >=2 ([project] dependencies)",
        "beta: uv.lock pins 1.0, outside pyproject.toml's range >=2 ([project] dependencies)",
        "delta ([project] dependencies, any version) is not in uv.lock",
        "gamma ([project] dependencies, any version) is not in uv.lock",
    ]


def test_a_changed_range_is_named_even_when_another_package_has_the_old_one(tmp_path):
    project = small_project(tmp_path, ["alpha>=1,<2", "beta>=1,<3"], [("alpha", ">=1,<3"), ("beta", ">=1,<3")],
                            [("alpha", "1.5"), ("beta", "1.5")])
    assert dependency_lock.disagreements(project) == [
        "alpha ([project] dependencies): uv.lock was resolved for <3,>=1, pyproject.toml now says <2,>=1"]


def test_a_dependency_removed_from_an_extra_is_named_with_its_extra(locked_project):
    edit(locked_project, "pyproject.toml", '    "jsonschema>=4.23,<5",\n', "")
    assert dependency_lock.disagreements(locked_project) == [
        "jsonschema (extra 'test') is in uv.lock but no longer in pyproject.toml"]


def test_an_export_pinning_a_package_the_lock_lacks_is_named(locked_project):
    path = locked_project / "requirements" / "docs.txt"
    path.write_text(path.read_text(encoding="utf-8") + "tabulate==0.9.0 \\\n    --hash=sha256:00\n", encoding="utf-8")
    assert dependency_lock.disagreements(locked_project) == [
        "requirements/docs.txt pins tabulate==0.9.0, which uv.lock does not"]


def test_empty_declarations_and_locks():
    assert dependency_lock.declared({"project": {}}) == set()
    assert dependency_lock.locked_versions({}) == {}
    assert dependency_lock.recorded({"package": [{"name": "small"}]}, "Small") == set()


def test_a_range_added_where_the_lock_had_none_is_named(tmp_path):
    project = small_project(tmp_path, ["alpha>=1"], [("alpha", "")], [("alpha", "1.5")])
    assert dependency_lock.disagreements(project) == [
        "alpha ([project] dependencies): uv.lock was resolved for any version, pyproject.toml now says >=1"]


def test_every_missing_export_is_named(locked_project):
    for export in dependency_lock.EXPORTS:
        (locked_project / export).unlink()
    missing = [f"{export} is missing" for export in dependency_lock.EXPORTS]
    assert dependency_lock.disagreements(locked_project) == missing


def test_a_group_requirement_without_a_range_is_recorded_as_any_version():
    lock = {"package": [{"name": "small", "metadata": {"requires-dev": {"runner": [{"name": "nox"}]}}}]}
    assert dependency_lock.recorded(lock, "small") == {("nox", "", "group:runner")}
