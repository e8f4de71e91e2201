"""The front page: what the five sources are, how to take the edition away, what this version is.

Nothing on it is typed twice.  The table of sources is generated from the seed manifest (title,
author, publication, kind) and from the notes collected on the environment (how many of each
kind); the downloads come from ``edition_downloads`` in ``conf.py``, the list the sidebar of every
page reads too; "this version" is the newest entry of the changelog.  The directives leave
placeholders that a post-transform fills once every chapter has been read, before references
are resolved, so the links they make resolve like any others.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .anchors import pdf_address
from .citing import display_name
from .manifest import seeds
from .notes import NOTE_KINDS

logger = logging.getLogger(__name__)

UNKNOWN = "unknown"


class front_matter(nodes.General, nodes.Element):
    """Placeholder for one generated part of the front page (``part``: sources, downloads, version)."""


class FrontMatterDirective(SphinxDirective):
    part = ""

    def run(self) -> list[nodes.Node]:
        node = front_matter(part=self.part)
        self.set_source_info(node)
        self.env.edition_front_pages.add(self.env.docname)  # type: ignore[attr-defined]
        if self.part == "sources":
            # conf.py's directory is the source directory here, as manifest_path() assumes.
            self.env.note_dependency(str((Path(self.env.srcdir) / self.config.edition_seed_manifest).resolve()))
        if self.part == "version":
            self.env.note_dependency(self.env.doc2path(self.config.edition_changelog))
        return [node]


class SourcesDirective(FrontMatterDirective):
    """``{edition-sources}``: the table of the five sources."""

    part = "sources"


class DownloadsDirective(FrontMatterDirective):
    """``{edition-downloads}``: the files a reader can take away (``edition_downloads``)."""

    part = "downloads"


class VersionDirective(FrontMatterDirective):
    """``{edition-version}``: the version and what changed in it, from the changelog."""

    part = "version"


# -- What the placeholders become ----------------------------------------------------------------

def _doc_link(fromdocname: str, docname: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{docname}",
                                refdoc=fromdocname, refexplicit=True, refwarn=True)
    ref += nodes.inline("", text)
    return ref


def plural(heading: str, count: int) -> str:
    """"Correction", 3 -> "3 corrections"."""
    word = heading.lower()
    return f"{count} {word}{'' if count == 1 else 's'}"


def note_counts(notes: list[dict]) -> list[str]:
    """How many notes of each kind, in the order of NOTE_KINDS, kinds without notes left out."""
    counts = Counter(note["kind"] for note in notes)
    return [plural(heading, counts[kind]) for kind, (heading, _owes) in NOTE_KINDS.items() if counts[kind]]


def _cell(label: str, *content: nodes.Node | str) -> nodes.entry:
    """A table cell; ``label`` is shown only where the table is laid out as cards (phones)."""
    paragraph = nodes.paragraph()
    paragraph += nodes.inline("", f"{label}: ", classes=["edition-cell-label"])
    paragraph += [nodes.Text(part) if isinstance(part, str) else part for part in content]
    return nodes.entry("", paragraph)


def sources_table(env: BuildEnvironment, fromdocname: str, with_pdf: bool) -> nodes.table:
    config = env.config
    notes_by_doc = getattr(env, "edition_notes", {})
    headings = ["Source and kind of text", "Author", "First published", "Notes"]
    if with_pdf:
        headings.append("PDF")
    table = nodes.table(classes=["edition-sources"], ids=["edition-sources"])
    table += nodes.title("", "The five sources of the edition")
    group = nodes.tgroup(cols=len(headings))
    table += group
    for width in (34, 16, 22, 22, 6)[: len(headings)]:
        group += nodes.colspec(colwidth=width)
    head_row = nodes.row()
    head_row += [nodes.entry("", nodes.paragraph("", heading)) for heading in headings]
    body = nodes.tbody()
    for docname, record in seeds(env).items():
        if docname not in env.found_docs:
            continue
        row = nodes.row()
        authors = [display_name(name) for name in record.named_authors]
        published = record.publisher if record.publisher != UNKNOWN else "place not known"
        date = record.date if record.date != UNKNOWN else "date not known"
        notes = notes_by_doc.get(docname, [])
        source_cell = _cell("Source", _doc_link(fromdocname, docname, record.title))
        source_cell += nodes.paragraph("", "", nodes.inline("", "Kind of text: ", classes=["edition-cell-label"]),
                                       nodes.Text(record.kind), classes=["edition-source-kind"])
        notes_cell = _cell("Notes", f"{len(notes)} notes")
        counts = nodes.bullet_list(classes=["edition-note-counts"])
        counts += [nodes.list_item("", nodes.paragraph("", line)) for line in note_counts(notes)]
        if len(counts):
            notes_cell += counts
        row += [
            source_cell,
            _cell("Author", ", ".join(authors) if authors else "not named"),
            _cell("First published", f"{published}; {date}"),
            notes_cell,
        ]
        if with_pdf:
            target = pdf_address(config.edition_pdf, f"{docname}.html", config.root_doc)
            link = nodes.reference("", "", refuri=target, classes=["edition-pdf-chapter"],
                                   reftitle=f"{record.title}, in the PDF")
            link += nodes.Text("PDF")
            row += _cell("In the PDF", link)
        body += row
    group += [nodes.thead("", head_row), body]
    return table


def downloads_list(config) -> nodes.bullet_list:
    items = nodes.bullet_list(classes=["edition-downloads"])
    for download in config.edition_downloads:
        link = nodes.reference("", "", refuri=download["file"], classes=[f"edition-{download['kind']}-download"])
        link += nodes.Text(download["label"])
        paragraph = nodes.paragraph("", "", link)
        if download.get("note"):
            paragraph += nodes.Text(f" ({download['note']})")
        items += nodes.list_item("", paragraph)
    return items


def latest_change(env: BuildEnvironment, fromdocname: str, placeholder: nodes.Element) -> list[nodes.Node]:
    changelog = env.config.edition_changelog
    release = env.config.release
    if changelog not in env.found_docs:
        logger.warning("the changelog %r is not in the edition", changelog,
                       location=placeholder, type="edition", subtype="frontpage")
        return []
    doctree = env.get_doctree(changelog)
    top = next(iter(doctree.findall(nodes.section)), None)
    entries = [section for section in (top.children if top is not None else []) if isinstance(section, nodes.section)]
    if not entries or release not in entries[0][0].astext():
        logger.warning("the changelog has no entry for version %s at its head; add one", release,
                       location=(changelog, entries[0].line if entries else 0), type="edition", subtype="frontpage")
        return []
    newest = entries[0]
    intro = nodes.paragraph()
    intro += nodes.Text("This is ")
    intro += nodes.strong("", newest[0].astext().replace("Version", "version", 1))
    intro += nodes.Text(" of the edition. What it brings:")
    changes = [child.deepcopy() for child in newest.children[1:]]
    for change in changes:
        for node in change.findall(nodes.Element):
            node["ids"] = []  # the changelog keeps its own ids
            if isinstance(node, addnodes.pending_xref):
                node["refdoc"] = fromdocname
    more = nodes.paragraph()
    more += nodes.Text("Every change since the first publication: ")
    more += _doc_link(fromdocname, changelog, env.titles[changelog].astext())
    more += nodes.Text(".")
    return [intro, *changes, more]


class FillFrontMatter(SphinxPostTransform):
    """Replace the placeholders once every chapter's notes are known."""

    default_priority = 5  # before ReferencesResolver (10): the generated links resolve like others
    in_epub = False

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(front_matter)):
            part = node["part"]
            if part == "sources":
                node.replace_self(sources_table(self.env, self.env.docname, with_pdf=not self.in_epub))
            elif part == "downloads":
                node.replace_self([] if self.in_epub else [downloads_list(self.config)])
            else:
                node.replace_self(latest_change(self.env, self.env.docname, node))


