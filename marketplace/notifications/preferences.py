"""Which notifications an account receives (security mail is not theirs to switch off)."""

import sqlalchemy as sa

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.kinds import KINDS, choosable
from marketplace.notifications.models import NotificationOptOut
from marketplace.producers.models import ProducerMember


def audiences_of(user: User) -> set[str]:
    audiences = {"shopper"}
    if db.session.scalar(sa.select(ProducerMember.id).where(ProducerMember.user_id == user.id).limit(1)):
        audiences.add("producer")
    if user.is_admin:
        audiences.add("admin")
    return audiences


def preferences_of(user: User) -> dict[str, bool]:
    """Every kind this account may choose, and whether it is on; in KINDS' order."""
    off = set(db.session.scalars(sa.select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)))
    return {kind: kind not in off for kind in choosable(audiences_of(user))}


def set_preferences(user: User, wanted: set[str], locale: str | None = None) -> dict[str, bool]:
    """Keep the kinds in `wanted` on and switch off the other choosable ones; set the mail language."""
    kinds = choosable(audiences_of(user))
    db.session.execute(sa.delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    db.session.add_all(NotificationOptOut(user_id=user.id, kind=k) for k in kinds if k not in wanted)
    if locale:
        user.locale = locale
    db.session.commit()
    return preferences_of(user)


__all__ = ["KINDS", "audiences_of", "preferences_of", "set_preferences"]
