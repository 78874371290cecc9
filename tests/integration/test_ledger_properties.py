"""Random sequences of orders, deliveries, cancellations, refunds, till sales and payouts
keep the ledger true to the đồng.

A plain-Python model follows every producer's part of every order and every till sale
(what the producer earns from it, worked out from prices, rates, refunds and the tax
withheld from household businesses, never from the ledger) and every payout. After each
step the ledger must balance, no earning may be paid out twice, each producer's pending,
available, in transit and paid amounts must equal the model's, so that paid + in transit
+ available + pending = earnings − refunds − tax withheld, and the tax-payable accounts
and the month's withholding report must hold exactly the tax the model withheld.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from marketplace.catalog.models import ProductGroup
from marketplace.clock import today_vn
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.models import SubOrder
from marketplace.orders import payment_outcomes
from marketplace.payments.models import Refund, TransferTooLate
from marketplace.payouts import runs, settlement, tax_report
from marketplace.pricing import commission
from marketplace.payouts.models import (BankAccount, EntryKind, JournalEntry, JournalLine, Payout, PayoutItem,
                                        PayoutStatus)
from marketplace.producers.models import LegalType, Producer
from marketplace.showrooms import till
from marketplace.showrooms.models import SalePayment
from tests.factories import ProducerFactory, ProductFactory, UserFactory
from tests.money_helpers import (OTHER_REGION_FEE, balance_of, deliver, give_bank_account, place_order, refund,
                                 tax_withheld, unbalanced_entries)
from tests.point_factories import DisplayPointFactory, consign, new_key, receive

MINIMUM_VND = 200_000
DEFAULT_BPS, PRODUCER_1_BPS, BEVERAGES_BPS = 1000, 750, 1250
# (producer index, price, group): prices whose commission (and tax) lands on or near half a đồng.
# Producer 3 is a household business: 1% VAT and 0.5% PIT of its goods are withheld.
CATALOGUE = [(0, 123_455, ProductGroup.FOOD), (0, 10_005, ProductGroup.FOOD),
             (1, 250_010, ProductGroup.FOOD), (2, 99_998, ProductGroup.BEVERAGES),
             (3, 123_450, ProductGroup.FOOD), (3, 33_350, ProductGroup.FOOD)]
RATES = {0: DEFAULT_BPS, 1: PRODUCER_1_BPS, 2: BEVERAGES_BPS, 3: DEFAULT_BPS}
HOUSEHOLD = 3
VAT_BPS, PIT_BPS = 100, 50
POINT_BPS = 1500  # the display point's consignment commission
TILL_ITEM = 5     # the household's 123.450 ₫ jar, also on the point's shelf


def rounded_commission(amount: int, bps: int) -> int:
    return int((Decimal(amount) * bps / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_of(amount: int, refunded: int, total: int) -> int:
    """What refunds of `refunded` of `total` give back of `amount`: rounded half up."""
    return int((Decimal(amount) * refunded / total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Part:
    """One producer's part of an order, as the model sees it."""

    order_id: int | None  # None: a till sale
    producer: int
    method: str
    total: int
    commission: int
    status: str
    items: int = 0        # the goods' revenue, which the tax is withheld on
    paid: bool = False
    cash: int = 0
    refunded: int = 0
    delivered: bool = False
    released: bool = False

    @property
    def tax(self) -> tuple[int, int]:
        """(VAT, PIT) still withheld: on the goods once paid, less the refunds' share of each."""
        if not self.paid or self.producer != HOUSEHOLD:
            return 0, 0
        vat, pit = rounded_commission(self.items, VAT_BPS), rounded_commission(self.items, PIT_BPS)
        return (vat - share_of(vat, self.refunded, self.total), pit - share_of(pit, self.refunded, self.total))

    @property
    def net(self) -> int:
        """What the producer keeps: total less commission, less refunds net of the commission
        they take back (the commission's share of all refunds so far, rounded down), less the
        tax still withheld."""
        if not self.paid:
            return 0
        return (self.total - self.commission - self.refunded + self.commission * self.refunded // self.total
                - sum(self.tax))

    @property
    def refundable(self) -> int:
        return self.total - self.refunded if self.paid and self.order_id is not None else 0


@dataclass
class ModelPayout:
    producer: int
    amount: int
    status: str = "in_transit"


