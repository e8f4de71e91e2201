"""Build timings: clean HTML (ours, bare, ours with the basic theme), clean PDF, one-note rebuild."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .run import count_warnings, sphinx, summary, timed, timed_with_cpu
from .trees import Tree


def clean_html(variants: dict[str, tuple[Path, tuple[str, ...]]], work: Path, runs: int) -> dict[str, dict]:
    """Time clean HTML builds of several variants ({label: (source, extra sphinx arguments)}), in
    turn: run 1 of each, then run 2 of each, so that a change of load hits every variant alike.
    Returns {label: {"timing": summary, "samples": [...], "cpu": summary, "cpu_samples": [...],
    "out": Path, "warnings": [...]}}."""
    samples: dict[str, list[float]] = {label: [] for label in variants}
    cpu: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(runs):
        for label, (src, extra) in variants.items():
            out, doctrees = work / f"{label}-html", work / f"{label}-doctrees-html"
            for path in (out, doctrees):
                shutil.rmtree(path, ignore_errors=True)
            wall, used = timed_with_cpu([*sphinx("html", src, out, doctrees, work / f"{label}-html.log"), *extra])
            samples[label].append(wall)
            cpu[label].append(used)
            print(f"  {label} clean html: {wall:.2f} s (CPU {used:.2f} s)", flush=True)
    return {label: {"timing": summary(values), "samples": values, "cpu": summary(cpu[label]), "cpu_samples": cpu[label],
                    "out": work / f"{label}-html", "warnings": count_warnings(work / f"{label}-html.log")}
            for label, values in samples.items()}


def clean_pdf(tree: Tree, work: Path, runs: int, label: str, pdf_name: str) -> tuple[dict, dict, Path, list[str]]:
    """Clean LaTeX (Sphinx) and the TeX engine (``make all-pdf``), timed apart."""
    latex_samples, tex_samples = [], []
    for _ in range(runs):
        out, doctrees, warnings = work / f"{label}-latex", work / f"{label}-doctrees-latex", work / f"{label}-latex.log"
        for path in (out, doctrees):
            shutil.rmtree(path, ignore_errors=True)
        latex_samples.append(timed(sphinx("latex", tree.docs, out, doctrees, warnings)))
        # Sphinx's Makefile sets XINDYOPTS for latexmk, as the noxfile's pdf session relies on.
        tex_samples.append(timed(["make", "-C", str(out), "--no-print-directory", "all-pdf", "LATEXMKOPTS=-silent"]))
        print(f"  {label} clean latex: {latex_samples[-1]:.2f} s, TeX engine: {tex_samples[-1]:.2f} s", flush=True)
    return summary(latex_samples), summary(tex_samples), out / pdf_name, count_warnings(warnings)


NOTE_DEFINITION = re.compile(r"^(\[\^[^\]\s]+\]:.*?)$", re.MULTILINE)


def first_note(tree: Tree) -> tuple[Path, str]:
    """The chapter file holding the first note of the first chapter that has one, and the note's name."""
    for name in tree.chapters:
        path = tree.docs / f"{name}.md"
        match = NOTE_DEFINITION.search(path.read_text(encoding="utf-8"))
        if match:
            return path, match[1].split("]")[0][2:]
    raise SystemExit("bench: no chapter has a note to edit")


def edit_note(original: str, words: str) -> str:
    """The chapter's text with ``words`` appended to its first note, as an editor's save."""
    return NOTE_DEFINITION.sub(lambda m: f"{m[1]} {words}", original, count=1)


def incremental_html(tree: Tree, work: Path, runs: int) -> tuple[dict, str]:
    """Build once, then time the rebuild after editing one note, as an editor's save does under
    ``nox -s serve``: same output, same doctrees."""
    out, doctrees, warnings = work / "incr-html", work / "incr-doctrees", work / "incr.log"
    timed(sphinx("html", tree.docs, out, doctrees, warnings))
    target, note = first_note(tree)
    original = target.read_text(encoding="utf-8")
    samples = []
    try:
        for run in range(runs):
            target.write_text(edit_note(original, f"Edited ({run})."), encoding="utf-8")
            samples.append(timed(sphinx("html", tree.docs, out, doctrees, warnings)))
            print(f"  rebuild after one edit: {samples[-1]:.2f} s", flush=True)
    finally:
        target.write_text(original, encoding="utf-8")
    return summary(samples), f"the note {note!r} in {target.name}"
