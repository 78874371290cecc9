"""Access rule for display-point operators: the caller must be assigned to the
point named by `point_id` in the URL. Anyone else gets a 404."""

import sqlalchemy as sa

from marketplace.access import Rule
from marketplace.extensions import db
from marketplace.showrooms.models import PointNotFound, PointOperator


def is_operator(user_id: int, point_id: int) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PointOperator).where(
        PointOperator.user_id == user_id, PointOperator.point_id == point_id)) > 0


def _require_operator(user, view_kwargs):
    if not is_operator(user.id, view_kwargs["point_id"]):
        raise PointNotFound()


POINT_OPERATOR = Rule("point_operator", check=_require_operator, allows=frozenset({"operator"}), refusals=(401, 404))
