"""The edition's rules, each with a test that fails when the rule breaks (issue 20).

Every test here was checked against the defect it names: with the defect applied by hand the test
fails, without it the test passes.  They are fast (test roots, pure functions, a throwaway git
repository), so ``nox -s mutants`` runs them against every mutant of the rule modules.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from pybtex.database import Entry

from conftest import ROOT
from editorial.bibliography import record_problems
from editorial.colophon import source_commit


def _page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def _edit(app, name: str, old: str, new: str) -> None:
    path = app.srcdir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- The reading text is the seed, character for character ---------------------------------------

#: (root, chapter, what the seed has, what the chapter has instead, the warning that must name it):
#: compatibility forms are other characters, though NFKC normalisation would make each pair equal.
LOOK_ALIKES = {
    "no-break space typed as a space, mid-line": (
        "edition-apparatus", "one.md", "paragraph,\xa0without", "paragraph, without",
        "one.md:13: WARNING: reading text differs from seed one.txt line 3 at column 19"),
    "full stops typed as an ellipsis, mid-line": (
        "edition-apparatus", "one.md", "notes...", "notes\u2026",
        "one.md:13: WARNING: reading text differs from seed one.txt line 3 at column 33"),
    "no-break space typed as a space, in a line with edge spaces": (
        "edition-basic", "chap.md", "Nav\xa0 | Menu", "Nav  | Menu",
        "chap.md:12: WARNING: reading text differs from seed seed.txt line 4 at column 4"),
    "full stops typed as an ellipsis, in a line with edge spaces": (
        "edition-basic", "chap.md", "-- and...", "-- and\u2026",
        "chap.md:15: WARNING: reading text differs from seed seed.txt line 5 at column 37"),
}


@pytest.mark.parametrize("case", list(LOOK_ALIKES))
def test_a_character_that_only_looks_the_same_fails(make_app, rootdir, tmp_path, case):
    root, chapter, seed_has, chapter_has, where = LOOK_ALIKES[case]
    srcdir = tmp_path / root
    shutil.copytree(rootdir / f"test-{root}", srcdir)
    app = make_app("html", srcdir=srcdir)
    _edit(app, chapter, seed_has, chapter_has)
    app.build()
    assert where in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_a_paragraph_cut_short_fails_at_the_column_where_it_ends(app):
    _edit(app, "one.md", "without notes...", "without notes")
    app.build()
    assert "one.md:13: WARNING: reading text differs from seed one.txt line 3 at column 33: seed has " \
           "'graph,\\xa0without notes...', chapter has 'graph,\\xa0without notes'" in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="edition-basic")
def test_furniture_keeps_its_label_and_the_classes_it_is_given(app):
    _edit(app, "chap.md", "```{furniture} Site navigation\n", "```{furniture} Site navigation\n:class: site-menu\n")
    app.build()
    furniture = _page(app, "chap").select_one("div.reading-text div[role=note]")
    assert furniture["class"] == ["furniture", "site-menu"]
    assert furniture["aria-label"] == "Web-page furniture: Site navigation"


# -- Every note has a known kind -------------------------------------------------------------------

@pytest.mark.sphinx("html", testroot="edition-basic")
def test_a_note_of_an_unknown_kind_fails_and_is_not_recorded(app, warning):
    _edit(app, "chap.md", "{note}`correction`", "{note}`corection`")
    app.build()
    assert "chap.md:22: WARNING: unknown note kind 'corection'; use one of: correction, spelling," in warning.getvalue()
    assert app.env.edition_notes["chap"] == []


@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_a_correction_rests_on_every_work_it_cites_not_only_the_last(app):
    _edit(app, "one.md", "It came later {cite:p}`parrish1996{160}`.",
          "It came later {cite:p}`parrish1996{160}`; see {cite:p}`wiki-army`.")
    app.build()
    assert "rests only on" not in app.warning.getvalue()
    _edit(app, "one.md", "{cite:p}`parrish1996{160}`; see {cite:p}`wiki-army`.", "{cite:p}`wiki-army`.")
    app.build()
    assert "correction note 'one-first' rests only on wiki-army (reference)" in app.warning.getvalue()


# -- Every record is complete, and its dates are dates ---------------------------------------------

def _web_page(**fields: str) -> Entry:
    return Entry("online", fields={"title": "A page", "url": "https://example.org/page", "year": "2026",
                                   "urldate": "2026-11-23", "authority": "popular", "keywords": "cited", **fields})


def test_a_complete_web_page_record_has_no_problem():
    assert record_problems(_web_page()) == []


@pytest.mark.parametrize("urldate", ["2026-11-231", "x2026-11-23", "2026-11", "23.11.2026", "2026-11-23 "])
def test_a_urldate_that_is_not_exactly_a_date_is_named(urldate):
    assert record_problems(_web_page(urldate=urldate)) == [f"has urldate {urldate!r}; write it YYYY-MM-DD"]


# -- The list of notes lists every note, by chapter and by kind ------------------------------------

@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_the_list_by_chapter_lists_every_note_in_order(app, warning):
    app.build()
    assert warning.getvalue() == ""
    by_chapter = _page(app, "notes").select_one("section#by-chapter")
    headings = [rubric.get_text() for rubric in by_chapter.select("p.rubric")]
    assert headings == ["Chapter one (2 notes)", "Chapter two (2 notes)"]
    links = [link["href"] for link in by_chapter.select("li a[href]")]
    assert links == ["one.html#one-first", "one.html#one-second", "two.html#two-only", "two.html#two-spelling"]
    items = [item.get_text() for item in by_chapter.select("li")]
    assert items[0].startswith("¶ 1: Correction — It came later.")
    assert not any("parrish1996" in item for item in items), "a note's summary shows a raw bibliography key"


@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_the_list_by_kind_counts_and_lists_every_note_with_its_chapter(app):
    app.build()
    by_kind = _page(app, "notes").select_one("section#by-kind")
    table, first_heading = by_kind.select_one("table"), by_kind.select_one("p.rubric")
    assert table.find_next("p", class_="rubric") is first_heading, "the count table comes first"
    assert [[cell.get_text() for cell in row.select("th, td")] for row in table.select("tr")] == [
        ["Kind", "One", "Two", "All"],
        ["Correction", "1", "0", "1"], ["Spelling", "0", "1", "1"], ["Contradiction", "0", "0", "0"],
        ["Speculation", "0", "0", "0"], ["Identification", "0", "1", "1"], ["Clarification", "1", "0", "1"],
        ["Cross-reference", "0", "0", "0"], ["All", "2", "2", "4"],
        ["of which rest on reference works only", "0", "1", "1"],
    ]
    headings = [rubric.get_text() for rubric in by_kind.select("p.rubric")]
    assert headings == ["Correction (1)", "Spelling (1)", "Identification (1)", "Clarification (1)"]
    items = [item.get_text() for item in by_kind.select("li")]
    assert [item.partition(" — ")[0] for item in items] == [
        "One, ¶ 1: Correction", "Two, ¶ 2: Spelling", "Two, ¶ 1: Identification", "One, ¶ 2: Clarification"]
    assert items[1].endswith(" (reference works only)")
    assert [link["href"] for link in by_kind.select("li a[href]")] == [
        "one.html#one-first", "two.html#two-spelling", "two.html#two-only", "one.html#one-second"]


@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_a_note_basis_is_shown_and_an_unknown_one_fails(app):
    _edit(app, "one.md", "Prague was then occupied {cite:p}`parrish1996{160}`.",
          "Prague was then occupied {cite:p}`parrish1996{160}`. {basis}`reference work only`")
    app.build()
    assert "one.md:17: WARNING: unknown note basis 'reference work only'; use one of: reference works only " \
           "[edition.note]" in app.warning.getvalue()
    shown = _page(app, "two").select_one("aside#two-spelling span.note-basis")
    assert shown.get_text() == ("This note rests only on reference works and popular accounts: no scholarly, "
                                "documentary or institutional source for it was found.")
    assert [note["basis"] for note in app.env.edition_notes["two"]] == ["", "reference works only"]


# -- The chronology says "they differ" only where the sources' words differ ------------------------

@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_the_chronology_says_they_differ_only_where_the_words_differ(app):
    app.build()
    page = _page(app, "chronology")
    intro = {event: page.select_one(f"section#event-{event} p.event-sources").get_text()
             for event in ("escape", "army")}
    assert intro == {"escape": "How the sources put it:", "army": "How the sources put it (they differ):"}
    mentions = page.select("section#event-army ul.event-mentions > li")
    assert [item.get_text() for item in mentions] == [
        "One, ¶ 2: “November 1944”", "Two, ¶ 2: “the autumn of 1944”"]
    assert [item.select_one("a")["href"] for item in mentions] == ["one.html#event-army-2", "two.html#event-army-2"]
    assert [item.select_one("em").get_text() for item in mentions] == ["November 1944", "the autumn of 1944"]


@pytest.mark.sphinx("html", testroot="edition-apparatus")
def test_an_event_no_chapter_mentions_fails(app):
    chronology = app.srcdir / "chronology.md"
    chronology.write_text(chronology.read_text(encoding="utf-8") + (
        "\n:::{dated-event} unmentioned\n:date: 1945-05\n:title: Not in any source\nNo source gives it.\n:::\n"),
        encoding="utf-8")
    app.build()
    assert "chronology.md:15: WARNING: dated-event 'unmentioned' is mentioned by no chapter [edition.event]" \
        in app.warning.getvalue()


# -- Every session stops when the lock disagrees with pyproject.toml -------------------------------

nox = pytest.importorskip("nox", reason="pip install -e '.[test]' (the guard is the noxfile's)")

#: What the noxfile's guard reads: the project's metadata, the lock and its exports.
LOCK_FILES = ("pyproject.toml", "uv.lock", "requirements/docs.txt", "requirements/runner.txt", "tools/lock.py",
              "noxfile.py")


class FakeSession:
    """What the noxfile's sessions ask of nox.Session; ``error`` stops the session as nox's does."""

    def __init__(self, location: Path) -> None:
        self.posargs: list[str] = []
        self.virtualenv = SimpleNamespace(location=str(location))
        self.commands: list[tuple[str, ...]] = []
        self.warnings: list[str] = []

    def error(self, *args) -> None:
        raise nox.sessions._SessionQuit(*args)

    def warn(self, *args) -> None:
        self.warnings.append(" ".join(map(str, args)))

    def log(self, *args) -> None:
        pass

    def run_install(self, *args, **kwargs) -> None:
        self.commands.append(args)

    def run(self, *args, **kwargs) -> None:
        self.commands.append(args)

    def create_tmp(self) -> str:
        return str(self.virtualenv.location)


def _noxfile(tmp_path: Path, edit: tuple[str, str] | None):
    """The noxfile of a copy of the lock files, with ``edit`` made to its pyproject.toml."""
    import importlib.util

    for name in LOCK_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    if edit:
        pyproject = tmp_path / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        assert edit[0] in text
        pyproject.write_text(text.replace(*edit), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"noxfile_{abs(hash(tmp_path))}", tmp_path / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():  # each copy registers the same session names with nox again
        warnings.simplefilter("ignore", FutureWarning)
        spec.loader.exec_module(module)
    return module


def _installing_sessions(noxfile) -> dict[str, object]:
    """The noxfile's sessions that install packages: every session but ``lock``, which refreshes the lock."""
    sessions = {name: value for name, value in vars(noxfile).items() if isinstance(value, nox._decorators.Func)}
    assert {"build", "html", "tests", "mutants"} <= sessions.keys()
    return {name: session for name, session in sessions.items() if name != "lock"}


