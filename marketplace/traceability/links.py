"""GS1 Digital Link URLs on our own host (GS1 Digital Link standard 1.x):

    /01/{GTIN-14}                       the product (AI 01, always 14 digits)
    /01/{GTIN-14}/10/{lot}?17=YYMMDD    one lot (AI 10, URL-encoded) with its expiry (AI 17)

A GTIN-8, -12 or -13 (what shops print as EAN/UPC) is the same number as the
GTIN-14 with leading zeros; the check digit is verified with python-stdnum,
as the catalogue does when a GTIN is typed."""

import calendar
import re
from datetime import date
from urllib.parse import quote

from flask import current_app
from stdnum import ean

# AI 10: up to 20 characters of GS1's "CSET 82" (printable ASCII less space, #, $, @, [, ], ^, `, {, |, }, ~ and \).
LOT_MAX = 20
_CSET_82 = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$")
_YYMMDD = re.compile(r"^\d{6}$")


def canonical_gtin(text: str) -> str | None:
    """The GTIN-14 of a GTIN-8/12/13/14 written in ASCII digits with a correct check digit; None otherwise."""
    if not text or len(text) > 14 or not text.isascii() or not text.isdigit() or len(text) not in (8, 12, 13, 14):
        return None
    return text.zfill(14) if ean.is_valid(text) else None


def stored_forms(gtin14: str) -> list[str]:
    """The ways a variant's GTIN may be stored (as typed: 13 digits usually, or 8, 12 or 14)."""
    bare = gtin14.lstrip("0") or "0"
    return sorted({gtin14, *(bare.zfill(width) for width in (8, 12, 13) if len(bare) <= width)})


def is_stampable_lot(code: str) -> bool:
    """A lot code a GS1 Digital Link can carry in AI 10."""
    return 0 < len(code) <= LOT_MAX and bool(_CSET_82.match(code))


def parse_expiry(text: str | None, today: date) -> date | None:
    """AI 17 (YYMMDD) as a date; None when absent or not a date. DD "00" means the month's last day;
    the century is the one that puts the year within 49 years ahead or 50 behind today (GS1 General
    Specifications, 7.12)."""
    if not text or not _YYMMDD.match(text):
        return None
    yy, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    century = today.year // 100 * 100
    difference = yy - today.year % 100
    year = century + yy + (-100 if difference >= 51 else 100 if difference <= -50 else 0)
    if not 1 <= month <= 12:
        return None
    if day == 0:
        day = calendar.monthrange(year, month)[1]
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_expiry(day: date) -> str:
    return day.strftime("%y%m%d")


def trace_path(gtin14: str, lot_code: str | None = None, expires_on: date | None = None) -> str:
    """The Digital Link path (and query) of a product, or of one of its lots."""
    path = f"/01/{gtin14}"
    if lot_code:
        path += f"/10/{quote(lot_code, safe='')}"
        if expires_on:
            path += f"?17={format_expiry(expires_on)}"
    return path


def trace_url(gtin14: str, lot_code: str | None = None, expires_on: date | None = None) -> str:
    """The full URL a stamp's QR code carries: on PUBLIC_BASE_URL, the address people reach us at,
    never the host a producer's browser happened to use."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + trace_path(gtin14, lot_code, expires_on)
