"""The VietQR payload and images (marketplace.vietqr), read back by a decoder
other than the library that built them (tests/vietqr_reading.py)."""

import io
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, strategies as st
from PIL import Image

from marketplace import vietqr
from tests.vietqr_reading import crc_is_right, decode_image, tlv, transfer

VIETCOMBANK = "970436"


def test_a_transfer_reads_back_with_every_field_where_napas_puts_it():
    text = vietqr.payload(VIETCOMBANK, "0011004455667", 320_000, "OCOPAB12CD34")

    assert transfer(text) == {
        "format": "01", "initiation": "12",  # 12: a dynamic QR, for this amount only
        "guid": "A000000727", "service": "QRIBFTTA", "bin": VIETCOMBANK, "account": "0011004455667",
        "currency": "704", "amount": "320000", "country": "VN", "purpose": "OCOPAB12CD34",
        "tags": ["00", "01", "38", "53", "54", "58", "62", "63"], "account_tags": ["00", "01", "02"],
        "beneficiary_tags": ["00", "01"], "additional_tags": ["08"]}


def test_the_payload_is_exactly_the_one_a_banking_app_expects():
    # Pinned, so an upgrade of the library that changes a byte fails here first.
    assert vietqr.payload(VIETCOMBANK, "0011004455667", 320_000, "OCOPAB12CD34") == (
        "00020101021238570010A00000072701270006970436011300110044556670208QRIBFTTA"
        "530370454063200005802VN62160812OCOPAB12CD3463049EBD")


def test_the_crc_check_catches_a_changed_character():
    text = vietqr.payload(VIETCOMBANK, "0011004455667", 320_000, "OCOPAB12CD34")
    assert crc_is_right(text)
    assert not crc_is_right(text.replace("320000", "820000"))
    assert not crc_is_right(text[:-1] + ("0" if text[-1] != "0" else "1"))


@given(amount=st.integers(1, vietqr.MAX_AMOUNT_VND),
       reference=st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9 ]{0,23}[A-Za-z0-9])?\Z"),
       account=st.from_regex(r"\A[0-9]{6,19}\Z"))
def test_any_amount_reference_and_account_read_back(amount, reference, account):
    read = transfer(vietqr.payload("970422", account, amount, reference))
    assert (read["bin"], read["account"], read["amount"], read["purpose"]) == ("970422", account, str(amount),
                                                                               reference)


@pytest.mark.parametrize("bank_bin, account, amount, reference", [
    ("97043", "0011004455667", 1000, "OCOP1"),            # a BIN is six digits
    ("970436", "", 1000, "OCOP1"),                         # no account
    ("970436", "0" * 20, 1000, "OCOP1"),                   # longer than NAPAS allows
    ("970436", "0011004455667", 0, "OCOP1"),               # nothing to pay
    ("970436", "0011004455667", -5, "OCOP1"),
    ("970436", "0011004455667", vietqr.MAX_AMOUNT_VND + 1, "OCOP1"),
    ("970436", "0011004455667", 1000.5, "OCOP1"),          # đồng have no minor unit
    ("970436", "0011004455667", True, "OCOP1"),
    ("970436", "0011004455667", 1000, ""),
    ("970436", "0011004455667", 1000, "X" * 26),           # the purpose holds 25
    ("970436", "0011004455667", 1000, "Đơn hàng"),         # banks drop diacritics: the reference would not match
    ("970436", "0011004455667", 1000, "POS-1-2"),          # nor punctuation
    ("970436", "0011004455667", 1000, " OCOP1"),
])
def test_what_a_bank_would_refuse_is_refused_before_a_payload_is_made(bank_bin, account, amount, reference):
    with pytest.raises(ValueError):
        vietqr.payload(bank_bin, account, amount, reference)


def test_the_platform_payload_is_for_the_configured_account(app):
    bank = app.config["PLATFORM_BANK"]
    read = transfer(vietqr.platform_payload(150_000, "OCOPZZ99YY88"))
    assert (read["bin"], read["account"], read["amount"], read["purpose"]) == (
        bank["bank_bin"], bank["account_number"], "150000", "OCOPZZ99YY88")


def test_the_png_decodes_to_the_payload_and_is_large_enough_to_scan():
    text = vietqr.payload(VIETCOMBANK, "0011004455667", 1_250_000, "OCOPQ7W2E9R4")
    data = vietqr.png(text)

    assert decode_image(data) == [text]
    assert Image.open(io.BytesIO(data)).width >= 200


def test_the_svg_scales_to_any_width_and_says_what_it_is():
    root = ET.fromstring(vietqr.svg(vietqr.payload(VIETCOMBANK, "0011004455667", 1000, "OCOP1")))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "width" not in root.attrib and root.attrib["viewBox"].startswith("0 0 ")
    assert root.find("{http://www.w3.org/2000/svg}title").text == "VietQR"


def test_the_reading_helpers_refuse_a_malformed_payload():
    with pytest.raises(AssertionError):
        tlv("000201010212385")  # a length that runs past the end
