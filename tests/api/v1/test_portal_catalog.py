from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.catalog.models import Product, ProductStatus, Variant
from marketplace.extensions import db
from marketplace.producers.models import MemberRole
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, ProducerFactory, ProductFactory, VariantFactory, member_of

ISSUED_ON = date.today() - timedelta(days=30)
GTIN = "8934567890120"
OTHER_GTIN = "8934567890137"


def portal(producer_id):
    return f"/api/v1/portal/producers/{producer_id}/products"


def certificate(**overrides):
    return {"stars": 4, "decision_number": "1234/QĐ-UBND", "issuing_level": "provincial",
            "issued_on": ISSUED_ON.isoformat(), **overrides}


def new_product(**overrides):
    return {"name": "Mật ong hoa ban", "group": "food", "origin_province_code": DIEN_BIEN, **overrides}


def new_variant(**overrides):
    return {"label": "Hũ 500 g", "net_quantity": 500, "net_unit": "g", "price_vnd": 250_000, **overrides}


def rows(model):
    """The table's rows as stored, read past the session's identity map."""
    table = model.__table__
    return db.session.execute(sa.select(table).order_by(*table.primary_key)).all()


def stored(product_id):
    return db.session.execute(sa.select(Product.__table__).where(Product.id == product_id)).one()


def draft(producer, **fields):
    product = ProductFactory(producer=producer, status=ProductStatus.DRAFT, published_at=None, **fields)
    return product.id


@pytest.fixture
def producer():
    return ProducerFactory()


@pytest.fixture
def owner(producer):
    return member_of(producer, MemberRole.OWNER)


@pytest.fixture
def as_owner(bearer, owner):
    return bearer(owner)


# --- drafts --------------------------------------------------------------------

def test_a_member_creates_a_draft_with_a_certificate(client, producer, as_owner):
    response = client.post(portal(producer.id), headers=as_owner,
                           json=new_product(origin_ward_code=DIEN_BIEN_WARD, certification=certificate()))

    assert response.status_code == 201
    product = response.json
    assert product["status"] == "draft"
    assert product["slug"] == "mat-ong-hoa-ban"
    assert product["producer_id"] == producer.id
    assert product["origin_ward"]["code"] == DIEN_BIEN_WARD
    assert product["declared_stars"] == 4
    assert product["certification"]["verified"] is False
    assert product["certification"]["status"] == "awaiting_verification"
    assert (product["certification"]["stars"], product["certification"]["awarded_stars"]) == (None, None)
    assert product["variants"] == []


def test_the_certificate_is_valid_for_36_months_unless_told_otherwise(client, producer, as_owner):
    issued = {"issued_on": "2024-02-29"}

    defaulted = client.post(portal(producer.id), headers=as_owner,
                            json=new_product(slug="mac-dinh", certification=certificate(**issued)))
    explicit = client.post(portal(producer.id), headers=as_owner,
                           json=new_product(slug="ro-rang", certification=certificate(**issued, valid_until="2026-01-31")))

    assert defaulted.json["certification"]["valid_until"] == "2027-02-28"
    assert explicit.json["certification"]["valid_until"] == "2026-01-31"


def test_a_draft_may_have_no_certificate_yet(client, producer, as_owner):
    response = client.post(portal(producer.id), json=new_product(), headers=as_owner)

    assert response.status_code == 201
    assert response.json["certification"] is None


def test_products_are_listed_newest_first_and_filtered_by_status(client, producer, as_owner):
    first, second = draft(producer), draft(producer)
    active = ProductFactory(producer=producer).id
    ProductFactory()

    everything = client.get(portal(producer.id), headers=as_owner).json
    drafts = client.get(portal(producer.id), query_string={"status": "draft"}, headers=as_owner).json

    assert [p["id"] for p in everything["items"]] == [active, second, first]
    assert [p["id"] for p in drafts["items"]] == [second, first]
    assert drafts["total"] == 2


def test_products_are_listed_a_page_at_a_time(client, producer, as_owner):
    ids = [draft(producer) for _ in range(5)]

    page = client.get(portal(producer.id), query_string={"per_page": 2, "page": 3}, headers=as_owner).json

    assert [p["id"] for p in page["items"]] == [ids[0]]
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (3, 2, 5, 3)


def test_a_member_edits_a_draft(client, producer, as_owner):
    product_id = draft(producer)

    response = client.patch(f"{portal(producer.id)}/{product_id}", headers=as_owner,
                            json={"description": "Thu hoạch tháng 3.", "available_months": [3, 4]})

    assert response.status_code == 200
    assert response.json["description"] == "Thu hoạch tháng 3."
    assert stored(product_id).available_months == [3, 4]


