"""Rights: who may reuse what, said wherever a reader or a machine meets the edition.

The edition's own layers (editorial matter, metadata, code) have their licences, set once in
``pyproject.toml`` (``[tool.edition.licences]``, read into ``edition_licences``); each source text
has its own rights statement in ``seeds/manifest.toml``.  This module turns both into what the
outputs show: a "Rights" paragraph at the end of every chapter's headnote, the ``{edition-rights}``
list on the front page, the rights lines of the colophon (HTML, EPUB, the PDF's last page) and the
TEI's ``availability`` statement.  Nothing here is typed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from .manifest import SeedRecord, load_manifest, seeds
from .reading import reading_text


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    url: str


#: The licences the edition uses or meets, by SPDX id; the texts are in LICENSE and LICENSES/.
LICENCES = {
    "CC-BY-4.0": Licence("CC-BY-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": Licence("CC0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "MIT": Licence("MIT", "MIT licence", "https://spdx.org/licenses/MIT.html"),
    "CC-BY-SA-3.0": Licence("CC-BY-SA-3.0", "CC BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/"),
}

#: What each layer of the edition covers, in the words readers see.
LAYERS = {
    "editorial": "Editorial matter (headnotes, notes, list of notes, chronology, registers, the TEI and JSON data)",
    "metadata": "Metadata (citation records, the description of the sources, page metadata)",
    "code": "Code (the Sphinx extension, tools and tests)",
}

SOURCES_EXCLUDED = ("The five source texts are not covered by these licences: each chapter's headnote states "
                    "the rights in its text.")

URL = re.compile(r"https?://[^\s<>“”\"]+[^\s<>“”\".,;:)]")


def licence(spdx: str) -> Licence:
    return LICENCES.get(spdx) or Licence(spdx, spdx, f"https://spdx.org/licenses/{spdx}.html")


def edition_layers(config: Config) -> list[tuple[str, Licence]]:
    """(what the layer covers, its licence) for every layer ``edition_licences`` names."""
    return [(LAYERS.get(layer, layer), licence(spdx)) for layer, spdx in config.edition_licences.items()]


def edition_rights(config: Config) -> str:
    """The edition's own rights, in one paragraph (the TEI ``availability``, the EPUB's ``dc:rights``)."""
    holder = ", ".join(config.edition_editors)
    layers = "; ".join(f"{scope}: {item.name}, {item.url}" for scope, item in edition_layers(config))
    return f"© {config.edition_year} {holder}. {layers}. {SOURCES_EXCLUDED}"


def source_statement(record: SeedRecord) -> str:
    """A source's rights, titled, for lists that name several sources."""
    return f"“{record.title}”: {record.rights}"


def linked_text(text: str) -> list[nodes.Node]:
    """``text`` with its web addresses as links (so the LaTeX writer can break them, and readers follow them)."""
    parts: list[nodes.Node] = []
    position = 0
    for match in URL.finditer(text):
        parts.append(nodes.Text(text[position:match.start()]))
        parts.append(nodes.reference(match.group(), match.group(), refuri=match.group()))
        position = match.end()
    parts.append(nodes.Text(text[position:]))
    return [part for part in parts if part.astext()]


def _manifest_file(config: Config, srcdir: str) -> str:
    return str((Path(srcdir) / config.edition_seed_manifest).resolve())


class HeadnoteRights(SphinxTransform):
    """Close every chapter's headnote with the rights statement of its source."""

    default_priority = 805  # before CiteThisChapter (810); both read the manifest

    def apply(self, **kwargs) -> None:
        container = next(iter(self.document.findall(reading_text)), None)
        record = seeds(self.env).get(container.get("seed", "")) if container is not None else None
        if record is None:
            return
        headnote = next((node for node in self.document.findall(nodes.container)
                         if "headnote" in node["classes"]), None)
        if headnote is None:
            return
        self.env.note_dependency(_manifest_file(self.config, self.env.srcdir))
        paragraph = nodes.paragraph("", "", nodes.strong("", "Rights."), nodes.Text(" "),
                                    *linked_text(record.rights), classes=["headnote-rights"])
        paragraph.source, paragraph.line = headnote.source, headnote.line
        headnote += paragraph


class RightsDirective(SphinxDirective):
    """``{edition-rights}``: the licences of the edition's layers and the rights of each source."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(_manifest_file(self.config, self.env.srcdir))
        layers = nodes.bullet_list(classes=["edition-licences"])
        holder = ", ".join(self.config.edition_editors)
        for scope, item in edition_layers(self.config):
            link = nodes.reference("", item.name, refuri=item.url)
            layers += nodes.list_item("", nodes.paragraph("", "", nodes.Text(f"{scope}: "), link))
        intro = nodes.paragraph("", f"© {self.config.edition_year} {holder}, under these licences:")
        excluded = nodes.paragraph("", "The five source texts are not covered by them; each is reproduced "
                                       "on its own terms:")
        sources = nodes.bullet_list(classes=["edition-source-rights"])
        for docname, record in seeds(self.env).items():
            if docname not in self.env.found_docs:
                continue
            link = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}",
                                         refdoc=self.env.docname, refexplicit=True, refwarn=True)
            link += nodes.inline("", record.title)
            sources += nodes.list_item("", nodes.paragraph("", "", link, nodes.Text(". "), *linked_text(record.rights)))
        return [intro, layers, excluded, sources]


def colophon_rights(config: Config, records: dict[str, SeedRecord]) -> tuple[tuple[str, str], ...]:
    """The rights lines of the colophon: one per layer of the edition, one per source text."""
    holder = ", ".join(config.edition_editors)
    lines = [(scope.split(" (")[0], f"{item.name}, {item.url}; © {config.edition_year} {holder}")
             for scope, item in edition_layers(config)]
    lines += [(f"Source text: {record.title}", record.rights) for record in records.values()]
    return tuple(lines)


def manifest_records(app: Sphinx) -> dict[str, SeedRecord]:
    """The manifest as the colophon needs it at ``config-inited``, before the manifest module reads it
    (``builder-inited``); a broken manifest gives none here and is reported there."""
    try:
        return load_manifest((Path(app.confdir) / app.config.edition_seed_manifest).resolve())
    except (OSError, ValueError):
        return {}


def default_availability(app: Sphinx, config: Config) -> None:
    """The TEI's and the JSON's availability statement, unless conf.py gives its own."""
    if not config.edition_tei_availability and config.edition_licences:
        config.edition_tei_availability = edition_rights(config)


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_licences", {}, "env", dict)
    app.add_transform(HeadnoteRights)
    app.add_directive("edition-rights", RightsDirective)
    app.connect("config-inited", default_availability, priority=600)  # after tei.py registered its value
