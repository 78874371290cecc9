"""Money journeys at the service level, for the ledger and payout tests:
orders placed and paid, delivered, refunded, and the balances that follow.

Everything goes through the same services the API calls, so every ledger
entry is written by the real event handlers."""

import itertools
import threading
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
import stripe

from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import cart, checkout, fulfilment
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders.models import Order, PaymentMethod, SubOrder
from marketplace.orders import payment_outcomes, refunds
from marketplace.payouts import ledger, runs, stripe_connect
from marketplace.payouts.models import BankAccount, JournalEntry, JournalLine
from tests.factories import ProductFactory, UserFactory

# Hà Nội: another socio-economic region than the factories' Điện Biên producers.
ADDRESS = {"recipient_name": "Trần Thu Hà", "phone": "0912345678", "province_code": 1, "ward_code": 70,
           "street_address": "12 Hàng Bạc"}
OTHER_REGION_FEE = 45_000  # Điện Biên → Hà Nội, TestConfig's SHIPPING_FEES_VND

_keys = itertools.count(1)


def place_order(shopper, *lines, method: str = "bank_transfer") -> Order:
    """Check out (variant, quantity) pairs or variants (or their ids). Nothing is paid yet."""
    for line in lines:
        variant, quantity = line if isinstance(line, tuple) else (line, 1)
        cart.set_line(shopper, getattr(variant, "id", variant), quantity)
    body = {"payment_method": PaymentMethod(method), "shipping_address": ADDRESS}
    order, _created = checkout.checkout(shopper, body, f"money-{next(_keys):06d}")
    return order


def place_paid_order(shopper, *lines, method: str = "bank_transfer") -> Order:
    """A bank-transfer order whose transfer has been confirmed (cash on delivery is
    paid part by part, by `deliver`)."""
    order = place_order(shopper, *lines, method=method)
    if order.payment_method is PaymentMethod.BANK_TRANSFER:
        payment_outcomes.confirm_bank_transfer(order.id, order.total_vnd, f"FT{order.id:08d}")
    return db.session.get(Order, order.id)


def deliver(sub_order: SubOrder) -> SubOrder:
    """Ship and deliver a confirmed part, collecting the cash if it is cash on delivery."""
    if sub_order.status is SubOrderStatus.CONFIRMED:
        fulfilment.ship(sub_order.producer_id, sub_order.id, None, "Viettel Post", f"VTP{sub_order.id:08d}")
    cash = sub_order.total_vnd if sub_order.order.payment_method is PaymentMethod.COD else None
    return fulfilment.deliver(sub_order.producer_id, sub_order.id, None, cash)


def refund(sub_order: SubOrder, amount_vnd: int, reason: str = "Hàng bị vỡ"):
    return refunds.refund(sub_order.order_id, sub_order.id, amount_vnd, reason, None)


def release_all_delivered() -> None:
    """Put every delivered part past the holding period (deliveries moved back in time)."""
    db.session.execute(sa.update(SubOrder).where(SubOrder.delivered_at.is_not(None))
                       .values(delivered_at=utcnow() - timedelta(days=365)))
    db.session.commit()


def give_bank_account(producer, stripe_account_id: str | None = None) -> BankAccount:
    account = BankAccount(producer_id=producer.id, bank_bin="970436", bank_name="Vietcombank",
                          account_number=f"00110044{producer.id:05d}", holder_name=producer.name.upper(),
                          stripe_account_id=stripe_account_id)
    db.session.add(account)
    db.session.commit()
    return account


def earned_vnd(sub_order: SubOrder) -> int:
    """What the producer keeps from a part: its total less commission."""
    return sub_order.total_vnd - sub_order.commission_vnd


def balance_of(producer) -> ledger.ProducerBalance:
    db.session.expire_all()
    return ledger.producer_balance(producer.id if hasattr(producer, "id") else producer)


def unbalanced_entries() -> list[tuple[int, int]]:
    """(entry id, sum) of every journal entry whose lines don't sum to zero."""
    return db.session.execute(
        sa.select(JournalLine.entry_id, sa.func.sum(JournalLine.amount_vnd)).group_by(JournalLine.entry_id)
        .having(sa.func.sum(JournalLine.amount_vnd) != 0)).all()