def test_changing_the_certificate_clears_the_admin_verification(client, producer, as_owner):
    product_id = draft(producer)

    response = client.patch(f"{portal(producer.id)}/{product_id}", headers=as_owner,
                            json={"certification": certificate(decision_number="99/QĐ-UBND")})

    assert response.status_code == 200
    assert response.json["certification"]["verified"] is False
    assert response.json["certification"]["decision_number"] == "99/QĐ-UBND"
    assert stored(product_id).ocop_verified_at is None


def test_editing_other_fields_keeps_the_admin_verification(client, producer, as_owner):
    product_id = draft(producer)

    response = client.patch(f"{portal(producer.id)}/{product_id}", json={"name": "Mật ong rừng"}, headers=as_owner)

    assert response.json["certification"]["verified"] is True
    assert stored(product_id).ocop_verified_at is not None


def test_a_certificate_must_be_sent_whole_when_editing(client, producer, as_owner):
    product_id = draft(producer)
    before = stored(product_id)

    response = client.patch(f"{portal(producer.id)}/{product_id}", json={"certification": {"stars": 4}},
                            headers=as_owner)

    assert response.status_code == 422
    assert set(response.json["errors"]["json"]["certification"]) == {"decision_number", "issuing_level", "issued_on"}
    assert stored(product_id) == before


def test_staff_can_manage_listings(client, bearer, producer):
    staff = bearer(member_of(producer, MemberRole.STAFF))

    created = client.post(portal(producer.id), headers=staff, json=new_product(certification=certificate()))
    product_url = f"{portal(producer.id)}/{created.json['id']}"
    variant = client.post(f"{product_url}/variants", json=new_variant(stock_quantity=5), headers=staff)
    published = client.post(f"{product_url}/publish", headers=staff)

    assert (created.status_code, variant.status_code, published.status_code) == (201, 201, 200)
    assert published.json["status"] == "active"


# --- variants ------------------------------------------------------------------

def test_a_variant_is_added_with_its_price_barcode_and_stock(client, producer, as_owner):
    product_id = draft(producer, variant=None)

    response = client.post(f"{portal(producer.id)}/{product_id}/variants", headers=as_owner,
                           json=new_variant(price_vnd=185_000, gtin=GTIN, stock_quantity=12))

    assert response.status_code == 201
    variant = response.json
    assert (variant["price_vnd"], variant["gtin"], variant["stock_quantity"]) == (185_000, GTIN, 12)
    assert variant["price_display"] == "185.000 ₫"
    assert variant["in_stock"] is True
    assert rows(Variant)[0].product_id == product_id


def test_a_variant_without_stock_is_not_in_stock(client, producer, as_owner):
    product_id = draft(producer, variant=None)

    response = client.post(f"{portal(producer.id)}/{product_id}/variants", json=new_variant(), headers=as_owner)

    assert response.json["stock_quantity"] == 0
    assert response.json["in_stock"] is False


def test_price_and_stock_are_set_on_the_variant(client, producer, as_owner):
    variant = VariantFactory(product__producer=producer)

    response = client.patch(f"{portal(producer.id)}/{variant.product_id}/variants/{variant.id}", headers=as_owner,
                            json={"price_vnd": 199_000, "stock_quantity": 0})

    assert response.status_code == 200
    assert (response.json["price_vnd"], response.json["stock_quantity"]) == (199_000, 0)
    assert response.json["in_stock"] is False
    assert (rows(Variant)[0].price_vnd, rows(Variant)[0].stock_quantity) == (199_000, 0)


def test_a_variant_is_deactivated(client, producer, as_owner):
    variant = VariantFactory(product__producer=producer)

    response = client.patch(f"{portal(producer.id)}/{variant.product_id}/variants/{variant.id}",
                            json={"is_active": False}, headers=as_owner)

    assert response.status_code == 200
    assert response.json["is_active"] is False
    assert response.json["in_stock"] is False


def test_a_gtin_already_used_by_another_variant_is_refused(client, producer, as_owner):
    VariantFactory(gtin=GTIN)
    product_id = draft(producer, variant=None)

    response = client.post(f"{portal(producer.id)}/{product_id}/variants", json=new_variant(gtin=GTIN),
                           headers=as_owner)

    assert response.status_code == 409
    assert response.json["code"] == "gtin_taken"
    assert response.json["errors"]["json"]["gtin"]
    assert len(rows(Variant)) == 1


