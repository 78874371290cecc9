"""The matching rules and the statement's cells, without a database."""

from datetime import date, datetime, timezone

import pytest

from marketplace.banking.matching import reason_for, references_in, same_reference, suggestion
from marketplace.banking.models import Action, OrderFoundBy, Reason
from marketplace.banking.statement import parse_amount, parse_when
from marketplace.payments.models import PaymentStatus

P = PaymentStatus


@pytest.mark.parametrize("description, found", [
    ("OCOP7K2M9QXA", ["OCOP7K2M9QXA"]),
    ("ocop7k2m9qxa", ["OCOP7K2M9QXA"]),
    ("MBVCB.8812345.OCOP 7K2M 9QXA.CT tu 0071000123456", ["OCOP7K2M9QXA"]),
    ("Thanh toán đơn ocop-7k2m-9qxa", ["OCOP7K2M9QXA"]),
    ("Ðơn ÓCÔP7K2M9QXA", ["OCOP7K2M9QXA"]),  # diacritics a keyboard added
    ("SAN PHAM OCOP OCOP7K2M9QXA", ["OCOPOCOP7K2M", "OCOP7K2M9QXA"]),  # the lookup keeps the one that is an order's
    ("OCOP7K2M", []),
    ("chuyen tien mua mat ong", []),
])
def test_references_are_found_ignoring_case_spaces_punctuation_and_diacritics(description, found):
    assert references_in(description) == found


def test_two_spellings_of_one_bank_reference_are_the_same():
    assert same_reference("ft 26339-102345", "FT26339102345")
    assert not same_reference("FT26339102345", "FT26339102346")
    assert not same_reference("", "")


@pytest.mark.parametrize("status, expired, amount, reason", [
    (P.PENDING, False, 320_000, None),
    (P.PENDING, False, 319_000, Reason.PARTIAL),
    (P.PENDING, False, 330_000, Reason.OVERPAID),
    (P.SUCCEEDED, False, 320_000, Reason.ALREADY_PAID),
    (P.CANCELLED, True, 320_000, Reason.ORDER_EXPIRED),
    (P.CANCELLED, False, 320_000, Reason.ORDER_CANCELLED),
])
def test_only_the_exact_total_of_an_order_awaiting_payment_pays_it(status, expired, amount, reason):
    assert reason_for(status, expired, 320_000, amount) is reason


@pytest.mark.parametrize("reason, found_by, in_stock, action", [
    (Reason.OVERPAID, OrderFoundBy.REFERENCE, False, Action.CONFIRM),
    (Reason.PARTIAL, OrderFoundBy.REFERENCE, False, Action.REFUND),
    (Reason.UNKNOWN_REFERENCE, OrderFoundBy.AMOUNT, False, Action.CONFIRM),
    (Reason.UNKNOWN_REFERENCE, None, False, Action.REFUND),
    (Reason.ORDER_EXPIRED, OrderFoundBy.REFERENCE, True, Action.RE_RESERVE),
    (Reason.ORDER_EXPIRED, OrderFoundBy.REFERENCE, False, Action.REFUND),
    (Reason.ORDER_CANCELLED, OrderFoundBy.REFERENCE, False, Action.REFUND),
    (Reason.ALREADY_PAID, OrderFoundBy.REFERENCE, False, Action.REFUND),
])
def test_each_reason_comes_with_a_suggested_action(reason, found_by, in_stock, action):
    assert suggestion(reason, found_by, in_stock) is action


@pytest.mark.parametrize("cell, amount", [
    (1_500_000, 1_500_000), (1_500_000.0, 1_500_000), ("1500000", 1_500_000), ("1.500.000", 1_500_000),
    ("1,500,000", 1_500_000), ("1.500.000,00", 1_500_000), ("1,500,000.00", 1_500_000), ("1.500.000 VND", 1_500_000),
    ("320.000 ₫", 320_000), ("-50.000", -50_000), ("", None), (None, None), ("-", None),
])
def test_amounts_are_read_as_banks_write_them(cell, amount):
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["1.500.000,50", "1,5", "12.34.567", "abc", 1500.5])
def test_a_fraction_of_a_dong_or_a_garbled_amount_is_refused(cell):
    with pytest.raises(ValueError):
        parse_amount(cell)


@pytest.mark.parametrize("cell, utc", [
    ("05/12/2026 14:02:37", "2026-12-05T07:02:37+00:00"),
    ("05/12/2026", "2026-12-05T16:59:59+00:00"),  # a date alone: the end of that day in Vietnam
    ("2026-12-05 14:02", "2026-12-05T07:02:00+00:00"),
    (datetime(2026, 12, 5, 14, 2, 37), "2026-12-05T07:02:37+00:00"),
    (date(2026, 12, 5), "2026-12-05T16:59:59+00:00"),
])
def test_statement_dates_are_vietnam_time_day_first(cell, utc):
    assert parse_when(cell).astimezone(timezone.utc).isoformat() == utc


@pytest.mark.parametrize("cell", ["hôm qua", "31/02/2026", "05/12/1899", None])
def test_a_date_we_cannot_read_is_refused(cell):
    with pytest.raises((ValueError, TypeError)):
        parse_when(cell)
