"""Highlighted snippets that ignore diacritics but show the original text.

Folding is done character by character on NFC text, so every position in the
folded string is the same position in the original.
"""

import functools
import html
import re
import unicodedata

from marketplace.text import fold

_WORD = re.compile(r"\w+")


def _fold_aligned(text: str) -> str:
    folded = "".join(map(_fold_char, text))
    return folded if len(folded) == len(text) else fold(text).ljust(len(text))


@functools.lru_cache(maxsize=10_000)  # it runs for every character of every hit
def _fold_char(ch: str) -> str:
    return fold(ch) or " " if not ch.isspace() else " "


def tokens(query: str) -> list[str]:
    """The words of a query, folded, in order, without repeats."""
    seen = []
    for word in _WORD.findall(fold(query)):
        if word not in seen:
            seen.append(word)
    return seen[:10]


def snippet(text: str, query: str, width: int = 160) -> str:
    """Up to `width` characters of `text` around the first match, matches wrapped in <mark>.

    The result is HTML: everything but the <mark> tags is escaped, since
    clients render it and the text is written by producers.
    """
    text = unicodedata.normalize("NFC", text)
    words = tokens(query)
    if not words or not text:
        return _escape(text[:width])
    folded = _fold_aligned(text)
    prefixes = tuple(words)
    spans = [match.span() for match in _WORD.finditer(folded) if match.group().startswith(prefixes)]
    if not spans:
        return _escape(text[:width])
    start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    out, cursor = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out += [_escape(text[cursor:a]), "<mark>", _escape(text[a:b]), "</mark>"]
        cursor = b
    out.append(_escape(text[cursor:end]))
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return prefix + "".join(out) + suffix


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
