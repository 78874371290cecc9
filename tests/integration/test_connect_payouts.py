"""Payout runs over Stripe Connect when Stripe's answer is lost, refused or strange.

Stripe is the fake of tests.money_helpers: it makes transfers, replays the
transfer an idempotency key already made, lists transfers by transfer group,
and can make a transfer and then lose the answer (MadeThenLost), as a timeout
after the request was sent does. After every step the ledger must still
balance: paid + in transit + available + pending = earnings − refunds.
"""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import stripe
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db
from marketplace.payouts import connect_rail, runs, settlement, stripe_connect
from marketplace.payouts.models import EntryKind, JournalEntry, Payout, PayoutStatus
from tests.factories import ProductFactory, UserFactory
from tests.money_helpers import (MadeThenLost, balance_of, deliver, earned_vnd, fake_stripe_client,
                                 give_bank_account, place_paid_order, refund, release_all_delivered,
                                 unbalanced_entries)

CONNECT_ACCOUNT = "acct_1PqRsTuVwXyZ0123"

TIMED_OUT = stripe.APIConnectionError("Request to Stripe timed out after it was sent.", should_retry=True)
SERVER_ERROR = stripe.APIError("An unknown error occurred", http_status=500)
RATE_LIMITED = stripe.RateLimitError("Too many requests hit the API too quickly.", http_status=429)
KEY_IN_USE = stripe.APIError("There is currently another in-progress request using this Idempotent Key.",
                             http_status=409)
NO_SUCH_DESTINATION = stripe.InvalidRequestError(f"No such destination: '{CONNECT_ACCOUNT}'", "destination",
                                                 code="resource_missing", http_status=400)
INSUFFICIENT_FUNDS = stripe.InvalidRequestError("You have insufficient available funds in your Stripe account.",
                                                None, code="balance_insufficient", http_status=400)
NOT_CONNECTED = stripe.PermissionError("The provided key does not have access to this account.", http_status=403)
BAD_KEY = stripe.AuthenticationError("Invalid API Key provided.", http_status=401)

UNKNOWN_OUTCOMES = [TIMED_OUT, SERVER_ERROR, RATE_LIMITED, KEY_IN_USE]
UNKNOWN_IDS = ["timed out", "500", "rate limited", "key in use"]


@pytest.fixture
def stripe_answers(monkeypatch):
    """Make Stripe answer from a script: stripe_answers(*script, lookups=()) -> its transfers."""
    def script(*answers, lookups=()):
        stripe_client = fake_stripe_client(*answers, lookups=lookups)
        monkeypatch.setattr(stripe_connect, "client", lambda: stripe_client)
        return stripe_client.v1.transfers
    return script


@pytest.fixture
def producer(app):
    """A producer on Stripe Connect with two deliveries past the holding period, one partly refunded."""
    shopper = UserFactory()
    product = ProductFactory(variant__price_vnd=250_000, variant__stock_quantity=100)
    give_bank_account(product.producer, CONNECT_ACCOUNT)
    parts = [place_paid_order(shopper, (product.variants[0], quantity)).sub_orders[0] for quantity in (1, 2)]
    for part in parts:
        deliver(part)
    refund(parts[1], 100_000)
    release_all_delivered()
    refunded_net = 100_000 - parts[1].commission_vnd * 100_000 // parts[1].total_vnd  # its commission goes back
    return SimpleNamespace(id=product.producer_id, earned_vnd=sum(earned_vnd(part) for part in parts) - refunded_net)


def balances(producer):
    """(available, in transit, paid), after checking they add up to what the producer earned."""
    balance = balance_of(producer)
    assert unbalanced_entries() == []
    assert balance.pending_vnd + balance.available_vnd + balance.in_transit_vnd + balance.paid_vnd \
        == balance.total_vnd == producer.earned_vnd
    return balance.available_vnd, balance.in_transit_vnd, balance.paid_vnd


def payouts_of(producer):
    db.session.expire_all()
    return db.session.scalars(sa.select(Payout).where(Payout.producer_id == producer.id).order_by(Payout.id)).all()


def keys(transfers):
    return [options["idempotency_key"] for _params, options in transfers.calls]


def settlements_of(payout_id):
    return db.session.scalars(sa.select(JournalEntry.kind).where(
        JournalEntry.payout_id == payout_id, JournalEntry.kind.in_([EntryKind.PAYOUT_PAID, EntryKind.PAYOUT_FAILED]))
        .order_by(JournalEntry.id)).all()


