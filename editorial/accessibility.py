"""Accessible bibliography markup: each entry is a list item of the citation list.

Docutils writes ``<div role="list">`` around citations but gives each entry the DPUB role
``doc-biblioentry``, which ARIA 1.3 deprecates and which is no list item, so axe-core reports
"aria-required-children" (critical) on the bibliography page.  The entries keep their class and
id; only the role changes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


def visit_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation_html(self: HTML5Translator, node: nodes.citation) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def setup(app: Sphinx) -> None:
    app.add_node(nodes.citation, override=True, html=(visit_citation_html, depart_citation_html))
