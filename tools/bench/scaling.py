"""Scaling: the clean builds with the chapters replicated 10x and 50x, and how linear they are."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from .builds import clean_html, clean_pdf
from .page_weight import pdf_facts
from .run import ratio_summary
from .trees import BOOK_THEME, basic_theme_conf, bare_tree, chapter_names, copy_project, replicate


def scaled_point(source: Path, work: Path, copies: int, runs: int, pdf_name: str, with_pdf: bool,
                 warnings: dict[str, list[str]]) -> dict:
    """One scale: ours, the bare baseline and the bare one with the book theme ``runs`` times in turn,
    ours with the basic theme once, the PDF once."""
    label = f"x{copies}"
    scaled = copy_project(source, work / label)
    replicate(scaled, copies)
    bare_docs = bare_tree(scaled, scaled.root)
    html = clean_html({label: (scaled.docs, ()), f"{label}-bare": (bare_docs, ()),
                       f"{label}-bare-book-theme": (bare_docs, BOOK_THEME)}, work, runs)
    basic = clean_html({f"{label}-basic-theme": (scaled.docs, basic_theme_conf(scaled))}, work, 1)
    warnings[f"{label}_html"] = html[label]["warnings"]
    ratio = ratio_summary(html[label]["samples"], html[f"{label}-bare"]["samples"])
    theme_ratio = ratio_summary(html[f"{label}-bare-book-theme"]["samples"], html[f"{label}-bare"]["samples"])
    point = {"copies": copies, "chapters": len(chapter_names(scaled.docs)),
             "html_s": html[label]["timing"]["median"], "bare_html_s": html[f"{label}-bare"]["timing"]["median"],
             "basic_theme_html_s": basic[f"{label}-basic-theme"]["timing"]["median"],
             "bare_book_theme_html_s": html[f"{label}-bare-book-theme"]["timing"]["median"],
             "bare_book_theme_ratio_runs": theme_ratio,
             "html_ratio": ratio["median"], "html_ratio_runs": ratio,
             "html_cpu_ratio_runs": ratio_summary(html[label]["cpu_samples"], html[f"{label}-bare"]["cpu_samples"]),
             "html": html[label]["timing"], "bare_html": html[f"{label}-bare"]["timing"]}
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
