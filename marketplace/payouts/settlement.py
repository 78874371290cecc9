"""Settling a payout in transit: the bank (or Stripe) confirmed it paid, or
it failed and its money returns to the producer's available balance. Each is
one transaction on the locked payout row, and only the first settlement of a
payout stands."""

import sqlalchemy as sa

from marketplace import audit, events
from marketplace.database import transactional, utcnow
from marketplace.locking import lock_one
from marketplace.payouts.ledger import credit, debit, post
from marketplace.payouts.models import Account, EntryKind, Payout, PayoutNotFound, PayoutNotInTransit, PayoutStatus


def _locked_payout(payout_id: int) -> Payout:
    payout = lock_one(sa.select(Payout).where(Payout.id == payout_id))
    if payout is None:
        raise PayoutNotFound()
    if payout.status is not PayoutStatus.IN_TRANSIT:
        raise PayoutNotInTransit(payout.status)
    return payout


@transactional
def mark_paid(payout_id: int, bank_reference: str, stripe_transfer_id: str | None = None) -> Payout:
    """The bank (or Stripe) confirmed the money arrived. Raises PayoutNotFound, PayoutNotInTransit."""
    payout = _locked_payout(payout_id)
    payout.status, payout.bank_reference, payout.settled_at = PayoutStatus.PAID, bank_reference, utcnow()
    payout.stripe_transfer_id = stripe_transfer_id or payout.stripe_transfer_id
    events.publish("payout.paid", payout=payout)
    post(EntryKind.PAYOUT_PAID, [debit(Account.PAYOUTS_IN_TRANSIT, payout.amount_vnd, payout.producer_id),
                                 credit(Account.SHOPPER_CLEARING, payout.amount_vnd)],
         producer_id=payout.producer_id, payout_id=payout.id, reference=f"payout-{payout.id}",
         memo=bank_reference[:300])
    audit.record("payout.marked_paid", "payout", payout.id, producer_id=payout.producer_id,
                 amount_vnd=payout.amount_vnd, bank_reference=bank_reference, stripe_transfer_id=stripe_transfer_id)
    return payout


@transactional
def mark_failed(payout_id: int, reason: str) -> Payout:
    """The transfer bounced: the money goes back to the producer's available balance.
    Raises PayoutNotFound, PayoutNotInTransit."""
    payout = _locked_payout(payout_id)
    payout.status, payout.failure_reason = PayoutStatus.FAILED, reason[:500]
    post(EntryKind.PAYOUT_FAILED, [debit(Account.PAYOUTS_IN_TRANSIT, payout.amount_vnd, payout.producer_id),
                                   credit(Account.PRODUCER_AVAILABLE, payout.amount_vnd, payout.producer_id)],
         producer_id=payout.producer_id, payout_id=payout.id, reference=f"payout-{payout.id}",
         memo=reason[:300])
    audit.record("payout.marked_failed", "payout", payout.id, producer_id=payout.producer_id,
                 amount_vnd=payout.amount_vnd, reason=reason)
    return payout
