"""The display-point stock ledger's batched writes: a movement's changes go to
its lots and balances in one executemany each, so every row must be checked,
and changes to one lot must add up."""

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.payouts.models import EntryKind, JournalEntry
from marketplace.showrooms import stock_ledger, till
from marketplace.showrooms.stock_ledger import Change, InsufficientPointStock
from marketplace.showrooms.models import Lot, MovementKind, MovementLine, SalePayment, StockMovement
from tests.concurrency import crashes, race
from tests.factories import ProductFactory, VariantFactory
from tests.money_helpers import unbalanced_entries
from tests.point_factories import DisplayPointFactory, consign, consigned_variant, ledger_mismatches, lot_balances, on_hand, receive

SOON, LATER = today_vn() + timedelta(days=30), today_vn() + timedelta(days=300)


@pytest.fixture
def point():
    return DisplayPointFactory()


@pytest.fixture
def honey(point):
    return consigned_variant(point)


def lot_ids(point, variant) -> dict[str, int]:
    return dict(db.session.execute(sa.select(Lot.lot_code, Lot.id).where(
        Lot.point_id == point.id, Lot.variant_id == variant.id)).all())


def test_a_batch_that_would_take_any_one_lot_below_zero_changes_nothing(app, point, honey):
    receive(point, honey, 2, "A", SOON)
    receive(point, honey, 1, "B", LATER)
    lots = lot_ids(point, honey)
    stock = stock_ledger.lock_stock(point.id, [honey.id])

    with pytest.raises(InsufficientPointStock) as raised:
        stock_ledger.apply(point.id, [Change(lots["A"], honey.id, -1), Change(lots["B"], honey.id, -2)], stock)
    db.session.rollback()

    assert raised.value.shortages == [{"variant_id": honey.id, "requested": 2, "available": 1}]
    assert lot_balances(point.id, honey.id) == {"A": 2, "B": 1}
    assert on_hand(point.id, honey.id) == 3


def test_changes_to_one_lot_in_one_batch_add_up(app, point, honey):
    receive(point, honey, 2, "A", SOON)
    receive(point, honey, 5, "B", LATER)
    lots = lot_ids(point, honey)
    stock = stock_ledger.lock_stock(point.id, [honey.id])

    # Each alone fits in lot A; together they do not.
    with pytest.raises(InsufficientPointStock):
        stock_ledger.apply(point.id, [Change(lots["A"], honey.id, -1), Change(lots["A"], honey.id, -2)], stock)
    db.session.rollback()
    stock = stock_ledger.lock_stock(point.id, [honey.id])
    stock_ledger.apply(point.id, [Change(lots["A"], honey.id, -1), Change(lots["A"], honey.id, -1)], stock)
    db.session.commit()

    assert lot_balances(point.id, honey.id) == {"A": 0, "B": 5}
    assert on_hand(point.id, honey.id) == 5 == stock[honey.id].on_hand


def test_three_line_sales_rung_up_at_once_sell_only_what_is_there_first_expiring_first(app, postgresql_only, point,
                                                                                      honey):
    jam = VariantFactory(product=honey.product, label="Hũ 250 ml")
    tea = ProductFactory().variants[0]
    consign(point, tea.product.producer, 1000)
    goods = (honey, jam, tea)
    for variant in goods:
        receive(point, variant, 4, "SOON", SOON)
        receive(point, variant, 4, "LATER", LATER)
    baskets = [[(honey, 1), (jam, 1), (tea, 1)], [(tea, 1), (jam, 1), (honey, 1)], [(jam, 1), (honey, 1), (jam, 1)],
               [(tea, 2), (honey, 1), (tea, 1)]] * 4  # 48 units asked for, 24 on the shelves

    def ring_up(i, basket):
        sale = till.Sale(tuple(till.SaleLine(variant.id, quantity) for variant, quantity in basket), SalePayment.CASH)
        return lambda: till.sell(point.id, None, sale, f"rush-{i:03d}")

    results = race(app, [ring_up(i, basket) for i, basket in enumerate(baskets)])

    assert [r for r in crashes(results) if not isinstance(r, InsufficientPointStock)] == []
    made = [basket for basket, result in zip(baskets, results) if not isinstance(result, Exception)]
    asked = Counter()
    for basket in made:
        for variant, quantity in basket:
            asked[variant.id] += quantity
    for variant in goods:
        sold = units_sold(point, variant)
        assert sold == asked[variant.id] <= 8
        assert on_hand(point.id, variant.id) == 8 - sold
        assert lot_balances(point.id, variant.id) == {"SOON": max(4 - sold, 0), "LATER": 4 - max(sold - 4, 0)}
    assert len(made) == sale_count(point)
    assert point_sale_entries() == sum(len({v.product.producer_id for v, _q in basket}) for basket in made)
    assert ledger_mismatches() == []
    assert unbalanced_entries() == []


def units_sold(point, variant) -> int:
    return -int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(MovementLine.quantity), 0)).join(StockMovement)
        .where(StockMovement.point_id == point.id, StockMovement.kind == MovementKind.SALE,
               MovementLine.variant_id == variant.id)))


def sale_count(point) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement).where(
        StockMovement.point_id == point.id, StockMovement.kind == MovementKind.SALE))


def point_sale_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)
                             .where(JournalEntry.kind == EntryKind.POINT_SALE))
