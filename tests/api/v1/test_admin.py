import pytest

from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.producers.models import Producer, ProducerStatus
from tests.factories import ProducerFactory, ProductFactory, UserFactory

PRODUCERS = "/api/v1/admin/producers"
PRODUCTS = "/api/v1/admin/products"


@pytest.fixture
def admin(bearer):
    return bearer(UserFactory(is_admin=True))


def pending(**fields):
    return ProducerFactory(status=ProducerStatus.PENDING, approved_at=None, **fields)


def approve(client, admin, producer_id):
    return client.post(f"{PRODUCERS}/{producer_id}/approve", headers=admin)


def suspend(client, admin, producer_id, reason="Giấy chứng nhận OCOP không khớp quyết định"):
    return client.post(f"{PRODUCERS}/{producer_id}/suspend", json={"reason": reason}, headers=admin)


# --- producers ---------------------------------------------------------------

def test_admins_list_every_producer_newest_first(client, admin):
    first, second, third = ProducerFactory(), pending(), ProducerFactory(status=ProducerStatus.SUSPENDED)

    response = client.get(PRODUCERS, headers=admin)

    assert response.status_code == 200
    assert [p["id"] for p in response.json["items"]] == [third.id, second.id, first.id]
    assert response.json["total"] == 3


def test_admins_filter_producers_by_status(client, admin):
    ProducerFactory()
    waiting = [pending(), pending()]

    response = client.get(PRODUCERS, query_string={"status": "pending"}, headers=admin)

    assert {p["id"] for p in response.json["items"]} == {p.id for p in waiting}
    assert all(p["status"] == "pending" for p in response.json["items"])


def test_the_producer_list_comes_in_pages(client, admin):
    for _ in range(3):
        pending()

    response = client.get(PRODUCERS, query_string={"status": "pending", "per_page": 2, "page": 2}, headers=admin)

    assert len(response.json["items"]) == 1
    assert (response.json["total"], response.json["pages"], response.json["page"]) == (3, 2, 2)


def test_an_unknown_status_filter_is_refused(client, admin):
    response = client.get(PRODUCERS, query_string={"status": "banned"}, headers=admin)

    assert response.status_code == 422


def test_admins_see_what_shoppers_do_not(client, admin):
    ProducerFactory(tax_code="0100109106")

    item = client.get(PRODUCERS, headers=admin).json["items"][0]

    assert item["tax_code"] == "0100109106"
    assert {"status", "status_reason", "approved_at"} <= set(item)


def test_approving_a_pending_producer_opens_its_storefront(client, admin):
    producer = pending(slug="htx-tai-hoan")
    assert client.get("/api/v1/storefronts/htx-tai-hoan").status_code == 404

    response = approve(client, admin, producer.id)

    assert response.status_code == 200
    assert response.json["status"] == "approved"
    assert response.json["approved_at"] is not None
    assert client.get("/api/v1/storefronts/htx-tai-hoan").status_code == 200


def test_suspending_a_producer_records_why_and_hides_its_storefront_and_products(client, admin):
    producer = ProducerFactory(slug="htx-tai-hoan")
    product = ProductFactory(producer=producer)

    response = suspend(client, admin, producer.id, reason="Giấy chứng nhận OCOP không khớp")

    assert response.status_code == 200
    assert response.json["status"] == "suspended"
    assert response.json["status_reason"] == "Giấy chứng nhận OCOP không khớp"
    assert client.get("/api/v1/storefronts/htx-tai-hoan").status_code == 404
    assert client.get(f"/api/v1/products/{product.id}").status_code == 404
    assert client.get("/api/v1/storefronts").json["total"] == 0


def test_a_suspension_needs_a_reason(client, admin):
    producer = ProducerFactory()

    response = client.post(f"{PRODUCERS}/{producer.id}/suspend", json={}, headers=admin)

    assert response.status_code == 422
    assert "reason" in response.json["errors"]["json"]
    assert db.session.get(Producer, producer.id).status is ProducerStatus.APPROVED


def test_an_application_can_be_turned_down_by_suspending_it(client, admin):
    producer = pending()

    assert suspend(client, admin, producer.id).json["status"] == "suspended"


