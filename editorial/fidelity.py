"""Fidelity: the build refuses a chapter whose reading text is not its seed, character for character.

Each non-blank line of a seed is one paragraph of the reading text, in order.  Editorial markup
(note markers, index entries, labels, the paragraph numbers) is set aside before comparing; so are
the blank lines between paragraphs, which Markdown needs.  Markdown cannot carry the spaces at the
edges of a line, so those are compared away and then put back from the seed, leaving the doctree
with the seed's exact characters.  Everything else must match: quotes, dashes, no-break spaces.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from .furniture import furniture
from .manifest import seeds
from .reading import enclosing, reading_text

logger = logging.getLogger(__name__)

#: Characters that Markdown strips from the edges of a paragraph.
EDGE_WHITESPACE = " \t\xa0"

#: Inline nodes that the editor adds and that are not part of the seed's text.
EDITORIAL_INLINES = (
    nodes.footnote_reference,
    nodes.citation_reference,
    nodes.target,
    nodes.substitution_definition,
    addnodes.index,
    nodes.raw,
)


def seed_key(env) -> str | None:
    """The ``seed`` of the chapter's front matter (MyST stores front matter in ``env.metadata``)."""
    value = env.metadata.get(env.docname, {}).get("seed")
    return str(value).strip() if value else None


def reading_lines(seed_text: str) -> list[tuple[int, str]]:
    """``(line number, line)`` for every non-blank line of a seed: the paragraphs it must yield."""
    return [
        (number, line)
        for number, line in enumerate(seed_text.split("\n"), start=1)
        if line.strip(EDGE_WHITESPACE + "\r")
    ]


def reading_paragraphs(container: nodes.Element) -> list[nodes.paragraph]:
    """Paragraphs of the reading text in document order, furniture included, notes excluded."""
    return [
        paragraph
        for paragraph in container.findall(nodes.paragraph)
        if enclosing(paragraph, nodes.footnote, nodes.admonition) is None
    ]


def text_of(paragraph: nodes.Element) -> str:
    """The paragraph's text as a reader sees it, without the editor's inline markup."""
    parts: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, nodes.Text):
            parts.append(str(node))
        elif not isinstance(node, EDITORIAL_INLINES) and not node.get("editorial"):
            for child in node.children:
                walk(child)

    for child in paragraph.children:
        walk(child)
    return "".join(parts)


def first_difference(expected: str, actual: str) -> int:
    for index, (want, got) in enumerate(zip(expected, actual)):
        if want != got:
            return index
    return min(len(expected), len(actual))


def _excerpt(text: str, at: int) -> str:
    start = max(0, at - 20)
    return repr(text[start : at + 25])


class ReadingTextFidelity(SphinxTransform):
    """Compare each chapter's reading text with its seed; mark each paragraph with its seed line."""

    # After SphinxSmartQuotes (750) and every other text-changing transform we know of, so that
    # a configuration that re-enables smart quotes is caught here rather than shipped; and before
    # Sphinx's domains (850) and the doctree-read event (880) collect labels, index entries and
    # the toc, so that all our transforms (800-810) add what those collectors must see.
    default_priority = 800

    def apply(self, **kwargs) -> None:
        containers = list(self.document.findall(reading_text))
        key = seed_key(self.env)
        if key is None:
            for container in containers:
                logger.warning(
                    "chapter has a reading text but no `seed:` in its front matter",
                    location=container, type="edition", subtype="fidelity",
                )
            return
        record = seeds(self.env).get(key)
        if record is None:
            logger.warning(
                "front matter names seed %r, which seeds/manifest.toml does not list", key,
                location=(self.env.docname, 1), type="edition", subtype="fidelity",
            )
            return
        if len(containers) != 1:
            logger.warning(
                "a chapter with seed %r needs exactly one reading-text directive, found %d",
                key, len(containers), location=(self.env.docname, 1), type="edition", subtype="fidelity",
            )
            return
        container = containers[0]
        container["seed"] = key
        self.compare(container, record.text(), record.file.name)

    def compare(self, container: nodes.Element, seed_text: str, seed_name: str) -> None:
        lines = reading_lines(seed_text)
        paragraphs = reading_paragraphs(container)
        for (line_number, line), paragraph in zip(lines, paragraphs):
            text = text_of(paragraph)
            if text != line:
                if text.strip(EDGE_WHITESPACE) == line.strip(EDGE_WHITESPACE) and text == text.strip(EDGE_WHITESPACE):
                    _restore_edges(paragraph, line)
                else:
                    # Markdown drops the line's edge whitespace: compare what is left, count columns in the seed.
                    leading = len(line) - len(line.lstrip(EDGE_WHITESPACE))
                    core = line[leading:] if text == text.lstrip(EDGE_WHITESPACE) else line
                    at = first_difference(core, text)
                    logger.warning(
                        "reading text differs from seed %s line %d at column %d: seed has %s, chapter has %s",
                        seed_name, line_number, at + 1 + len(line) - len(core), _excerpt(core, at),
                        _excerpt(text, at),
                        location=paragraph, type="edition", subtype="fidelity",
                    )
                    return
            paragraph["seed_line"] = line_number
            paragraph["furniture"] = enclosing(paragraph, furniture) is not None
        if len(paragraphs) > len(lines):
            extra = paragraphs[len(lines)]
            logger.warning(
                "reading text has a paragraph that seed %s does not: %s",
                seed_name, _excerpt(text_of(extra), 0),
                location=extra, type="edition", subtype="fidelity",
            )
        elif len(lines) > len(paragraphs):
            line_number, line = lines[len(paragraphs)]
            logger.warning(
                "reading text ends before seed %s line %d: %s is missing",
                seed_name, line_number, _excerpt(line, 0),
                location=container, type="edition", subtype="fidelity",
            )


def _restore_edges(paragraph: nodes.Element, line: str) -> None:
    """Put back the edge whitespace that Markdown stripped, so the doctree holds the seed exactly."""
    stripped = line.strip(EDGE_WHITESPACE)
    leading = line[: len(line) - len(line.lstrip(EDGE_WHITESPACE))]
    trailing = line[len(leading) + len(stripped):]
    if leading:
        paragraph.insert(0, nodes.Text(leading))
    if trailing:
        paragraph.append(nodes.Text(trailing))


def setup(app: Sphinx) -> None:
    app.add_transform(ReadingTextFidelity)
