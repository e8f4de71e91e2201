"""Language of parts: the Cyrillic passages are marked as Russian in the HTML and the EPUB.

The edition is in English, but it quotes Russian titles, names and a web page's navigation bar in
Cyrillic script.  A screen reader chooses its voice from the ``lang`` of the text (WCAG 2.2, 3.1.2
Language of Parts); without it, Russian is spelt out letter by letter or read with English
sounds.  Each run of Cyrillic words becomes an inline node with the class ``language-ru``, which
docutils' HTML writer writes as ``lang="ru"``.  Every Cyrillic passage of the edition is Russian;
a run with a letter that only Ukrainian or Belarusian uses is marked as that language instead.
Latin-script passages (the Polish titles in the bibliography) cannot be told apart by their
letters and are not marked; docs/accessibility.md says so.  The PDF cannot carry the marks: it is
not tagged (same page).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx

#: A run of Cyrillic words, with the spaces, digits and punctuation between them.
CYRILLIC_RUN = re.compile(r"[\u0400-\u04FF](?:[\u0400-\u04FF\s0-9.,:;!?«»\"'()\-\u2013\u2014|]*[\u0400-\u04FF])?")
#: Letters of the Cyrillic alphabets of the region that Russian lacks, and the language they show.
OTHER_LANGUAGES = {"uk": set("іїєґІЇЄҐ"), "be": set("ўЎ")}
#: Text the writers print as it is: code blocks, inline code, raw markup.
VERBATIM = (nodes.FixedTextElement, nodes.literal, nodes.raw, nodes.comment)


def language_of(run: str) -> str:
    letters = set(run)
    return next((code for code, marks in OTHER_LANGUAGES.items() if letters & marks), "ru")


def _marked(node: nodes.Node) -> bool:
    """Is ``node`` verbatim text, or inside a passage already marked with a language?"""
    while node is not None:
        if isinstance(node, VERBATIM):
            return True
        if isinstance(node, nodes.Element) and any(c.startswith("language-") for c in node.get("classes", [])):
            return True
        node = node.parent
    return False


def mark_languages(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: wrap each Cyrillic run in ``inline(classes=["language-xx"])``."""
    if app.builder.format != "html":
        return
    for text in list(doctree.findall(nodes.Text)):
        value = str(text)
        if not CYRILLIC_RUN.search(value) or _marked(text.parent):
            continue
        pieces: list[nodes.Node] = []
        position = 0
        for run in CYRILLIC_RUN.finditer(value):
            if run.start() > position:
                pieces.append(nodes.Text(value[position:run.start()]))
            pieces.append(nodes.inline(run.group(), run.group(), classes=[f"language-{language_of(run.group())}"]))
            position = run.end()
        if position < len(value):
            pieces.append(nodes.Text(value[position:]))
        text.parent.replace(text, pieces)


def setup(app: Sphinx) -> dict[str, bool]:
    app.connect("doctree-resolved", mark_languages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