def entries_of_kind(kind) -> list[JournalEntry]:
    return db.session.scalars(sa.select(JournalEntry).where(JournalEntry.kind == kind)
                              .order_by(JournalEntry.id)).all()


class MadeThenLost:
    """A script answer: Stripe makes the transfer, then the answer is lost (a timeout,
    a reset connection) and the client raises `error`."""

    def __init__(self, error: Exception):
        self.error = error


class FakeTransfers:
    """Stripe's `v1.transfers` for Connect, which localstripe lacks. `create` answers
    from a script (None: a transfer is made; an exception: raised, nothing made;
    MadeThenLost(exception): made, then raised) and, as Stripe does, replays the
    transfer an idempotency key already made without reading the script. `list`
    answers with the transfers made in a transfer group, or raises the next of
    `lookups` that is an exception. Every call is recorded."""

    def __init__(self, *script, lookups=()):
        self.script, self.lookups = list(script), list(lookups)
        self.calls, self.list_calls, self.made = [], [], []
        self._by_key = {}
        self._lock = threading.Lock()  # Stripe's idempotency is atomic, even for runs in threads

    def create(self, params, options=None):
        with self._lock:
            self.calls.append((params, options))
            key = (options or {}).get("idempotency_key")
            if key in self._by_key:
                return self._by_key[key]
            answer = self.script.pop(0) if self.script else None
            if isinstance(answer, Exception):
                raise answer
            transfer = self.make(f"tr_1Pq{len(self.calls):020d}", params)
            if key:
                self._by_key[key] = transfer
        if isinstance(answer, MadeThenLost):
            raise answer.error
        return transfer

    def make(self, transfer_id, params, **fields):
        """A transfer Stripe holds (also for tests to put one there directly)."""
        transfer = stripe.Transfer.construct_from({
            "id": transfer_id, "object": "transfer", "amount": params["amount"],
            "currency": params["currency"], "destination": params["destination"],
            "transfer_group": params["transfer_group"], "metadata": params["metadata"], "reversed": False,
            "amount_reversed": 0, **fields,
        }, "sk_test_ocop")
        self.made.append(transfer)
        return transfer

    def list(self, params=None, options=None):
        self.list_calls.append(params)
        answer = self.lookups.pop(0) if self.lookups else None
        if isinstance(answer, Exception):
            raise answer
        group = (params or {}).get("transfer_group")
        found = [t for t in reversed(self.made) if group is None or t["transfer_group"] == group]
        return stripe.ListObject.construct_from({"object": "list", "url": "/v1/transfers", "has_more": False,
                                                 "data": found[:(params or {}).get("limit", 10)]}, "sk_test_ocop")


def fake_stripe_client(*script, lookups=()):
    """An object shaped like stripe.StripeClient, as far as Connect transfers go."""
    return SimpleNamespace(v1=SimpleNamespace(transfers=FakeTransfers(*script, lookups=lookups)))


def connect_payout_left_unsure(monkeypatch):
    """A Stripe Connect payout in transit whose first send timed out, so whether Stripe made the
    transfer is unknown; and the fake Stripe client (put in as stripe_connect's) it was sent to."""
    stripe_client = fake_stripe_client(stripe.APIConnectionError("Request to Stripe timed out.", should_retry=True))
    monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
    product = ProductFactory(variant__stock_quantity=100)
    give_bank_account(product.producer, "acct_1PqRsTuVwXyZ0123")
    [sub_order] = place_paid_order(UserFactory(), (product.variants[0], 2)).sub_orders
    deliver(sub_order)
    release_all_delivered()
    [unsure] = runs.run_payouts().payouts
    return unsure, stripe_client


def tax_withheld(producer) -> tuple[int, int]:
    """(VAT, PIT) the ledger owes the tax office for a producer: the credit balances of the
    tax-payable accounts' lines that carry it."""
    from marketplace.payouts.models import Account
    db.session.expire_all()
    producer_id = producer.id if hasattr(producer, "id") else producer
    return (ledger.balance(Account.VAT_WITHHELD, producer_id), ledger.balance(Account.PIT_WITHHELD, producer_id))