# --- an unknown outcome holds the money ---------------------------------------------------------

@pytest.mark.parametrize("error", UNKNOWN_OUTCOMES, ids=UNKNOWN_IDS)
def test_an_unknown_outcome_leaves_the_payout_in_transit_with_the_reason(producer, stripe_answers, error):
    stripe_answers(error)

    [payout] = runs.run_payouts().payouts

    assert (payout.status, payout.stripe_transfer_id, payout.attempts) == (PayoutStatus.IN_TRANSIT, None, 1)
    assert payout.failure_reason.startswith(f"Stripe's answer to attempt 1 is unknown ({error.user_message})")
    assert settlements_of(payout.id) == []
    assert balances(producer) == (0, producer.earned_vnd, 0)


def test_a_transfer_made_before_the_answer_was_lost_is_found_and_paid_without_a_second_payout(
        producer, stripe_answers):
    transfers = stripe_answers(MadeThenLost(TIMED_OUT))
    [payout] = runs.run_payouts().payouts
    [made] = transfers.made

    again = runs.run_payouts()

    assert again.payouts == []
    assert transfers.list_calls == [{"transfer_group": f"payout-{payout.id}", "limit": 10}]
    assert len(transfers.calls) == 1, "the payout was sent to Stripe again"
    [settled] = payouts_of(producer)
    assert (settled.id, settled.status) == (payout.id, PayoutStatus.PAID)
    assert settled.stripe_transfer_id == settled.bank_reference == made["id"]
    assert settlements_of(payout.id) == [EntryKind.PAYOUT_PAID]
    assert balances(producer) == (0, 0, producer.earned_vnd)


@pytest.mark.parametrize("error", UNKNOWN_OUTCOMES, ids=UNKNOWN_IDS)
def test_with_no_transfer_at_stripe_the_next_run_sends_the_same_attempt_again(producer, stripe_answers, error):
    transfers = stripe_answers(error)
    [payout] = runs.run_payouts().payouts

    again = runs.run_payouts()

    assert again.payouts == []
    assert keys(transfers) == [f"payout-{payout.id}-attempt-1"] * 2
    [settled] = payouts_of(producer)
    assert (settled.status, settled.attempts) == (PayoutStatus.PAID, 1)
    assert settled.stripe_transfer_id == transfers.made[0]["id"]
    assert balances(producer) == (0, 0, producer.earned_vnd)


def test_a_payout_stays_held_through_runs_until_stripe_answers(producer, stripe_answers):
    transfers = stripe_answers(TIMED_OUT, SERVER_ERROR, TIMED_OUT)
    [payout] = runs.run_payouts().payouts

    for _ in range(2):
        assert runs.run_payouts().payouts == []
        assert balances(producer) == (0, producer.earned_vnd, 0)
    runs.run_payouts()

    assert keys(transfers) == [f"payout-{payout.id}-attempt-1"] * 4
    assert [p.status for p in payouts_of(producer)] == [PayoutStatus.PAID]
    assert balances(producer) == (0, 0, producer.earned_vnd)


def test_a_retry_stripe_refuses_fails_the_payout_and_the_same_run_pays_the_money_anew(producer, stripe_answers):
    transfers = stripe_answers(TIMED_OUT, INSUFFICIENT_FUNDS)
    [payout] = runs.run_payouts().payouts

    [new] = runs.run_payouts().payouts

    failed = db.session.get(Payout, payout.id)
    assert failed.status is PayoutStatus.FAILED
    assert failed.failure_reason == f"Stripe transfer failed: {INSUFFICIENT_FUNDS.user_message}"
    assert (new.status, new.amount_vnd) == (PayoutStatus.PAID, producer.earned_vnd)
    assert keys(transfers) == [f"payout-{payout.id}-attempt-1", f"payout-{payout.id}-attempt-1",
                               f"payout-{new.id}-attempt-1"]
    assert balances(producer) == (0, 0, producer.earned_vnd)


# --- a refusal returns the money ------------------------------------------------------------------

@pytest.mark.parametrize("error", [NO_SUCH_DESTINATION, INSUFFICIENT_FUNDS, NOT_CONNECTED, BAD_KEY],
                         ids=["no such destination", "insufficient funds", "no access", "bad API key"])
