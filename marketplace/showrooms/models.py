"""Display points (điểm giới thiệu và bán sản phẩm OCOP), their consignment
stock in lots, and every movement of that stock.

On-hand stock is the sum of movements, but it is read from balances (Lot.on_hand
and PointStock.on_hand) kept in the same transaction as each movement, so no
read ever sums history.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.catalog.models import Variant
from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.errors import N_, Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.producers.models import Producer


# --- what the showrooms' use cases refuse ------------------------------------------
# Field errors on lines are keyed by the line's index in the request, as strings.

class PointNotFound(NotFound):
    code, message = "point_not_found", N_("No such display point.")


class PointNotOpen(Conflict):
    code, message = "point_not_active", N_("This display point is not open.")


class OperatorNotFound(NotFound):
    code, message = "operator_not_found", N_("Not an operator of this point.")


class AlreadyOperator(Conflict):
    code, message = "already_operator", N_("Already an operator of this point.")


class NoAccountWithEmail(InvalidInput):
    message = N_("No account uses this email.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"email": [self.message]})


class StockNotFound(NotFound):
    code, message = "stock_not_found", N_("This point has never held this variant.")


class UnknownVariants(InvalidInput):
    message = N_("Unknown variants.")  # code: validation_error

    def __init__(self, variant_ids):
        super().__init__(errors={"lines": {str(i): [N_("No such variant.")] for i in variant_ids}})


class NotConsigned(Conflict):
    """The point does not carry a producer's products: for a whole delivery, or (`lines`) for some sale lines."""

    code, message = "not_consigned", N_("This point does not carry this producer's products.")

    def __init__(self, lines: list[int] | None = None):
        super().__init__(N_("Some items are not on consignment here.") if lines else None,
                         errors={"lines": {str(i): [self.message] for i in lines}} if lines else None)


class LinesRefused(InvalidInput):
    """Lines of a movement that break a rule (another producer's variant, a
    perishable without expiry, an expired lot, a lot code with another expiry,
    an adjustment that would add stock, a lot the point does not hold)."""

    message = N_("Some lines cannot be moved.")  # code: validation_error

    def __init__(self, errors_by_line: dict[int, list | dict], message: str | None = None):
        super().__init__(message, errors={"lines": {str(i): e for i, e in errors_by_line.items()}})


