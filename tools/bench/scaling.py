"""Scaling: the clean builds with the chapters replicated (20x and 100x by default), and how they grow."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from .builds import clean_html, clean_pdf
from .page_weight import pdf_facts
from .run import ratio_summary
from .trees import BOOK_THEME, basic_theme_conf, bare_tree, chapter_names, copy_project, replicate


def scaled_point(source: Path, work: Path, copies: int, runs: int, pdf_name: str, with_pdf: bool,
                 warnings: dict[str, list[str]], before: Path | None = None, cache: Path | None = None) -> dict:
    """One scale: ours, the bare baseline, the bare one with the book theme (and ours as of
    ``before``, another checkout) ``runs`` times in turn, ours with the basic theme once, the PDF once.

    ``cache`` (the 1x tree's ``build/cache``) is copied in first: the copies cite the same works, so
    the bibliography is formatted as a clean build of an edition whose entries did not change."""
    label = f"x{copies}"
    scaled = copy_project(source, work / label)
    replicate(scaled, copies)
    if cache is not None and cache.is_dir():
        shutil.copytree(cache, scaled.root / "build" / "cache")
    bare_docs = bare_tree(scaled, scaled.root)
    variants = {label: (scaled.docs, ()), f"{label}-bare": (bare_docs, ()),
                f"{label}-bare-book-theme": (bare_docs, BOOK_THEME)}
    if before is not None:
        earlier = copy_project(before, work / f"{label}-before")
        replicate(earlier, copies)
        variants[f"{label}-before"] = (earlier.docs, ())
    html = clean_html(variants, work, runs)
    # Ours with the basic theme (all but the theme) only where the PDF is timed too: at 100x it
    # would add minutes and tell nothing the floor does not.
    basic = clean_html({f"{label}-basic-theme": (scaled.docs, basic_theme_conf(scaled))}, work, 1) if with_pdf else None
    warnings[f"{label}_html"] = html[label]["warnings"]
    ratio = ratio_summary(html[label]["samples"], html[f"{label}-bare"]["samples"])
    theme_ratio = ratio_summary(html[f"{label}-bare-book-theme"]["samples"], html[f"{label}-bare"]["samples"])
    point = {"copies": copies, "chapters": len(chapter_names(scaled.docs)),
             "html_s": html[label]["timing"]["median"], "bare_html_s": html[f"{label}-bare"]["timing"]["median"],
             "bare_book_theme_html_s": html[f"{label}-bare-book-theme"]["timing"]["median"],
             "bare_book_theme_ratio_runs": theme_ratio,
             "html_ratio": ratio["median"], "html_ratio_runs": ratio,
             "html_cpu_ratio_runs": ratio_summary(html[label]["cpu_samples"], html[f"{label}-bare"]["cpu_samples"]),
             "html": html[label]["timing"], "bare_html": html[f"{label}-bare"]["timing"],
             "html_over_floor_runs": ratio_summary(html[label]["samples"], html[f"{label}-bare-book-theme"]["samples"])}
    if basic is not None:
        point["basic_theme_html_s"] = basic[f"{label}-basic-theme"]["timing"]["median"]
    if before is not None:
        point.update(before_html_s=html[f"{label}-before"]["timing"]["median"],
                     before_ratio_runs=ratio_summary(html[f"{label}-before"]["samples"], html[f"{label}-bare"]["samples"]),
                     before_over_floor_runs=ratio_summary(html[f"{label}-before"]["samples"],
                                                          html[f"{label}-bare-book-theme"]["samples"]))
        shutil.rmtree(work / f"{label}-before", ignore_errors=True)
    if with_pdf:
        latex, tex, pdf, warnings[f"{label}_latex"] = clean_pdf(scaled, work, 1, label, pdf_name)
        point.update(latex_s=latex["median"], tex_s=tex["median"], pdf_pages=pdf_facts(pdf)["pages"])
    shutil.rmtree(work / label, ignore_errors=True)
    return point


def linearity(points: list[dict], key: str) -> dict:
    """Least-squares line seconds = fixed + per_copy * copies, and how far the points stray from it."""
    xs = [p["copies"] for p in points]
    ys = [p[key] for p in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx
    intercept = mean_y - slope * mean_x
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    # Marginal cost of one more copy of the chapters between successive scales: equal if linear.
    marginal = [round((ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]), 3) for i in range(len(xs) - 1)]
    return {"fixed_s": round(intercept, 2), "per_copy_s": round(slope, 3),
            "r_squared": round(1 - ss_res / ss_tot, 4) if ss_tot else 1.0, "marginal_per_copy_s": marginal}


def fits(points: list[dict]) -> dict[str, dict]:
    """The linear fit of every timing that all the points have (three points at least)."""
    if len(points) <= 2:
        return {}
    keys = ("html_s", "basic_theme_html_s", "bare_book_theme_html_s", "bare_html_s", "latex_s", "tex_s")
    return {key: linearity(points, key) for key in keys if all(key in p for p in points)}


def growth(points: list[dict]) -> dict:
    """How much faster than bare Sphinx's each build grows from the smallest scale to the largest:
    (seconds at the largest / at the smallest) over bare's same quotient; 1.0 grows as bare does."""
    first, last = points[0], points[-1]
    bare = last["bare_html_s"] / first["bare_html_s"]
    keys = {"ours": "html_s", "floor": "bare_book_theme_html_s", "before": "before_html_s"}
    result = {"from_chapters": first["chapters"], "to_chapters": last["chapters"], "bare_growth": round(bare, 2)}
    for name, key in keys.items():
        if key in first and key in last:
            result[name] = round(last[key] / first[key] / bare, 3)
    return result