class FillFrontMatterInEpub(FillFrontMatter):
    """The EPUB holds neither the PDF nor the other downloads: a link to them would dangle."""

    builders = ("epub",)
    default_priority = 4  # first, so the general one finds nothing left to fill
    in_epub = True


def init_env(app: Sphinx, env: BuildEnvironment, *args) -> None:
    if not hasattr(env, "edition_front_pages"):
        env.edition_front_pages = set()  # type: ignore[attr-defined]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "edition_front_pages", set()).discard(docname)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    init_env(app, env)
    env.edition_front_pages |= getattr(other, "edition_front_pages", set()) & docnames


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """A chapter's notes changed: the front page that counts them is rebuilt with it."""
    chapters = set(seeds(env))
    if chapters & (added | changed | removed):
        return sorted(getattr(env, "edition_front_pages", set()) - changed)
    return []


def check_downloads(app: Sphinx, config) -> None:
    for download in config.edition_downloads:
        missing = {"kind", "label", "file"} - set(download)
        if missing:
            logger.error("edition_downloads entry %r lacks %s (docs/conf.py)", download, ", ".join(sorted(missing)),
                         type="edition", subtype="frontpage")
    config.html_context = {**config.html_context, "edition_downloads": config.edition_downloads}


def visit_front_matter(self, node: front_matter) -> None:
    raise nodes.SkipNode  # only a build that ran the post-transform renders these


def setup(app: Sphinx) -> None:
    # [{"kind": "pdf", "label": "…", "file": "edition.pdf", "note": "…"}, …]: the front page and
    # the sidebar of every page list these; a file must exist beside the HTML (the link gate checks).
    app.add_config_value("edition_downloads", [], "env", list)
    app.add_config_value("edition_changelog", "changelog", "env", str)
    app.add_node(front_matter, html=(visit_front_matter, None), latex=(visit_front_matter, None),
                 text=(visit_front_matter, None))
    app.add_directive("edition-sources", SourcesDirective)
    app.add_directive("edition-downloads", DownloadsDirective)
    app.add_directive("edition-version", VersionDirective)
    app.add_post_transform(FillFrontMatterInEpub)
    app.add_post_transform(FillFrontMatter)
    app.connect("config-inited", check_downloads)
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-outdated", outdated)