@dataclass
class World:
    """What every example starts from: four producers (one with a producer rate, one
    selling beverages at the group rate, one without a bank account, and a household
    business whose tax is withheld, which also sells at a display point) and a shopper."""

    producer_ids: list[int]
    variant_ids: list[int]
    shopper: object
    point_id: int

    @classmethod
    def build(cls):
        producers = [ProducerFactory() for _ in range(3)] + [ProducerFactory(legal_type=LegalType.HOUSEHOLD)]
        variants = [ProductFactory(producer=producers[p], group=group, variant__price_vnd=price,
                                   variant__stock_quantity=1_000_000).variants[0]
                    for p, price, group in CATALOGUE]
        commission.set_rate("producer", str(producers[1].id), PRODUCER_1_BPS)
        commission.set_rate("group", ProductGroup.BEVERAGES.value, BEVERAGES_BPS)
        for banked in (0, 1, HOUSEHOLD):
            give_bank_account(producers[banked])
        point = DisplayPointFactory()
        consign(point, producers[HOUSEHOLD], commission_rate_bps=POINT_BPS)
        receive(point, variants[TILL_ITEM], 100_000)
        return cls([p.id for p in producers], [v.id for v in variants], UserFactory(), point.id)


# Everything an example writes; each example starts again from the World.
MONEY_TABLES = {"payout_items", "tax_withholdings", "journal_lines", "journal_entries", "payouts", "payout_runs",
                "refunds", "payments", "sub_order_status_changes", "order_lines", "sub_orders", "orders", "cart_lines", "carts"}


