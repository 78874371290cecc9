"""The catalogue's work handed to background jobs, and what became of it.

- PendingImage: a photo checked and stored as uploaded, awaiting its WebP
  renditions (job media.product_renditions, catalog/photo_jobs.py). It counts
  towards the product's photo limit; the job turns it into an image URL.
- ProductImport: a checked import being applied (job catalog.apply_import,
  catalog/import_jobs.py): queued, running, done (with its counts) or failed
  (with the reason, and the rows at fault when the file no longer fits).
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.catalog.images import original_key
from marketplace.catalog.models import Product
from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.extensions import db


class PendingImage(db.Model):
    __tablename__ = "pending_product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"), index=True)
    stem: Mapped[str] = mapped_column(sa.String(60), unique=True)  # the renditions' names: <stem>-<width>.webp
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(backref=backref(
        "pending_images", order_by="PendingImage.id", cascade="all, delete-orphan", passive_deletes=True))

    @property
    def original_key(self) -> str:
        """Where the upload is kept, privately, until the job is done."""
        return original_key(self.stem)


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ProductImport(db.Model):
    __tablename__ = "product_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)  # the dry run's: one import per checked file
    status: Mapped[ImportStatus] = mapped_column(enum_column(ImportStatus), default=ImportStatus.QUEUED)
    rows: Mapped[int] = mapped_column(default=0)
    products_created: Mapped[int] = mapped_column(default=0)
    products_updated: Mapped[int] = mapped_column(default=0)
    variants_created: Mapped[int] = mapped_column(default=0)
    variants_updated: Mapped[int] = mapped_column(default=0)
    row_errors: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{line, column, message}] when refused
    failure: Mapped[str] = mapped_column(sa.Text, default="")  # why it failed, for the producer
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
