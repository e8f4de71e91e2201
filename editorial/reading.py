"""The reading text: the part of a chapter that must be the seed, verbatim.

A chapter wraps its reading text in the ``reading-text`` directive and names its seed in its front
matter (``seed: <manifest key>``).  The directive only marks the region; the fidelity check and the
paragraph numbers work on what it contains.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator


def enclosing(node: nodes.Node | None, *classes: type[nodes.Node]) -> nodes.Element | None:
    """The node itself or its nearest ancestor that is an instance of one of ``classes``."""
    while node is not None and not isinstance(node, classes):
        node = node.parent
    return node


class reading_text(nodes.container):
    """The region of a chapter that reproduces its seed."""


class ReadingTextDirective(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = reading_text(classes=["reading-text"])
        self.set_source_info(node)
        node.extend(self.parse_content_to_nodes())
        return [node]


def visit_reading_text_html(self: HTML5Translator, node: reading_text) -> None:
    self.body.append(self.starttag(node, "div", CLASS="reading-text"))


def depart_reading_text_html(self: HTML5Translator, node: reading_text) -> None:
    self.body.append("</div>\n")


def visit_reading_text_latex(self: LaTeXTranslator, node: reading_text) -> None:
    self.body.append("\n\\begin{editionreadingtext}\n")


def depart_reading_text_latex(self: LaTeXTranslator, node: reading_text) -> None:
    self.body.append("\n\\end{editionreadingtext}\n")


def setup(app: Sphinx) -> None:
    app.add_node(
        reading_text,
        html=(visit_reading_text_html, depart_reading_text_html),
        latex=(visit_reading_text_latex, depart_reading_text_latex),
    )
    app.add_directive("reading-text", ReadingTextDirective)
