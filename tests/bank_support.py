"""Helpers for the incoming-transfer tests: signed notifications and bank-transfer orders."""

import itertools
import json
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.banking.models import BankTransaction
from marketplace.banking.signature import signature_of
from marketplace.clock import VIETNAM_TZ
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.order_support import place_order

INCOMING = "/api/v1/bank/incoming-transfers"
SECRET = "test-bank-webhook-secret"  # config.TestConfig
_references = itertools.count(1)


def new_bank_reference() -> str:
    return f"FT26339{next(_references):06d}"


def notification(order: dict | None = None, amount: int | None = None, description: str | None = None,
                 reference: str | None = None, **fields) -> dict:
    """A transfer as the bank-notification service reports it: for `order` (its total and
    its reference in the description, as a banking app writes it) unless told otherwise."""
    return {"bank_reference": reference or new_bank_reference(),
            "amount_vnd": amount if amount is not None else order["total_vnd"],
            "description": description if description is not None else
            f"MBVCB.8812345.{order['transfer_reference']}.CT tu 0071000123456 TRAN THU HA",
            "occurred_at": datetime.now(VIETNAM_TZ).replace(microsecond=0).isoformat(), **fields}


def send(client, body: dict, secret: str | None = SECRET, signature: str | None = None):
    """POST the body as the service does: raw JSON, signed with `secret` (None: unsigned)."""
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Signature"] = signature
    elif secret is not None:
        headers["X-Signature"] = signature_of(raw, secret)
    return client.post(INCOMING, data=raw, headers=headers)


def transfer_order(client, headers, variant_id: int, quantity: int = 1) -> dict:
    """A bank-transfer order as the API answered it, its reference also at "transfer_reference"."""
    order = place_order(client, headers, (variant_id, quantity), method="bank_transfer")
    return {**order, "transfer_reference": order["payment"]["bank_transfer"]["reference"]}


def transactions() -> list[BankTransaction]:
    db.session.expire_all()
    return db.session.scalars(sa.select(BankTransaction).order_by(BankTransaction.id)).all()


def expire(order: dict, runner) -> None:
    """Let the order's reservation run out, and the expiry job give its stock back."""
    db.session.get(Order, order["id"]).reserved_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["orders", "expire-reservations"])
    assert result.exit_code == 0, result.output
