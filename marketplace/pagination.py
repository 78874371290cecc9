"""Run a SELECT one page at a time."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.schemas import Page


def paginate(stmt: sa.Select, page: int, per_page: int) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, total, page, per_page)
