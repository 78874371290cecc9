"""Producers (chủ thể OCOP) and the accounts that act for them."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.database import UTCDateTime, enum_column, utcnow
from marketplace.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from marketplace.extensions import db


class LegalType(enum.StrEnum):
    COOPERATIVE = "cooperative"      # hợp tác xã (HTX)
    ENTERPRISE = "enterprise"        # doanh nghiệp
    HOUSEHOLD = "household"          # hộ kinh doanh, cơ sở sản xuất


class ProducerStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SUSPENDED = "suspended"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    STAFF = "staff"


class InvalidProducerTransition(Conflict):
    code, message = "invalid_status_transition", N_("The producer cannot move to that status from its current one.")


class ProducerNotFound(NotFound):
    code, message = "producer_not_found", N_("No such producer.")


class MemberNotFound(NotFound):
    code, message = "member_not_found", N_("No such member.")


class OwnersOnly(Forbidden):
    code, message = "owner_only", N_("Only the producer's owners may do this.")


class AlreadyMember(Conflict):
    code, message = "already_member", N_("This account is already a member.")


class NoSuchAccount(InvalidInput):
    message = N_("No account uses this email; ask them to register first.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"email": [N_("No account uses this email.")]})


class NoSlugFromName(InvalidInput):
    message = N_("Could not make a slug from this name.")  # code: validation_error

    def __init__(self):
        super().__init__(errors={"slug": [N_("The name has too few letters or digits for a slug; send one.")]})


class LastOwner(Conflict):
    code, message = "last_owner", N_("A producer must keep at least one owner.")


class Producer(db.Model):
    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    legal_type: Mapped[LegalType] = mapped_column(enum_column(LegalType))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    province_code: Mapped[int] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    ward_code: Mapped[int | None] = mapped_column(sa.ForeignKey("wards.code"))
    district_note: Mapped[str] = mapped_column(sa.String(200), default="")
    street_address: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    tax_code: Mapped[str | None] = mapped_column(sa.String(14))
    status: Mapped[ProducerStatus] = mapped_column(enum_column(ProducerStatus), default=ProducerStatus.PENDING, index=True)
    status_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["ProducerMember"]] = relationship(back_populates="producer", cascade="all, delete-orphan")
    province = relationship("Province", lazy="joined")
    ward = relationship("Ward", lazy="joined")

    @property
    def is_public(self) -> bool:
        return self.status is ProducerStatus.APPROVED

    def approve(self, now: datetime) -> None:
        """pending → approved, or suspended → approved (reinstated).

        Raises InvalidProducerTransition when already approved.
        """
        if self.status is ProducerStatus.APPROVED:
            raise InvalidProducerTransition(N_("This producer is already approved."))
        self.status, self.status_reason, self.approved_at = ProducerStatus.APPROVED, "", now

    def suspend(self, reason: str) -> None:
        """approved → suspended; a pending application can also be turned down this way.

        Raises InvalidProducerTransition when already suspended.
        """
        if self.status is ProducerStatus.SUSPENDED:
            raise InvalidProducerTransition(N_("This producer is already suspended."))
        self.status, self.status_reason = ProducerStatus.SUSPENDED, reason

    def owners(self) -> list["ProducerMember"]:
        return [m for m in self.members if m.role is MemberRole.OWNER]

    def ensure_keeps_an_owner(self, leaving: "ProducerMember") -> None:
        """Raises LastOwner if `leaving` is the only owner."""
        if leaving.role is MemberRole.OWNER and len(self.owners()) == 1:
            raise LastOwner()


class ProducerMember(db.Model):
    __tablename__ = "producer_members"
    __table_args__ = (sa.UniqueConstraint("producer_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    producer: Mapped[Producer] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")
