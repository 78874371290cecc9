"""The same bank notification arriving several times at once, on PostgreSQL.

A notifier retries while its first attempt is still being handled; two relays
forward the same transfer. However many copies race, the transfer is recorded
once and its order confirmed once (one sale in the ledger per part), and every
copy is answered 200 with that one transaction.
"""

import json
from collections import Counter
from datetime import datetime

import pytest
import requests
import sqlalchemy as sa

from marketplace import idempotency
from marketplace.banking import intake
from marketplace.banking.intake import IncomingTransfer
from marketplace.banking.models import BankTransaction, Source
from marketplace.banking.signature import signature_of
from marketplace.clock import VIETNAM_TZ
from marketplace.extensions import db
from marketplace.payments.models import Payment, PaymentStatus
from marketplace.payouts.models import EntryKind, JournalEntry
from tests.bank_support import INCOMING, SECRET, new_bank_reference
from tests.concurrency import crashes, race
from tests.factories import ProductFactory, UserFactory
from tests.http_races import live_url, race_http  # noqa: F401  (live_url is a fixture)
from tests.money_helpers import place_order

pytestmark = pytest.mark.usefixtures("postgresql_only")

ROUNDS = 8
COPIES = 3


def signed_post(url: str, body: dict):
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-Signature": signature_of(raw, SECRET)}
    return lambda: requests.post(url, data=raw, headers=headers, timeout=30)


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def body_for(order, reference: str | None = None) -> dict:
    return {"bank_reference": reference or new_bank_reference(), "amount_vnd": order.total_vnd,
            "description": f"{order.transfer_reference} chuyen tien",
            "occurred_at": datetime.now(VIETNAM_TZ).isoformat()}


def test_copies_of_one_notification_sent_at_once_record_one_transfer_and_confirm_the_order_once(app, live_url):
    honey, tea = ProductFactory(), ProductFactory()
    answers, transaction_ids = [], []
    for _ in range(ROUNDS):
        order = place_order(UserFactory(), honey.variants[0], tea.variants[0])  # two parts: two sales each time
        body = body_for(order)

        results = race_http([signed_post(f"{live_url}{INCOMING}", body) for _ in range(COPIES)])

        assert crashes(results) == []
        answers.append(Counter((r.status_code, r.json()["status"], r.json()["duplicate"]) for r in results))
        transaction_ids.append({r.json()["id"] for r in results})
        assert db.session.get(Payment, order.payment.id).status is PaymentStatus.SUCCEEDED

    assert answers == [Counter({(200, "matched", False): 1, (200, "matched", True): COPIES - 1})] * ROUNDS
    assert all(len(ids) == 1 for ids in transaction_ids), transaction_ids
    assert count(BankTransaction) == ROUNDS
    assert count(JournalEntry, JournalEntry.kind == EntryKind.SALE) == 2 * ROUNDS


def test_two_different_transfers_for_one_order_at_once_pay_it_once_and_queue_the_other(app, live_url):
    honey = ProductFactory()
    outcomes = []
    for _ in range(ROUNDS):
        order = place_order(UserFactory(), honey.variants[0])

        results = race_http([signed_post(f"{live_url}{INCOMING}", body_for(order)) for _ in range(2)])

        assert crashes(results) == []
        outcomes.append(sorted((r.json()["status"], r.json()["reason"] or "") for r in results))

    assert outcomes == [[("matched", ""), ("queued", "already_paid")]] * ROUNDS
    assert count(JournalEntry, JournalEntry.kind == EntryKind.SALE) == ROUNDS


def test_without_the_claim_the_unique_bank_reference_still_records_one_and_answers_the_rest_as_copies(
        app, monkeypatch):
    # The last line of defence (SQLite has no advisory locks; a writer may not claim):
    # the loser's insert fails on the unique reference, its confirmation rolls back with it.
    monkeypatch.setattr(idempotency, "claim", lambda *args: None)
    honey = ProductFactory()
    outcomes = []
    for _ in range(ROUNDS):
        order = place_order(UserFactory(), honey.variants[0])
        body = body_for(order)
        transfer = IncomingTransfer(body["bank_reference"], body["amount_vnd"], body["description"],
                                    datetime.fromisoformat(body["occurred_at"]))
        db.session.commit()

        results = race(app, [lambda: intake.record(transfer, Source.WEBHOOK)] * COPIES)

        assert crashes(results) == []
        outcomes.append(Counter(r.duplicate for r in results))

    assert outcomes == [Counter({False: 1, True: COPIES - 1})] * ROUNDS
    assert count(BankTransaction) == ROUNDS
    assert count(JournalEntry, JournalEntry.kind == EntryKind.SALE) == ROUNDS
