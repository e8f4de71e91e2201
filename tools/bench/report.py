"""The benchmark's verdicts and its printed table (the JSON holds everything the table shows)."""

from __future__ import annotations

from . import TARGETS


def verdict(value: float, target: float) -> str:
    return "hit" if value <= target else "MISS"


def target(value: float, limit: float, spread: dict | None = None, cpu: dict | None = None,
           floor: dict | None = None) -> dict:
    """A target's entry in the report: the value, its spread (min and max of the runs) and the verdict;
    for a ratio, also the same ratio in CPU time (``cpu``), which a shared machine's load moves less.

    ``floor`` is the same measure taken on the bare baseline with the edition's theme, which no change
    inside the project can go below ({"value", "min", "max", "what"}); a target under it is reported
    as out of reach while the edition keeps that theme."""
    entry = {"value": round(value, 3), "target": limit, "verdict": verdict(value, limit)}
    if spread is not None:
        entry.update(min=spread["min"], max=spread["max"])
    if cpu is not None:
        entry.update(cpu_ratio=cpu["median"], cpu_min=cpu["min"], cpu_max=cpu["max"])
    if floor is not None:
        entry.update(floor=floor, reachable=floor["value"] <= limit)
    return entry


def _floor(entry: dict, unit: str) -> str:
    if "floor" not in entry:
        return ""
    floor = entry["floor"]
    reach = "" if entry["reachable"] else "; the target is below it, out of reach with this theme"
    return f"\n    floor, {floor['what']}: {floor['value']:.2f}{unit} ({floor['min']:.2f}–{floor['max']:.2f}){reach}"


def _pm(timing: dict) -> str:
    return f"{timing['median']:.2f} s (±{timing['spread'] / 2:.2f})"


def _ratio(entry: dict) -> str:
    cpu = f"; in CPU time {entry['cpu_ratio']:.2f}x ({entry['cpu_min']:.2f}–{entry['cpu_max']:.2f})" if "cpu_ratio" in entry else ""
    return (f"{entry['value']:.2f}x ({entry['min']:.2f}–{entry['max']:.2f})   target ≤ {entry['target']}x: "
            f"{entry['verdict']}{cpu}{_floor(entry, 'x')}")


