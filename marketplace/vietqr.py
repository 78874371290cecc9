"""VietQR: the QR a Vietnamese banking app scans to transfer an exact amount,
with a reference, to an account (NAPAS's VietQR, an EMVCo merchant-presented QR).

The payload is built by vietnam-qr-pay, a port of the widely used npm package
of the same name: tag 38 with NAPAS's GUID A000000727, the beneficiary as BIN
and account, service QRIBFTTA (transfer to an account), 53 = 704 (đồng),
54 the amount, 58 = VN, 62/08 the purpose (our reference) and the CRC-16 in 63.
The library checks nothing it is given (a value over 99 characters would make
a malformed payload), so this module does. Images come from segno: SVG for pages
and print, PNG for saving to a phone's gallery and scanning from it.

A core module (beside money.py), not in payments: the display points' tills sit
below payments in the layers and show the same QR for a sale.
"""

import io
import re

import segno
from flask import Response, current_app
from vietnam_qr_pay import QRPay

MAX_AMOUNT_VND = 10_000_000_000  # 54 holds up to 13 characters; no transfer here comes near
REFERENCE = re.compile(r"[A-Za-z0-9 ]{1,25}")  # what every bank keeps in a transfer's content
_BIN = re.compile(r"\d{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
# Module size: a payload of about 130 characters is a 41-module QR (version 6); with the
# 4-module quiet zone that is 49 modules, so 6 px a module gives a PNG of 294 px.
PNG_SCALE = 6


def payload(bank_bin: str, account_number: str, amount_vnd: int, reference: str) -> str:
    """The VietQR text for a transfer of exactly `amount_vnd` to the account, with
    `reference` as its content. Raises ValueError for anything a bank would refuse."""
    if not _BIN.fullmatch(bank_bin) or not _ACCOUNT.fullmatch(account_number):
        raise ValueError("a bank BIN is 6 digits, an account up to 19 letters or digits")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or not 1 <= amount_vnd <= MAX_AMOUNT_VND:
        raise ValueError(f"the amount is a whole number of đồng, 1 to {MAX_AMOUNT_VND}")
    if not REFERENCE.fullmatch(reference) or reference != reference.strip():
        raise ValueError("the reference is 1 to 25 letters, digits or inner spaces")
    return QRPay.init_viet_qr(bank_bin=bank_bin, bank_number=account_number, amount=str(amount_vnd),
                              purpose=reference).build()


def platform_payload(amount_vnd: int, reference: str) -> str:
    """The VietQR text for a transfer to the platform's own account (config PLATFORM_BANK)."""
    bank = current_app.config["PLATFORM_BANK"]
    return payload(bank["bank_bin"], bank["account_number"], amount_vnd, reference)


def _qr(text: str) -> segno.QRCode:
    # Error level M at least (segno raises it further when that fits in the same size):
    # it survives a smudged print or a glare on a phone screen.
    return segno.make_qr(text, error="m")


def svg(text: str) -> bytes:
    """The QR as an SVG that scales to any size (a viewBox, no fixed width), black on white."""
    out = io.BytesIO()
    _qr(text).save(out, kind="svg", border=4, omitsize=True, light="#fff", dark="#000",
                   title="VietQR", xmldecl=False, svgclass=None, lineclass=None)
    return out.getvalue()


def png(text: str) -> bytes:
    """The QR as a PNG of PNG_SCALE pixels a module."""
    out = io.BytesIO()
    _qr(text).save(out, kind="png", scale=PNG_SCALE, border=4, light="#fff", dark="#000")
    return out.getvalue()


IMAGE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def image_response(text: str, kind: str, name: str) -> Response:
    """The QR of `text` as an SVG or PNG file named `name`. Not cached: the transfer
    it asks for can be paid or cancelled at any moment, and then the QR must not reappear."""
    body = svg(text) if kind == "svg" else png(text)
    return Response(body, mimetype=IMAGE_TYPES[kind], headers={
        "Cache-Control": "private, no-cache", "Content-Disposition": f'inline; filename="{name}.{kind}"'})
