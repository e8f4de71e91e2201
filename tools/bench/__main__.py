"""``python -m tools.bench``: run every measure on a copy of the project and write the report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import RESULTS, ROOT, TARGETS, __doc__ as package_doc
from .builds import clean_html, clean_pdf, incremental_html
from .editor_loop import editor_loop
from .page_weight import page_weight, pdf_facts
from .profiling import profile_phase
from .report import print_table, target
from .run import load_average, ratio_summary
from .plot import draw
from .scaling import fits, growth, scaled_point
from .trees import BOOK_THEME, Tree, bare_tree, basic_theme_conf, copy_project


THEME_FLOOR = "the bare baseline with sphinx-book-theme"


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=package_doc.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each HTML measurement (default 5)")
    parser.add_argument("--pdf-runs", type=int, default=3, help="runs of the clean PDF build (default 3)")
    parser.add_argument("--loop-runs", type=int, default=5, help="saves timed in the editor's loop (default 5; 0 skips)")
    parser.add_argument("--scales", type=int, nargs="*", default=[20, 100],
                        help="replication factors of the chapters (default 20 100; none to skip)")
    parser.add_argument("--scale-runs", type=int, default=3, help="runs of ours and bare at each scale (default 3)")
    parser.add_argument("--no-scale-pdf", action="store_true", help="time only HTML at the replicated scales")
    parser.add_argument("--pdf-scale-limit", type=int, default=20,
                        help="time the PDF only up to this many copies (default 20: 100x is HTML only)")
    parser.add_argument("--before", metavar="REV",
                        help="also build this git revision of the project (e.g. main), paired, at every scale: before -> after")
    parser.add_argument("--top", type=int, default=12, help="profile entries to print (default 12)")
    parser.add_argument("--source", type=Path, default=ROOT, help="project to measure (default: this checkout)")
    parser.add_argument("--output", type=Path, default=RESULTS / "bench.json")
    return parser.parse_args(argv)


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def _git_commit(source: Path) -> str:
    result = subprocess.run(["git", "-C", str(source), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return result.stdout.strip() or "?"


def _checkout(source: Path, revision: str, dest: Path) -> Path:
    """The project as of ``revision`` (git archive), to time against this checkout."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(source), "archive", revision], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    # The timed builds run without matplotlib, as the edition's sessions do (see the stub's docstring).
    hidden = Path(__file__).parent / "without_matplotlib"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(hidden), os.environ.get("PYTHONPATH")]))
    started = time.perf_counter()
    load_before = load_average()
    pdf_name = tomllib.loads((args.source / "pyproject.toml").read_text())["tool"]["edition"]["pdf"]
    work = Path(tempfile.mkdtemp(prefix="edition-bench-"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    warnings: dict[str, list[str]] = {}
    try:
        tree = copy_project(args.source, work / "x1")
        bare_docs = bare_tree(tree, work / "x1")
        print(f"bench: {len(tree.chapters)} chapters in {work}", flush=True)
        before = _checkout(args.source, args.before, work / "before-source") if args.before else None
        variants = {"ours": (tree.docs, ()), "bare": (bare_docs, ()),
                    "ours-basic-theme": (tree.docs, basic_theme_conf(tree)),
                    "bare-book-theme": (bare_docs, BOOK_THEME)}
        if before is not None:
            variants["before"] = (copy_project(before, work / "x1-before").docs, ())
        # Ours keeps build/cache between its runs, as a clean build of the edition does: run 1 is cold.
        html = clean_html(variants, work, args.runs)
        ours, bare, basic = html["ours"]["timing"], html["bare"]["timing"], html["ours-basic-theme"]["timing"]
        themed = html["bare-book-theme"]["timing"]
        theme_ratio = ratio_summary(html["bare-book-theme"]["samples"], html["bare"]["samples"])
        ours_over_themed = ratio_summary(html["ours"]["samples"], html["bare-book-theme"]["samples"])
        warnings["html"], warnings["bare_html"] = html["ours"]["warnings"], html["bare"]["warnings"]
        ratio = ratio_summary(html["ours"]["samples"], html["bare"]["samples"])
        cpu_ratio = ratio_summary(html["ours"]["cpu_samples"], html["bare"]["cpu_samples"])
        latex, tex, pdf, warnings["latex"] = clean_pdf(tree, work, args.pdf_runs, "ours", pdf_name)
        incremental, edited = incremental_html(tree, work, args.runs)
        loop = loop_floor = None
        if args.loop_runs:
            loop_tree = copy_project(args.source, work / "loop")
            loop = editor_loop(loop_tree, work, args.loop_runs)
            # The same loop on the bare baseline with the edition's theme: the floor of the target.
            bare_tree(loop_tree, work / "loop-bare")
            loop_floor = editor_loop(Tree(work / "loop-bare", loop_tree.chapters, docs_dir="docs-bare"), work,
                                     args.loop_runs, BOOK_THEME, label="bare with the book theme")
        pdf_info = pdf_facts(pdf)

        html_out = html["ours"]["out"]
        sizes = {name: (html_out / f"{name}.html").stat().st_size for name in tree.chapters}
        chapter = max(sizes, key=sizes.get)  # the heaviest chapter page
        ours_weight = page_weight(html_out, f"{chapter}.html", screenshot=args.output.parent / "chapter.png")
        bare_weight = page_weight(html["bare"]["out"], f"{chapter}.html")

        slowest = "latex" if latex["median"] > ours["median"] else "html"
        profile = profile_phase(slowest, tree.docs, work, args.top)

        points = [{"copies": 1, "chapters": len(tree.chapters), "html_s": ours["median"],
                   "bare_html_s": bare["median"], "basic_theme_html_s": basic["median"],
                   "bare_book_theme_html_s": themed["median"], "bare_book_theme_ratio_runs": theme_ratio,
                   "html_ratio": ratio["median"], "html_ratio_runs": ratio, "html_cpu_ratio_runs": cpu_ratio,
                   "latex_s": latex["median"], "tex_s": tex["median"], "pdf_pages": pdf_info["pages"],
                   "html_cold_s": html["ours"]["samples"][0],
                   "html_over_floor_runs": ours_over_themed}]
        if before is not None:
            points[0].update(before_html_s=html["before"]["timing"]["median"],
                             before_ratio_runs=ratio_summary(html["before"]["samples"], html["bare"]["samples"]),
                             before_over_floor_runs=ratio_summary(html["before"]["samples"],
                                                                  html["bare-book-theme"]["samples"]))
        for copies in args.scales:
            points.append(scaled_point(args.source, work, copies, args.scale_runs, pdf_name,
                                       not args.no_scale_pdf and copies <= args.pdf_scale_limit, warnings,
                                       before, tree.root / "build" / "cache"))

        full = ours["median"] + latex["median"] + tex["median"]
        weight_kb = ours_weight["transferred_bytes"] / 1024
        targets = {
            "full_clean_s": target(full, TARGETS["full_clean_s"]),
            "incremental_s": target(incremental["median"], TARGETS["incremental_s"], incremental),
            "html_ratio": target(ratio["median"], TARGETS["html_ratio"], ratio, cpu_ratio,
                                 floor={**theme_ratio, "value": theme_ratio["median"], "what": THEME_FLOOR}),
            "page_kb": target(weight_kb, TARGETS["page_kb"]),
        }
        if loop is not None:
            targets["editor_loop_s"] = target(loop["median"], TARGETS["editor_loop_s"], loop,
                                              floor={**loop_floor, "value": loop_floor["median"], "what": THEME_FLOOR})
        for point in points[1:]:
            floor = point["bare_book_theme_ratio_runs"]
            targets[f"html_ratio_x{point['copies']}"] = target(point["html_ratio"], TARGETS["html_ratio"],
                                                                point["html_ratio_runs"], point["html_cpu_ratio_runs"],
                                                                floor={**floor, "value": floor["median"], "what": THEME_FLOOR})
        for point in points:
            runs = point["html_over_floor_runs"]
            targets[f"over_floor_x{point['copies']}"] = target(runs["median"], TARGETS["over_floor"], runs)
        if len(points) > 1:
            targets["growth"] = target(growth(points)["ours"], TARGETS["growth"])
        report = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform(), "sphinx": _version("sphinx"),
                        "sphinx_book_theme": _version("sphinx-book-theme"),
                        "pydata_sphinx_theme": _version("pydata-sphinx-theme"),
                        "load_before": load_before, "load_after": load_average()},
            "commit": _git_commit(args.source),
            "chapters": tree.chapters,
            "builds": {"html": ours, "bare_html": bare, "html_ratio": ratio["median"], "html_ratio_runs": ratio,
                       "html_cpu": html["ours"]["cpu"], "bare_html_cpu": html["bare"]["cpu"],
                       "html_cpu_ratio_runs": cpu_ratio,
                       "html_basic_theme": basic, "html_basic_theme_ratio": round(basic["median"] / bare["median"], 3),
                       "bare_book_theme_html": themed, "bare_book_theme_ratio": theme_ratio,
                       "ours_over_bare_book_theme": ours_over_themed,
                       "latex": latex, "tex": tex, "full_clean_s": round(full, 3), "incremental": incremental,
                       "incremental_edit": edited, **({"editor_loop": loop, "editor_loop_bare_book_theme": loop_floor}
                                                       if loop is not None else {})},
            "page_weight": {"ours": ours_weight, "bare": bare_weight,
                            "ratio": round(ours_weight["transferred_bytes"] / bare_weight["transferred_bytes"], 2),
                            "server": "127.0.0.1, gzip level 6 for text types, no cache"},
            "pdf": pdf_info,
            "profile": profile,
            "scaling": {"points": points, "fit": fits(points)},
            "warnings": {k: {"count": len(v), "first": v[:5]} for k, v in warnings.items() if v},
            "targets": targets,
        }
        report["growth"] = growth(points)
        report["before"] = args.before
        report["plot"] = str(draw(points, args.output.parent / "scaling.png",
                                  f"clean HTML build, commit {report['commit']}"
                                  + (f" against {args.before}" if args.before else "")))
        report["bench_seconds"] = round(time.perf_counter() - started, 1)
        args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print_table(report)
        print(f"\nbench: {report['bench_seconds']:.0f} s in all; results in {args.output}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