def test_changing_a_variants_gtin_to_one_in_use_is_refused(client, producer, as_owner):
    VariantFactory(gtin=GTIN)
    variant = VariantFactory(product__producer=producer, gtin=OTHER_GTIN)
    before = rows(Variant)

    response = client.patch(f"{portal(producer.id)}/{variant.product_id}/variants/{variant.id}",
                            json={"gtin": GTIN}, headers=as_owner)

    assert response.status_code == 409
    assert response.json["code"] == "gtin_taken"
    assert rows(Variant) == before


def test_a_variant_keeps_its_own_gtin_when_resent(client, producer, as_owner):
    variant = VariantFactory(product__producer=producer, gtin=GTIN)

    response = client.patch(f"{portal(producer.id)}/{variant.product_id}/variants/{variant.id}",
                            json={"gtin": GTIN, "label": "Hũ 1 kg"}, headers=as_owner)

    assert response.status_code == 200


# --- slugs ---------------------------------------------------------------------

def test_a_product_slug_is_unique_within_a_producer(client, producer, as_owner):
    draft(producer, slug="mat-ong-hoa-ban")

    response = client.post(portal(producer.id), json=new_product(), headers=as_owner)

    assert response.status_code == 409
    assert response.json["code"] == "slug_taken"
    assert response.json["errors"]["json"]["slug"]
    assert len(rows(Product)) == 1


def test_two_producers_may_use_the_same_product_slug(client, producer, as_owner):
    ProductFactory(slug="mat-ong-hoa-ban")

    response = client.post(portal(producer.id), json=new_product(), headers=as_owner)

    assert response.status_code == 201
    assert response.json["slug"] == "mat-ong-hoa-ban"


def test_renaming_a_product_slug_to_a_sibling_slug_is_refused(client, producer, as_owner):
    draft(producer, slug="mat-ong")
    product_id = draft(producer, slug="ruou-tao-meo")
    before = stored(product_id)

    response = client.patch(f"{portal(producer.id)}/{product_id}", json={"slug": "mat-ong"}, headers=as_owner)

    assert response.status_code == 409
    assert response.json["code"] == "slug_taken"
    assert stored(product_id) == before


# --- publishing ----------------------------------------------------------------

def test_publishing_needs_a_certificate_and_an_active_variant(client, producer, as_owner):
    product_id = client.post(portal(producer.id), json=new_product(), headers=as_owner).json["id"]

    response = client.post(f"{portal(producer.id)}/{product_id}/publish", headers=as_owner)

    assert response.status_code == 409
    assert response.json["code"] == "cannot_publish"
    assert set(response.json["errors"]["json"]) == {"certification", "variants"}
    assert stored(product_id).status == ProductStatus.DRAFT


def test_publishing_without_a_certificate_names_only_the_certificate(client, producer, as_owner):
    product_id = draft(producer, ocop_stars=None, ocop_decision_number=None, ocop_issuing_level=None,
                       ocop_issued_on=None, ocop_valid_until=None, ocop_verified_at=None)

    response = client.post(f"{portal(producer.id)}/{product_id}/publish", headers=as_owner)

    assert response.status_code == 409
    assert set(response.json["errors"]["json"]) == {"certification"}


def test_publishing_with_only_inactive_variants_names_the_variants(client, producer, as_owner):
    product_id = draft(producer, variant__is_active=False)

    response = client.post(f"{portal(producer.id)}/{product_id}/publish", headers=as_owner)

    assert response.status_code == 409
    assert set(response.json["errors"]["json"]) == {"variants"}
    assert stored(product_id).status == ProductStatus.DRAFT


def test_a_published_product_appears_on_the_storefront_and_its_page(client, producer, as_owner):
    product_id = draft(producer)

    response = client.post(f"{portal(producer.id)}/{product_id}/publish", headers=as_owner)

    assert response.status_code == 200
    assert response.json["status"] == "active"
    assert response.json["published_at"] is not None
    storefront = client.get(f"/api/v1/storefronts/{producer.slug}").json
    assert [p["id"] for p in storefront["products"]["items"]] == [product_id]
    assert client.get(f"/api/v1/products/{product_id}").status_code == 200


def test_an_unpublished_product_leaves_the_storefront(client, producer, as_owner):
    product_id = ProductFactory(producer=producer).id

    response = client.post(f"{portal(producer.id)}/{product_id}/unpublish", headers=as_owner)

    assert response.status_code == 200
    assert response.json["status"] == "draft"
    assert client.get(f"/api/v1/storefronts/{producer.slug}").json["products"]["items"] == []
    assert client.get(f"/api/v1/products/{product_id}").status_code == 404


