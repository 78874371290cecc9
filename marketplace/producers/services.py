"""Producer use cases: applying, profiles, members, approval. One transaction each."""

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import User
from marketplace.accounts.services import find_user_by_email
from marketplace import audit
from marketplace.database import transactional, utcnow
from marketplace.errors import N_, Conflict
from marketplace import events
from marketplace.extensions import db
from marketplace.pagination import paginate
from marketplace.producers.models import (AlreadyMember, MemberNotFound, MemberRole, NoSlugFromName, NoSuchAccount,
                                          OwnersOnly, Producer, ProducerMember, ProducerNotFound, ProducerStatus)
from marketplace.text import slugify


class SlugTaken(Conflict):
    code, message = "slug_taken", N_("This slug is already used.")

    def __init__(self):
        super().__init__(errors={"json": {"slug": [N_("This slug is already used.")]}})


def _ensure_slug_free(slug: str, producer_id: int | None = None) -> None:
    clash = db.session.scalar(sa.select(Producer.id).where(Producer.slug == slug))
    if clash is not None and clash != producer_id:
        raise SlugTaken()


def slug_from_name(name: str) -> str:
    """The slug a name folds to ("Hợp tác xã Ong mật" → "hop-tac-xa-ong-mat").

    Raises InvalidInput when the name has too few Latin letters or digits to
    make one (e.g. "???"), rather than store an empty, unreachable slug.
    """
    slug = slugify(name)
    if len(slug) < 2:
        raise NoSlugFromName()
    return slug


def get_producer(producer_id: int) -> Producer:
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise ProducerNotFound()
    return producer


@transactional
def apply(user: User, data: dict) -> Producer:
    """Register a producer for review. The applicant becomes its owner; it starts pending.

    Raises SlugTaken.
    """
    slug = data.pop("slug", None) or slug_from_name(data["name"])
    _ensure_slug_free(slug)
    producer = Producer(slug=slug, status=ProducerStatus.PENDING, **data)
    producer.members.append(ProducerMember(user_id=user.id, role=MemberRole.OWNER))
    db.session.add(producer)
    db.session.flush()
    events.publish("producer.applied", producer=producer)
    return producer


@transactional
def update_profile(producer_id: int, changes: dict) -> Producer:
    """Raises SlugTaken."""
    producer = get_producer(producer_id)
    if "slug" in changes:
        _ensure_slug_free(changes["slug"], producer.id)
    if "province_code" in changes and "ward_code" not in changes:
        changes["ward_code"] = None  # the old ward belongs to the old province
    for name, value in changes.items():
        setattr(producer, name, value)
    return producer


def producers_of(user: User) -> list[ProducerMember]:
    return db.session.scalars(
        sa.select(ProducerMember).where(ProducerMember.user_id == user.id).order_by(ProducerMember.producer_id)
    ).all()


def list_members(producer_id: int) -> list[ProducerMember]:
    return db.session.scalars(
        sa.select(ProducerMember).where(ProducerMember.producer_id == producer_id).order_by(ProducerMember.id)
    ).all()


def _get_member(producer_id: int, member_id: int) -> ProducerMember:
    member = db.session.get(ProducerMember, member_id)
    if member is None or member.producer_id != producer_id:
        raise MemberNotFound()
    return member


def _lock_members(producer_id: int) -> Producer:
    """Lock the producer's row, then read its members afresh.

    Every change to the member set (adding, changing a role, removing) takes
    this lock first, so two changes run one after the other and the second
    sees what the first committed: two owners demoting each other at once
    leave one owner, not none.

    Raises NotFound.
    """
    # FOR NO KEY UPDATE (key_share): as exclusive as needed between member
    # changes, without blocking inserts elsewhere that merely reference the
    # producer (products, order parts take a key-share lock on this row).
    producer = db.session.scalar(
        sa.select(Producer).where(Producer.id == producer_id).with_for_update(key_share=True, of=Producer)
        .execution_options(populate_existing=True)
    )
    if producer is None:
        raise ProducerNotFound()
    # populate_existing: members already in the session (the actor's, read by
    # the access rule) are re-read too, not served from before the lock.
    members = db.session.scalars(
        sa.select(ProducerMember).where(ProducerMember.producer_id == producer_id)
        .execution_options(populate_existing=True)
    ).all()
    set_committed_value(producer, "members", members)
    return producer


