"""Web-page furniture: menus, counters, keyword lists, captions and credits kept, but marked.

The editorial rule is that nothing of a seed is dropped.  What belonged to the web page around the
text rather than to the text itself is wrapped in the ``furniture`` directive, which says what kind
of furniture it is.  Both writers show it quieter than the reading text and labelled, so a reader
never mistakes a site menu for the author's words.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator


class furniture(nodes.container):
    """Lines of a seed that were page furniture; ``label`` says which kind."""


class FurnitureDirective(SphinxDirective):
    """``{furniture} <label>``: the content is seed text that was page furniture."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        node = furniture(label=self.arguments[0], classes=["furniture", *self.options.get("class", [])])
        self.set_source_info(node)
        node.extend(self.parse_content_to_nodes())
        return [node]


def visit_furniture_html(self: HTML5Translator, node: furniture) -> None:
    label = self.encode(node["label"])
    self.body.append(
        self.starttag(node, "div", CLASS="furniture", role="note", **{"aria-label": f"Web-page furniture: {label}"})
    )
    self.body.append(f'<p class="furniture-label">Web-page furniture · {label}</p>\n')


def depart_furniture_html(self: HTML5Translator, node: furniture) -> None:
    self.body.append("</div>\n")


def visit_furniture_latex(self: LaTeXTranslator, node: furniture) -> None:
    # editionfurniture is defined in the LaTeX preamble that __init__ installs.
    self.body.append("\n\\begin{editionfurniture}{%s}\n" % self.encode(node["label"]))


def depart_furniture_latex(self: LaTeXTranslator, node: furniture) -> None:
    self.body.append("\n\\end{editionfurniture}\n")


def setup(app: Sphinx) -> None:
    app.add_node(
        furniture,
        html=(visit_furniture_html, depart_furniture_html),
        latex=(visit_furniture_latex, depart_furniture_latex),
    )
    app.add_directive("furniture", FurnitureDirective)