def test_an_archived_product_leaves_the_storefront(client, producer, as_owner):
    product_id = ProductFactory(producer=producer).id

    response = client.post(f"{portal(producer.id)}/{product_id}/archive", headers=as_owner)

    assert response.status_code == 200
    assert response.json["status"] == "archived"
    assert client.get(f"/api/v1/storefronts/{producer.slug}").json["products"]["items"] == []
    assert client.get(f"/api/v1/products/{product_id}").status_code == 404


def test_an_archived_product_can_be_published_again(client, producer, as_owner):
    product_id = ProductFactory(producer=producer, status=ProductStatus.ARCHIVED).id

    response = client.post(f"{portal(producer.id)}/{product_id}/publish", headers=as_owner)

    assert response.status_code == 200
    assert response.json["status"] == "active"


@pytest.mark.parametrize("status, action", [
    (ProductStatus.ACTIVE, "publish"),
    (ProductStatus.DRAFT, "unpublish"),
    (ProductStatus.ARCHIVED, "unpublish"),
    (ProductStatus.ARCHIVED, "archive"),
])
def test_an_illegal_status_transition_is_refused(client, producer, as_owner, status, action):
    product_id = ProductFactory(producer=producer, status=status).id
    before = stored(product_id)

    response = client.post(f"{portal(producer.id)}/{product_id}/{action}", headers=as_owner)

    assert response.status_code == 409
    assert response.json["code"] == "invalid_status_transition"
    assert stored(product_id) == before


# --- isolation between producers -------------------------------------------------

@pytest.fixture
def theirs():
    """Producer B with a draft and a published product, each with a variant."""
    producer_b = ProducerFactory()
    member_of(producer_b, MemberRole.OWNER)
    return {"producer": producer_b,
            "draft": draft(producer_b, variant__gtin=OTHER_GTIN),
            "active": ProductFactory(producer=producer_b).id}


def catalog_requests(producer_id, product_id, variant_id):
    products = portal(producer_id)
    return [
        ("get", products, None),
        ("post", products, new_product(slug="chen-ngang")),
        ("get", f"{products}/{product_id}", None),
        ("patch", f"{products}/{product_id}", {"name": "Đổi tên"}),
        ("post", f"{products}/{product_id}/publish", None),
        ("post", f"{products}/{product_id}/unpublish", None),
        ("post", f"{products}/{product_id}/archive", None),
        ("post", f"{products}/{product_id}/variants", new_variant()),
        ("patch", f"{products}/{product_id}/variants/{variant_id}", {"price_vnd": 1_000, "stock_quantity": 0}),
    ]


def variant_of(product_id):
    return db.session.scalar(sa.select(Variant.id).where(Variant.product_id == product_id))


@pytest.mark.parametrize("target", ["draft", "active"])
@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.STAFF])
def test_a_member_of_one_producer_cannot_reach_anothers_catalog(client, bearer, producer, theirs, target, role):
    intruder = bearer(member_of(producer, role))
    product_id = theirs[target]
    before = (rows(Product), rows(Variant))

    responses = [getattr(client, method)(url, json=body, headers=intruder)
                 for method, url, body in catalog_requests(theirs["producer"].id, product_id, variant_of(product_id))]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert {r.json["code"] for r in responses} == {"producer_not_found"}
    assert (rows(Product), rows(Variant)) == before


@pytest.mark.parametrize("target", ["draft", "active"])
def test_another_producers_product_is_not_found_under_your_own_producer(client, producer, as_owner, theirs, target):
    product_id = theirs[target]
    before = (rows(Product), rows(Variant))

    responses = [getattr(client, method)(url, json=body, headers=as_owner)
                 for method, url, body in catalog_requests(producer.id, product_id, variant_of(product_id))[2:]]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert {r.json["code"] for r in responses} == {"product_not_found"}
    assert (rows(Product), rows(Variant)) == before


def test_another_producers_variant_is_not_found_under_your_own_product(client, producer, as_owner, theirs):
    mine = draft(producer)
    before = rows(Variant)

    response = client.patch(f"{portal(producer.id)}/{mine}/variants/{variant_of(theirs['draft'])}",
                            json={"price_vnd": 1_000, "stock_quantity": 0, "is_active": False}, headers=as_owner)

    assert response.status_code == 404
    assert response.json["code"] == "variant_not_found"
    assert rows(Variant) == before


def test_your_listing_never_includes_another_producers_products(client, producer, as_owner, theirs):
    mine = draft(producer)

    response = client.get(portal(producer.id), headers=as_owner)

    assert [p["id"] for p in response.json["items"]] == [mine]

