"""sphinxcontrib-bibtex's citation domain without its two costs that grow with the edition.

sphinxcontrib-bibtex 2.7 (``BibtexDomain``), at every build:

- ``get_filtered_entries`` asks, for every entry of every bibliography, which documents cite it by
  scanning every citation of the edition and building a set of its keys: entries × citations
  (3.8 s of a build of the edition's chapters copied 20×, ``nox -s bench``);
- ``resolve_xref`` renders the whole formatted entry as plain text for the tooltip of every
  citation, so an entry cited 40 times is rendered 40 times.

This subclass answers the first from one index of the citations made per build, and gives each
citation a tooltip entry that renders once per backend.  Both return what the original returns
(tests/test_citation_style.py and the end-to-end tests check the bibliography and the tooltips).
Upstream: the same two changes fit ``BibtexDomain`` as they stand (an index built in
``env_updated``; ``functools.cache`` on the tooltip's text per citation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pybtex.style import FormattedEntry
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinxcontrib.bibtex.domain import BibtexDomain, _FilterVisitor

logger = logging.getLogger(__name__)


class RenderedOnce:
    """A formatted entry's text that renders once per backend (for the tooltips)."""

    def __init__(self, text) -> None:
        self.text = text
        self._rendered: dict[type, object] = {}

    def render(self, backend):
        kind = type(backend)
        if kind not in self._rendered:
            self._rendered[kind] = self.text.render(backend)
        return self._rendered[kind]

    def __getattr__(self, name: str):
        if name in ("text", "_rendered"):
            raise AttributeError(name)
        return getattr(self.text, name)

    def __getstate__(self):
        return {"text": self.text}

    def __setstate__(self, state) -> None:
        self.text = state["text"]
        self._rendered = {}


class EditionBibtexDomain(BibtexDomain):
    """``cite``: sphinxcontrib-bibtex's domain, with an index of who cites what."""

    _citing_docnames: dict[str, set[str]] | None = None

    def env_updated(self) -> Iterable[str]:
        index: dict[str, set[str]] = defaultdict(set)
        for citation_ref in self.citation_refs:
            for target in citation_ref.targets:
                index[target.key].add(citation_ref.docname)
        self._citing_docnames = index
        try:
            updated = super().env_updated()
        finally:
            self._citing_docnames = None
        self.data["citations"] = [
            citation._replace(tooltip_entry=FormattedEntry(
                citation.tooltip_entry.key, RenderedOnce(citation.tooltip_entry.text), citation.tooltip_entry.label))
            if citation.tooltip_entry is not None else citation
            for citation in self.citations]
        return updated

    def get_filtered_entries(self, bibliography_key):
        """As sphinxcontrib-bibtex 2.7's, with the citing documents looked up, not searched."""
        index = self._citing_docnames
        if index is None:
            yield from super().get_filtered_entries(bibliography_key)
            return
        bibliography = self.bibliographies[bibliography_key]
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            cited_docnames = set(index.get(key, ()))
            visitor = _FilterVisitor(entry=entry, docname=bibliography_key.docname, cited_docnames=cited_docnames)
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                logger.warning("syntax error in :filter: expression; %s" % err,
                               location=(bibliography_key.docname, bibliography.line),
                               type="bibtex", subtype="filter_syntax_error")
                success = bool(cited_docnames)
            if success or entry.key in bibliography.keys:
                yield key, entry


def setup(app: Sphinx) -> dict:
    app.add_domain(EditionBibtexDomain, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
