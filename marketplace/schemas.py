"""Schema building blocks shared by every domain: strict input, money, time and pages."""

from datetime import date
from math import ceil
from marketplace.clock import VIETNAM_TZ

import marshmallow as ma
from marshmallow import fields, validate

from marketplace.money import MAX_PRICE_VND, format_vnd
from marketplace.text import normalise
from marketplace.errors import N_



class StrictSchema(ma.Schema):
    """Input schemas reject unknown fields (marshmallow's default, stated here on purpose)."""

    class Meta:
        unknown = ma.RAISE


class Int(fields.Integer):
    """An integer that refuses floats and booleans, and in JSON bodies also strings.

    Query-string schemas pass strict=False, since every query value is a string.
    """

    def __init__(self, strict: bool = True, **kwargs):
        super().__init__(strict=strict, **kwargs)

    # No column is wider than BIGINT. A larger number (say, an id in a JSON body)
    # would overflow the driver (SQLite raises OverflowError), a 500, not a 422.
    LARGEST = 2**63 - 1

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        value = super()._validated(value)
        if value is not None and abs(value) > self.LARGEST:
            raise self.make_error("too_large")
        return value


class Text(fields.String):
    """Trimmed, NFC-normalised text with a length limit."""

    def __init__(self, max_length: int, min_length: int = 1, **kwargs):
        validators = [validate.Length(min=min_length, max=max_length)]
        super().__init__(validate=validators + list(kwargs.pop("validate", [])), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = normalise(super()._deserialize(value, attr, data, **kwargs))
        if not _storable(text):
            raise ma.ValidationError(N_("Contains a character that cannot be stored (NUL or an unpaired surrogate)."))
        return text


def _storable(text: str) -> bool:
    """PostgreSQL text cannot hold NUL, nor UTF-8 an unpaired surrogate ("\\ud800"):
    refuse them as input (422) rather than fail in the database (500)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def PriceVnd(**kwargs):
    kwargs.setdefault("metadata", {"description": "Price in integer đồng (VND)"})
    return Int(validate=validate.Range(min=1, max=MAX_PRICE_VND), **kwargs)


def RowId(**kwargs):
    """The id of a row (an INTEGER primary key): 1 to 2³¹−1. Any other number
    names no row; let into SQL, PostgreSQL fails on it ("integer out of range")."""
    return Int(validate=validate.Range(min=1, max=2**31 - 1), **kwargs)


class VndDisplay(fields.Function):
    """Read-only "150.000 ₫" rendering of a *_vnd attribute."""

    def __init__(self, attribute: str, **kwargs):
        super().__init__(lambda obj: format_vnd(_get(obj, attribute)), dump_only=True, **kwargs)


EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


class Date(fields.Date):
    """A calendar date the marketplace can reason about: 2000-01-01 to 2100-12-31.

    Every date in input (a query's since/until, a certificate's, a lot's expiry)
    is one of these. Beyond the range, turning a date into an instant in Vietnam
    or stepping a day past it overflows Python's datetime (year 1 or 9999): a 500.
    """

    def __init__(self, **kwargs):
        extra = kwargs.pop("validate", None) or []
        bounds = validate.Range(min=EARLIEST_DATE, max=LATEST_DATE,
                                error=N_("Must be a date from {min} to {max}."))
        super().__init__(validate=[bounds, *(extra if isinstance(extra, (list, tuple)) else [extra])], **kwargs)


class LocalDateTime(fields.DateTime):
    """Stored in UTC, shown in Vietnam's time zone (+07:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return super()._serialize(value.astimezone(VIETNAM_TZ), attr, obj, **kwargs)


def _get(obj, attribute):
    return obj[attribute] if isinstance(obj, dict) else getattr(obj, attribute)


# --- pagination --------------------------------------------------------------

MAX_PER_PAGE = 100


class PageArgs(StrictSchema):
    page = Int(strict=False, load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = Int(strict=False, load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class Page:
    def __init__(self, items, total: int, page: int, per_page: int):
        self.items, self.total, self.page, self.per_page = items, total, page, per_page

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0


_page_schemas: dict[type, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope for a page of items: {items, page, per_page, total, pages}."""
    if item_schema not in _page_schemas:
        name = "Paginated" + item_schema.__name__
        _page_schemas[item_schema] = type(name, (ma.Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
            "pages": fields.Integer(),
        })
    return _page_schemas[item_schema]
