"""Commission rates: a default, one per OCOP product group, and an override per producer."""

from datetime import datetime

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