def test_reinstating_a_suspended_producer_brings_back_its_storefront_and_products(client, admin):
    producer = ProducerFactory(slug="htx-tai-hoan")
    product = ProductFactory(producer=producer)
    suspend(client, admin, producer.id)

    response = approve(client, admin, producer.id)

    assert response.json["status"] == "approved"
    assert response.json["status_reason"] == ""
    assert client.get("/api/v1/storefronts/htx-tai-hoan").status_code == 200
    assert client.get(f"/api/v1/products/{product.id}").status_code == 200


def test_approving_an_approved_producer_is_an_invalid_transition(client, admin):
    response = approve(client, admin, ProducerFactory().id)

    assert response.status_code == 409
    assert response.json["code"] == "invalid_status_transition"


def test_suspending_a_suspended_producer_is_an_invalid_transition(client, admin):
    producer = ProducerFactory(status=ProducerStatus.SUSPENDED, status_reason="first reason")

    response = suspend(client, admin, producer.id, reason="second reason")

    assert response.status_code == 409
    assert response.json["code"] == "invalid_status_transition"
    assert db.session.get(Producer, producer.id).status_reason == "first reason"


@pytest.mark.parametrize("action", ["approve", "suspend"])
def test_acting_on_an_unknown_producer_is_not_found(client, admin, action):
    response = client.post(f"{PRODUCERS}/999999/{action}", json={"reason": "x"} if action == "suspend" else None,
                           headers=admin)

    assert response.status_code == 404
    assert response.json["code"] == "producer_not_found"


# --- certificates ------------------------------------------------------------

def test_verifying_a_certificate_marks_it_verified(client, admin):
    product = ProductFactory(ocop_verified_at=None)

    response = client.post(f"{PRODUCTS}/{product.id}/verify-certificate", headers=admin)

    assert response.status_code == 200
    assert response.json["certification"]["verified"] is True
    assert client.get(f"/api/v1/products/{product.id}").json["certification"]["verified"] is True


def test_verifying_records_which_admin_did_it(client, bearer):
    quan = UserFactory(is_admin=True)
    product = ProductFactory(ocop_verified_at=None)

    client.post(f"{PRODUCTS}/{product.id}/verify-certificate", headers=bearer(quan))

    db.session.refresh(product)
    assert product.ocop_verified_by_id == quan.id
    assert product.ocop_verified_at is not None


def test_verifying_a_product_without_certificate_is_a_conflict(client, admin):
    product = ProductFactory(status=ProductStatus.DRAFT, published_at=None, ocop_stars=None,
                             ocop_decision_number=None, ocop_issuing_level=None, ocop_issued_on=None,
                             ocop_valid_until=None, ocop_verified_at=None)

    response = client.post(f"{PRODUCTS}/{product.id}/verify-certificate", headers=admin)

    assert response.status_code == 409
    assert response.json["code"] == "no_certificate"


def test_verifying_an_unknown_product_is_not_found(client, admin):
    response = client.post(f"{PRODUCTS}/999999/verify-certificate", headers=admin)

    assert response.status_code == 404
    assert response.json["code"] == "product_not_found"


def test_admins_list_certificates_awaiting_verification(client, admin):
    ProductFactory()
    awaiting = ProductFactory(ocop_verified_at=None)
    ProductFactory(status=ProductStatus.DRAFT, published_at=None, ocop_stars=None, ocop_decision_number=None,
                   ocop_issuing_level=None, ocop_issued_on=None, ocop_valid_until=None, ocop_verified_at=None)

    response = client.get(PRODUCTS, query_string={"verified": "false"}, headers=admin)

    assert response.status_code == 200
    assert [p["id"] for p in response.json["items"]] == [awaiting.id]
    assert response.json["items"][0]["certification"]["verified"] is False


def test_admins_list_verified_certificates(client, admin):
    verified = ProductFactory()
    ProductFactory(ocop_verified_at=None)

    response = client.get(PRODUCTS, query_string={"verified": "true"}, headers=admin)

    assert [p["id"] for p in response.json["items"]] == [verified.id]


def test_the_admin_product_list_includes_drafts_and_stock_counts(client, admin):
    draft = ProductFactory(status=ProductStatus.DRAFT, published_at=None, variant__stock_quantity=7)

    response = client.get(PRODUCTS, query_string={"status": "draft"}, headers=admin)

    assert [p["id"] for p in response.json["items"]] == [draft.id]
    assert response.json["items"][0]["variants"][0]["stock_quantity"] == 7
