"""Running commands and summarising their timings: what every measure of the benchmark shares."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed_with_cpu(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run ``command``; return its wall-clock seconds and the CPU seconds (user + system) it and its
    children used; stop the benchmark if it fails.  On a machine shared with other work the CPU
    time moves less than the wall clock, so the report gives both."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"bench: command failed ({result.returncode}): {' '.join(map(str, command))}\n{result.stdout[-4000:]}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def timed(command: list[str], cwd: Path | None = None) -> float:
    """Run ``command``; return its wall-clock seconds; stop the benchmark if it fails."""
    return timed_with_cpu(command, cwd)[0]


def sphinx(builder: str, src: Path, out: Path, doctrees: Path, warnings: Path, *, profile: Path | None = None) -> list[str]:
    """The sphinx-build command line the benchmark times (quiet, nitpicky, warnings to a file)."""
    prefix = [sys.executable]
    if profile is not None:
        prefix += ["-m", "cProfile", "-o", str(profile)]
    return [*prefix, "-m", "sphinx", "-b", builder, "-d", str(doctrees), "-q", "-n", "--keep-going",
            "-w", str(warnings), str(src), str(out)]


def summary(samples: list[float]) -> dict:
    """Median and spread of a list of seconds; the spread is max - min, the honest figure for few runs."""
    return {
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
        "spread": round(max(samples) - min(samples), 3),
        "runs": [round(s, 3) for s in samples],
    }


def ratio_summary(ours: list[float], base: list[float]) -> dict:
    """The ratio of paired runs (run i of ours over run i of the baseline, timed one after the
    other), so that a change of load during the benchmark moves both sides of each ratio."""
    return summary([a / b for a, b in zip(ours, base)])


def count_warnings(path: Path) -> list[str]:
    """The warning and error lines of a build's ``-w`` file."""
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if "WARNING" in line or "ERROR" in line]


def load_average() -> list[float] | None:
    """The machine's 1, 5 and 15 minute load averages, which the report states beside the timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
