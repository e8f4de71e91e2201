"""The PDF's bibliography keeps the bibliography page's groups, each under its own heading.

Sphinx's LaTeX builder gathers every citation of the document into one list at its very end
(``sphinx.builders.latex.transforms.BibliographyTransform``), so in the PDF the sources and the
works they cite stood under the last heading, "Literature".  Just before that transform runs,
each run of citations is set in a bibliography list of its own, in place, as plain entries the
transform does not move.  The entries keep their ``\\bibitem`` keys, so the PDF's named
destinations (``cite.bibliography:cite-1-key``) stay as published.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.latex import LaTeXTranslator


class placed_citation(nodes.General, nodes.Element):
    """A bibliography entry that stays where its bibliography directive put it."""


class KeepBibliographyGroups(SphinxPostTransform):
    default_priority = 749  # before Sphinx's BibliographyTransform (750)
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        parents = []
        for citation in self.document.findall(nodes.citation):
            if citation.parent not in parents:
                parents.append(citation.parent)
        for parent in parents:
            citations = [child for child in parent.children if isinstance(child, nodes.citation)]
            group = thebibliography()
            parent.insert(parent.index(citations[0]), group)
            for citation in citations:
                parent.remove(citation)
                group += placed_citation(citation.rawsource, *citation.children, **citation.attributes)


def visit_placed_citation(self: LaTeXTranslator, node: placed_citation) -> None:
    LaTeXTranslator.visit_citation(self, node)


def depart_placed_citation(self: LaTeXTranslator, node: placed_citation) -> None:
    pass


def setup(app: Sphinx) -> None:
    app.add_node(placed_citation, latex=(visit_placed_citation, depart_placed_citation))
    app.add_post_transform(KeepBibliographyGroups)
