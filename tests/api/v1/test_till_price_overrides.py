"""A price changed at the till: a reason from the list (a note for "other"), never above the
listing price, and within the point's limit unless its lead operator approves (issue #14)."""

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.showrooms.models import StockMovement
from tests.factories import PASSWORD, ProductFactory, UserFactory
from tests.point_factories import (DisplayPointFactory, PointOperatorFactory, consign, new_key, on_hand, operator_of,
                                   receive)



@pytest.fixture
def point():
    return DisplayPointFactory(max_discount_bps=3000)


@pytest.fixture
def honey(point):
    product = ProductFactory(variant__price_vnd=200_000)
    consign(point, product.producer, 1500)
    receive(point, product.variants[0], 20, "L1")
    return product.variants[0]


@pytest.fixture
def lead(point):
    user = UserFactory()
    PointOperatorFactory(point=point, user=user, is_lead=True)
    return user


def sell(client, headers, point, honey, price=None, reason=None, note=None, **body):
    line = {"variant_id": honey.id, "quantity": 1}
    line.update({k: v for k, v in {"unit_price_vnd": price, "override_reason": reason,
                                   "override_note": note}.items() if v is not None})
    return client.post(f"/api/v1/points/{point.id}/sales", json={"payment_method": "cash", "lines": [line], **body},
                       headers={**headers, "Idempotency-Key": new_key()})


def sales() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement).where(StockMovement.kind == "sale"))


def test_a_lower_price_with_a_reason_is_recorded_with_the_listing_price(client, bearer, point, honey):
    response = sell(client, bearer(operator_of(point)), point, honey, 180_000, "near_expiry")

    assert response.status_code == 201, response.json
    [line] = response.json["lines"]
    assert (line["unit_price_vnd"], line["listing_price_vnd"], line["override_reason"]) == (180_000, 200_000,
                                                                                             "near_expiry")
    assert response.json["approved_by_user_id"] is None


def test_the_listing_price_needs_no_reason_and_records_none(client, bearer, point, honey):
    response = sell(client, bearer(operator_of(point)), point, honey, 200_000)

    assert response.status_code == 201, response.json
    assert response.json["lines"][0]["listing_price_vnd"] is None


@pytest.mark.parametrize("price, reason, note, field, message", [
    (180_000, None, None, "override_reason", "Choose why the price is changed."),
    (180_000, "other", "  ", "override_note", 'Say why, for a reason of "other".'),
    (220_000, "promotion", None, "unit_price_vnd", "At most the listing price, 200000 đồng."),
    (None, "promotion", None, "override_reason", "Only a changed price takes a reason."),
])
def test_a_price_change_without_its_reason_is_refused_and_sells_nothing(client, bearer, point, honey, price, reason,
                                                                         note, field, message):
    response = sell(client, bearer(operator_of(point)), point, honey, price, reason, note)

    assert (response.status_code, response.json["code"]) == (422, "validation_error"), response.json
    assert response.json["errors"] == {"json": {"lines": {"0": {field: [message]}}}}
    assert (sales(), on_hand(point.id, honey.id)) == (0, 20)


def test_other_with_a_note_is_accepted(client, bearer, point, honey):
    response = sell(client, bearer(operator_of(point)), point, honey, 190_000, "other", "Khách quen")

    assert response.status_code == 201, response.json
    assert response.json["lines"][0]["override_note"] == "Khách quen"


def test_exactly_the_limit_needs_no_approval_and_a_dong_more_does(client, bearer, point, honey):
    headers = bearer(operator_of(point))

    at_limit = sell(client, headers, point, honey, 140_000, "damaged_pack")  # 30% off
    beyond = sell(client, headers, point, honey, 139_999, "damaged_pack")

    assert at_limit.status_code == 201, at_limit.json
    assert (beyond.status_code, beyond.json["code"]) == (403, "override_needs_approval")
    assert beyond.json["errors"] == {"json": {"lines": {"0": {"unit_price_vnd": [
        "Without a lead operator's approval, the discount is at most 30%."]}}}}
    assert on_hand(point.id, honey.id) == 19


