"""The dependency lock: does uv.lock still answer pyproject.toml's ranges, and what did a refresh change?

``pyproject.toml`` says which releases the edition accepts (ranges); ``uv.lock`` says which ones it
is built with, with their hashes, for every supported Python; ``requirements/*.txt`` are exported
from the lock for the two installers that do not read it (pip in ``./edition``'s bootstrap and on
Read the Docs).  ``./edition -s lock`` refreshes all three; this module is what that session and
``tests/test_lock.py`` use to compare them, with plain TOML and ``packaging``, no network.

    python tools/lock.py check        # exit status 1 and the disagreements, if any
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
REFRESH = "./edition -s lock"

#: The files exported from the lock, and the uv export options that select what each one holds.
EXPORTS = {
    "requirements/docs.txt": ["--no-default-groups"],  # what Read the Docs needs to build the HTML and the PDF
    "requirements/runner.txt": ["--only-group", "runner"],  # what ./edition puts in .venv/ (nox, uv)
}

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
_EXTRA = re.compile(r"extra == '([^']+)'")

Declared = set[tuple[str, str, str]]  # (name, specifier, extra or "group:<name>" or "")


def declared(pyproject: dict) -> Declared:
    """Every requirement pyproject.toml declares: its runtime, each extra, each dependency group."""
    project = pyproject["project"]
    lists = {"": project.get("dependencies", [])}
    lists.update(project.get("optional-dependencies", {}))
    lists.update({f"group:{name}": reqs for name, reqs in pyproject.get("dependency-groups", {}).items()})
    result = set()
    for where, requirements in lists.items():
        for text in requirements:
            requirement = Requirement(text)
            result.add((canonicalize_name(requirement.name), str(requirement.specifier), where))
    return result


def recorded(lock: dict, project_name: str) -> Declared:
    """The requirements the lock was resolved for, as uv records them for the project."""
    package = next(p for p in lock["package"] if p["name"] == canonicalize_name(project_name))
    metadata = package.get("metadata", {})
    result = set()
    for entry in metadata.get("requires-dist", []):
        extra = _EXTRA.search(entry.get("marker", ""))
        result.add((canonicalize_name(entry["name"]), str(SpecifierSet(entry.get("specifier", ""))),
                    extra[1] if extra else ""))
    for group, entries in metadata.get("requires-dev", {}).items():
        for entry in entries:
            result.add((canonicalize_name(entry["name"]), str(SpecifierSet(entry.get("specifier", ""))),
                        f"group:{group}"))
    return result


def locked_versions(lock: dict) -> dict[str, set[str]]:
    """Each locked package's version(s): a universal lock may hold two for different Pythons."""
    versions: dict[str, set[str]] = {}
    for package in lock.get("package", []):
        if "version" in package:
            versions.setdefault(canonicalize_name(package["name"]), set()).add(package["version"])
    return versions


def _where(where: str) -> str:
    if not where:
        return "[project] dependencies"
    if where.startswith("group:"):
        return f"dependency group {where[6:]!r}"
    return f"extra {where!r}"


def disagreements(root: Path = ROOT) -> list[str]:
    """What keeps the lock and its exports from answering pyproject.toml, one line each."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    lock_path = root / "uv.lock"
    if not lock_path.is_file():
        return ["uv.lock is missing"]
    lock = tomllib.loads(lock_path.read_text(encoding="utf-8"))
    versions = locked_versions(lock)
    wanted = declared(pyproject)
    problems = []
    for name, specifier, where in sorted(wanted):
        if name not in versions:
            problems.append(f"{name} ({_where(where)}, {specifier or 'any version'}) is not in uv.lock")
            continue
        outside = sorted(v for v in versions[name] if not SpecifierSet(specifier).contains(Version(v), prereleases=True))
        if outside:
            problems.append(f"{name}: uv.lock pins {', '.join(outside)}, outside pyproject.toml's range "
                            f"{specifier} ({_where(where)})")
    made_for = recorded(lock, pyproject["project"]["name"])
    for name, specifier, where in sorted(made_for - wanted):
        if not any(w[0] == name and w[2] == where for w in wanted):
            problems.append(f"{name} ({_where(where)}) is in uv.lock but no longer in pyproject.toml")
        elif all(w[1] != specifier for w in wanted if w[0] == name and w[2] == where):
            now = next(w[1] for w in wanted if w[0] == name and w[2] == where)
            problems.append(f"{name} ({_where(where)}): uv.lock was resolved for {specifier or 'any version'}, "
                            f"pyproject.toml now says {now or 'any version'}")
    for name, specifier, where in sorted(wanted - made_for):
        if name in versions and not any(m[0] == name and m[2] == where for m in made_for):
            problems.append(f"{name} ({_where(where)}) is in pyproject.toml but uv.lock was not resolved for it")
    for export in EXPORTS:
        path = root / export
        if not path.is_file():
            problems.append(f"{export} is missing")
            continue
        for name, version in _PIN.findall(path.read_text(encoding="utf-8")):
            if version not in versions.get(canonicalize_name(name), set()):
                problems.append(f"{export} pins {name}=={version}, which uv.lock does not")
    return problems


def message(problems: list[str]) -> str:
    return ("pyproject.toml and the lock disagree:\n" + "\n".join(f"  - {p}" for p in problems) +
            f"\nRefresh the lock with `{REFRESH}` (it prints what changed), then commit pyproject.toml, "
            "uv.lock and requirements/")


def changes(before: dict[str, set[str]], after: dict[str, set[str]]) -> list[str]:
    """What a refresh changed, one line per package: added, removed, or from one version to another."""
    lines = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name, set()), after.get(name, set())
        if old == new:
            continue
        if not old:
            lines.append(f"  + {name} {', '.join(sorted(new))}")
        elif not new:
            lines.append(f"  - {name} {', '.join(sorted(old))}")
        else:
            lines.append(f"  ~ {name} {', '.join(sorted(old))} -> {', '.join(sorted(new))}")
    return lines


def main(argv: list[str]) -> int:
    if argv[1:] != ["check"]:
        print(__doc__.rsplit("\n\n", 1)[-1], file=sys.stderr)
        return 2
    problems = disagreements()
    if problems:
        print(message(problems), file=sys.stderr)
        return 1
    print("uv.lock and requirements/ answer pyproject.toml's ranges")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
