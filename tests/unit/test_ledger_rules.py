"""The ledger's rules without a database: balanced entries, reversals,
commission rounding and the commission share of refunds."""

from collections import Counter
from types import SimpleNamespace
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.payouts import earnings, ledger
from marketplace.pricing.commission import commission_vnd
from marketplace.payouts.ledger import UnbalancedEntry, credit, debit
from marketplace.payouts.models import Account, EntryKind, JournalEntry, JournalLine


class RecordingSession:
    def __init__(self):
        self.added = []

    def add(self, obj):
        self.added.append(obj)

    def flush(self):
        pass


@pytest.fixture
def session(monkeypatch):
    session = RecordingSession()
    monkeypatch.setattr(ledger, "db", SimpleNamespace(session=session))
    return session


def sale_legs(total=270_000, commission=25_000, producer_id=3):
    return [debit(Account.SHOPPER_CLEARING, total),
            credit(Account.PRODUCER_PENDING, total - commission, producer_id),
            credit(Account.COMMISSION_REVENUE, commission)]


def test_a_balanced_entry_is_posted_with_signed_lines(session):
    entry = ledger.post(EntryKind.SALE, sale_legs(), producer_id=3, sub_order_id=5, reference="OC250101ABCDEF")

    assert session.added == [entry]
    assert [(l.account, l.amount_vnd, l.producer_id) for l in entry.lines] == [
        (Account.SHOPPER_CLEARING, 270_000, None),
        (Account.PRODUCER_PENDING, -245_000, 3),
        (Account.COMMISSION_REVENUE, -25_000, None),
    ]
    assert (entry.kind, entry.producer_id, entry.sub_order_id) == (EntryKind.SALE, 3, 5)


@pytest.mark.parametrize("legs", [
    [debit(Account.SHOPPER_CLEARING, 270_000), credit(Account.PRODUCER_PENDING, 245_000, 3)],
    [debit(Account.SHOPPER_CLEARING, 1), credit(Account.COMMISSION_REVENUE, 2)],
    [credit(Account.REFUNDS, 50_000)],
], ids=["commission leg missing", "off by one đồng", "a single leg"])
def test_an_entry_that_does_not_sum_to_zero_is_refused(session, legs):
    with pytest.raises(UnbalancedEntry) as refused:
        ledger.post(EntryKind.SALE, legs)

    assert refused.value.status == 500
    assert session.added == []


@pytest.mark.parametrize("account", [Account.PRODUCER_PENDING, Account.PRODUCER_AVAILABLE,
                                     Account.PAYOUTS_IN_TRANSIT])
def test_a_producer_account_leg_without_a_producer_is_refused(session, account):
    with pytest.raises(UnbalancedEntry, match="without a producer"):
        ledger.post(EntryKind.PAYOUT, [debit(Account.SHOPPER_CLEARING, 100_000), credit(account, 100_000)])

    assert session.added == []


def test_zero_legs_are_dropped(session):
    entry = ledger.post(EntryKind.SALE, sale_legs(commission=0))

    assert [l.account for l in entry.lines] == [Account.SHOPPER_CLEARING, Account.PRODUCER_PENDING]


def test_a_reversal_mirrors_every_line_and_points_at_the_original(session):
    original = JournalEntry(id=41, kind=EntryKind.SALE, producer_id=3, sub_order_id=5, reference="OC250101ABCDEF",
                            lines=[JournalLine(account=l.account, amount_vnd=l.amount_vnd, producer_id=l.producer_id)
                                   for l in sale_legs()])

    reversal = ledger.reverse(original, memo="Recorded twice")

    assert (reversal.kind, reversal.reverses_id, reversal.memo) == (EntryKind.REVERSAL, 41, "Recorded twice")
    assert (reversal.producer_id, reversal.sub_order_id, reversal.reference) == (3, 5, "OC250101ABCDEF")
    assert [(l.account, l.producer_id, l.amount_vnd) for l in reversal.lines] == [
        (l.account, l.producer_id, -l.amount_vnd) for l in original.lines]
    net = Counter()
    for line in original.lines + reversal.lines:
        net[(line.account, line.producer_id)] += line.amount_vnd
    assert set(net.values()) == {0}


@pytest.mark.parametrize(("amount", "bps", "expected"), [
    (123_455, 1000, 12_346),   # 12 345.5 rounds up
    (123_454, 1000, 12_345),   # 12 345.4 rounds down
    (250_010, 750, 18_751),    # 18 750.75
    (250_002, 750, 18_750),    # 18 750.15
    (99_998, 1250, 12_500),    # 12 499.75
    (1, 5000, 1),              # half a đồng rounds up
    (1, 4999, 0),
    (0, 1000, 0),
    (250_000, 0, 0),
    (3, 1667, 1),              # 0.5001
])
def test_commission_is_whole_dong_rounded_half_up(amount, bps, expected):
    assert commission_vnd(amount, bps) == expected


@given(amount=st.integers(0, 10**11), bps=st.integers(0, 5000))
def test_commission_is_within_half_a_dong_of_the_exact_rate(amount, bps):
    exact_times_two = 2 * amount * bps
    assert -10_000 < 2 * commission_vnd(amount, bps) * 10_000 - exact_times_two <= 10_000


def commission_shares(total, commission, amounts):
    """The commission returned with each refund, refunds recorded one after another."""
    recorded = []
    part = SimpleNamespace(total_vnd=total, commission_vnd=commission)
    shares = []
    with mock.patch.object(earnings, "sub_order_refunds", lambda _sub_order: recorded):
        for amount in amounts:
            recorded.append(SimpleNamespace(amount_vnd=amount))
            shares.append(earnings._commission_share(part, amount))
    return shares


def test_partial_refunds_return_exactly_the_commission_of_the_part():
    shares = commission_shares(295_000, 25_000, [100_000, 33_333, 1, 161_666])

    assert sum(shares) == 25_000
    assert shares == [8_474, 2_825, 0, 13_701]


def test_a_full_refund_in_one_go_returns_all_the_commission():
    assert commission_shares(168_455, 12_346, [168_455]) == [12_346]


@settings(max_examples=200)
@given(st.data())
def test_refund_shares_always_add_up_to_the_commission(data):
    total = data.draw(st.integers(1, 50_000_000), label="total")
    commission = data.draw(st.integers(0, total // 2), label="commission")
    cuts = data.draw(st.lists(st.integers(1, total - 1), unique=True, max_size=8), label="cuts") if total > 1 else []
    bounds = [0, *sorted(cuts), total]
    amounts = [b - a for a, b in zip(bounds, bounds[1:])]

    shares = commission_shares(total, commission, amounts)

    assert sum(shares) == commission
    assert all(0 <= share <= amount for share, amount in zip(shares, amounts))
