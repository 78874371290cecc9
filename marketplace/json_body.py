"""Reading a JSON request body we are willing to hand to a schema.

Every JSON body is read here (marketplace/api.py's parser calls `load`), so
each limit holds for every operation, including ones added later:

- nested no deeper than a small limit: Python's json module recurses, and
  5,000 levels of `[` were a RecursionError (500);
- no string, key or value, that PostgreSQL text cannot hold: NUL, or an
  unpaired surrogate ("\\ud800"), which cannot even be encoded as UTF-8;
- no integer of more digits than any column holds: past 4,300 digits Python
  refuses to convert one at all (a ValueError, a 500).

The size of a body is bounded before it is read, by MAX_CONTENT_LENGTH (413).
"""

import json
import re
from itertools import accumulate

from marketplace.errors import N_, InvalidInput

MAX_INTEGER_DIGITS = 100
UNSTORABLE_MESSAGE = N_("Contains a character that cannot be stored (NUL or an unpaired surrogate).")
UNSTORABLE_NAME_MESSAGE = N_("The field name contains a character that cannot be stored (NUL or an unpaired surrogate).")

# A JSON string, escapes included; removed before the brackets are counted.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [1 if b in b"[{" else -1 for b in range(256)]
# Only an escape can put NUL or a lone surrogate into a string of valid UTF-8
# JSON (raw control characters and encoded surrogates are refused by decoding).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def load(raw: bytes, max_depth: int):
    """The parsed body. Raises json.JSONDecodeError for text that is not JSON (a 400),
    InvalidInput (422) for JSON nested deeper than `max_depth`, holding unstorable text or
    an integer of more than MAX_INTEGER_DIGITS digits."""
    if nesting_depth(raw) > max_depth:
        raise InvalidInput(errors=[N_("Nested deeper than {max_depth} levels.", max_depth=max_depth)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # as webargs reports it: a 400, malformed JSON
        raise json.JSONDecodeError(f"Bytes decoding error : {exc.reason}", doc=str(exc.object),
                                   pos=exc.start) from exc
    data = json.loads(text, parse_int=_integer)
    if _SUSPECT_ESCAPE.search(raw):
        errors = unstorable_strings(data)
        if errors:
            raise InvalidInput(errors=errors)
    return data


def _integer(digits: str) -> int:
    if len(digits) > MAX_INTEGER_DIGITS:
        raise InvalidInput(errors=[N_("A number has more than {digits} digits.", digits=MAX_INTEGER_DIGITS)])
    return int(digits)


def nesting_depth(raw: bytes) -> int:
    """How deep arrays and objects nest, counted without parsing (so without recursion)."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def printable(text: str) -> str:
    """`text` with any lone surrogate written as an escape, so an error message can name it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def unstorable_strings(data) -> dict:
    """Field errors, nested like marshmallow's, at every unstorable string in `data`."""
    errors: dict = {}
    pending = [(data, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if not storable(value):
                _put(errors, path, UNSTORABLE_MESSAGE)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not storable(key):
                    _put(errors, (*path, printable(key)), UNSTORABLE_NAME_MESSAGE)
                else:
                    pending.append((item, (*path, key)))
        elif isinstance(value, list):
            pending.extend((item, (*path, index)) for index, item in enumerate(value))
    return errors


def _put(errors: dict, path: tuple, message: str) -> None:
    if not path:  # the body itself is a string
        path = ("_schema",)
    *parents, last = path
    for key in parents:
        errors = errors.setdefault(key, {})
    errors.setdefault(last, []).append(message)
