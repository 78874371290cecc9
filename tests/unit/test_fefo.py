"""First-expiring, first-out: which lots a sale at a display point takes from."""

from datetime import date, timedelta

from marketplace.showrooms.stock_ledger import allocate_fefo
from marketplace.showrooms.models import Lot

TODAY = date(2026, 3, 15)


def lot(code, on_hand, expires_in_days=None):
    expires_on = None if expires_in_days is None else TODAY + timedelta(days=expires_in_days)
    return Lot(lot_code=code, on_hand=on_hand, expires_on=expires_on)


def taken(allocations):
    return [(a.lot.lot_code, a.quantity) for a in allocations]


def test_the_first_expiring_lot_is_taken_first():
    lots = [lot("MAY", 5, 60), lot("APRIL", 5, 30)]

    assert taken(allocate_fefo(lots, 3, TODAY)) == [("APRIL", 3)]


def test_a_sale_larger_than_one_lot_runs_on_into_the_next():
    lots = [lot("MAY", 5, 60), lot("APRIL", 2, 30)]

    assert taken(allocate_fefo(lots, 4, TODAY)) == [("APRIL", 2), ("MAY", 2)]


def test_an_expired_lot_is_skipped():
    lots = [lot("OLD", 5, -1), lot("FRESH", 5, 10)]

    assert taken(allocate_fefo(lots, 2, TODAY)) == [("FRESH", 2)]


def test_a_lot_expiring_today_can_still_be_sold():
    assert taken(allocate_fefo([lot("TODAY", 1, 0)], 1, TODAY)) == [("TODAY", 1)]


def test_lots_without_expiry_come_after_dated_ones():
    lots = [lot("UNDATED", 5), lot("DATED", 1, 300)]

    assert taken(allocate_fefo(lots, 3, TODAY)) == [("DATED", 1), ("UNDATED", 2)]


def test_nothing_is_allocated_when_the_unexpired_lots_fall_short():
    lots = [lot("OLD", 10, -5), lot("FRESH", 2, 10)]

    assert allocate_fefo(lots, 3, TODAY) == []


def test_a_return_to_the_producer_may_take_expired_lots():
    lots = [lot("FRESH", 2, 10), lot("OLD", 2, -5)]

    assert taken(allocate_fefo(lots, 3, TODAY, include_expired=True)) == [("OLD", 2), ("FRESH", 1)]


def test_lots_expiring_on_the_same_day_keep_the_order_they_were_given_in():
    lots = [lot("FIRST", 1, 7), lot("SECOND", 1, 7)]

    assert taken(allocate_fefo(lots, 1, TODAY)) == [("FIRST", 1)]


def test_empty_lots_are_passed_over():
    lots = [lot("EMPTY", 0, 5), lot("FULL", 3, 9)]

    assert taken(allocate_fefo(lots, 1, TODAY)) == [("FULL", 1)]


def test_units_held_for_an_earlier_line_are_not_allocated_again():
    soon, late = lot("SOON", 2, 5), lot("LATE", 2, 50)
    soon.id, late.id = 1, 2

    assert taken(allocate_fefo([soon, late], 2, TODAY, held={1: 1})) == [("SOON", 1), ("LATE", 1)]
    assert allocate_fefo([soon, late], 2, TODAY, held={1: 2, 2: 1}) == []
