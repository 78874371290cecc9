"""GS1 Digital Link pieces: GTIN-14 with its check digit, AI 10 lot codes, AI 17 dates, the paths."""

from datetime import date

import pytest

from marketplace.traceability.links import canonical_gtin, is_stampable_lot, parse_expiry, stored_forms, trace_path

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("typed, gtin14", [
    ("8936186900112", "08936186900112"),   # EAN-13, as shops print it
    ("08936186900112", "08936186900112"),  # already GTIN-14
    ("96385074", "00000096385074"),        # EAN-8
    ("036000291452", "00036000291452"),    # UPC-A
])
def test_a_gtin_with_a_correct_check_digit_becomes_its_gtin14(typed, gtin14):
    assert canonical_gtin(typed) == gtin14


@pytest.mark.parametrize("typed", ["8936186900113", "08936186900113", "893618690012", "89361869001120",
                                   "893618690011x", "８９３６１８６９００１１２", "", "123456789"])
def test_a_wrong_check_digit_another_length_or_other_characters_is_no_gtin(typed):
    assert canonical_gtin(typed) is None


def test_a_gtin14_is_looked_up_in_every_form_it_may_be_stored_in():
    assert stored_forms("08936186900112") == ["08936186900112", "8936186900112"]
    assert stored_forms("00000096385074") == ["00000096385074", "0000096385074", "000096385074", "96385074"]


@pytest.mark.parametrize("text, expected", [
    ("270831", date(2027, 8, 31)),
    ("270200", date(2027, 2, 28)),   # DD 00: the month's last day
    ("280200", date(2028, 2, 29)),
    ("750101", date(2075, 1, 1)),    # 49 years ahead: this century
    ("771231", date(1977, 12, 31)),  # 51 ahead: the last century
    ("991231", date(1999, 12, 31)),
])
def test_an_expiry_is_read_as_gs1_says(text, expected):
    assert parse_expiry(text, TODAY) == expected


@pytest.mark.parametrize("text", [None, "", "2708", "27083", "271331", "270230", "27-08-31", "2708310"])
def test_an_expiry_that_is_no_date_is_ignored(text):
    assert parse_expiry(text, TODAY) is None


@pytest.mark.parametrize("code, fits", [
    ("MA-2611", True), ("TH/2610.A_1", True), ("A" * 20, True),
    ("A" * 21, False), ("", False), ("MA 2611", False), ("Lô-1", False), ("L#1", False),
])
def test_a_stamp_carries_lot_codes_of_gs1s_set_up_to_20_characters(code, fits):
    assert is_stampable_lot(code) is fits


def test_the_paths_url_encode_the_lot_and_carry_the_expiry_as_ai_17():
    assert trace_path("08936186900112") == "/01/08936186900112"
    assert trace_path("08936186900112", "MA-2611", date(2027, 8, 31)) == "/01/08936186900112/10/MA-2611?17=270831"
    assert trace_path("08936186900112", "A/B%1") == "/01/08936186900112/10/A%2FB%251"
