"""Commission rates (a default, one per OCOP product group, an override per producer) and the
dated rates of the tax withheld for household businesses."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.database import UTCDateTime, utcnow
from marketplace.extensions import db


class CommissionRate(db.Model):
    """A commission rate in basis points (1000 = 10%). Scope: a product group or a producer."""

    __tablename__ = "commission_rates"
    __table_args__ = (
        sa.UniqueConstraint("scope", "key"),
        sa.CheckConstraint("rate_bps BETWEEN 0 AND 5000", name="rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(20))   # "group" | "producer"
    key: Mapped[str] = mapped_column(sa.String(40))     # the group value or the producer id
    rate_bps: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)



class WithholdingRate(db.Model):
    """The VAT and personal income tax a platform withholds on a household business's
    sales (Decree 117/2025/NĐ-CP), in basis points (100 = 1%), in force from a date
    (Vietnam time) until the next rate's. Rows are only added for dates to come, so a
    change never alters what was withheld before it."""

    __tablename__ = "withholding_rates"
    __table_args__ = (
        sa.CheckConstraint("vat_bps BETWEEN 0 AND 1000 AND pit_bps BETWEEN 0 AND 1000", name="rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(sa.Date, unique=True)
    vat_bps: Mapped[int]
    pit_bps: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
