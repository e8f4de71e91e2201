"""The registers of persons, places and organisations, as data for the TEI and the JSON.

The names are read through the index's own loader (``name_index.load_index_terms``), so that the
TEI, the JSON and the printed index list the same entries with the same forms.  That loader gives
no category and no authority ids, so the category (and any authority id an entry carries, issue
18, item 3) is taken from the same file's tables here; when the index's loader returns them, this
module should call it instead.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .name_index import load_index_terms

#: The register tables of docs/index-terms.toml, and what each entry is called in TEI.
CATEGORIES = {"persons": "person", "places": "place", "organisations": "org"}
#: Authority files whose ids an entry may carry (issue 18, item 3), as TEI ``idno/@type``.
AUTHORITIES = ("wikidata", "gnd", "viaf", "geonames")
#: Letters that Unicode does not decompose into a base letter and a mark ("Władysław").
UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae"})


@dataclass(frozen=True)
class RegisterEntry:
    """One person, place or organisation of the index."""

    ident: str
    category: str
    name: str
    forms: list[str]
    see: list[str]
    authority_ids: dict[str, str] = field(default_factory=dict)


def slug(text: str) -> str:
    """"Vlasov, Andrei Andreyevich" -> "vlasov-andrei-andreyevich": an XML name, ASCII only."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSED)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def load_registers(path: Path) -> list[RegisterEntry]:
    """Every entry of the index, with its category, in the file's order."""
    terms = {name: (forms, see) for name, forms, see in load_index_terms(path)}
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: list[RegisterEntry] = []
    used: set[str] = set()
    for category, kind in CATEGORIES.items():
        for name, table in tables.get(category, {}).items():
            forms, see = terms.get(name, ([], []))
            ident = f"{kind}-{slug(name)}"
            while ident in used:
                ident += "-x"
            used.add(ident)
            ids = {authority: str(table[authority]) for authority in AUTHORITIES
                   if isinstance(table, dict) and table.get(authority)}
            entries.append(RegisterEntry(ident, category, name, list(forms), list(see), ids))
    return entries
