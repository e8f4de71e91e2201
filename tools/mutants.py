"""Mutation testing of the edition's rules: do the fast tests fail when a rule breaks? (issue 20)

``./edition -s mutants`` copies the project to ``build/mutants/work/`` and has mutmut 3 break the
rule modules (``[tool.mutmut] only_mutate`` in pyproject.toml) one small change at a time: each
change, a *mutant*, is run against the fast tests that reach the changed function.  A mutant that
no test notices has *survived*: either a test is missing, or the change cannot alter what the
edition promises (an *equivalent* mutant).  ``tests/mutants-equivalent.toml`` lists the survivors
that reviewers judged equivalent, each with the reason.

The report, ``build/mutants/report.md``, gives the counts and every survivor with its diff; the
last line printed is ``mutants: K killed, S survived of N (P %)``.  Arguments are mutmut's
mutant names or globs, e.g. ``./edition -s mutants -- "editorial.fidelity*"``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "mutants"
WORK = OUT / "work"
EQUIVALENTS = ROOT / "tests" / "mutants-equivalent.toml"
#: Left out of the copy mutmut works in: outputs, environments, caches, and git's own files.
NOT_COPIED = shutil.ignore_patterns("build", ".nox", ".venv", ".git", "mutants", "bench-results",
                                    "__pycache__", ".pytest_cache", "*.egg-info", "_build")
#: mutmut's outcomes that count as the tests noticing the mutant; a mutant that makes the tests
#: hang (timeout) is noticed too, by CI's time limit if nothing else.
NOTICED = {"killed", "timeout", "segfault"}
#: The line that reports one mutant in ``mutmut results --all true``.
RESULT_LINE = re.compile(r"^\s+(\S+): (.+)$")


def copy_project() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(ROOT, WORK, ignore=NOT_COPIED)


def mutmut(*args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=WORK, text=True,
                          capture_output=capture, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def results() -> dict[str, str]:
    """Every mutant's name and outcome."""
    listing = mutmut("results", "--all", "true", capture=True)
    outcomes = {}
    for line in listing.stdout.splitlines():
        match = RESULT_LINE.match(line)
        if match:
            outcomes[match[1]] = match[2]
    return outcomes


def equivalents() -> dict[str, str]:
    """mutant name -> why reviewers judged it equivalent (tests/mutants-equivalent.toml)."""
    if not EQUIVALENTS.is_file():
        return {}
    listed = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8")).get("equivalent", [])
    return {entry["mutant"]: " ".join(entry["reason"].split()) for entry in listed}


def report(outcomes: dict[str, str], judged: dict[str, str], seconds: float) -> str:
    killed = sum(outcome in NOTICED for outcome in outcomes.values())
    survivors = sorted(name for name, outcome in outcomes.items() if outcome not in NOTICED)
    total = len(outcomes)
    percent = 100 * killed / total if total else 0.0
    unexplained = [name for name in survivors if name not in judged]
    lines = [
        "# Mutation testing of the edition's rules",
        "",
        f"{total} mutants of the rule modules ({', '.join(modules_mutated())}), run against the "
        f"fast tests (`-m 'not slow'`) in {seconds / 60:.1f} min with `./edition -s mutants`.",
        "",
        "| outcome | mutants |",
        "| --- | --- |",
        *(f"| {outcome} | {count} |" for outcome, count in Counter(outcomes.values()).most_common()),
        "",
        f"Killed (the tests fail): {killed} of {total} ({percent:.1f} %). Survivors: {len(survivors)}, "
        f"of which {len(survivors) - len(unexplained)} judged equivalent in "
        f"`{EQUIVALENTS.relative_to(ROOT)}`, {len(unexplained)} not explained.",
        "",
    ]
    stale = sorted(set(judged) - set(survivors))
    if stale:
        lines += ["Listed as equivalent but not a survivor of this run (killed now, or renamed): "
                  + ", ".join(f"`{name}`" for name in stale), ""]
    for heading, names in (("Survivors not explained: each needs a test, or a reviewed reason", unexplained),
                           ("Survivors judged equivalent", [n for n in survivors if n in judged])):
        if not names:
            continue
        lines += [f"## {heading}", ""]
        for name in names:
            diff = mutmut("show", name, capture=True).stdout.strip()
            lines += [f"### `{name}` ({outcomes[name]})", ""]
            if name in judged:
                lines += [f"Equivalent: {judged[name]}", ""]
            lines += ["```diff", diff, "```", ""]
    return "\n".join(lines)


def modules_mutated() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return [Path(pattern).stem for pattern in config["only_mutate"]]


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    copy_project()
    started = time.monotonic()
    run = mutmut("run", "--max-children", str(os.cpu_count() or 2), *argv)
    seconds = time.monotonic() - started
    outcomes = results()
    if run.returncode != 0 or not outcomes:
        print(f"mutants: mutmut run failed (exit status {run.returncode}); see its output above", file=sys.stderr)
        return run.returncode or 1
    text = report(outcomes, equivalents(), seconds)
    (OUT / "report.md").write_text(text, encoding="utf-8")
    killed = sum(outcome in NOTICED for outcome in outcomes.values())
    total = len(outcomes)
    unexplained = [n for n, o in outcomes.items() if o not in NOTICED and n not in equivalents()]
    print(f"report: {(OUT / 'report.md').relative_to(ROOT)}; survivors not judged equivalent: {len(unexplained)}")
    print(f"mutants: {killed} killed, {total - killed} survived of {total} ({100 * killed / total:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
