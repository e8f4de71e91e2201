"""One download of everything for this version: a zip of the TEI, the JSON, the citation files, the
PDF and the EPUB, with a SHA-256 list inside and the zip's own SHA-256 beside it.

Standard library only: the noxfile runs it in nox's own environment and the tests import it.
The zip is reproducible: entries sorted, every timestamp SOURCE_DATE_EPOCH's (or 1980-01-01).
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path

#: What the zip holds, as paths (globs) under the built HTML, where every download lies.
CONTENTS = ("tei/*.xml", "data/*.json", "citations/*", "{pdf}", "{epub}")
CHECKSUMS = "SHA256SUMS"


def bundle_name(template: str, version: str) -> str:
    """pyproject's ``bundle`` setting ("edition-{version}.zip") for this version."""
    return template.format(version=version)


def bundled_files(html: Path, pdf: str, epub: str) -> list[Path]:
    """The files of the download, sorted; a missing PDF or EPUB, TEI, JSON or citation is an error."""
    files: list[Path] = []
    for pattern in CONTENTS:
        pattern = pattern.format(pdf=pdf, epub=epub)
        found = sorted(path for path in html.glob(pattern) if path.is_file())
        if not found:
            raise FileNotFoundError(f"{html / pattern}: nothing to put in the download; build it first")
        files += found
    return files


def _timestamp() -> tuple[int, int, int, int, int, int]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, the zip format's first day
    return time.gmtime(max(epoch, 315532800))[:6]


def write_bundle(html: Path, target: Path, pdf: str, epub: str) -> Path:
    """Write ``target`` (the zip) and ``target.sha256``; return the zip's path."""
    folder = target.name.removesuffix(".zip")
    files = bundled_files(html, pdf, epub)
    sums = "".join(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(html).as_posix()}\n"
                   for path in files)
    stamp = _timestamp()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = [(path.relative_to(html).as_posix(), path.read_bytes()) for path in files]
        entries.append((CHECKSUMS, sums.encode()))
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.replace(target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    target.with_name(target.name + ".sha256").write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    return target
