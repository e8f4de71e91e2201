"""The search index is stemmed by PyStemmer's C Snowball, and its stems are the ones the reader's
browser computes: Sphinx's search page stems the reader's query with the JavaScript Snowball
stemmer, which matches snowballstemmer's pure-Python one, so the two Python stemmers must agree
on every word the edition indexes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import snowballstemmer
import Stemmer
from snowballstemmer.english_stemmer import EnglishStemmer

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")


def edition_words() -> set[str]:
    """Every word of the seeds, the chapters (notes included) and the bibliography, lower-cased."""
    texts = [path.read_text(encoding="utf-8") for path in
             [*sorted((ROOT / "seeds").glob("*.txt")), *sorted((ROOT / "docs").glob("*.md")), ROOT / "bibliography.bib"]]
    return {word.lower() for text in texts for word in WORD.findall(text)}


def test_sphinx_stems_with_the_c_stemmer():
    assert snowballstemmer.stemmer is Stemmer.Stemmer, "PyStemmer is not installed: the index is stemmed in pure Python"


def test_the_c_stemmer_gives_the_pure_python_stems():
    fast, pure = Stemmer.Stemmer("english"), EnglishStemmer()
    words = sorted(edition_words())
    assert len(words) > 3000
    differing = {word: (fast.stemWord(word), pure.stemWord(word)) for word in words
                 if fast.stemWord(word) != pure.stemWord(word)}
    assert not differing, f"PyStemmer and snowballstemmer disagree on {len(differing)} words: {list(differing.items())[:10]}"


def test_a_reader_finds_a_word_in_its_inflected_forms(edition):
    """"prisoners" and "prisoner" reach the same pages through one stem, as the search page asks."""
    index = json.loads(re.search(r"Search\.setIndex\((.*)\)\s*$", (edition.html / "searchindex.js").read_text(encoding="utf-8"), re.S)[1])
    stem = Stemmer.Stemmer("english").stemWord("prisoners")
    assert stem == Stemmer.Stemmer("english").stemWord("prisoner") == "prison"
    pages: set[int] = set()
    for kind in ("terms", "titleterms"):  # a word in a page's title is filed under titleterms only
        found = index[kind].get(stem, [])
        pages.update(found if isinstance(found, list) else [found])
    assert {"auschwitz-pows", "gulag-operation", "konr"} <= {index["docnames"][page] for page in pages}
