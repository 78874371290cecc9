"""Access rules for the producer portal: the caller must be a member of the
producer named by `producer_id` in the URL."""

import sqlalchemy as sa
from flask import g

from marketplace.access import Rule
from marketplace.extensions import db
from marketplace.producers.models import MemberRole, OwnersOnly, ProducerMember, ProducerNotFound


def membership_of(user_id: int, producer_id: int) -> ProducerMember | None:
    return db.session.scalar(
        sa.select(ProducerMember).where(ProducerMember.user_id == user_id, ProducerMember.producer_id == producer_id)
    )


def _require_membership(owner_only: bool, admins_too: bool = False):
    def check(user, view_kwargs):
        if admins_too and user.is_admin:
            g.membership = membership_of(user.id, view_kwargs["producer_id"])
            return
        membership = membership_of(user.id, view_kwargs["producer_id"])
        # Outsiders get 404, not 403: a pending producer's existence is nobody else's business.
        if membership is None:
            raise ProducerNotFound()
        if owner_only and membership.role is not MemberRole.OWNER:
            raise OwnersOnly()
        g.membership = membership

    return check


PRODUCER_MEMBER = Rule("producer_member", check=_require_membership(owner_only=False),
                       allows=frozenset({"owner", "staff"}), refusals=(401, 404), raises=(ProducerNotFound,))
PRODUCER_OWNER = Rule("producer_owner", check=_require_membership(owner_only=True),
                      allows=frozenset({"owner"}), refusals=(401, 403, 404), raises=(ProducerNotFound, OwnersOnly))
# Private files of a producer (a certificate's decision document): its members, and the
# admins who verify them.
PRODUCER_MEMBER_OR_ADMIN = Rule("producer_member_or_admin",
                                check=_require_membership(owner_only=False, admins_too=True), allows=frozenset({"owner", "staff", "admin"}), refusals=(401, 404),
                                raises=(ProducerNotFound,))