def test_a_refused_transfer_fails_the_payout_and_the_money_is_available_again(producer, stripe_answers, error):
    stripe_answers(error)

    [payout] = runs.run_payouts().payouts

    assert (payout.status, payout.stripe_transfer_id) == (PayoutStatus.FAILED, None)
    assert payout.failure_reason == f"Stripe transfer failed: {error.user_message}"
    assert settlements_of(payout.id) == [EntryKind.PAYOUT_FAILED]
    assert balances(producer) == (producer.earned_vnd, 0, 0)


# --- looking up ---------------------------------------------------------------------------------

def test_when_stripe_cannot_be_asked_nothing_is_sent_again(producer, stripe_answers):
    transfers = stripe_answers(TIMED_OUT, lookups=[stripe.APIConnectionError("Could not connect to Stripe.")])
    [payout] = runs.run_payouts().payouts

    runs.run_payouts()

    assert len(transfers.calls) == 1
    held = db.session.get(Payout, payout.id)
    assert held.status is PayoutStatus.IN_TRANSIT
    assert held.failure_reason.startswith("Could not look the payout up at Stripe (Could not connect to Stripe.)")
    assert balances(producer) == (0, producer.earned_vnd, 0)


@pytest.mark.parametrize("at_stripe", ["another amount", "two transfers", "reversed"])
def test_transfers_at_stripe_that_do_not_match_the_payout_wait_for_a_person(producer, stripe_answers, at_stripe):
    transfers = stripe_answers(TIMED_OUT)
    [payout] = runs.run_payouts().payouts
    params = {"amount": payout.amount_vnd, "currency": "vnd", "destination": CONNECT_ACCOUNT,
              "transfer_group": f"payout-{payout.id}", "metadata": {"payout_id": str(payout.id)}}
    if at_stripe == "another amount":
        transfers.make("tr_odd", {**params, "amount": payout.amount_vnd - 1})
    elif at_stripe == "two transfers":
        transfers.make("tr_one", params), transfers.make("tr_two", params)
    else:
        transfers.make("tr_back", params, reversed=True, amount_reversed=payout.amount_vnd)

    assert runs.run_payouts().payouts == []

    held = db.session.get(Payout, payout.id)
    assert (held.status, held.stripe_transfer_id) == (PayoutStatus.IN_TRANSIT, None)
    assert held.failure_reason.startswith("Needs review: Stripe holds tr_")
    assert len(transfers.calls) == 1
    assert balances(producer) == (0, producer.earned_vnd, 0)


# --- crashes ---------------------------------------------------------------------------------------

def test_a_run_that_dies_while_sending_leaves_an_attempt_the_next_run_finishes(producer, monkeypatch,
                                                                               stripe_answers):
    transfers = stripe_answers()
    real_transfer = stripe_connect.transfer

    def dies(**_transfer):
        raise SystemExit("killed while waiting for Stripe")
    monkeypatch.setattr(stripe_connect, "transfer", dies)
    with pytest.raises(SystemExit):
        runs.run_payouts()
    monkeypatch.setattr(stripe_connect, "transfer", real_transfer)
    [payout] = payouts_of(producer)
    assert (payout.status, payout.attempts) == (PayoutStatus.IN_TRANSIT, 1)

    assert runs.run_payouts().payouts == []

    assert transfers.list_calls == [{"transfer_group": f"payout-{payout.id}", "limit": 10}]
    assert keys(transfers) == [f"payout-{payout.id}-attempt-1"]
    assert [p.status for p in payouts_of(producer)] == [PayoutStatus.PAID]
    assert balances(producer) == (0, 0, producer.earned_vnd)


def test_a_payout_is_never_committed_as_paid_without_its_transfer_id(producer, stripe_answers):
    stripe_answers()
    committed = []

    def read_back(_session):  # what another connection sees after each commit
        with db.engine.connect() as connection:
            committed.extend(connection.execute(sa.select(Payout.status, Payout.stripe_transfer_id)
                                                .where(Payout.producer_id == producer.id)).all())
    event.listen(Session, "after_commit", read_back)
    try:
        runs.run_payouts()
    finally:
        event.remove(Session, "after_commit", read_back)

    assert (PayoutStatus.PAID, None) not in committed
    assert committed[-1][0] is PayoutStatus.PAID and committed[-1][1].startswith("tr_")


