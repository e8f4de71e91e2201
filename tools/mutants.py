"""Mutation testing of the edition's rules: do the fast tests fail when a rule breaks? (issue 20)

``./edition -s mutants`` copies the project to ``build/mutants/work/`` and has mutmut 3 break the
rules (``rules`` in ``tests/mutants.toml``: functions of the modules in pyproject.toml's
``[tool.mutmut] only_mutate``) one small change at a time: each change, a *mutant*, is run
against the fast tests that reach the changed function.  A mutant that no test notices has
*survived*: either a test is missing, or the change cannot alter what the edition promises (an
*equivalent* mutant); ``tests/mutants.toml`` lists those that reviewers judged equivalent, with
the reason.

The report, ``build/mutants/report.md``, gives the counts and every survivor with its diff; the
last line printed is ``mutants: K killed, S survived of N (P %)``.  Arguments replace the rules
with mutmut's mutant names or globs, e.g. ``./edition -s mutants -- "editorial.fidelity.*"``;
``--report`` writes the report of the last run again (after a change to the list of equivalents).
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
SCOPE = ROOT / "tests" / "mutants.toml"
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
        if match and match[2] != "not checked":  # a mutant outside the rules run
            outcomes[match[1]] = match[2]
    return outcomes


def scope() -> dict:
    return tomllib.loads(SCOPE.read_text(encoding="utf-8"))


def rule_globs() -> list[str]:
    """mutmut's names for the mutants of each rule: ``module:Class.method`` -> ``module.xǁClassǁmethod__mutmut_*``."""
    globs = []
    for rule in scope()["rules"]:
        module, _, qualified = rule.partition(":")
        owner, _, function = qualified.rpartition(".")
        mangled = f"x\u01c1{owner}\u01c1{function}" if owner else f"x_{function}"
        globs.append(f"{module}.{mangled}__mutmut_*")
    return globs


def equivalents() -> dict[str, str]:
    """mutant name -> why reviewers judged it equivalent (tests/mutants.toml)."""
    return {entry["mutant"]: " ".join(entry["reason"].split()) for entry in scope().get("equivalent", [])}


def report(outcomes: dict[str, str], judged: dict[str, str], seconds: float) -> str:
    killed = sum(outcome in NOTICED for outcome in outcomes.values())
    survivors = sorted(name for name, outcome in outcomes.items() if outcome not in NOTICED)
    total = len(outcomes)
    percent = 100 * killed / total if total else 0.0
    unexplained = [name for name in survivors if name not in judged]
    lines = [
        "# Mutation testing of the edition's rules",
        "",
        f"{total} mutants of the rules in `{SCOPE.relative_to(ROOT)}` (modules: {', '.join(modules_mutated())}), "
        f"run against the fast tests (`-m 'not slow'`) in {seconds / 60:.1f} min with `./edition -s mutants`.",
        "",
        "| outcome | mutants |",
        "| --- | --- |",
        *(f"| {outcome} | {count} |" for outcome, count in Counter(outcomes.values()).most_common()),
        "",
        f"Killed (the tests fail): {killed} of {total} ({percent:.1f} %). Survivors: {len(survivors)}, "
        f"of which {len(survivors) - len(unexplained)} judged equivalent in "
        f"`{SCOPE.relative_to(ROOT)}`, {len(unexplained)} not explained.",
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
    seconds_file = OUT / "seconds"
    if argv == ["--report"]:
        seconds, returncode = float(seconds_file.read_text()), 0
    else:
        copy_project()
        started = time.monotonic()
        returncode = mutmut("run", "--max-children", str(os.cpu_count() or 2), *(argv or rule_globs())).returncode
        seconds = time.monotonic() - started
        seconds_file.write_text(f"{seconds:.1f}\n")
    outcomes = results()
    if returncode != 0 or not outcomes:
        print(f"mutants: mutmut run failed (exit status {returncode}); see its output above", file=sys.stderr)
        return returncode or 1
    judged = equivalents()
    (OUT / "report.md").write_text(report(outcomes, judged, seconds), encoding="utf-8")
    killed = sum(outcome in NOTICED for outcome in outcomes.values())
    total = len(outcomes)
    unexplained = [name for name, outcome in outcomes.items() if outcome not in NOTICED and name not in judged]
    judged_equivalent = total - killed - len(unexplained)
    print(f"report: {(OUT / 'report.md').relative_to(ROOT)}; {seconds / 60:.1f} min; {judged_equivalent} survivors "
          f"judged equivalent, {len(unexplained)} not explained; without the equivalents: {killed} killed of "
          f"{total - judged_equivalent} ({100 * killed / max(total - judged_equivalent, 1):.1f} %)")
    print(f"mutants: {killed} killed, {total - killed} survived of {total} ({100 * killed / total:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
