import marshmallow as ma
import pytest

from marketplace.accounts.schemas import PhoneField
from marketplace.catalog.schemas import Gtin
from marketplace.producers.schemas import TaxCode
from marketplace.schemas import Int


class Form(ma.Schema):
    gtin = Gtin()
    tax_code = TaxCode()
    phone = PhoneField()
    quantity = Int()


def load(field, value):
    return Form().load({field: value})[field]


def refusal(field, value):
    with pytest.raises(ma.ValidationError) as refused:
        Form().load({field: value})
    return refused.value.messages[field]


def fullwidth(digits):
    return "".join(chr(0xFF10 + int(d)) for d in digits)


# --- GTIN --------------------------------------------------------------------

@pytest.mark.parametrize("gtin", ["8931234567897", "8930000000019", "96385074", "036000291452"])
def test_a_gtin_with_a_correct_check_digit_is_accepted(gtin):
    assert load("gtin", gtin) == gtin


def test_a_gtin_with_a_wrong_check_digit_is_refused():
    assert refusal("gtin", "8931234567890")


@pytest.mark.parametrize("gtin", ["893123456789X", "893-1234567897", "893 1234567897", "abcdefghijklm"])
def test_a_gtin_with_anything_but_digits_is_refused(gtin):
    assert refusal("gtin", gtin)


def test_a_gtin_longer_than_fourteen_digits_is_refused():
    assert refusal("gtin", "008931234567897")


def test_a_gtin_typed_in_full_width_digits_is_stored_in_ascii():
    assert load("gtin", fullwidth("8931234567897")) == "8931234567897"


# --- tax code (mã số thuế) ---------------------------------------------------

def test_a_ten_digit_tax_code_with_a_correct_check_digit_is_accepted():
    assert load("tax_code", "0100109106") == "0100109106"


def test_a_branch_tax_code_is_stored_without_its_hyphen():
    assert load("tax_code", "0100109106-001") == "0100109106001"


@pytest.mark.parametrize("tax_code", ["0100109107", "010010910", "01001091A6", "0100109106-0011", ""])
def test_an_invalid_tax_code_is_refused(tax_code):
    assert refusal("tax_code", tax_code)


# --- phone -------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["0912345678", "091 234 5678", "+84 912 345 678", "84912345678"])
def test_a_vietnamese_mobile_number_is_stored_in_e164(typed):
    assert load("phone", typed) == "+84912345678"


def test_a_hanoi_landline_is_accepted():
    assert load("phone", "024 3765 4321") == "+842437654321"


@pytest.mark.parametrize("phone", ["12345", "not a phone", "0912", "+14155552671", "09123456789012345678901"])
def test_a_number_that_is_not_a_vietnamese_phone_is_refused(phone):
    assert refusal("phone", phone)


# --- strict integers ---------------------------------------------------------

def test_int_accepts_a_json_integer():
    assert load("quantity", 5) == 5


@pytest.mark.parametrize("value", ["5", 5.5, 5.0, True, False])
def test_int_refuses_strings_floats_and_booleans(value):
    assert refusal("quantity", value) == ["Not a valid integer."]


def test_int_for_query_strings_accepts_digits():
    class Query(ma.Schema):
        page = Int(strict=False)

    assert Query().load({"page": "5"}) == {"page": 5}


def test_int_for_query_strings_still_refuses_booleans():
    class Query(ma.Schema):
        page = Int(strict=False)

    with pytest.raises(ma.ValidationError):
        Query().load({"page": True})
