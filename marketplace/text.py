"""Vietnamese text helpers: diacritic folding for search and slugs.

Text is always stored and shown with its diacritics; folding is only for
matching ("mat ong" finds "Mật ong") and for ASCII slugs.
"""

import functools
import re
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space."""
    # Word by word through a cache: catalogue text repeats a small vocabulary,
    # and folding character by character was most of the time spent indexing.
    return " ".join(filter(None, map(_fold_word, text.split())))


@functools.lru_cache(maxsize=50_000)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_D))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()


def slugify(text: str, max_length: int = 120) -> str:
    return _NON_SLUG.sub("-", fold(text)).strip("-")[:max_length].rstrip("-")


def normalise(text: str) -> str:
    """NFC-normalise user text so the same word is always stored the same way."""
    return unicodedata.normalize("NFC", text).strip()