def test_every_session_stops_before_installing_when_the_lock_disagrees(tmp_path):
    noxfile = _noxfile(tmp_path, ('"sphinx>=9.0.4,<9.1"', '"sphinx>=9.1,<9.2"'))
    for name, session_function in _installing_sessions(noxfile).items():
        session = FakeSession(tmp_path / ".nox" / name)
        with pytest.raises(nox.sessions._SessionQuit) as stopped:
            session_function(session)
        message = " ".join(map(str, stopped.value.args))
        assert "sphinx: uv.lock pins 9.0.4, outside pyproject.toml's range <9.2,>=9.1" in message, name
        assert "./edition -s lock" in message, name
        assert session.commands == [], f"session {name} ran {session.commands} with a lock that disagrees"


def test_a_session_installs_from_the_lock_when_it_agrees(tmp_path):
    noxfile = _noxfile(tmp_path, None)
    session = FakeSession(tmp_path / ".nox" / "tests")
    noxfile._install(session, "test")
    assert session.commands == [("uv", "sync", "--locked", "--quiet", "--compile-bytecode", "--extra=test")]


# -- The colophon says when the copy was built with uncommitted changes ----------------------------

def _git(repository: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repository), "-c", "user.name=Test", "-c", "user.email=test@invalid",
                           *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="apt-get install git")
