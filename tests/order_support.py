"""Helpers shared by the cart, checkout, order and fulfilment tests."""

import itertools

import sqlalchemy as sa

from marketplace.catalog.models import Variant
from marketplace.extensions import db

# Hà Nội: another socio-economic region than the factories' Điện Biên producers.
ADDRESS = {"recipient_name": "Trần Thu Hà", "phone": "0912345678", "province_code": 1, "ward_code": 70,
           "street_address": "12 Hàng Bạc"}
LAI_CHAU, LAI_CHAU_WARD = 12, 3637  # the same region as Điện Biên
FEES = {"same_province": 20_000, "same_region": 30_000, "other_region": 45_000}

_keys = itertools.count(1)


def new_key() -> str:
    return f"checkout-key-{next(_keys):06d}"


def address(**overrides) -> dict:
    return {**ADDRESS, **overrides}


def put_line(client, headers, variant_id: int, quantity: int = 1):
    return client.put(f"/api/v1/cart/lines/{variant_id}", json={"quantity": quantity}, headers=headers)


def checkout(client, headers, method: str = "cod", key: str | None = None, **body):
    body = {"payment_method": method, "shipping_address": ADDRESS, **body}
    return client.post("/api/v1/checkout", json=body, headers={**headers, "Idempotency-Key": key or new_key()})


def place_order(client, headers, *lines, method: str = "cod", **body) -> dict:
    """Fill the cart with (variant_id, quantity) pairs or variant ids, check out, return the order."""
    for line in lines:
        variant_id, quantity = line if isinstance(line, tuple) else (line, 1)
        assert put_line(client, headers, variant_id, quantity).status_code == 200
    response = checkout(client, headers, method, **body)
    assert response.status_code == 201, response.json
    return response.json


def stock_of(variant_id: int) -> int:
    """The stock as stored, read past the session's identity map."""
    return db.session.execute(sa.select(Variant.__table__.c.stock_quantity)
                              .where(Variant.__table__.c.id == variant_id)).scalar_one()


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def portal_orders(producer_id: int, sub_order_id: int | None = None, action: str | None = None) -> str:
    url = f"/api/v1/portal/producers/{producer_id}/orders"
    if sub_order_id is not None:
        url += f"/{sub_order_id}"
    return f"{url}/{action}" if action else url


def part_of(order: dict, producer_id: int) -> dict:
    return next(s for s in order["sub_orders"] if s["producer"]["id"] == producer_id)


def moves(sub_order: dict) -> list[tuple]:
    """A sub-order's history as (from, to, actor)."""
    return [(h["from_status"], h["to_status"], h["actor"]) for h in sub_order["history"]]


def see_other_commits() -> None:
    """End this session's transaction, so the next read sees what other threads
    (the webhook's) committed. Unlike session.remove(), objects stay attached."""
    db.session.commit()
