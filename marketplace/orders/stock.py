"""Online stock: taken at checkout, given back on cancellation or expiry.

Rows are locked in primary-key order, so two checkouts touching the same
variants always queue in the same order and cannot deadlock. The lock is FOR
NO KEY UPDATE, not FOR UPDATE: taking stock changes no key, and FOR UPDATE
would also conflict with the foreign-key share lock that every insert of a row
referring to the variant (a cart line, an order line) takes on it, which is
how a checkout and a concurrent add-to-cart deadlocked (issue #10). What is
available is computed inside the lock, and every shortage is reported before
anything is written. The decrement itself is conditional (stock >= quantity),
so stock can never go negative even where row locks are ignored (SQLite): one
UPDATE takes every line (take_statement), and checkout fails as a whole unless
it changed every row.
"""

import functools
from collections import Counter

import sqlalchemy as sa

from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.errors import N_, Conflict
from marketplace.extensions import db
from marketplace.producers.models import Producer, ProducerStatus


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, shortages: list[dict]):
        super().__init__(
            N_("Some items are no longer available in the quantity asked for."),
            errors={"lines": {str(s["variant_id"]): [s["reason"]] for s in shortages}},
        )
        self.shortages = shortages


# What decides whether a locked variant can be sold, and what an order line
# copies from it: plain columns, read with the lock (no ORM objects to build).
AVAILABILITY = (Variant.id, Variant.product_id, Variant.label, Variant.price_vnd, Variant.stock_quantity,
                Variant.is_active, Product.name.label("product_name"), Product.group.label("product_group"),
                Product.status.label("product_status"), Product.producer_id,
                Producer.status.label("producer_status"), Producer.province_code.label("producer_province_code"))


def locking(statement: sa.Select) -> sa.Select:
    """`statement`, a SELECT over variants (and whatever it joins them to),
    with the variants' AVAILABILITY columns, their products and producers
    joined, and the variant rows locked as reserve needs them: FOR NO KEY
    UPDATE (see above), in id order. Build it once and run it with lock()."""
    return (statement.add_columns(*AVAILABILITY)
            .join(Product, Product.id == Variant.product_id).join(Producer, Producer.id == Product.producer_id)
            .order_by(Variant.id).with_for_update(of=Variant, key_share=True))


def lock(statement: sa.Select, parameters: dict) -> dict[int, sa.Row]:
    """Run a statement made by locking(): the variant rows are locked until the
    transaction ends, and read as they are once locked, so what is read of them
    (their prices, whether they are on sale, their stock) is what the order is
    made of. Returns the rows by variant id, for reserve."""
    return {row.id: row for row in db.session.connection().execute(statement, parameters)}


def reserve(quantities: dict[int, int], locked: dict[int, sa.Row]) -> dict[int, int]:
    """Take `quantities` (variant id → units) from online stock, all or nothing.

    `locked` is what lock() returned for these variants earlier in this
    transaction. Returns the stock left of each variant. Raises
    InsufficientStock listing every line that cannot be served (inactive,
    unpublished or short).
    """
    ids = sorted(quantities)
    shortages = []
    for variant_id in ids:
        wanted, variant = quantities[variant_id], locked.get(variant_id)
        if variant is None or not variant.is_active or variant.product_status is not ProductStatus.ACTIVE \
                or variant.producer_status is not ProducerStatus.APPROVED:
            shortages.append({"variant_id": variant_id, "requested": wanted, "available": 0,
                              "reason": N_("No longer on sale.")})
        elif variant.stock_quantity < wanted:
            left = variant.stock_quantity
            shortages.append({"variant_id": variant_id, "requested": wanted, "available": left,
                              "reason": N_("Only {left} left.", left=left) if left else N_("Out of stock.")})
    if shortages:
        raise InsufficientStock(shortages)
    # A product whose variant sells out here is no longer in stock in search.
    sold_out = frozenset(locked[v].product_id for v in ids if locked[v].stock_quantity == quantities[v])
    left = dict(db.session.execute(take_statement(len(ids)), take_parameters(quantities),
                                   execution_options={"changed_products": sold_out}).all())
    short = [variant_id for variant_id in ids if variant_id not in left]
    if short:  # only reachable where row locks are a no-op (SQLite) and a concurrent writer won
        raise InsufficientStock([{"variant_id": variant_id, "requested": quantities[variant_id],
                                  "available": 0, "reason": N_("Just sold out.")} for variant_id in short])
    return left


@functools.cache
def take_statement(lines: int) -> sa.Update:
    """One UPDATE that takes the units of `lines` lines (bound as variant_0,
    units_0, variant_1, ...), each only where the stock covers it (so stock
    never goes negative, even without row locks); it returns (id, stock left)
    of the rows it changed. Every line must be among them, or the caller raises
    and the transaction rolls back. The rows are already locked, in primary-key
    order, by lock(): the order in which this statement touches them cannot
    matter. Built once per number of lines; run it with the products whose
    search document it changes declared (search/tracking.py)."""
    table = Variant.__table__
    variants = [sa.bindparam(f"variant_{i}", type_=sa.Integer) for i in range(lines)]
    units = sa.case(*[(table.c.id == variant, sa.bindparam(f"units_{i}", type_=sa.Integer))
                      for i, variant in enumerate(variants)])
    return (sa.update(table).where(table.c.id.in_(variants), table.c.stock_quantity >= units)
            .values(stock_quantity=table.c.stock_quantity - units)
            .returning(table.c.id, table.c.stock_quantity))


def take_parameters(quantities: dict[int, int]) -> dict[str, int]:
    """The parameters of take_statement(len(quantities)) for these lines."""
    parameters = {}
    for i, variant_id in enumerate(sorted(quantities)):
        parameters[f"variant_{i}"], parameters[f"units_{i}"] = variant_id, quantities[variant_id]
    return parameters


def release(quantities: Counter | dict[int, int]) -> None:
    """Give units back to online stock (cancellation, expiry), in primary-key
    order: one statement per variant, so the row locks are taken in that order
    (a single multi-row UPDATE locks in whatever order it scans)."""
    # Locked and read first: a variant back in stock from none changes its listing.
    before = {row.id: row for row in db.session.execute(
        sa.select(Variant.id, Variant.product_id, Variant.stock_quantity).where(Variant.id.in_(sorted(quantities)))
        .order_by(Variant.id).with_for_update(key_share=True))}
    for variant_id in sorted(quantities):
        row = before.get(variant_id)
        back_in_stock = row is not None and row.stock_quantity == 0 and quantities[variant_id] > 0
        db.session.execute(release_statement(variant_id, quantities[variant_id],
                                             frozenset({row.product_id} if back_in_stock else ())))


def release_statement(variant_id: int, units: int, changed_products: frozenset = frozenset()) -> sa.Update:
    return (sa.update(Variant).where(Variant.id == variant_id)
            .values(stock_quantity=Variant.stock_quantity + units)
            .execution_options(synchronize_session=False, changed_products=changed_products))
