"""Carts, orders split per producer, their lines, and every status change."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.catalog.models import Variant
from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace import events
from marketplace.extensions import db
from marketplace.orders.lifecycle import (Actor, OrderStatus, SubOrderStatus, check_transition,
                                          derive_order_status)
from marketplace.payments.models import Payment, PaymentMethod  # payments sit below orders
from marketplace.producers.models import Producer

__all__ = ["Cart", "CartLine", "Order", "OrderLine", "PaymentMethod", "SavedAddress", "StatusChange", "SubOrder"]


class Cart(db.Model):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list["CartLine"]] = relationship(back_populates="cart", cascade="all, delete-orphan",
                                                   order_by="CartLine.id")


class CartLine(db.Model):
    __tablename__ = "cart_lines"
    __table_args__ = (
        sa.UniqueConstraint("cart_id", "variant_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(sa.ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id"))
    quantity: Mapped[int]
    # The price the shopper last saw; checkout refuses if the price has moved since.
    price_seen_vnd: Mapped[int] = mapped_column(sa.BigInteger)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    variant: Mapped[Variant] = relationship(lazy="joined")


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (sa.UniqueConstraint("user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    items_total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    recipient_name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20))
    province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"))
    ward_code: Mapped[int] = mapped_column(sa.ForeignKey("wards.code"))
    street_address: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    idempotency_key: Mapped[str] = mapped_column(sa.String(255))
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64))
    transfer_reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    reserved_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    sub_orders: Mapped[list["SubOrder"]] = relationship(back_populates="order", order_by="SubOrder.id",
                                                        cascade="all, delete-orphan")
    province = relationship("Province", lazy="joined")
    ward = relationship("Ward", lazy="joined")
    # Defined from this side, so payments.models needs nothing of orders: Payment.order is its backref.
    payment: Mapped[Payment] = relationship(uselist=False, backref=backref("order", uselist=False))

    @property
    def status(self) -> OrderStatus:
        return derive_order_status([s.status for s in self.sub_orders])


class SubOrder(db.Model):
    """One producer's part of an order: fulfilled, paid out and refunded on its own."""

    __tablename__ = "sub_orders"
    __table_args__ = (
        sa.CheckConstraint("refunded_vnd >= 0 AND refunded_vnd <= total_vnd", name="refund_within_total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    status: Mapped[SubOrderStatus] = mapped_column(enum_column(SubOrderStatus), index=True)
    items_total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_fee_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # The platform's commission on the items, fixed at checkout from the rates then in force.
    commission_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    refunded_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    carrier: Mapped[str] = mapped_column(sa.String(80), default="")
    tracking_number: Mapped[str] = mapped_column(sa.String(80), default="")
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    cash_collected_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    cash_collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="sub_orders")
    producer: Mapped[Producer] = relationship(lazy="joined")
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="sub_order", order_by="OrderLine.id",
                                                    cascade="all, delete-orphan")
    history: Mapped[list["StatusChange"]] = relationship(order_by="StatusChange.id", cascade="all, delete-orphan")

    def move_to(self, target: SubOrderStatus, actor: Actor, *, user_id: int | None = None,
                reason: str = "", now: datetime | None = None) -> None:
        """Make a checked transition and record who made it and when.

        Raises IllegalTransition.
        """
        check_transition(self.status, target, actor)
        now = now or utcnow()
        self.history.append(StatusChange(from_status=self.status, to_status=target, actor=actor,
                                         actor_user_id=user_id, reason=reason, created_at=now))
        self.status = target
        if target is SubOrderStatus.DELIVERED:
            self.delivered_at = now
        events.publish("sub_order.status_changed", sub_order=self, to_status=target, reason=reason)

    def record_creation(self, actor: Actor, user_id: int | None, now: datetime | None = None) -> None:
        self.history.append(StatusChange(**self.creation_record(actor, user_id, now)))

    def creation_record(self, actor: Actor, user_id: int | None, now: datetime | None = None) -> dict:
        """The first history entry's columns (checkout inserts them in bulk, once the parts have ids)."""
        record = dict(from_status=None, to_status=self.status, actor=actor, actor_user_id=user_id,
                      created_at=now or utcnow(), reason="")
        return {**record, "sub_order_id": self.id} if self.id is not None else record

    @property
    def refundable_vnd(self) -> int:
        return self.total_vnd - self.refunded_vnd


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_order_id: Mapped[int] = mapped_column(sa.ForeignKey("sub_orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    product_name: Mapped[str] = mapped_column(sa.String(200))
    variant_label: Mapped[str] = mapped_column(sa.String(80))
    unit_price_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int]
    line_total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    commission_rate_bps: Mapped[int] = mapped_column(default=0)
    commission_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    sub_order: Mapped[SubOrder] = relationship(back_populates="lines")


class StatusChange(db.Model):
    __tablename__ = "sub_order_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub_order_id: Mapped[int] = mapped_column(sa.ForeignKey("sub_orders.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[SubOrderStatus | None] = mapped_column(enum_column(SubOrderStatus, name="from_suborderstatus"))
    to_status: Mapped[SubOrderStatus] = mapped_column(enum_column(SubOrderStatus))
    actor: Mapped[Actor] = mapped_column(enum_column(Actor))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedAddress(db.Model):
    """A shipping address the shopper keeps for next time; checkout can use one by id."""

    __tablename__ = "saved_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(40), default="")
    recipient_name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20))
    province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"))
    ward_code: Mapped[int] = mapped_column(sa.ForeignKey("wards.code"))
    street_address: Mapped[str] = mapped_column(sa.String(200))
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    province = relationship("Province", lazy="joined")
    ward = relationship("Ward", lazy="joined")

    ADDRESS_FIELDS = ("recipient_name", "phone", "province_code", "ward_code", "street_address")

    def as_shipping_address(self) -> dict:
        return {field: getattr(self, field) for field in self.ADDRESS_FIELDS}
