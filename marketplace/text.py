"""Vietnamese text helpers: diacritic folding for search and slugs.

Text is always stored and shown with its diacritics; folding is only for
matching ("mat ong" finds "Mật ong") and for ASCII slugs.
"""

import re
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space."""
    # Word by word through a cache: catalogue text repeats a small vocabulary,
    # and folding character by character was most of the time spent indexing.
    return " ".join(filter(None, map(_folded_words.__getitem__, text.split())))


class _FoldedWords(dict):
    """word → folded word, bounded so that odd input cannot grow it without end."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 50_000:
            self.clear()
        decomposed = unicodedata.normalize("NFD", word.translate(_D))
        folded = self[word] = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()
        return folded


_folded_words = _FoldedWords()


def slugify(text: str, max_length: int = 120) -> str:
    return _NON_SLUG.sub("-", fold(text)).strip("-")[:max_length].rstrip("-")


def normalise(text: str) -> str:
    """NFC-normalise user text so the same word is always stored the same way."""
    return unicodedata.normalize("NFC", text).strip()
