"""The seed manifest: the one source of metadata about the five source texts.

``seeds/manifest.toml`` records, for every seed, its file, its SHA-256 and what is known of its
origin.  Chapters name their seed by the manifest key in their front matter; everything else (the
fidelity check, the headnotes' cite-this blocks, the PDF metadata) reads the manifest through here.
A seed whose bytes no longer match the recorded checksum stops the build, and so does one without
a rights statement, or with a page notice (``rights_notice``) that its text does not contain.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("file", "sha256", "title", "authors", "publisher", "kind", "language", "origin",
                   "rights", "rights_basis")
#: On what basis the edition reproduces a seed: under the text's own licence, or as a quotation
#: for criticism and review (no licence; the rights stay with their holders).
RIGHTS_BASES = ("licence", "quotation")


@dataclass(frozen=True)
class SeedRecord:
    """One source text as the manifest describes it."""

    key: str
    file: Path
    sha256: str
    title: str
    authors: list[str]
    publisher: str
    kind: str
    language: str
    origin: str
    url: str = "unknown"
    date: str = "unknown"
    short_title: str = ""
    source_editors: list[str] = field(default_factory=list)
    #: The rights statement readers see (headnote, colophon, TEI), and its basis.
    rights: str = ""
    rights_basis: str = ""
    #: The SPDX id of the text's own licence, when ``rights_basis`` is "licence".
    rights_licence: str = ""
    #: The page's own notices, word for word as the seed has them.
    rights_notice: list[str] = field(default_factory=list)
    manifest_line: int = 0

    @property
    def named_authors(self) -> list[str]:
        """The authors the manifest can name ("unknown" stands for none)."""
        return [name for name in self.authors if name != "unknown"]

    def text(self) -> str:
        return self.file.read_text(encoding="utf-8")


def _header_lines(manifest_text: str) -> dict[str, int]:
    """Line number of each ``[seeds.<key>]`` table, so errors can point into the manifest."""
    lines = {}
    for number, line in enumerate(manifest_text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[seeds.") and stripped.endswith("]"):
            lines[stripped[len("[seeds."):-1]] = number
    return lines


def _field_line(manifest_text: str, header_line: int, name: str) -> int:
    """Line of ``name = ...`` in the table that opens at ``header_line`` (the header's if absent)."""
    lines = manifest_text.splitlines()
    for number in range(header_line, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith("["):
            break
        if stripped.split("=", 1)[0].strip() == name:
            return number + 1
    return header_line


def rights_errors(key: str, entry: dict, where) -> list[str]:
    """What is wrong with a seed's rights fields; ``where(name)`` gives "file:line" of a field."""
    errors = []
    if not isinstance(entry["rights"], str) or not entry["rights"].strip():
        errors.append(f"{where('rights')}: seed {key!r} has an empty rights statement")
    basis = entry["rights_basis"]
    if basis not in RIGHTS_BASES:
        errors.append(f"{where('rights_basis')}: seed {key!r}: rights_basis is {basis!r}; "
                      f"expected one of {', '.join(RIGHTS_BASES)}")
    licence = entry.get("rights_licence", "")
    if basis == "licence" and not licence:
        errors.append(f"{where('rights_basis')}: seed {key!r} is reproduced under a licence but names none "
                      "(rights_licence, an SPDX id such as CC-BY-SA-3.0)")
    if basis == "quotation" and licence:
        errors.append(f"{where('rights_licence')}: seed {key!r} is quoted without a licence but names one")
    notices = entry.get("rights_notice", [])
    if not isinstance(notices, list) or not all(isinstance(notice, str) and notice for notice in notices):
        errors.append(f"{where('rights_notice')}: seed {key!r}: rights_notice must be a list of the page's notices")
    return errors


def load_manifest(manifest_path: Path) -> dict[str, SeedRecord]:
    """Read the manifest; raise ``ValueError`` naming file and line for a malformed record."""
    manifest_text = manifest_path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(manifest_text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{manifest_path}: {exc}") from exc
    header_lines = _header_lines(manifest_text)
    records = {}
    for key, entry in data.get("seeds", {}).items():
        line = header_lines.get(key, 0)
        missing = [name for name in REQUIRED_FIELDS if name not in entry]
        if missing:
            raise ValueError(f"{manifest_path}:{line}: seed {key!r} lacks {', '.join(missing)}")
        errors = rights_errors(
            key, entry, lambda name, header=line: f"{manifest_path}:{_field_line(manifest_text, header, name)}")
        if errors:
            raise ValueError("\n".join(errors))
        known = {name: entry[name] for name in SeedRecord.__dataclass_fields__ if name in entry}
        known["file"] = manifest_path.parent / entry["file"]
        records[key] = SeedRecord(key=key, manifest_line=line, **known)
    return records


def checksum_errors(records: dict[str, SeedRecord], manifest_path: Path) -> list[str]:
    """Every seed file that is missing or whose bytes differ from its recorded SHA-256."""
    errors = []
    for record in records.values():
        where = f"{manifest_path}:{record.manifest_line}"
        if not record.file.is_file():
            errors.append(f"{where}: seed file {record.file} is missing")
            continue
        actual = hashlib.sha256(record.file.read_bytes()).hexdigest()
        if actual != record.sha256:
            errors.append(
                f"{record.file}: seed changed: its SHA-256 is {actual}, but {where} records "
                f"{record.sha256}. Seeds are never edited; restore the file from ../shared/seeds/."
            )
            continue
        text = record.text()
        for notice in record.rights_notice:
            if notice not in text:
                errors.append(f"{where}: seed {record.key!r}: the notice {notice!r} (rights_notice) is not in "
                              f"{record.file.name}; quote the page's notice word for word")
    return errors


def manifest_path(app: Sphinx) -> Path:
    return (Path(app.confdir) / app.config.edition_seed_manifest).resolve()


def load_and_verify(app: Sphinx) -> None:
    """``builder-inited``: read the manifest once per build and refuse a changed seed."""
    path = manifest_path(app)
    try:
        records = load_manifest(path)
    except (OSError, ValueError) as exc:
        logger.error("%s", exc, type="edition", subtype="manifest")
        records = {}
    for message in checksum_errors(records, path):
        logger.error("%s", message, type="edition", subtype="seed")
    app.env.edition_seeds = records  # type: ignore[attr-defined]


def seeds(app_or_env) -> dict[str, SeedRecord]:
    env = getattr(app_or_env, "env", app_or_env)
    return getattr(env, "edition_seeds", {})


def setup(app: Sphinx) -> None:
    app.add_config_value("edition_seed_manifest", "../seeds/manifest.toml", "env", str)
    app.connect("builder-inited", load_and_verify)
