"""The jobs that failed for good outside RQ: in-process jobs after their retries,
and jobs that could not be handed to Redis at all. RQ keeps its own failures
in its FailedJobRegistry."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.database import UTCDateTime, utcnow
from marketplace.extensions import db


class FailedJobRecord(db.Model):
    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kwargs: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=1)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Set when an admin runs it again: kept, not deleted, so an id never comes back
    # as another job's (SQLite reuses the highest rowid) and a repeated "run again" finds nothing.
    run_again_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
