"""Paragraph numbers: the citable unit of the reading text, counted from the seed.

After the fidelity check has paired each reading paragraph with its seed line, this transform
numbers them: ``p1, p2, …`` for the text and ``f1, f2, …`` for page furniture.  Because the count
follows the seed's lines, adding or rewording notes never shifts a number.  Each number becomes
the paragraph's id (``konr.html#p12``), a visible margin number with a permalink, a PDF named
destination (``konr:p12``) and a cross-reference label (``konr-p12``) for notes in other chapters.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator

from .manifest import seeds
from .reading import reading_text

logger = logging.getLogger(__name__)


class paragraph_number(nodes.Inline, nodes.Element):
    """The visible, linkable number at the start of a reading paragraph."""


def paragraph_id(number: int, is_furniture: bool) -> str:
    return f"{'f' if is_furniture else 'p'}{number}"


def paragraph_label(ident: str) -> str:
    """How a paragraph id reads in the apparatus: "¶ 3" for the text, "furniture 2" for furniture."""
    if not ident:
        return ""
    return f"¶ {ident[1:]}" if ident.startswith("p") else f"furniture {ident[1:]}"


def label_name(docname: str, ident: str) -> str:
    """The cross-reference label of a paragraph: unique across the edition."""
    return f"{docname}-{ident}"


class NumberParagraphs(SphinxTransform):
    default_priority = 802  # right after ReadingTextFidelity

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        std = self.env.domains.standard_domain
        for container in self.document.findall(reading_text):
            record = seeds(self.env).get(container.get("seed", ""))
            short_title = record.short_title if record else docname
            counters = {False: 0, True: 0}
            for paragraph in container.findall(nodes.paragraph):
                if paragraph.get("seed_line") is None:
                    continue
                is_furniture = paragraph["furniture"]
                counters[is_furniture] += 1
                number = counters[is_furniture]
                ident = paragraph_id(number, is_furniture)
                if ident in self.document.ids:
                    logger.warning("paragraph id %r is already used in this chapter", ident,
                                   location=paragraph, type="edition", subtype="anchor")
                    continue
                paragraph["ids"].insert(0, ident)
                self.document.ids[ident] = paragraph
                paragraph["classes"].append("furniture-paragraph" if is_furniture else "reading-paragraph")
                marker = paragraph_number(number=number, ident=ident, furniture=is_furniture)
                paragraph.insert(0, marker)
                label = label_name(docname, ident)
                title = f"{short_title}, {paragraph_label(ident)}"
                std.anonlabels[label] = (docname, ident)
                std.labels[label] = (docname, ident, title)


def visit_paragraph_number_html(self: HTML5Translator, node: paragraph_number) -> None:
    ident = node["ident"]
    shown = ("f" if node["furniture"] else "") + str(node["number"])
    kind = "furniture line" if node["furniture"] else "paragraph"
    self.body.append(
        f'<a class="paranum" href="#{ident}" title="Link to {kind} {node["number"]} (click to copy)" '
        f'aria-label="{kind} {shown}">{shown}</a>'  # the name contains the visible text (WCAG 2.5.3)
    )
    raise nodes.SkipNode


def visit_paragraph_number_latex(self: LaTeXTranslator, node: paragraph_number) -> None:
    # \hypertarget-style label so hyperref (with destlabel) names the destination docname:ident;
    # \editionparanum is defined in the preamble and puts the number in the margin.
    shown = ("f" if node["furniture"] else "") + str(node["number"])
    self.body.append(self.hypertarget(node["ident"], anchor=True) + r"\editionparanum{%s}" % shown)
    raise nodes.SkipNode


def visit_paragraph_number_text(self, node: paragraph_number) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    app.add_node(
        paragraph_number,
        html=(visit_paragraph_number_html, None),
        latex=(visit_paragraph_number_latex, None),
        text=(visit_paragraph_number_text, None),
    )
    app.add_transform(NumberParagraphs)
