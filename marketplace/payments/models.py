"""Payments for orders (one per order), refunds, and Stripe events already handled.

This package sits below orders: it knows money, Stripe and the payment's own
states, never an order's parts. Payment.order_id and Refund.sub_order_id are
foreign keys by table name; the ORM relationships to orders are defined from
the orders side (orders.models).
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.errors import N_, Conflict, InvalidInput
from marketplace.extensions import db


class PaymentMethod(enum.StrEnum):
    CARD = "card"                    # Stripe
    COD = "cod"                      # cash on delivery
    BANK_TRANSFER = "bank_transfer"  # chuyển khoản / VietQR


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"        # awaiting the shopper (card), the transfer, or the courier's cash
    SUCCEEDED = "succeeded"
    FAILED = "failed"          # the last attempt failed; the shopper may retry until the reservation expires
    CANCELLED = "cancelled"    # Stripe spells it "canceled"; the gateway maps it


class IllegalPaymentTransition(Conflict):
    code, message = "illegal_payment_transition", N_("The payment cannot make this change in its current state.")


class PaymentAlreadySucceeded(IllegalPaymentTransition):
    code, message = "already_paid", N_("This payment has already been received.")


class NotBankTransfer(Conflict):
    code, message = "not_bank_transfer", N_("This order is not paid by bank transfer.")


class TransferAlreadyConfirmed(PaymentAlreadySucceeded):
    message = N_("This transfer was already confirmed.")


class TransferTooLate(Conflict):
    code, message = ("order_expired",
                     N_("The order expired before the transfer was confirmed; return the money to the sender."))


class WrongTransferAmount(InvalidInput):
    def __init__(self, total_vnd: int):
        super().__init__(N_("The order total is {total_vnd} đồng.", total_vnd=total_vnd),
                         errors={"amount_vnd": [N_("Must equal the order total, {total_vnd} đồng.", total_vnd=total_vnd)]})


class RefundTooLarge(InvalidInput):
    def __init__(self, limit_vnd: int):
        message = f"At most {limit_vnd} đồng can still be refunded."
        super().__init__(message, errors={"amount_vnd": [message]})


P = PaymentStatus

# from → the statuses a payment may move to. A card payment may still succeed
# after its order was cancelled (the shopper paid as it expired): the money is
# recorded, and the order refunds it in full.
PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    P.PENDING: frozenset({P.SUCCEEDED, P.FAILED, P.CANCELLED}),
    P.FAILED: frozenset({P.SUCCEEDED, P.FAILED, P.CANCELLED}),
    P.CANCELLED: frozenset({P.SUCCEEDED, P.PENDING}),  # pending again: reopen()
    P.SUCCEEDED: frozenset(),
}


class IntentOutcome(enum.StrEnum):
    """What a PaymentIntent's state changed in our payment (see Payment.apply_intent_status)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint("refunded_vnd >= 0 AND refunded_vnd <= amount_vnd", name="refund_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus), default=PaymentStatus.PENDING)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    stripe_client_secret: Mapped[str | None] = mapped_column(sa.String(255))
    bank_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    failure_message: Mapped[str] = mapped_column(sa.String(500), default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    refunds: Mapped[list["Refund"]] = relationship(back_populates="payment", order_by="Refund.id")

    # --- transitions: the only writers of status (unit-tested without a database) ---

    def _move(self, target: PaymentStatus) -> None:
        if target not in PAYMENT_TRANSITIONS[self.status]:
            if self.status is PaymentStatus.SUCCEEDED:
                raise PaymentAlreadySucceeded()
            raise IllegalPaymentTransition(N_("A {method} payment cannot go from {status} to {target}.", method=self.method, status=self.status, target=target))
        self.status = target

    def mark_paid(self, now: datetime, bank_reference: str = "") -> None:
        """The money arrived (card, transfer) or every live part's cash was collected (COD).

        Raises PaymentAlreadySucceeded; IllegalPaymentTransition for a cancelled
        payment other than a card's (only a card can still be paid once cancelled).
        """
        if self.status is PaymentStatus.CANCELLED and self.method is not PaymentMethod.CARD:
            raise IllegalPaymentTransition(N_("A cancelled {method} payment cannot be received.", method=self.method))
        self._move(PaymentStatus.SUCCEEDED)
        self.paid_at, self.failure_message = now, ""
        if bank_reference:
            self.bank_reference = bank_reference

    def fail(self, message: str) -> None:
        """The last attempt failed (a declined card); it can be retried. Raises IllegalPaymentTransition."""
        self._move(PaymentStatus.FAILED)
        self.failure_message = message[:500]

    def cancel(self) -> None:
        """No money will be taken: the order expired or all of it was cancelled. Raises IllegalPaymentTransition."""
        self._move(PaymentStatus.CANCELLED)

    def reopen(self) -> None:
        """A bank transfer that arrived after its order expired, whose stock an
        admin has reserved again: the payment awaits that transfer once more.
        Raises NotBankTransfer; IllegalPaymentTransition unless it was cancelled."""
        if self.method is not PaymentMethod.BANK_TRANSFER:
            raise NotBankTransfer()
        if self.status is not PaymentStatus.CANCELLED:
            raise IllegalPaymentTransition(N_("Only a cancelled payment can be reopened."))
        self._move(PaymentStatus.PENDING)

    def receive_transfer(self, amount_vnd: int, bank_reference: str, now: datetime) -> None:
        """An admin saw the transfer arrive. Raises NotBankTransfer, TransferAlreadyConfirmed,
        TransferTooLate (the order expired first), WrongTransferAmount."""
        if self.method is not PaymentMethod.BANK_TRANSFER:
            raise NotBankTransfer()
        if self.status is PaymentStatus.SUCCEEDED:
            raise TransferAlreadyConfirmed()
        if self.status is PaymentStatus.CANCELLED:
            raise TransferTooLate()
        if amount_vnd != self.amount_vnd:
            raise WrongTransferAmount(self.amount_vnd)
        self.mark_paid(now, bank_reference)

    @property
    def refundable_vnd(self) -> int:
        return self.amount_vnd - self.refunded_vnd

    @property
    def is_open(self) -> bool:
        """Still awaiting the money."""
        return self.status in (PaymentStatus.PENDING, PaymentStatus.FAILED)

    def apply_intent_status(self, intent_status: str, last_error: str, now: datetime) -> IntentOutcome | None:
        """Bring the payment in line with its PaymentIntent's state as Stripe
        reports it now (statuses as the gateway maps them). Idempotent: a state
        already applied, or one that needs nothing of us, returns None."""
        if intent_status == "succeeded" and self.status is not PaymentStatus.SUCCEEDED:
            self.mark_paid(now)
            return IntentOutcome.SUCCEEDED
        if intent_status == "cancelled" and self.is_open:
            self.cancel()
            return IntentOutcome.CANCELLED
        if intent_status == "requires_payment_method" and last_error and self.status is PaymentStatus.PENDING:
            self.fail(last_error)
            return IntentOutcome.FAILED
        return None


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    sub_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sub_orders.id"), index=True)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A refund made in Stripe that no part could unambiguously take (sub_order_id
    # is NULL): nobody has decided whose goods it paid back, so the earnings of the
    # order's parts are held, neither released nor paid out, until an admin allocates it.
    awaiting_allocation: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Set on a share an admin allocated of such a refund to a part: the refund's
    # cost moves from the platform to that part's producer. No money moves, so a
    # share is not counted again in Payment.refunded_vnd.
    allocated_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("refunds.id"), index=True)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class StripeEvent(db.Model):
    """Every Stripe event id we have processed. Replays and duplicates find their id here."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RejectedStripeEvent(db.Model):
    """A webhook that was signed with our secret but could not be read as the
    event it claims to be (no id, no data.object, a field of the wrong type).
    It was answered 400 and changed nothing; it is kept here, with the reason,
    for a person to look at. A redelivery of it is recorded again."""

    __tablename__ = "rejected_stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    event_type: Mapped[str | None] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.String(500))
    payload: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
