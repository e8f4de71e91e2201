"""One cache for pybtex's plugin lookup, which otherwise scans every installed package per citation.

sphinxcontrib-bibtex 2.7 calls ``pybtex.plugin.find_plugin("pybtex.backends", "plaintext")`` in
``BibtexDomain.resolve_xref``, once for every citation.  pybtex 0.26 answers it by asking
``importlib.metadata.entry_points(group=..., name=...)``, which opens the metadata of every
installed distribution each time: about 1 s of every clean HTML build for the edition's 186
citations.  The entry points of the installed distributions cannot change while Sphinx runs, so
this module gives pybtex a memoised ``entry_points`` and changes nothing else:

- pybtex's own ``find_plugin`` still runs, so it still looks at the plugins registered at run
  time (``pybtex.plugin.register_plugin``, as :mod:`editorial`'s citation styles do) *before* the
  entry points, whatever the order of registration and lookup;
- if a future pybtex stops calling ``entry_points`` through its module, the cache is merely
  unused (the build is slower, never wrong), and ``tests/test_pybtex_lookup.py`` says so.

Remove this module once a released sphinxcontrib-bibtex or pybtex avoids the repeated lookup.
The report to file upstream (sphinxcontrib-bibtex; the second patch is for pybtex):

    sphinxcontrib-bibtex: BibtexDomain.resolve_xref looks up the plaintext backend for every citation

    What: sphinxcontrib/bibtex/domain.py, BibtexDomain.resolve_xref (2.7.0) runs
        plaintext = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()
    once per citation. pybtex 0.26.1's find_plugin -> _load_entry_point calls
    importlib.metadata.entry_points(group=..., name=...) on every call, which reads the
    entry_points.txt of every installed distribution.
    Cost: in a project with 186 citations and 58 installed distributions (Python 3.11, 2 shared
    cores) the 190 lookups take 1.04 s, against 0.009 s once memoised (timed without a profiler);
    the clean HTML build went from 3.21 s to 2.42 s (median of 5 paired runs; the bare-Sphinx
    baseline took 1.1 s both times).
    Proposed patch (either or both):
    1. sphinxcontrib-bibtex: create the backend once, as CiteRole.backend and
       BibliographyTransform.backend already are, e.g. a class attribute of BibtexDomain
           plaintext_backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")()
       and use self.plaintext_backend in resolve_xref.
    2. pybtex: memoise the entry-point part of _load_entry_point, e.g.
           @functools.cache
           def _entry_point(group, name):
               return next(iter(entry_points(group=group, name=name)), None)
       (runtime plugins from register_plugin are still looked up first, so registration order
       does not matter), or cache find_plugin's result per (group, name) and clear that cache
       in register_plugin.
"""

from __future__ import annotations

import functools
import importlib.metadata

import pybtex.plugin
from sphinx.application import Sphinx


@functools.cache
def cached_entry_points(**selection: str) -> importlib.metadata.EntryPoints:
    """``importlib.metadata.entry_points`` with keyword selection, memoised per selection."""
    return importlib.metadata.entry_points(**selection)


def install() -> None:
    """Give pybtex's plugin module the memoised lookup (idempotent)."""
    pybtex.plugin.entry_points = cached_entry_points


def setup(app: Sphinx) -> None:
    install()
