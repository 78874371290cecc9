"""Admins set up display points, assign operators and agree consignments."""

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.services import find_user_by_email
from marketplace import audit
from marketplace.database import transactional
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.producers.services import get_producer
from marketplace.showrooms import movements
from marketplace.showrooms.models import (AlreadyOperator, Consignment, DisplayPoint, NoAccountWithEmail,
                                          OperatorNotFound, PointOperator, PointStock, StockNotFound)


def get_point(point_id: int) -> DisplayPoint:
    """Any point, open or not. Raises PointNotFound."""
    return movements.point_even_if_closed(point_id)


def list_points(status, province, page: int, per_page: int):
    stmt = sa.select(DisplayPoint).order_by(DisplayPoint.id)
    if status:
        stmt = stmt.where(DisplayPoint.status == status)
    if province:
        stmt = stmt.where(DisplayPoint.province_code == province)
    return paginate(stmt, page, per_page)


@transactional
def create_point(data: dict) -> DisplayPoint:
    point = DisplayPoint(**data)
    db.session.add(point)
    db.session.flush()
    audit.record("display_point.created", "display_point", point.id, **data)
    return point


@transactional
def update_point(point_id: int, changes: dict) -> DisplayPoint:
    point = get_point(point_id)
    if "province_code" in changes and "ward_code" not in changes:
        changes["ward_code"] = None
    for name, value in changes.items():
        setattr(point, name, value)
    audit.record("display_point.updated", "display_point", point.id, **changes)
    return point


def operators_of(point_id: int) -> list[PointOperator]:
    get_point(point_id)
    return db.session.scalars(sa.select(PointOperator).where(PointOperator.point_id == point_id)
                              .order_by(PointOperator.id)).all()


@transactional
def assign_operator(point_id: int, email: str, lead: bool = False) -> PointOperator:
    """Raises PointNotFound, NoAccountWithEmail, AlreadyOperator."""
    get_point(point_id)
    user = find_user_by_email(email)
    if user is None:
        raise NoAccountWithEmail()
    if db.session.scalar(sa.select(PointOperator.id).where(PointOperator.point_id == point_id,
                                                           PointOperator.user_id == user.id)):
        raise AlreadyOperator()
    operator = PointOperator(point_id=point_id, user_id=user.id, is_lead=lead)
    db.session.add(operator)
    db.session.flush()
    audit.record("point_operator.assigned", "display_point", point_id, user_id=user.id, email=user.email, lead=lead)
    return operator


@transactional
def set_operator_lead(point_id: int, user_id: int, lead: bool) -> PointOperator:
    """Raises OperatorNotFound."""
    operator = _operator(point_id, user_id)
    operator.is_lead = lead
    audit.record("point_operator.lead_changed", "display_point", point_id, user_id=user_id, lead=lead)
    return operator


@transactional
def remove_operator(point_id: int, user_id: int) -> None:
    db.session.delete(_operator(point_id, user_id))
    audit.record("point_operator.removed", "display_point", point_id, user_id=user_id)


def _operator(point_id: int, user_id: int) -> PointOperator:
    operator = db.session.scalar(sa.select(PointOperator).where(PointOperator.point_id == point_id,
                                                                PointOperator.user_id == user_id))
    if operator is None:
        raise OperatorNotFound()
    return operator


def consignments_of(point_id: int) -> list[Consignment]:
    get_point(point_id)
    return db.session.scalars(sa.select(Consignment).where(Consignment.point_id == point_id)
                              .order_by(Consignment.producer_id)).all()


@transactional
def set_consignment(point_id: int, producer_id: int, commission_rate_bps: int, active: bool) -> Consignment:
    """Agree (or change, or end) what a point carries from a producer and the commission it keeps."""
    get_point(point_id)
    get_producer(producer_id)
    consignment = db.session.scalar(sa.select(Consignment).where(Consignment.point_id == point_id,
                                                                 Consignment.producer_id == producer_id))
    if consignment is None:
        consignment = Consignment(point_id=point_id, producer_id=producer_id)
        db.session.add(consignment)
    consignment.commission_rate_bps, consignment.active = commission_rate_bps, active
    db.session.flush()
    audit.record("consignment.set", "display_point", point_id, producer_id=producer_id,
                 commission_rate_bps=commission_rate_bps, active=active)
    return consignment


@transactional
def set_low_stock_threshold(point_id: int, variant_id: int, threshold: int) -> PointStock:
    stock = db.session.get(PointStock, (point_id, variant_id))
    if stock is None:
        raise StockNotFound()
    stock.low_stock_threshold = threshold
    return stock


@dataclass(frozen=True)
class PointOverview:
    """What the admin's page of one point shows: the point, who operates it, who consigns to it."""

    point: DisplayPoint
    operators: list[PointOperator]
    consignments: list[Consignment]


def point_overview(point_id: int) -> PointOverview:
    """Raises PointNotFound."""
    return PointOverview(get_point(point_id), operators_of(point_id), consignments_of(point_id))
