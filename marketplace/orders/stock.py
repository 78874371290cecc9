"""Online stock: taken at checkout, given back on cancellation or expiry.

Rows are locked in primary-key order, so two checkouts touching the same
variants always queue in the same order and cannot deadlock. The lock is FOR
NO KEY UPDATE, not FOR UPDATE: taking stock changes no key, and FOR UPDATE
would also conflict with the foreign-key share lock that every insert of a row
referring to the variant (a cart line, an order line) takes on it, which is
how a checkout and a concurrent add-to-cart deadlocked (issue #10). What is
available is computed inside the lock, and every shortage is reported before
anything is written. The decrement itself is conditional (stock >= quantity),
so stock can never go negative even where row locks are ignored (SQLite).
"""

from collections import Counter

import sqlalchemy as sa

from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.producers.models import Producer, ProducerStatus


class InsufficientStock(Conflict):
    code = "insufficient_stock"

    def __init__(self, shortages: list[dict]):
        super().__init__(
            "Some items are no longer available in the quantity asked for.",
            errors={"lines": {str(s["variant_id"]): [s["reason"]] for s in shortages}},
        )
        self.shortages = shortages


def lock(variant_ids) -> None:
    """Lock these variant rows as reserve does (it then finds them already
    locked), and refresh the session's copies, so that what is read of them
    next (their prices) is what the order will be made of."""
    db.session.scalars(
        sa.select(Variant).where(Variant.id.in_(sorted(variant_ids))).order_by(Variant.id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE (see above)
        .execution_options(populate_existing=True)).all()


def reserve(quantities: dict[int, int]) -> dict[int, Variant]:
    """Take `quantities` (variant id → units) from online stock, all or nothing.

    Returns the locked variants by id. Raises InsufficientStock listing every
    line that cannot be served (inactive, unpublished or short).
    """
    ids = sorted(quantities)
    rows = db.session.execute(
        sa.select(Variant, Product.status, Producer.status)
        .join(Product, Variant.product_id == Product.id).join(Producer, Product.producer_id == Producer.id)
        .where(Variant.id.in_(ids)).order_by(Variant.id)
        .with_for_update(of=Variant, key_share=True)  # FOR NO KEY UPDATE (see above)
        .execution_options(populate_existing=True)  # the locked rows' values, not the session's stale copies
    ).all()
    variants = {v.id: v for v, _p, _s in rows}
    shortages = []
    for variant_id in ids:
        wanted = quantities[variant_id]
        row = next((r for r in rows if r[0].id == variant_id), None)
        if row is None or not row[0].is_active or row[1] is not ProductStatus.ACTIVE \
                or row[2] is not ProducerStatus.APPROVED:
            shortages.append({"variant_id": variant_id, "requested": wanted, "available": 0,
                              "reason": "No longer on sale."})
        elif row[0].stock_quantity < wanted:
            left = row[0].stock_quantity
            shortages.append({"variant_id": variant_id, "requested": wanted, "available": left,
                              "reason": f"Only {left} left." if left else "Out of stock."})
    if shortages:
        raise InsufficientStock(shortages)
    for variant_id in ids:
        variant = variants[variant_id]
        sold_out = variant.stock_quantity == quantities[variant_id]  # its listing is no longer in stock
        taken = db.session.execute(
            sa.update(Variant).where(Variant.id == variant_id, Variant.stock_quantity >= quantities[variant_id])
            .values(stock_quantity=Variant.stock_quantity - quantities[variant_id])
            .execution_options(synchronize_session=False,
                               changed_products=frozenset({variant.product_id} if sold_out else ()))
        ).rowcount
        if taken != 1:  # only reachable where FOR UPDATE is a no-op and a concurrent writer won
            raise InsufficientStock([{"variant_id": variant_id, "requested": quantities[variant_id],
                                      "available": 0, "reason": "Just sold out."}])
    for variant in variants.values():
        db.session.refresh(variant, ["stock_quantity"])
    return variants


def release(quantities: Counter | dict[int, int]) -> None:
    """Give units back to online stock (cancellation, expiry), in primary-key order."""
    # Locked and read first: a variant back in stock from none changes its listing.
    before = {row.id: row for row in db.session.execute(
        sa.select(Variant.id, Variant.product_id, Variant.stock_quantity).where(Variant.id.in_(sorted(quantities)))
        .order_by(Variant.id).with_for_update(key_share=True))}
    for variant_id in sorted(quantities):
        row = before.get(variant_id)
        back_in_stock = row is not None and row.stock_quantity == 0 and quantities[variant_id] > 0
        db.session.execute(
            sa.update(Variant).where(Variant.id == variant_id)
            .values(stock_quantity=Variant.stock_quantity + quantities[variant_id])
            .execution_options(synchronize_session=False,
                               changed_products=frozenset({row.product_id} if back_in_stock else ()))
        )