def forget_money(world: World) -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        if table.name in MONEY_TABLES:
            db.session.execute(table.delete())
    db.session.execute(sa.delete(BankAccount).where(BankAccount.producer_id == world.producer_ids[2]))
    db.session.commit()
    # SQLite gives the deleted rows' ids again: an order of this example still in the session
    # (garbage not yet collected) must not be taken for the next example's.
    for instance in list(db.session.identity_map.values()):
        if getattr(instance, "__tablename__", None) in MONEY_TABLES:
            db.session.expunge(instance)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, world: World):
        super().__init__()
        self.world = world
        self.producer_ids, self.variant_ids, self.shopper = world.producer_ids, world.variant_ids, world.shopper
        self.banked = {0, 1, HOUSEHOLD}
        self.parts: dict[int, Part] = {}
        self.payouts: dict[int, ModelPayout] = {}

    def teardown(self):
        forget_money(self.world)

    def _pick(self, candidates, choice):
        return sorted(candidates)[choice % len(candidates)]

    def _parts_where(self, test):
        return [sid for sid, part in self.parts.items() if test(part)]

    def _sub_order(self, sub_order_id) -> SubOrder:
        return db.session.get(SubOrder, sub_order_id)

    # --- orders --------------------------------------------------------------------

    @rule(method=st.sampled_from(["bank_transfer", "unpaid_bank_transfer", "cod"]),
          lines=st.lists(st.tuples(st.integers(0, len(CATALOGUE) - 1), st.integers(1, 3)),
                         min_size=1, max_size=3, unique_by=lambda line: line[0]))
    def place_an_order(self, method, lines):
        order = place_order(self.shopper, *[(self.variant_ids[i], quantity) for i, quantity in lines],
                            method="cod" if method == "cod" else "bank_transfer")

        by_producer = {}
        for i, quantity in lines:
            producer, price, _group = CATALOGUE[i]
            items, commission_vnd = by_producer.get(producer, (0, 0))
            by_producer[producer] = (items + price * quantity,
                                     commission_vnd + rounded_commission(price * quantity, RATES[producer]))
        assert len(order.sub_orders) == len(by_producer)
        for sub_order in order.sub_orders:
            producer = self.producer_ids.index(sub_order.producer_id)
            items, expected_commission = by_producer[producer]
            assert (sub_order.total_vnd, sub_order.commission_vnd) == (items + OTHER_REGION_FEE, expected_commission)
            self.parts[sub_order.id] = Part(order.id, producer, method, sub_order.total_vnd, expected_commission,
                                            status="confirmed" if method == "cod" else "pending_payment",
                                            items=items)
        if method == "bank_transfer":
            self._confirm_transfer(order.id, order.total_vnd)

    @precondition(lambda self: self._parts_where(lambda p: p.method == "unpaid_bank_transfer" and not p.paid))
    @rule(choice=st.integers(0, 1000))
    def confirm_a_late_transfer(self, choice):
        part = self.parts[self._pick(self._parts_where(
            lambda p: p.method == "unpaid_bank_transfer" and not p.paid), choice)]
        order_parts = [p for p in self.parts.values() if p.order_id == part.order_id]
        if all(p.status == "cancelled" for p in order_parts):
            # Every part was cancelled before the money came, which cancelled the payment: the
            # transfer is refused (the admin sends it back) and nothing is recorded.
            with pytest.raises(TransferTooLate):
                payment_outcomes.confirm_bank_transfer(part.order_id, sum(p.total for p in order_parts), "FT-late")
            return
        self._confirm_transfer(part.order_id, sum(p.total for p in order_parts))

    def _confirm_transfer(self, order_id, total):
        payment_outcomes.confirm_bank_transfer(order_id, total, f"FT{order_id:08d}")
        for part in self.parts.values():
            if part.order_id == order_id:
                part.paid = True
                if part.status == "pending_payment":
                    part.status = "confirmed"
                elif part.status == "cancelled":  # money for a cancelled part goes straight back
                    part.refunded = part.total

    @precondition(lambda self: self._parts_where(lambda p: p.status in ("pending_payment", "confirmed")))
    @rule(choice=st.integers(0, 1000))
    def a_producer_cancels_its_part(self, choice):
        sub_order_id = self._pick(self._parts_where(lambda p: p.status in ("pending_payment", "confirmed")), choice)
        part = self.parts[sub_order_id]

        fulfilment.cancel_by_producer(self.producer_ids[part.producer], sub_order_id, None, "Hết hàng")

        part.status, part.refunded = "cancelled", part.total if part.paid else 0

    @precondition(lambda self: self._parts_where(lambda p: p.status == "confirmed"))
    @rule(choice=st.integers(0, 1000))
    def a_part_is_delivered(self, choice):
        sub_order_id = self._pick(self._parts_where(lambda p: p.status == "confirmed"), choice)
        part = self.parts[sub_order_id]

        deliver(self._sub_order(sub_order_id))

        part.status, part.delivered = "delivered", True
        if part.method == "cod":
            part.paid, part.cash = True, part.total

    @precondition(lambda self: self._parts_where(lambda p: p.refundable and p.status != "cancelled"))
    @rule(choice=st.integers(0, 1000), data=st.data())
    def an_admin_refunds_part_of_a_part(self, choice, data):
        sub_order_id = self._pick(self._parts_where(lambda p: p.refundable and p.status != "cancelled"), choice)
        part = self.parts[sub_order_id]
        amount = data.draw(st.one_of(st.just(part.refundable), st.integers(1, part.refundable)), label="amount")

        refund(self._sub_order(sub_order_id), amount)

        part.refunded += amount
        if part.refundable == 0:
            part.status = "refunded"

    @rule(quantity=st.integers(1, 4), method=st.sampled_from([SalePayment.CASH, SalePayment.BANK_TRANSFER]))
    def the_household_sells_at_the_display_point(self, quantity, method):
        sale, _created = till.sell(self.world.point_id, None,
                                   till.Sale((till.SaleLine(self.variant_ids[TILL_ITEM], quantity),), method), new_key())

        total = CATALOGUE[TILL_ITEM][1] * quantity
        # Keyed by the sale's negative id, apart from the sub-orders' ids; the holding period is 0 days.
        self.parts[-sale.id] = Part(None, HOUSEHOLD, "till", total, rounded_commission(total, POINT_BPS), "sold",
                                    items=total, paid=True, delivered=True)

    # --- payouts ---------------------------------------------------------------------

    @precondition(lambda self: 2 not in self.banked)
    @rule()
    def the_third_producer_adds_a_bank_account(self):
        give_bank_account(db.session.get(Producer, self.producer_ids[2]))
        self.banked.add(2)

    @rule()
    def a_payout_run(self):
        for part in self.parts.values():
            part.released = part.released or (part.paid and part.delivered)
        expected = {self.producer_ids[p]: self.expected_available(p) for p in sorted(self.banked)}
        expected = {producer_id: amount for producer_id, amount in expected.items() if amount >= MINIMUM_VND}

        run = runs.run_payouts()

        assert {p.producer_id: p.amount_vnd for p in run.payouts} == expected
        assert all(p.status is PayoutStatus.IN_TRANSIT for p in run.payouts)
        for payout in run.payouts:
            self.payouts[payout.id] = ModelPayout(self._index_of(payout.producer_id), payout.amount_vnd)

    @precondition(lambda self: any(p.status == "in_transit" for p in self.payouts.values()))
    @rule(choice=st.integers(0, 1000), outcome=st.sampled_from(["paid", "failed"]))
    def the_bank_settles_a_payout(self, choice, outcome):
        payout_id = self._pick([i for i, p in self.payouts.items() if p.status == "in_transit"], choice)

        if outcome == "paid":
            settlement.mark_paid(payout_id, f"VCB{payout_id:010d}")
        else:
            settlement.mark_failed(payout_id, "Tài khoản không tồn tại")

        self.payouts[payout_id].status = outcome
        with pytest.raises(Conflict):
            settlement.mark_paid(payout_id, "again")
        with pytest.raises(Conflict):
            settlement.mark_failed(payout_id, "again")

    # --- what must always hold -----------------------------------------------------------

    def _index_of(self, producer_id):
        return self.producer_ids.index(producer_id)

    def _payouts_of(self, producer, *statuses):
        return sum(p.amount for p in self.payouts.values() if p.producer == producer and p.status in statuses)

    def expected_available(self, producer):
        released = sum(p.net - p.cash for p in self.parts.values() if p.producer == producer and p.released)
        return released - self._payouts_of(producer, "in_transit", "paid")

    @invariant()
    def every_entry_sums_to_zero(self):
        assert unbalanced_entries() == []

    @invariant()
    def no_earning_is_paid_out_twice(self):
        lines_in_two_payouts = db.session.scalars(sa.select(PayoutItem.line_id).group_by(PayoutItem.line_id)
                                                  .having(sa.func.count() > 1)).all()
        paid_twice = db.session.execute(
            sa.select(JournalEntry.sub_order_id, sa.func.count(sa.distinct(Payout.id)))
            .select_from(PayoutItem).join(JournalLine, PayoutItem.line_id == JournalLine.id).join(JournalEntry)
            .join(Payout, PayoutItem.payout_id == Payout.id)
            .where(Payout.status == PayoutStatus.PAID,
                   JournalEntry.kind.in_([EntryKind.SALE, EntryKind.COD_SALE, EntryKind.RELEASE]))
            .group_by(JournalEntry.sub_order_id).having(sa.func.count(sa.distinct(Payout.id)) > 1)).all()
        assert lines_in_two_payouts == []
        assert paid_twice == []

    @invariant()
    def the_refunds_table_holds_exactly_the_refunds_made(self):
        recorded = dict(db.session.execute(sa.select(Refund.sub_order_id, sa.func.sum(Refund.amount_vnd))
                                           .group_by(Refund.sub_order_id)).all())
        assert recorded == {sid: part.refunded for sid, part in self.parts.items() if part.refunded}

    @invariant()
    def every_producer_balance_matches_what_it_earned(self):
        for index, producer_id in enumerate(self.producer_ids):
            parts = [p for p in self.parts.values() if p.producer == index]
            expected = {
                "pending": sum(p.net - p.cash for p in parts if not p.released),
                "available": self.expected_available(index),
                "in_transit": self._payouts_of(index, "in_transit"),
                "paid": sum(p.cash for p in parts) + self._payouts_of(index, "paid"),
            }
            balance = balance_of(producer_id)

            assert {"pending": balance.pending_vnd, "available": balance.available_vnd,
                    "in_transit": balance.in_transit_vnd, "paid": balance.paid_vnd} == expected
            # paid + in transit + available + pending = earnings − refunds − tax withheld
            earnings = sum(p.total - p.commission for p in parts if p.paid)
            refunds = sum(p.refunded - p.commission * p.refunded // p.total for p in parts if p.paid)
            assert balance.total_vnd == earnings - refunds - sum(sum(p.tax) for p in parts)

    @invariant()
    def the_tax_payable_accounts_and_the_months_report_hold_the_tax_withheld(self):
        parts = self.parts.values()
        expected = (sum(p.tax[0] for p in parts), sum(p.tax[1] for p in parts))
        for index, producer_id in enumerate(self.producer_ids):
            assert tax_withheld(producer_id) == (expected if index == HOUSEHOLD else (0, 0))
        report = tax_report.monthly_withholding(today_vn())
        assert (report.totals.vat_withheld_vnd, report.totals.pit_withheld_vnd) == expected
        assert report.totals.revenue_vnd == sum(p.items - share_of(p.items, p.refunded, p.total)
                                                for p in parts if p.paid and p.producer == HOUSEHOLD)


def test_random_money_journeys_keep_the_ledger_balanced_and_every_producer_whole(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAYOUT_HOLD_DAYS", 0)
    monkeypatch.setitem(app.config, "PAYOUT_MINIMUM_VND", MINIMUM_VND)
    monkeypatch.setitem(app.config, "COMMISSION_DEFAULT_BPS", DEFAULT_BPS)

    world = World.build()

    run_state_machine_as_test(lambda: LedgerMachine(world), settings=settings(
        max_examples=20, stateful_step_count=15, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
