"""The rule for a price changed at the till (a discount): a reason from a list, a note
for "other", never above the listing price, and within the point's limit unless the
point's lead operator approves, by ringing it up or by typing their password. The till
(till.py) applies it inside the sale."""

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.accounts.services import InvalidCredentials, authenticate
from marketplace.database import transactional
from marketplace.errors import N_, Forbidden, InvalidInput
from marketplace.extensions import db
from marketplace.showrooms.models import OverrideReason, PointOperator

class OverrideApprovalNeeded(Forbidden):
    code = "override_needs_approval"
    message = N_("A discount above this point's limit needs its lead operator's approval.")

    def __init__(self, lines: list[int], max_discount_bps: int):
        percent = f"{max_discount_bps / 100:g}"
        limit = N_("Without a lead operator's approval, the discount is at most {percent}%.", percent=percent)
        super().__init__(errors={"json": {"lines": {str(i): {"unit_price_vnd": [limit]} for i in lines}}})


class ApproverNotLead(Forbidden):
    code = "approver_not_lead"
    message = N_("Only a lead operator of this point can approve this discount.")

    def __init__(self):
        super().__init__(errors={"json": {"approval": {"email": [self.message]}}})


class ApprovalRefused(InvalidInput):
    code = "approval_refused"
    message = N_("The approver's email or password is wrong.")

    def __init__(self):
        super().__init__(errors={"approval": {"password": [self.message]}})


class OverridesRefused(InvalidInput):
    message = N_("Some price changes are refused.")  # code: validation_error

    def __init__(self, errors_by_line: dict[int, dict]):
        super().__init__(errors={"lines": {str(i): e for i, e in errors_by_line.items()}})


def problems(listing_vnd: int, price_vnd: int | None, reason: OverrideReason | None, note: str) -> dict:
    """What is wrong with one line's price change, by field (empty: nothing)."""
    if price_vnd is None:
        return {"override_reason": [N_("Only a changed price takes a reason.")]} if reason else {}
    if price_vnd > listing_vnd:
        return {"unit_price_vnd": [N_("At most the listing price, {listing_vnd} đồng.", listing_vnd=listing_vnd)]}
    if price_vnd == listing_vnd:
        return {}
    if reason is None:
        return {"override_reason": [N_("Choose why the price is changed.")]}
    if reason is OverrideReason.OTHER and not note.strip():
        return {"override_note": [N_("Say why, for a reason of \"other\".")]}
    return {}


def within_limit(listing_vnd: int, price_vnd: int | None, max_discount_bps: int) -> bool:
    """Whether the discount is at most the point's limit (basis points of the listing price)."""
    if price_vnd is None or price_vnd >= listing_vnd:
        return True
    return (listing_vnd - price_vnd) * 10_000 <= listing_vnd * max_discount_bps


@dataclass(frozen=True)
class Approval:
    """A lead operator's credentials, typed at the till to approve a discount above the point's limit."""

    email: str
    password: str


@transactional
def approver_id(approval: Approval, client_address: str) -> int:
    """Check the approver's password as a login would (throttled), without logging them in."""
    try:
        return authenticate(approval.email, approval.password, client_address).id
    except InvalidCredentials:
        raise ApprovalRefused() from None


def check(point_id: int, actor_id: int | None, lines, approver: int | None, listing: dict[int, int],
          max_discount_bps: int) -> int | None:
    """Apply these rules to the sale's changed prices; the approver's id when
    a discount above the point's limit was approved by a lead operator (the operator
    ringing up, or `approver`: the one whose credentials came with the sale).

    Raises OverridesRefused, OverrideApprovalNeeded, ApproverNotLead.
    """
    refused = {i: problem for i, line in enumerate(lines)
               if (problem := problems(listing[line.variant_id], line.unit_price_vnd, line.override_reason,
                                       line.override_note))}
    if refused:
        raise OverridesRefused(refused)
    above = [i for i, line in enumerate(lines)
             if not within_limit(listing[line.variant_id], line.unit_price_vnd, max_discount_bps)]
    if not above:
        return None
    if approver is None:
        if not is_lead(point_id, actor_id):
            raise OverrideApprovalNeeded(above, max_discount_bps)
        return actor_id
    if not is_lead(point_id, approver):
        raise ApproverNotLead()
    return approver


def is_lead(point_id: int, user_id: int | None) -> bool:
    """Whether the user is a lead operator of the point (approves discounts above its limit)."""
    return user_id is not None and bool(db.session.scalar(sa.select(PointOperator.is_lead).where(
        PointOperator.point_id == point_id, PointOperator.user_id == user_id)))
