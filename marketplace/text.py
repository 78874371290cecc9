"""Vietnamese text helpers: diacritic folding for search and slugs.

Text is always stored and shown with its diacritics; folding is only for
matching ("mat ong" finds "Mật ong") and for ASCII slugs.
"""

import re
import unicodedata

_D = str.maketrans({"đ": "d", "Đ": "D"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def slugify(text: str, max_length: int = 120) -> str:
    return _NON_SLUG.sub("-", fold(text)).strip("-")[:max_length].rstrip("-")


def normalise(text: str) -> str:
    """NFC-normalise user text so the same word is always stored the same way."""
    return unicodedata.normalize("NFC", text).strip()