def table_rows(report: dict) -> list[tuple[str, str]]:
    b, w, t = report["builds"], report["page_weight"], report["targets"]
    rows = [
        ("clean HTML (ours)", _pm(b["html"])),
        ("clean HTML (bare baseline)", _pm(b["bare_html"])),
        ("  ratio ours / bare, 1x", _ratio(t["html_ratio"])),
        ("  ours with the basic theme", f"{b['html_basic_theme']['median']:.2f} s = {b['html_basic_theme_ratio']:.2f}x bare "
                                        "(all but the theme)"),
        ("  bare with the book theme", f"{b['bare_book_theme_html']['median']:.2f} s = "
                                       f"{b['bare_book_theme_ratio']['median']:.2f}x bare (the theme alone)"),
        ("  ours / bare with the book theme", f"{b['ours_over_bare_book_theme']['median']:.2f}x "
                                              f"({b['ours_over_bare_book_theme']['min']:.2f}–"
                                              f"{b['ours_over_bare_book_theme']['max']:.2f}) (all but the theme)"),
        ("clean LaTeX (Sphinx)", _pm(b["latex"])),
        ("TeX engine (make all-pdf)", _pm(b["tex"])),
        ("  full HTML + PDF, clean", f"{b['full_clean_s']:.2f} s   target ≤ {TARGETS['full_clean_s']:.0f} s: "
                                     f"{t['full_clean_s']['verdict']}"),
        ("rebuild after one note", f"{_pm(b['incremental'])}   target ≤ {TARGETS['incremental_s']:.0f} s: "
                                   f"{t['incremental_s']['verdict']}"),
    ]
    if "editor_loop_s" in t:
        rows.append(("editor's loop (save -> reloaded)", f"{_pm(b['editor_loop'])}   target ≤ {TARGETS['editor_loop_s']:.0f} s: "
                                                          f"{t['editor_loop_s']['verdict']}{_floor(t['editor_loop_s'], ' s')}"))
    rows += [
        (f"page weight {w['ours']['page']} (ours)", f"{w['ours']['transferred_bytes'] / 1024:.0f} KB in {w['ours']['requests']} requests "
                                                     f"({w['ours']['uncompressed_bytes'] / 1024:.0f} KB unpacked)   "
                                                     f"target ≤ {TARGETS['page_kb']:.0f} KB: {t['page_kb']['verdict']}"),
        (f"page weight {w['bare']['page']} (bare)", f"{w['bare']['transferred_bytes'] / 1024:.0f} KB in {w['bare']['requests']} requests"),
        ("PDF", f"{report['pdf']['bytes'] / 1024:.0f} KB, {report['pdf']['pages']} pages"),
    ]
    for point in report["scaling"]["points"]:
        rows.append((f"{point['copies']:>3}x chapters ({point['chapters']})",
                     f"HTML {point['html_s']:.1f} s, bare {point['bare_html_s']:.1f} s, "
                     + (f"basic theme {point['basic_theme_html_s']:.1f} s, " if "basic_theme_html_s" in point else "")
                     + f"bare with the book theme {point['bare_book_theme_html_s']:.1f} s"
                     + (f", LaTeX {point['latex_s']:.1f} s, TeX {point['tex_s']:.1f} s, {point['pdf_pages']} pages"
                        if "latex_s" in point else "")))
        if point["copies"] != 1:
            rows.append((f"  ratio ours / bare, {point['copies']}x", _ratio(t[f"html_ratio_x{point['copies']}"])))
    for point in report["scaling"]["points"]:
        over = point["html_over_floor_runs"]
        line = (f"bare {point['bare_html_s']:.1f} s | floor {point['bare_book_theme_html_s']:.1f} s | ours "
                + (f"{point['before_html_s']:.1f} s -> " if "before_html_s" in point else "")
                + f"{point['html_s']:.1f} s = "
                + (f"{point['before_over_floor_runs']['median']:.2f} -> " if "before_over_floor_runs" in point else "")
                + f"{over['median']:.2f}x floor ({over['min']:.2f}–{over['max']:.2f}), target ≤ {TARGETS['over_floor']}x: "
                + t[f"over_floor_x{point['copies']}"]["verdict"])
        rows.append((f"before -> after, {point['copies']}x ({point['chapters']} ch.)" if "before_html_s" in point
                     else f"ours / floor, {point['copies']}x ({point['chapters']} ch.)", line))
    if "html_cold_s" in report["scaling"]["points"][0]:
        rows.append(("  ours at 1x, first run (cold build/cache)", f"{report['scaling']['points'][0]['html_cold_s']:.2f} s"))
    if "growth" in t:
        g = report["growth"]
        rows.append((f"growth {g['from_chapters']} -> {g['to_chapters']} ch., over bare's ({g['bare_growth']}x)",
                     f"ours {g['ours']:.2f}" + (f" (before {g['before']:.2f})" if "before" in g else "")
                     + f", floor {g['floor']:.2f}; target ≤ {TARGETS['growth']}: {t['growth']['verdict']}"))
    for key in ("html_s", "basic_theme_html_s", "bare_book_theme_html_s", "bare_html_s", "latex_s", "tex_s"):
        fit = report["scaling"]["fit"].get(key)
        if fit:
            rows.append((f"  {key[:-2].replace('_', ' ')} per copy",
                         f"{fit['per_copy_s']:.3f} s (R² {fit['r_squared']}; marginal {fit['marginal_per_copy_s']})"))
    return rows


def print_table(report: dict) -> None:
    rows = table_rows(report)
    width = max(len(name) for name, _ in rows)
    machine = report["machine"]
    print(f"\n{machine['cores']} cores, load average before/after: {machine['load_before']} / {machine['load_after']}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    prof, w = report["profile"], report["page_weight"]
    print(f"\nProfile of the slowest Sphinx phase ({prof['builder']}, {prof['profiled_seconds']:.2f} s profiled), "
          "top by cumulative time:")
    for row in prof["top_cumulative"]:
        print(f"  {row['cum_s']:7.3f} s cum {row['self_s']:7.3f} s self  {row['function']}")
    print("Top by own time:")
    for row in prof["top_self"]:
        print(f"  {row['self_s']:7.3f} s self {row['cum_s']:7.3f} s cum  {row['function']}")
    print("Own time by package (adds up to the profiled total):")
    for name, seconds in prof["by_package_s"].items():
        print(f"  {seconds:7.3f} s  {name}")
    print(f"Editorial extension: {prof['editorial_self_s']:.3f} s of own time; entry points (cumulative):")
    for name, seconds in prof["editorial_entry_points_cum_s"].items():
        print(f"  {seconds:7.3f} s  {name}")
    print(f"\nHeaviest resources of {w['ours']['page']}:")
    for resource in w["ours"]["resources"][:8]:
        print(f"  {resource['transferred'] / 1024:7.1f} KB  ({resource['uncompressed'] / 1024:7.1f} KB unpacked)  {resource['url']}")
    for build, found in report["warnings"].items():
        print(f"\n{found['count']} warnings in the {build} build, first: {found['first'][0]}")
    missed = [name for name, entry in report["targets"].items() if entry["verdict"] != "hit"]
    print(f"\nPlot of time against chapters: {report['plot']}")
    print(f"\nTargets: {len(report['targets']) - len(missed)} hit, {len(missed)} missed"
          + (f" ({', '.join(missed)})" if missed else ""))
