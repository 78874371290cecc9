"""Operators ringing up the same stock at the same instant, on PostgreSQL (tests/concurrency.py)."""

from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.payouts.models import EntryKind, JournalEntry
from marketplace.showrooms.models import MovementKind, MovementLine, StockMovement
from tests.factories import VariantFactory
from tests import concurrency
from tests.money_helpers import unbalanced_entries
from tests.point_factories import (DisplayPointFactory, consigned_variant, ledger_mismatches, lot_balances, on_hand,
                                   operator_of, receive)

SOON, LATER = today_vn() + timedelta(days=30), today_vn() + timedelta(days=300)

pytestmark = pytest.mark.usefixtures("postgresql_only")
race = partial(concurrency.race, with_client=True)  # each till with a test client of its own


def outcomes(results):
    assert concurrency.crashes(results) == []
    return Counter((r.status_code, r.json.get("code")) for r in results)


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def honey(point):
    return consigned_variant(point)


def operators(bearer, point, count):
    return [bearer(operator_of(point)) for _ in range(count)]


def ring_up(point, headers, key, *lines):
    body = {"payment_method": "cash", "lines": [{"variant_id": v.id, "quantity": q} for v, q in lines]}
    return lambda client: client.post(f"/api/v1/points/{point.id}/sales", json=body,
                                      headers={**headers, "Idempotency-Key": key})


def units_sold(point, variant):
    return -int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(MovementLine.quantity), 0)).join(StockMovement)
        .where(StockMovement.point_id == point.id, StockMovement.kind == MovementKind.SALE,
               MovementLine.variant_id == variant.id)))


def point_sale_entries():
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)
                             .where(JournalEntry.kind == EntryKind.POINT_SALE))


def test_two_operators_selling_the_last_jar_exactly_one_gets_it(app, bearer, point, honey):
    receive(point, honey, 1, "L1", SOON)
    first, second = operators(bearer, point, 2)

    results = race(app, [ring_up(point, first, "last-jar-till-1", (honey, 1)),
                         ring_up(point, second, "last-jar-till-2", (honey, 1))])

    assert outcomes(results) == Counter({(201, None): 1, (409, "insufficient_stock"): 1})
    assert on_hand(point.id, honey.id) == 0
    assert lot_balances(point.id, honey.id) == {"L1": 0}
    assert units_sold(point, honey) == 1
    assert point_sale_entries() == 1
    assert ledger_mismatches() == []


@pytest.mark.parametrize(("lots", "sellers"), [((4, 6), 16), ((8, 8), 16), ((10, 10), 16)],
                         ids=["fewer jars than buyers", "just enough", "more than enough"])
def test_simultaneous_sales_sell_exactly_the_stock_there_is_from_the_first_expiring_lot(app, bearer, point, honey,
                                                                                        lots, sellers):
    receive(point, honey, lots[0], "SOON", SOON)
    receive(point, honey, lots[1], "LATER", LATER)
    tills = operators(bearer, point, 4)
    stock = sum(lots)

    results = race(app, [ring_up(point, tills[i % 4], f"contested-{i:03d}", (honey, 1)) for i in range(sellers)])

    sold = min(sellers, stock)
    assert outcomes(results) == Counter({(201, None): sold}) + Counter({(409, "insufficient_stock"): sellers - sold})
    assert on_hand(point.id, honey.id) == stock - sold >= 0
    assert lot_balances(point.id, honey.id) == {"SOON": max(lots[0] - sold, 0),
                                                "LATER": lots[1] - max(sold - lots[0], 0)}
    assert units_sold(point, honey) == sold == point_sale_entries()
    assert ledger_mismatches() == []
    assert unbalanced_entries() == []


def test_sales_of_two_jars_rung_up_in_opposite_orders_do_not_deadlock(app, bearer, point, honey):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml")
    receive(point, honey, 20, "H1", SOON)
    receive(point, jam, 20, "J1", SOON)
    tills = operators(bearer, point, 4)

    results = race(app, [ring_up(point, tills[i % 4], f"crossed-{i:03d}",
                                 *([(honey, 1), (jam, 1)] if i % 2 else [(jam, 1), (honey, 1)])) for i in range(12)])

    assert outcomes(results) == Counter({(201, None): 12})
    assert (on_hand(point.id, honey.id), on_hand(point.id, jam.id)) == (8, 8)
    assert ledger_mismatches() == []


def test_one_sale_retried_from_several_tills_at_once_sells_once(app, bearer, point, honey):
    receive(point, honey, 10, "L1", SOON)
    [till] = operators(bearer, point, 1)

    results = race(app, [ring_up(point, till, "same-sale-everywhere", (honey, 2))] * 6)

    assert outcomes(results) == Counter({(201, None): 1, (200, None): 5})
    assert len({r.json["id"] for r in results}) == 1
    assert on_hand(point.id, honey.id) == 8
    assert point_sale_entries() == 1
