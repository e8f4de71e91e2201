"""The scaling plot: clean HTML time against the number of chapters, bare, floor and ours."""

from __future__ import annotations

from pathlib import Path

#: What each line is, and the point's key for its seconds.
LINES = (
    ("bare Sphinx + myst (basic theme)", "bare_html_s", "tab:gray", "o"),
    ("floor: bare + sphinx-book-theme", "bare_book_theme_html_s", "tab:blue", "s"),
    ("ours, before", "before_html_s", "tab:red", "x"),
    ("ours", "html_s", "tab:green", "D"),
)


def draw(points: list[dict], path: Path, title: str) -> Path:
    """Write the plot as a PNG (log-log, so that a line's slope is its growth) and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7.5, 5), dpi=120)
    for label, key, colour, marker in LINES:
        shown = [(p["chapters"], p[key]) for p in points if key in p]
        if shown:
            axes.plot(*zip(*shown), label=label, color=colour, marker=marker)
            chapters, seconds = shown[-1]
            axes.annotate(f"{seconds:.0f} s", (chapters, seconds), textcoords="offset points", xytext=(6, -3),
                          fontsize=8, color=colour)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("chapters (the edition's five, copied)")
    axes.set_ylabel("clean HTML build, seconds (median)")
    axes.set_title(title, fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return path
