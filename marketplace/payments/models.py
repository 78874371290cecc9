"""Payments for orders (one per order), refunds, and Stripe events already handled."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order, PaymentMethod


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"        # awaiting the shopper (card), the transfer, or the courier's cash
    SUCCEEDED = "succeeded"
    FAILED = "failed"          # the last attempt failed; the shopper may retry until the reservation expires
    CANCELED = "canceled"


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

    order: Mapped[Order] = relationship(backref=sa.orm.backref("payment", uselist=False))
    refunds: Mapped[list["Refund"]] = relationship(back_populates="payment", order_by="Refund.id")


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
