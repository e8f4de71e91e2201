"""A cProfile of one clean Sphinx build: the top functions, own time by package, our extension's share."""

from __future__ import annotations

import os
import pstats
import shutil
from pathlib import Path

from .run import sphinx, timed


def profile_phase(builder: str, src: Path, work: Path, top: int) -> dict:
    """cProfile of one clean Sphinx build; the top entries by cumulative time and our extension's share."""
    out, doctrees, warnings, stats_file = (work / f"prof-{builder}", work / "prof-doctrees",
                                           work / "prof.log", work / f"prof-{builder}.pstats")
    for path in (out, doctrees):
        shutil.rmtree(path, ignore_errors=True)
    timed(sphinx(builder, src, out, doctrees, warnings, profile=stats_file))
    stats = pstats.Stats(str(stats_file))
    total = stats.total_tt
    rows = []
    editorial_self = 0.0
    editorial_cum: dict[str, float] = {}
    for (filename, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
        rows.append((ct, tt, nc, f"{_short(filename)}:{line}({func})"))
        if f"{os.sep}editorial{os.sep}" in filename:
            editorial_self += tt
            if func in ("apply", "run") or func.startswith(("visit_", "load_", "check_")):
                key = f"{_short(filename)}:{func}"
                editorial_cum[key] = editorial_cum.get(key, 0.0) + ct
    rows.sort(reverse=True)
    by_self = sorted(rows, key=lambda r: r[1], reverse=True)
    wrappers = [r for r in rows if r[0] < 0.9 * total]  # leave out runpy, main() and the like
    return {
        "builder": builder,
        "profiled_seconds": round(total, 3),
        "top_cumulative": [{"cum_s": round(c, 3), "self_s": round(t, 3), "calls": n, "function": f}
                           for c, t, n, f in wrappers[:top]],
        "top_self": [{"self_s": round(t, 3), "cum_s": round(c, 3), "calls": n, "function": f}
                     for c, t, n, f in by_self[:top]],
        "by_package_s": package_times(stats),
        "editorial_self_s": round(editorial_self, 3),
        "editorial_entry_points_cum_s": dict(sorted(((k, round(v, 3)) for k, v in editorial_cum.items()),
                                                    key=lambda kv: -kv[1])[:10]),
    }


#: Packages whose inclusive time (imports, event handlers, templates) the profile reports.
PACKAGES = {
    "editorial (our extension)": f"{os.sep}editorial{os.sep}",
    "theme (pydata + book)": "_sphinx_theme",
    "bibliography (bibtex, pybtex)": ("sphinxcontrib" + os.sep + "bibtex", f"{os.sep}pybtex", "latexcodec"),
    "myst-parser, markdown-it": ("myst_parser", "markdown_it", "mdit_py_plugins"),
    "jinja2 (templates)": f"{os.sep}jinja2{os.sep}",
    "docutils": f"{os.sep}docutils{os.sep}",
    "beautifulsoup": f"{os.sep}bs4{os.sep}",
    "search index (snowball)": "snowballstemmer",
}


def _package(filename: str) -> str | None:
    for name, markers in PACKAGES.items():
        if any(marker in filename for marker in ((markers,) if isinstance(markers, str) else markers)):
            return name
    return None


def package_times(stats: pstats.Stats) -> dict[str, float]:
    """Own time spent in each package's code (compiled templates count for the theme that ships
    them); the figures add up to the profiled total, so none is counted twice."""
    own: dict[str, float] = {}
    for (filename, _line, _func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        package = _package(filename) or ("sphinx" if f"{os.sep}sphinx{os.sep}" in filename else "python and the rest")
        own[package] = own.get(package, 0.0) + tt
    return {name: round(seconds, 3) for name, seconds in sorted(own.items(), key=lambda kv: -kv[1])}


def _short(filename: str) -> str:
    for marker in ("site-packages" + os.sep, os.sep + "lib" + os.sep + "python"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename.rsplit(os.sep, 2)[-2] + "/" + filename.rsplit(os.sep, 1)[-1] if os.sep in filename else filename