def test_the_colophon_names_the_commit_and_says_when_the_checkout_has_changes(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "chapter.md").write_text("one\n", encoding="utf-8")
    _git(tmp_path, "add", "chapter.md")
    _git(tmp_path, "commit", "-q", "-m", "first")
    head = _git(tmp_path, "rev-parse", "HEAD")
    assert source_commit(tmp_path) == head
    (tmp_path / "notes.txt").write_text("an untracked file is not a change to the sources\n", encoding="utf-8")
    assert source_commit(tmp_path) == head
    (tmp_path / "chapter.md").write_text("two\n", encoding="utf-8")
    assert source_commit(tmp_path) == f"{head} with uncommitted changes"


def test_the_colophon_says_when_the_sources_are_not_a_git_checkout(tmp_path):
    assert source_commit(tmp_path) == "unknown (not built from a git checkout)"


# -- A published address never disappears ----------------------------------------------------------

from editorial.anchors import pdf_address  # noqa: E402

#: Every address the apparatus root publishes, as its anchors.lock lists them: HTML, then PDF.
ROOT_ADDRESSES = [
    "chronology.html", "chronology.html#event-army", "chronology.html#event-escape", "index.html",
    "index.html#id2", "index.html#id3", "notes.html", "one.html", "one.html#one", "one.html#one-cite",
    "one.html#one-first", "one.html#one-second", "one.html#p1", "one.html#p2", "one.html#p3", "two.html",
    "two.html#p1", "two.html#p2", "two.html#two", "two.html#two-cite", "two.html#two-only", "two.html#two-spelling",
    "edition.pdf#nameddest=chronology:chronology", "edition.pdf#nameddest=chronology:event-army",
    "edition.pdf#nameddest=chronology:event-escape", "edition.pdf", "edition.pdf#nameddest=index:id2",
    "edition.pdf#nameddest=index:id3", "edition.pdf#nameddest=notes:notes", "edition.pdf#nameddest=one:one",
    "edition.pdf#nameddest=one:one-cite", "edition.pdf#nameddest=one:one-first", "edition.pdf#nameddest=one:one-second",
    "edition.pdf#nameddest=one:p1", "edition.pdf#nameddest=one:p2", "edition.pdf#nameddest=one:p3",
    "edition.pdf#nameddest=two:two", "edition.pdf#nameddest=two:p1", "edition.pdf#nameddest=two:p2",
    "edition.pdf#nameddest=two:two-cite", "edition.pdf#nameddest=two:two-only",
    "edition.pdf#nameddest=two:two-spelling",
]