class SamePoint(InvalidInput):
    message = N_("A transfer goes to another point.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"to_point_id": [N_("Choose another point.")]})


class NotCarriedThere(LinesRefused):
    """Lines of a transfer whose producer the receiving point does not carry: it could hold them but not sell them."""

    message = N_("The receiving point does not carry some of these products.")  # code: validation_error

    def __init__(self, lines: list[int]):
        super().__init__({i: [N_("The receiving point does not carry this producer's products.")] for i in lines})
        self.lines = lines


class TransferNotFound(NotFound):
    code, message = "transfer_not_found", N_("No such transfer for this point.")


class TransferAlreadyReceived(Conflict):
    code, message = "already_received", N_("This transfer was already received.")


class MoreCashThanHeld(InvalidInput):
    message = N_("More cash than the point holds.")  # code: validation_error

    def __init__(self, held_vnd: int):
        self.held_vnd = held_vnd
        super().__init__(N_("The point holds {held_vnd} đồng in cash.", held_vnd=held_vnd),
                         errors={"amount_vnd": [N_("At most {held_vnd} đồng is held.", held_vnd=held_vnd)]})


class PointType(enum.StrEnum):
    OCOP_CENTRE = "ocop_centre"
    SHOWROOM = "showroom"
    STATION_KIOSK = "station_kiosk"
    AIRPORT_KIOSK = "airport_kiosk"
    SUPERMARKET_CORNER = "supermarket_corner"
    TOURIST_SITE = "tourist_site"
    CRAFT_VILLAGE = "craft_village"
    POST_OFFICE = "post_office"
    OTHER = "other"


DEFAULT_MAX_DISCOUNT_BPS = 3000  # at the till, 30 % off at most unless a lead operator approves


class PointStatus(enum.StrEnum):
    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"


class DisplayPoint(db.Model):
    __tablename__ = "display_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    point_type: Mapped[PointType] = mapped_column(enum_column(PointType, 30))
    province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    ward_code: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.code"))
    street_address: Mapped[str] = mapped_column(sa.String(200), default="")
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    opening_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    status: Mapped[PointStatus] = mapped_column(enum_column(PointStatus), default=PointStatus.ACTIVE, index=True)
    # The largest discount an operator may give at the till (basis points); above it the lead approves.
    max_discount_bps: Mapped[int] = mapped_column(default=DEFAULT_MAX_DISCOUNT_BPS,
                                                  server_default=str(DEFAULT_MAX_DISCOUNT_BPS))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    province = relationship("Province", lazy="joined")
    ward = relationship("Ward", lazy="joined")


class PointOperator(db.Model):
    __tablename__ = "point_operators"
    __table_args__ = (sa.UniqueConstraint("point_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())  # approves large discounts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    point: Mapped[DisplayPoint] = relationship()
    user: Mapped[User] = relationship(lazy="joined")


class Consignment(db.Model):
    """A producer whose products the point carries, and the commission the point keeps."""

    __tablename__ = "consignments"
    __table_args__ = (
        sa.UniqueConstraint("point_id", "producer_id"),
        sa.CheckConstraint("commission_rate_bps BETWEEN 0 AND 5000", name="rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id", ondelete="CASCADE"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    commission_rate_bps: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    producer: Mapped[Producer] = relationship(lazy="joined")


class PointStock(db.Model):
    """On-hand units of a variant at a point: the running balance of its movements."""

    __tablename__ = "point_stock"
    __table_args__ = (sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),)

    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id", ondelete="CASCADE"), primary_key=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id"), primary_key=True, index=True)
    on_hand: Mapped[int] = mapped_column(default=0)
    low_stock_threshold: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    variant: Mapped[Variant] = relationship(lazy="joined")

    @property
    def is_low(self) -> bool:
        return self.on_hand <= self.low_stock_threshold


class Lot(db.Model):
    """Units of one variant received together at a point, with one expiry date."""

    __tablename__ = "lots"
    __table_args__ = (
        sa.UniqueConstraint("point_id", "variant_id", "lot_code"),
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        sa.Index("ix_lots_point_expiry", "point_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id"), index=True)
    lot_code: Mapped[str] = mapped_column(sa.String(60))
    expires_on: Mapped[date | None]
    on_hand: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    variant: Mapped[Variant] = relationship(lazy="joined")


class MovementKind(enum.StrEnum):
    RECEIPT = "receipt"                  # from a producer, with a delivery note
    SALE = "sale"                        # at the till
    RETURN_TO_PRODUCER = "return_to_producer"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ADJUSTMENT = "adjustment"            # damaged, expired, lost, count correction


class AdjustmentReason(enum.StrEnum):
    DAMAGED = "damaged"
    EXPIRED = "expired"
    LOST = "lost"
    COUNT_CORRECTION = "count_correction"


class OverrideReason(enum.StrEnum):
    DAMAGED_PACK = "damaged_pack"
    NEAR_EXPIRY = "near_expiry"
    PROMOTION = "promotion"
    OTHER = "other"  # with a note


class SalePayment(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"


class StockMovement(db.Model):
    __tablename__ = "stock_movements"
    __table_args__ = (
        sa.UniqueConstraint("point_id", "idempotency_key"),
        sa.Index("ix_stock_movements_point_created", "point_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id", ondelete="CASCADE"))
    kind: Mapped[MovementKind] = mapped_column(enum_column(MovementKind, 30), index=True)
    reference: Mapped[str] = mapped_column(sa.String(80), default="")  # delivery note, sale number
    reason: Mapped[AdjustmentReason | None] = mapped_column(enum_column(AdjustmentReason))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    transfer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_transfers.id"), index=True)
    payment_method: Mapped[SalePayment | None] = mapped_column(enum_column(SalePayment))
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(255))
    request_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A sale's lead operator who approved a discount above the point's limit.
    approved_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A cash sale's amount the customer handed over (None: not recorded), for the change on its receipt.
    cash_tendered_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lines: Mapped[list["MovementLine"]] = relationship(back_populates="movement", order_by="MovementLine.id",
                                                       cascade="all")

    @property
    def change_vnd(self) -> int | None:
        """The change a cash sale gave back (None when the amount tendered was not recorded)."""
        return None if self.cash_tendered_vnd is None else self.cash_tendered_vnd - self.total_vnd


class MovementLine(db.Model):
    __tablename__ = "stock_movement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_movements.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id"), index=True)
    quantity: Mapped[int]  # + into the point, − out of it
    unit_price_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # A sale line's listing price when the till changed it, and why (price_override.py).
    listing_price_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    override_reason: Mapped[OverrideReason | None] = mapped_column(enum_column(OverrideReason, 20))
    override_note: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    line_total_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    commission_rate_bps: Mapped[int] = mapped_column(default=0)
    commission_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    movement: Mapped[StockMovement] = relationship(back_populates="lines")
    lot: Mapped[Lot] = relationship(lazy="joined")


class TransferStatus(enum.StrEnum):
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"


class StockTransfer(db.Model):
    __tablename__ = "stock_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id"), index=True)
    to_point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id"), index=True)
    status: Mapped[TransferStatus] = mapped_column(enum_column(TransferStatus), default=TransferStatus.IN_TRANSIT)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lines: Mapped[list["TransferLine"]] = relationship(back_populates="transfer", order_by="TransferLine.id",
                                                       cascade="all")


class TransferLine(db.Model):
    __tablename__ = "stock_transfer_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_transfers.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id"), index=True)
    lot_code: Mapped[str] = mapped_column(sa.String(60))
    expires_on: Mapped[date | None]
    quantity_sent: Mapped[int]
    quantity_received: Mapped[int | None]

    transfer: Mapped[StockTransfer] = relationship(back_populates="lines")
    variant: Mapped[Variant] = relationship(lazy="joined")

    @property
    def discrepancy(self) -> int | None:
        return None if self.quantity_received is None else self.quantity_sent - self.quantity_received


class CashHandover(db.Model):
    """Cash taken at a point, handed over to the platform."""

    __tablename__ = "cash_handovers"
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("display_points.id", ondelete="CASCADE"), index=True)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    reference: Mapped[str] = mapped_column(sa.String(120), default="")
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Not stored: the cash the point held just before, set by operations.hand_over_cash (for the
    # page that shows what was expected beside what was counted).
    held_before_vnd = None

    @property
    def difference_vnd(self) -> int | None:
        """Counted less expected: 0 when all the cash held was handed over, negative when short; None: not known."""
        return None if self.held_before_vnd is None else self.amount_vnd - self.held_before_vnd