def test_the_lead_rings_up_a_large_discount_and_is_recorded_as_approving_it(client, bearer, point, honey, lead):
    response = sell(client, bearer(lead), point, honey, 100_000, "near_expiry")

    assert response.status_code == 201, response.json
    assert response.json["approved_by_user_id"] == lead.id


def test_an_operator_sells_a_large_discount_with_the_leads_password(client, bearer, point, honey, lead):
    approval = {"email": lead.email, "password": PASSWORD}

    response = sell(client, bearer(operator_of(point)), point, honey, 100_000, "near_expiry", approval=approval)

    assert response.status_code == 201, response.json
    assert response.json["approved_by_user_id"] == lead.id


def test_a_wrong_password_or_a_non_lead_cannot_approve(client, bearer, point, honey, lead):
    headers = bearer(operator_of(point))
    colleague = UserFactory()
    PointOperatorFactory(point=point, user=colleague)
    lead_elsewhere = UserFactory()
    PointOperatorFactory(point=DisplayPointFactory(), user=lead_elsewhere, is_lead=True)

    wrong = sell(client, headers, point, honey, 100_000, "promotion", approval={"email": lead.email, "password": "x"})
    not_lead = sell(client, headers, point, honey, 100_000, "promotion",
                    approval={"email": colleague.email, "password": PASSWORD})
    other_point = sell(client, headers, point, honey, 100_000, "promotion",
                       approval={"email": lead_elsewhere.email, "password": PASSWORD})

    assert (wrong.status_code, wrong.json["code"]) == (422, "approval_refused")
    assert wrong.json["errors"] == {"json": {"approval": {"password": ["The approver's email or password is wrong."]}}}
    assert (not_lead.status_code, not_lead.json["code"]) == (403, "approver_not_lead")
    assert (other_point.status_code, other_point.json["code"]) == (403, "approver_not_lead")
    assert (sales(), on_hand(point.id, honey.id)) == (0, 20)


def test_the_admin_sets_the_points_limit_and_its_lead(client, bearer, point, honey):
    admin = bearer(UserFactory(is_admin=True))
    operator = operator_of(point)

    limit = client.patch(f"/api/v1/admin/display-points/{point.id}", json={"max_discount_bps": 5000}, headers=admin)
    made_lead = client.patch(f"/api/v1/admin/display-points/{point.id}/operators/{operator.id}", json={"lead": True},
                             headers=admin)
    too_high = client.patch(f"/api/v1/admin/display-points/{point.id}", json={"max_discount_bps": 10_001},
                            headers=admin)

    assert (limit.status_code, limit.json["max_discount_bps"]) == (200, 5000)
    assert (made_lead.status_code, made_lead.json["lead"]) == (200, True)
    assert too_high.status_code == 422 and "max_discount_bps" in too_high.json["errors"]["json"]
    assert sell(client, bearer(UserFactory()), point, honey).status_code == 404  # not an operator: no such point


def test_a_retry_with_the_same_key_and_reason_replays_the_sale(client, bearer, point, honey):
    headers = {**bearer(operator_of(point)), "Idempotency-Key": "till-override-1"}
    body = {"payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 1, "unit_price_vnd": 180_000,
                                                  "override_reason": "promotion"}]}

    first = client.post(f"/api/v1/points/{point.id}/sales", json=body, headers=headers)
    again = client.post(f"/api/v1/points/{point.id}/sales", json=body, headers=headers)
    body["lines"][0]["override_reason"] = "damaged_pack"
    changed = client.post(f"/api/v1/points/{point.id}/sales", json=body, headers=headers)

    assert (first.status_code, again.status_code, again.json["id"]) == (201, 200, first.json["id"])
    assert (changed.status_code, changed.json["code"]) == (422, "idempotency_key_reused")
    assert on_hand(point.id, honey.id) == 19