@pytest.fixture
def locked_root(make_app, rootdir, tmp_path):
    """A copy of the apparatus root with its addresses locked, and a function that builds it again."""
    srcdir = tmp_path / "root"
    shutil.copytree(rootdir / "test-edition-apparatus", srcdir)
    make_app("html", srcdir=srcdir, confoverrides={"edition_anchor_lockfile": "anchors.lock",
                                                   "edition_anchor_lock_update": True}).build()

    def build(**config):
        app = make_app("html", srcdir=srcdir, freshenv=True,
                       confoverrides={"edition_anchor_lockfile": "anchors.lock", **config})
        app.build()
        return app

    return srcdir, build


def test_the_lock_lists_every_published_address(locked_root):
    srcdir, build = locked_root
    lines = (srcdir / "anchors.lock").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# anchors.lock: every published address of the edition, HTML and PDF."
    assert [line for line in lines if not line.startswith("#")] == ROOT_ADDRESSES
    assert _edition_warnings(build()) == ""


def _edition_warnings(app) -> str:
    """The edition's own warnings (a second application in one test also warns about docutils' nodes)."""
    return "".join(line for line in app.warning.getvalue().splitlines(keepends=True) if "[edition." in line)


def test_a_renamed_note_fails_naming_each_locked_address_and_its_line(locked_root):
    srcdir, build = locked_root
    chapter = srcdir / "one.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("one-second", "one-other"), encoding="utf-8")
    warnings_ = _edition_warnings(build())
    for address in ("one.html#one-second", "edition.pdf#nameddest=one:one-second"):
        line = ROOT_ADDRESSES.index(address) + 5  # after the four lines of the header
        assert f"anchors.lock:{line}: WARNING: locked address {address} is no longer provided; restore its " \
               "label, or declare an alias (edition_anchor_aliases) or a page redirect (redirects)" in warnings_
    assert warnings_.count("is no longer provided") == 2


def test_an_alias_keeps_a_renamed_address_and_the_new_one_waits_to_be_locked(locked_root):
    srcdir, build = locked_root
    chapter = srcdir / "one.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("one-second", "one-other"), encoding="utf-8")
    app = build(edition_anchor_aliases={"one.html#one-second": "one.html#one-other"})
    assert _edition_warnings(app) == (
        "\x1b[91mWARNING: 2 published addresses are not in anchors.lock yet "
        "(first: edition.pdf#nameddest=one:one-other); "
        "lock them with `./edition -s lock-anchors` and commit the file [edition.anchor]\x1b[39;49;00m\n")
    note = _page(app, "one").select_one("aside#one-other")
    assert note is not None and _page(app, "one").select_one("#one-second") is not None


@pytest.mark.parametrize(("html", "pdf"), [
    ("index.html", "edition.pdf"),
    ("index.html#index", "edition.pdf"),
    ("index.html#id2", "edition.pdf#nameddest=index:id2"),
    ("konr.html", "edition.pdf#nameddest=konr:konr"),
    ("konr.html#p12", "edition.pdf#nameddest=konr:p12"),
    ("bibliography.html#cite-konev2008", "edition.pdf#nameddest=cite.bibliography:cite-konev2008"),
    ("konr.html#cite-konev2008", "edition.pdf#nameddest=konr:cite-konev2008"),
])
def test_each_html_address_has_its_pdf_destination(html, pdf):
    assert pdf_address("edition.pdf", html) == pdf
