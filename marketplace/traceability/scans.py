"""Anonymous scan counts: one counter per (variant, lot, day in Vietnam), and the
producer's totals over a period for the portal's dashboard."""

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.traceability.models import TraceScan

# Crawlers, link previews and monitors announce themselves; counting them would say nothing
# about people holding a pack. (A browser's user agent is read here and never stored.)
_ROBOTS = re.compile(r"bot|crawl|spider|slurp|preview|facebookexternalhit|zalo.*link|curl|wget|python-requests"
                     r"|httpclient|monitor|headless", re.IGNORECASE)


def looks_like_a_robot(user_agent: str) -> bool:
    return not user_agent or bool(_ROBOTS.search(user_agent))


def count_scan(variant_id: int, lot_code: str | None, day: date) -> None:
    """One more scan today. An upsert, so two scans at once both count (PostgreSQL locks the row
    for the increment; SQLite has one writer at a time). Runs in the caller's transaction."""
    table = TraceScan.__table__
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(variant_id=variant_id, lot_code=lot_code or "", day=day, scans=1)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.variant_id, table.c.lot_code, table.c.day],
        set_={"scans": table.c.scans + 1}))


@dataclass(frozen=True)
class ScanCount:
    product_name: str
    variant_label: str
    lot_code: str  # "" for scans of the product's own page
    scans: int


def producer_scans(producer_id: int, since: date, limit: int = 10) -> list[ScanCount]:
    """A producer's most scanned stamps (product and lot) since `since`, most first."""
    total = sa.func.sum(TraceScan.scans).label("scans")
    rows = db.session.execute(
        sa.select(Product.name, Variant.label, TraceScan.lot_code, total)
        .join(Variant, Variant.id == TraceScan.variant_id).join(Product, Product.id == Variant.product_id)
        .where(Product.producer_id == producer_id, TraceScan.day >= since)
        .group_by(Product.name, Variant.id, Variant.label, TraceScan.lot_code)
        .order_by(total.desc(), Product.name, Variant.label, TraceScan.lot_code).limit(limit)
    ).all()
    return [ScanCount(*row) for row in rows]