def test_a_crash_while_recording_the_payment_leaves_it_to_the_next_run_which_finds_the_transfer(
        producer, monkeypatch, stripe_answers):
    transfers = stripe_answers()
    real_post = settlement.post

    def dies_on_payment(kind, *args, **kwargs):
        if kind is EntryKind.PAYOUT_PAID:
            raise SystemExit("killed before commit")
        return real_post(kind, *args, **kwargs)
    monkeypatch.setattr(settlement, "post", dies_on_payment)
    with pytest.raises(SystemExit):
        runs.run_payouts()
    monkeypatch.setattr(settlement, "post", real_post)

    [payout] = payouts_of(producer)
    assert (payout.status, payout.stripe_transfer_id, payout.bank_reference) == (PayoutStatus.IN_TRANSIT, None, "")
    runs.run_payouts()

    [payout] = payouts_of(producer)
    assert (payout.status, payout.stripe_transfer_id) == (PayoutStatus.PAID, transfers.made[0]["id"])
    assert len(transfers.calls) == 1
    assert balances(producer) == (0, 0, producer.earned_vnd)


# --- settled by someone else meanwhile ----------------------------------------------------------

def test_an_unknown_outcome_does_not_overwrite_a_payment_recorded_meanwhile(producer, monkeypatch, stripe_answers):
    stripe_answers()

    def another_run_pays_it_first(**transfer):
        settlement.mark_paid(transfer["payout_id"], "tr_from_the_other_run", stripe_transfer_id="tr_from_the_other_run")
        raise stripe_connect.TransferOutcomeUnknown("Request to Stripe timed out.")
    monkeypatch.setattr(stripe_connect, "transfer", another_run_pays_it_first)

    [payout] = runs.run_payouts().payouts

    assert (payout.status, payout.stripe_transfer_id, payout.failure_reason) == (
        PayoutStatus.PAID, "tr_from_the_other_run", "")
    assert settlements_of(payout.id) == [EntryKind.PAYOUT_PAID]
    assert balances(producer) == (0, 0, producer.earned_vnd)


def test_a_transfer_made_for_a_payout_an_admin_failed_meanwhile_is_flagged_on_the_payout(
        producer, monkeypatch, stripe_answers):
    transfers = stripe_answers()
    real_transfer = stripe_connect.transfer

    def admin_fails_it_during_the_call(**transfer):
        settlement.mark_failed(transfer["payout_id"], "Sai tài khoản")
        return real_transfer(**transfer)
    monkeypatch.setattr(stripe_connect, "transfer", admin_fails_it_during_the_call)

    [payout] = runs.run_payouts().payouts

    assert (payout.status, payout.stripe_transfer_id) == (PayoutStatus.FAILED, None)
    assert payout.failure_reason == (
        f"Stripe made transfer {transfers.made[0]['id']} for this payout after it was marked failed: reverse it at "
        "Stripe, or the producer is paid twice. Failed because: Sai tài khoản")
    assert settlements_of(payout.id) == [EntryKind.PAYOUT_FAILED]


# --- reconciling explicitly ----------------------------------------------------------------------------

def test_reconciling_settles_only_connect_payouts_still_waiting_for_stripe(producer, stripe_answers):
    transfers = stripe_answers(MadeThenLost(TIMED_OUT))
    on_the_bank_rail = ProductFactory(variant__price_vnd=250_000, variant__stock_quantity=10)
    give_bank_account(on_the_bank_rail.producer)
    deliver(place_paid_order(UserFactory(), on_the_bank_rail.variants[0]).sub_orders[0])
    release_all_delivered()
    waiting, bank_transfer = runs.run_payouts().payouts

    settled = connect_rail.reconcile_connect_payouts()
    again = connect_rail.reconcile_connect_payouts()

    assert [(p.id, p.status) for p in settled] == [(waiting.id, PayoutStatus.PAID)]
    assert again == []
    assert db.session.get(Payout, bank_transfer.id).status is PayoutStatus.IN_TRANSIT
    assert (len(transfers.calls), len(transfers.list_calls)) == (1, 1)


def test_the_cli_reconciles_and_says_what_is_still_waiting(app, runner, producer, stripe_answers):
    stripe_answers(TIMED_OUT, SERVER_ERROR)
    [payout] = runs.run_payouts().payouts

    result = runner.invoke(args=["payouts", "reconcile"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Checked 1 Connect payouts at Stripe: 0 paid, 0 failed, 1 still in transit."
    assert result.output.splitlines()[1].startswith(f"  payout {payout.id}: Stripe's answer to attempt 1 is unknown")
