"""Which products' search documents a transaction changes, found from the writes themselves.

No domain tells search anything. Every write to a table that feeds the search
document (search/documents.py) is seen here, in one of two ways:

- ORM writes (objects added, changed or deleted, then flushed): after each
  flush, the attribute history of every Product, Variant, Producer, PointStock
  and DisplayPoint in it says whether a field that the document holds changed
  (WATCHED). Stock counts are the exception: a sale that leaves stock on the
  shelf changes no document, so a count is noted only when it crosses zero
  (empties or fills the shelf), which keeps checkout and the till off the index.
- Bulk statements (session.execute(sa.update(Variant)...), INSERT, DELETE, ORM
  or Core) skip the flush, so they must say what they change:
  ``.execution_options(changed_products=ids)``, the ids of the products whose
  public listing the statement changes (possibly none). A bulk write to a
  watched table without it raises UndeclaredBulkWrite before it runs, so a new
  write path cannot forget search: its first test fails.

What is noted is kept in the session until its transaction commits (or is
forgotten when it rolls back); search/service.py then turns it into outbox rows
or, with the embedded backend, into fresh documents, in the same transaction.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from marketplace.catalog.models import Product, Variant
from marketplace.producers.models import Producer
from marketplace.showrooms.models import DisplayPoint, PointStock

DECLARATION = "changed_products"
_KEY = "search_changes"

# The attributes of each model that a search document holds (directly or through
# a derived value: verified stars, certificate validity, region, place names).
# A change to any other attribute changes no document.
WATCHED = {
    Product: frozenset({"name", "description", "group", "ocop_stars", "ocop_verified_at", "ocop_issued_on",
                        "ocop_valid_until", "origin_province_code", "origin_ward_code", "certifications",
                        "status", "producer_id", "created_at"}),
    Variant: frozenset({"price_vnd", "is_active", "product_id"}),          # and stock_quantity across zero
    Producer: frozenset({"name", "slug", "legal_type", "status"}),
    PointStock: frozenset({"point_id", "variant_id"}),                     # and on_hand across zero
    DisplayPoint: frozenset({"status", "province_code"}),
}
COUNTS = {Variant: "stock_quantity", PointStock: "on_hand"}
WATCHED_TABLES = frozenset(model.__tablename__ for model in WATCHED)


class UndeclaredBulkWrite(RuntimeError):
    """A bulk statement wrote to a table that feeds the search document without
    declaring which products it changes (see the module docstring)."""

    def __init__(self, table: str):
        super().__init__(f"A bulk write to {table!r} feeds the search document: declare the products it changes "
                         f"with .execution_options({DECLARATION}=product_ids) (an empty set if none).")


@dataclass
class Changes:
    """What a transaction changed, resolved to product ids at commit."""

    products: set[int] = field(default_factory=set)
    producers: set[int] = field(default_factory=set)   # all their products
    variants: set[int] = field(default_factory=set)    # their product
    points: set[int] = field(default_factory=set)      # the products on their shelves

    def __bool__(self) -> bool:
        return bool(self.products or self.producers or self.variants or self.points)


def changes(session: Session) -> Changes:
    return session.info.setdefault(_KEY, Changes())


def note_products(session: Session, product_ids) -> None:
    """Mark products as changed by hand (a script, a test); writes are noted without it."""
    changes(session).products.update(product_ids)


def take(session: Session) -> set[int]:
    """The ids of the products changed so far in this transaction, and forget them.
    Call it after a flush, so that the last changes have been noted."""
    noted = session.info.pop(_KEY, None)
    if not noted:
        return set()
    ids = set(noted.products)
    if noted.producers:
        ids.update(session.scalars(sa.select(Product.id).where(Product.producer_id.in_(noted.producers))))
    if noted.variants:
        ids.update(session.scalars(sa.select(Variant.product_id).where(Variant.id.in_(noted.variants))))
    if noted.points:
        ids.update(session.scalars(
            sa.select(Variant.product_id).join(PointStock, PointStock.variant_id == Variant.id)
            .where(PointStock.point_id.in_(noted.points), PointStock.on_hand > 0).distinct()))
    return ids


# --- ORM writes ----------------------------------------------------------------

@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    # After the flush, new rows have their ids and attribute history still shows
    # what this flush wrote.
    noted = None
    for objects, kind in ((session.new, "new"), (session.dirty, "dirty"), (session.deleted, "deleted")):
        for obj in objects:
            model = type(obj)
            if model not in WATCHED:
                continue
            state = sa.inspect(obj)
            if kind == "dirty" and not _changed(state, model):
                continue
            noted = noted or changes(session)
            _note(noted, obj, state, kind)


def _changed(state, model) -> bool:
    attrs = state.attrs
    if any(attrs[name].history.has_changes() for name in WATCHED[model]):
        return True
    return model in COUNTS and _crossed_zero(attrs[COUNTS[model]].history)


def _crossed_zero(history) -> bool:
    if not history.has_changes():
        return False
    if not history.deleted or not history.added:  # the old value was never loaded: assume it did
        return True
    old, new = history.deleted[0], history.added[0]
    if not isinstance(old, int) or not isinstance(new, int):  # a SQL expression: unknown
        return True
    return (old > 0) != (new > 0)


def _note(noted: Changes, obj, state, kind: str) -> None:
    if isinstance(obj, Product):
        noted.products.add(obj.id)
    elif isinstance(obj, Variant):
        noted.products.update(_values(state, "product_id"))
    elif isinstance(obj, Producer):
        if kind != "new":  # a new producer has no products yet
            noted.producers.add(obj.id)
    elif isinstance(obj, PointStock):
        if kind == "dirty" or obj.on_hand:  # a new or deleted empty balance shows nowhere
            noted.variants.update(_values(state, "variant_id"))
    elif isinstance(obj, DisplayPoint):
        if kind != "new":  # a new point has nothing on its shelves yet
            noted.points.add(obj.id)


def _values(state, name: str) -> set:
    """The attribute's value now and, if this flush changed it, before."""
    history = state.attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


# --- bulk statements -------------------------------------------------------------

@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if table is None or table.name not in WATCHED_TABLES:
        return
    declared = state.execution_options.get(DECLARATION)
    if declared is None:
        raise UndeclaredBulkWrite(table.name)
    if declared:
        changes(state.session).products.update(declared)


# --- the transaction ends ----------------------------------------------------------

@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back (or closed) transaction changed nothing. A savepoint's
    changes are kept: reindexing a product that did not change is harmless."""
    if transaction.parent is None:
        session.info.pop(_KEY, None)
