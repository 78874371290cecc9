"""Display points, their operators and consignments, and stock received there.

Stock is only ever put on a shelf through the real receipt service, so every
lot and balance a test starts from has the movement lines that explain it.
"""

import itertools
from datetime import date

import factory
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.showrooms import operations
from marketplace.showrooms.models import (Consignment, DisplayPoint, Lot, MovementLine, PointOperator, PointStock,
                                          PointType, StockMovement)
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, Base, ProducerFactory, ProductFactory, UserFactory

_keys = itertools.count(1)


class DisplayPointFactory(Base):
    class Meta:
        model = DisplayPoint

    name = factory.Sequence(lambda n: f"Điểm giới thiệu sản phẩm OCOP số {n}")
    point_type = PointType.OCOP_CENTRE
    province_code = DIEN_BIEN
    ward_code = DIEN_BIEN_WARD
    street_address = "Số 8 đường Võ Nguyên Giáp"


class PointOperatorFactory(Base):
    class Meta:
        model = PointOperator

    point = factory.SubFactory(DisplayPointFactory)
    user = factory.SubFactory(UserFactory)


class ConsignmentFactory(Base):
    class Meta:
        model = Consignment

    class Params:
        point = factory.SubFactory(DisplayPointFactory)

    point_id = factory.SelfAttribute("point.id")
    producer = factory.SubFactory(ProducerFactory)
    commission_rate_bps = 1500
    active = True


def operator_of(point, **user_fields):
    """A new account assigned to operate `point`."""
    return PointOperatorFactory(point=point, user=UserFactory(**user_fields)).user


def consign(point, producer, commission_rate_bps: int = 1500) -> Consignment:
    return ConsignmentFactory(point=point, producer=producer, commission_rate_bps=commission_rate_bps)


def consigned_variant(point):
    """A variant of a perishable product (two years' shelf life) whose producer consigns to `point`;
    none of it on hand there yet."""
    variant = ProductFactory(shelf_life_days=730).variants[0]
    consign(point, variant.product.producer)
    return variant


def receive(point, variant, quantity: int, lot_code: str = "L01", expires_on: date | None = None):
    """Put `quantity` units of `variant` on `point`'s shelf in one lot, as a delivery would."""
    return operations.receive(point.id, None, variant.product.producer_id, f"PGH-{next(_keys):05d}",
                              [{"variant_id": variant.id, "quantity": quantity, "lot_code": lot_code,
                                "expires_on": expires_on}])


def new_key() -> str:
    return f"till-sale-{next(_keys):06d}"


def on_hand(point_id: int, variant_id: int) -> int:
    """The point's balance as stored (0 if it never held the variant)."""
    return db.session.scalar(sa.select(PointStock.__table__.c.on_hand).where(
        PointStock.__table__.c.point_id == point_id, PointStock.__table__.c.variant_id == variant_id)) or 0


def lot_balances(point_id: int, variant_id: int) -> dict[str, int]:
    """lot code → units, as stored."""
    lots = Lot.__table__.c
    return dict(db.session.execute(sa.select(lots.lot_code, lots.on_hand).where(
        lots.point_id == point_id, lots.variant_id == variant_id)).all())


def movement_sum(point_id: int, variant_id: int) -> int:
    """What the movement history says is on hand: the sum of its signed lines."""
    return int(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(MovementLine.quantity), 0)).join(StockMovement)
        .where(StockMovement.point_id == point_id, MovementLine.variant_id == variant_id)))


def ledger_mismatches() -> list[tuple]:
    """(point, variant, balance, sum of movements) wherever they disagree, plus any negative lot."""
    stock = db.session.execute(sa.select(PointStock.__table__.c.point_id, PointStock.__table__.c.variant_id,
                                         PointStock.__table__.c.on_hand)).all()
    mismatches = [(p, v, balance, movement_sum(p, v)) for p, v, balance in stock if balance != movement_sum(p, v)]
    lots = Lot.__table__.c
    by_lot = db.session.execute(
        sa.select(lots.point_id, lots.variant_id, lots.on_hand, sa.func.coalesce(sa.func.sum(MovementLine.quantity), 0))
        .outerjoin(MovementLine, MovementLine.lot_id == lots.id).group_by(lots.id)).all()
    return mismatches + [tuple(row) for row in by_lot if row[2] != row[3] or row[2] < 0]
