"""A payment's status changes only through its transition methods, which refuse
an illegal move by name (no database)."""

from datetime import datetime, timezone

import pytest

from marketplace.payments.models import (IllegalPaymentTransition, IntentOutcome, NotBankTransfer, Payment,
                                         PaymentAlreadySucceeded, PaymentMethod, PaymentStatus,
                                         TransferAlreadyConfirmed, TransferTooLate, WrongTransferAmount)

P, M = PaymentStatus, PaymentMethod
NOW = datetime(2026, 12, 3, 4, 30, tzinfo=timezone.utc)


def payment(status: PaymentStatus = P.PENDING, method: PaymentMethod = M.CARD, **fields) -> Payment:
    return Payment(**{"status": status, "method": method, "amount_vnd": 545_000, "refunded_vnd": 0,
                      "failure_message": "", "bank_reference": "", **fields})


@pytest.mark.parametrize("status", [P.PENDING, P.FAILED])
@pytest.mark.parametrize("method", list(M))
def test_an_open_payment_is_paid_with_its_time_and_forgets_the_last_failure(status, method):
    p = payment(status, method, failure_message="Your card was declined.")

    p.mark_paid(NOW)

    assert (p.status, p.paid_at, p.failure_message) == (P.SUCCEEDED, NOW, "")


@pytest.mark.parametrize("method", list(M))
def test_a_payment_is_never_paid_twice(method):
    p = payment(P.SUCCEEDED, method, paid_at=NOW)

    with pytest.raises(PaymentAlreadySucceeded):
        p.mark_paid(datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert p.paid_at == NOW


def test_a_cancelled_card_payment_can_still_be_received_as_the_shopper_paid_as_it_expired():
    p = payment(P.CANCELLED, M.CARD)

    p.mark_paid(NOW)

    assert p.status is P.SUCCEEDED


@pytest.mark.parametrize("method", [M.COD, M.BANK_TRANSFER])
def test_a_cancelled_cash_or_transfer_payment_cannot_be_received(method):
    with pytest.raises(IllegalPaymentTransition):
        payment(P.CANCELLED, method).mark_paid(NOW)


@pytest.mark.parametrize("status", [P.PENDING, P.FAILED])
def test_an_open_payment_can_be_cancelled(status):
    p = payment(status)

    p.cancel()

    assert p.status is P.CANCELLED and not p.is_open


@pytest.mark.parametrize("status, error", [(P.SUCCEEDED, PaymentAlreadySucceeded),
                                           (P.CANCELLED, IllegalPaymentTransition)])
def test_a_received_or_cancelled_payment_cannot_be_cancelled(status, error):
    p = payment(status)

    with pytest.raises(error):
        p.cancel()
    assert p.status is status


def test_a_declined_card_fails_with_its_message_and_stays_open():
    p = payment()

    p.fail("Your card was declined." * 50)

    assert p.status is P.FAILED and p.is_open and len(p.failure_message) == 500


@pytest.mark.parametrize("status", [P.SUCCEEDED, P.CANCELLED])
def test_a_closed_payment_cannot_fail(status):
    with pytest.raises(IllegalPaymentTransition):
        payment(status).fail("declined")


@pytest.mark.parametrize("start, intent_status, last_error, outcome, end", [
    (P.PENDING, "succeeded", "", IntentOutcome.SUCCEEDED, P.SUCCEEDED),
    (P.FAILED, "succeeded", "", IntentOutcome.SUCCEEDED, P.SUCCEEDED),
    (P.CANCELLED, "succeeded", "", IntentOutcome.SUCCEEDED, P.SUCCEEDED),
    (P.SUCCEEDED, "succeeded", "", None, P.SUCCEEDED),            # a replay changes nothing
    (P.PENDING, "cancelled", "", IntentOutcome.CANCELLED, P.CANCELLED),
    (P.FAILED, "cancelled", "", IntentOutcome.CANCELLED, P.CANCELLED),
    (P.CANCELLED, "cancelled", "", None, P.CANCELLED),
    (P.SUCCEEDED, "cancelled", "", None, P.SUCCEEDED),             # money received is never undone by it
    (P.PENDING, "requires_payment_method", "declined", IntentOutcome.FAILED, P.FAILED),
    (P.PENDING, "requires_payment_method", "", None, P.PENDING),   # not yet attempted
    (P.PENDING, "processing", "", None, P.PENDING),
])
def test_the_intents_state_as_stripe_reports_it_is_applied_once(start, intent_status, last_error, outcome, end):
    p = payment(start)

    assert p.apply_intent_status(intent_status, last_error, NOW) == outcome
    assert p.status is end


def test_a_transfer_is_received_for_exactly_the_order_total_with_its_bank_reference():
    p = payment(method=M.BANK_TRANSFER)

    p.receive_transfer(545_000, "FT26337123", NOW)

    assert (p.status, p.paid_at, p.bank_reference) == (P.SUCCEEDED, NOW, "FT26337123")


@pytest.mark.parametrize("method, status, amount, error", [
    (M.CARD, P.PENDING, 545_000, NotBankTransfer),
    (M.BANK_TRANSFER, P.SUCCEEDED, 545_000, TransferAlreadyConfirmed),
    (M.BANK_TRANSFER, P.CANCELLED, 545_000, TransferTooLate),
    (M.BANK_TRANSFER, P.PENDING, 544_999, WrongTransferAmount),
])
def test_a_transfer_is_refused_by_name(method, status, amount, error):
    p = payment(status, method)

    with pytest.raises(error):
        p.receive_transfer(amount, "FT1", NOW)
    assert p.status is status


def test_cancelled_is_spelled_as_everywhere_else_in_the_api():
    assert P.CANCELLED.value == "cancelled"
    assert not hasattr(P, "CANCELED")
