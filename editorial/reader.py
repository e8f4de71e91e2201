"""The reader's page: notes read in place, even leading, a padded headnote, a printable chapter.

The notes stay what they are in the doctree (footnotes at the foot of the page, each marker a
link to its note), so the addresses, the PDF, the EPUB and a page without JavaScript are
unchanged.  ``notes.js`` opens a note beside its marker (margin note or popover) and
``reader.css`` evens the leading that raised markers broke and sets the print layout.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    app.add_css_file("reader.css")
    # defer: the panels are built once the page is parsed; nothing waits for them.
    app.add_js_file("notes.js", loading_method="defer")
