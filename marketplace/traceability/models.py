"""What traceability keeps: how often each stamp was scanned (anonymously, per
day), and the lots producers printed stamps for before any display point
received them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.database import UTCDateTime, utcnow
from marketplace.errors import N_, NotFound
from marketplace.extensions import db


class UnknownCode(NotFound):
    """A GTIN or lot our stamps never carried (a typo, a stamp from elsewhere, or a counterfeit)."""
    code, message = "unknown_trace_code", N_("No product with this code is traced here.")


class UnknownGtin(UnknownCode):
    pass


class UnknownLot(UnknownCode):
    code, message = "unknown_lot", N_("No lot with this code is known for this product.")


class TraceScan(db.Model):
    """Opens of a trace page, per variant, lot ("" for the product's own page) and day in Vietnam.
    Nothing about who scanned is kept: no address, no account, no cookie, no user agent."""

    __tablename__ = "trace_scans"
    __table_args__ = (sa.CheckConstraint("scans > 0", name="scans_positive"),)

    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True)
    lot_code: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    scans: Mapped[int] = mapped_column(default=1)


class StampedLot(db.Model):
    """A lot a producer printed stamps for, with the expiry printed on them. A lot received at a
    display point is known from its Lot rows; this makes a stamp printed at packing time, before
    any delivery, open its trace page too."""

    __tablename__ = "stamped_lots"

    variant_id: Mapped[int] = mapped_column(sa.ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True)
    lot_code: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    expires_on: Mapped[date | None]
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
