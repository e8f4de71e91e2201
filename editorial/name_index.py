"""The index of names: persons, places and organisations, found in the reading text.

The names are registered once, with the spellings the sources use, in ``docs/index-terms.toml``
(``edition_index_terms``); every paragraph of the reading text that mentions one gets an index
entry at its own address, so the HTML index and the PDF's index point at paragraphs.  Variant
spellings get a "see" entry.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .reading import reading_text


def load_index_terms(path: Path) -> list[tuple[str, list[str], list[str]]]:
    """(normalised form, variants found in texts, variant spellings that get a "see" entry)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = []
    for category in ("persons", "places", "organisations"):
        for name, entry in data.get(category, {}).items():
            terms.append((name, entry.get("match", []), entry.get("see", [])))
    return terms


class IndexNames(SphinxTransform):
    """Add an index entry, at the paragraph, for every registered name the reading text mentions."""

    default_priority = 804  # after paragraph numbering: entries point at paragraph ids

    def apply(self, **kwargs) -> None:
        if not self.config.edition_index_terms:
            return
        path = Path(self.env.srcdir) / self.config.edition_index_terms
        self.env.note_dependency(str(path))
        terms = load_index_terms(path)
        for container in self.document.findall(reading_text):
            for paragraph in container.findall(nodes.paragraph):
                if not paragraph["ids"] or paragraph.get("furniture"):
                    continue
                text = paragraph.astext()
                entries = []
                for name, variants, see in terms:
                    for variant in variants:
                        if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", text):
                            entries.append(("single", name, paragraph["ids"][0], "", None))
                            entries += [("see", f"{spelling}; {name}", paragraph["ids"][0], "", None)
                                        for spelling in see if spelling in text]
                            break
                if entries:
                    index = addnodes.index(entries=entries, inline=False)
                    paragraph.insert(1, index)  # after the paragraph number


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_index_terms", "", "env", str)
    app.add_transform(IndexNames)