def _ensure_still_owner(producer: Producer, acting_user_id: int | None) -> None:
    """The access rule read the actor's membership before the lock; check it
    again after. Raises Forbidden if they stopped being an owner meanwhile."""
    if acting_user_id is not None and not any(
            m.user_id == acting_user_id and m.role is MemberRole.OWNER for m in producer.members):
        raise OwnersOnly()


@transactional
def add_member(producer_id: int, email: str, role: MemberRole, acting_user_id: int | None = None) -> ProducerMember:
    """Give an existing account a role at this producer.

    Raises ProducerNotFound, NoSuchAccount, AlreadyMember, OwnersOnly (the actor stopped being an owner).
    """
    _ensure_still_owner(_lock_members(producer_id), acting_user_id)
    user = find_user_by_email(email)
    if user is None:
        raise NoSuchAccount()
    if db.session.scalar(sa.select(ProducerMember.id).where(
            ProducerMember.producer_id == producer_id, ProducerMember.user_id == user.id)):
        raise AlreadyMember()
    member = ProducerMember(producer_id=producer_id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    return member


@transactional
def change_member_role(producer_id: int, member_id: int, role: MemberRole,
                       acting_user_id: int | None = None) -> ProducerMember:
    """Raises ProducerNotFound, MemberNotFound, LastOwner, OwnersOnly (the actor stopped being an owner)."""
    producer = _lock_members(producer_id)
    member = _get_member(producer_id, member_id)
    if role is not MemberRole.OWNER:
        producer.ensure_keeps_an_owner(member)
    _ensure_still_owner(producer, acting_user_id)
    member.role = role
    return member


@transactional
def remove_member(producer_id: int, member_id: int, acting_user_id: int | None = None) -> None:
    """Raises ProducerNotFound, MemberNotFound, LastOwner, OwnersOnly (the actor stopped being an owner)."""
    producer = _lock_members(producer_id)
    member = _get_member(producer_id, member_id)
    producer.ensure_keeps_an_owner(member)
    _ensure_still_owner(producer, acting_user_id)
    db.session.delete(member)


# --- admin -------------------------------------------------------------------

def list_for_admin(status: ProducerStatus | None, page: int, per_page: int):
    stmt = sa.select(Producer).order_by(Producer.created_at.desc(), Producer.id.desc())
    if status:
        stmt = stmt.where(Producer.status == status)
    return paginate(stmt, page, per_page)


@transactional
def approve(producer_id: int) -> Producer:
    """Raises ProducerNotFound, InvalidProducerTransition."""
    producer = get_producer(producer_id)
    was = producer.status
    producer.approve(utcnow())
    audit.record("producer.approved", "producer", producer.id, name=producer.name, was=was)
    return producer


@transactional
def suspend(producer_id: int, reason: str) -> Producer:
    """Raises ProducerNotFound, InvalidProducerTransition."""
    producer = get_producer(producer_id)
    was = producer.status
    producer.suspend(reason)
    audit.record("producer.rejected" if was is ProducerStatus.PENDING else "producer.suspended", "producer",
                 producer.id, name=producer.name, was=was, reason=reason)
    return producer


def memberships_for_roles(user: User) -> list[dict]:
    return [
        {"producer_id": m.producer_id, "producer_name": m.producer.name, "producer_slug": m.producer.slug,
         "producer_status": m.producer.status.value, "role": m.role.value}
        for m in producers_of(user)
    ]
