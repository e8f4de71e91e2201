"""Benchmark of the edition: build speed, the editor's loop and page weight, against bare Sphinx.

Run it with ``nox -s bench`` (arguments after ``--`` come here; ``--help`` lists them).  Every
build happens in a temporary copy of the sources, so ``docs/`` and ``build/`` are never touched;
the results go to ``bench-results/bench.json`` and a short table is printed.  Targets that are
missed are reported, not failed: timing never decides whether the edition is correct.

One module per measure:

- :mod:`.builds`: clean HTML (ours, the bare baseline, ours with the ``basic`` theme, run in
  turn so that a change of load hits all three alike), clean LaTeX and the TeX engine, and the
  HTML rebuild after one note is edited;
- :mod:`.editor_loop`: the time from saving a note to the page reloaded in Chromium by
  sphinx-autobuild, as ``./edition -s serve`` runs it;
- :mod:`.page_weight`: the bytes Chromium transfers for the heaviest chapter page, from a local
  server that gzips text as a web server would, ours and bare; the PDF's size and pages;
- :mod:`.profiling`: a cProfile of the slowest Sphinx phase, by function and by package;
- :mod:`.scaling`: the clean builds with the chapters replicated 20x and 100x (HTML only above
  20x; :mod:`.trees` makes the copies and the bare baseline's configuration), and
  :mod:`.plot` draws them (``bench-results/scaling.png``); ``--before REV`` builds an earlier
  revision beside ours at every scale, paired, for a before → after.

:mod:`.report` prints the table; ``__main__`` runs them all.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "bench-results"

#: The targets (a miss is reported, not failed).
TARGETS = {
    "full_clean_s": 60.0,  # clean HTML + LaTeX + TeX engine, 2 cores
    "incremental_s": 3.0,  # HTML rebuild after one note is edited
    "editor_loop_s": 1.0,  # save a note -> the page reloaded by sphinx-autobuild
    "html_ratio": 1.3,  # our clean HTML build / the bare baseline's, at every scale
    "page_kb": 350.0,  # one chapter page, first load, as transferred (gzip)
    "over_floor": 1.25,  # our clean HTML build / the bare one with the book theme, at every scale (issue 21)
    "growth": 1.10,  # ours/bare at the largest scale over ours/bare at 1x (issue 21)
}
