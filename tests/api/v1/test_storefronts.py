from datetime import date, timedelta

from marketplace.catalog.certification import IssuingLevel
from marketplace.catalog.models import ProductStatus
from marketplace.database import utcnow
from marketplace.producers.models import ProducerStatus
from tests.factories import DIEN_BIEN, HA_NOI, ProducerFactory, ProductFactory, VariantFactory


def storefront(client, slug, **query):
    return client.get(f"/api/v1/storefronts/{slug}", query_string=query)


def listed_names(client, slug, **query):
    return [p["name"] for p in storefront(client, slug, **query).json["products"]["items"]]


def expired(**fields):
    """A product whose 5★ certificate lapsed a month ago."""
    return ProductFactory(ocop_stars=5, ocop_issuing_level=IssuingLevel.CENTRAL,
                          ocop_issued_on=date.today() - timedelta(days=1130),
                          ocop_valid_until=date.today() - timedelta(days=30), **fields)


# --- the list of storefronts -------------------------------------------------

def test_only_approved_producers_have_storefronts(client):
    ProducerFactory(name="Hợp tác xã Tài Hoan")
    ProducerFactory(name="Hợp tác xã Chờ Duyệt", status=ProducerStatus.PENDING, approved_at=None)
    ProducerFactory(name="Hợp tác xã Bị Đình Chỉ", status=ProducerStatus.SUSPENDED)

    response = client.get("/api/v1/storefronts")

    assert response.status_code == 200
    assert [p["name"] for p in response.json["items"]] == ["Hợp tác xã Tài Hoan"]


def test_storefronts_can_be_filtered_by_province(client):
    ProducerFactory(name="Hợp tác xã Điện Biên", province_code=DIEN_BIEN)
    ProducerFactory(name="Làng nghề Hà Nội", province_code=HA_NOI, ward_code=None)

    response = client.get("/api/v1/storefronts", query_string={"province": HA_NOI})

    assert [p["name"] for p in response.json["items"]] == ["Làng nghề Hà Nội"]
    assert response.json["items"][0]["province"]["name"] == "Thành phố Hà Nội"


def test_an_unknown_province_filter_is_refused(client):
    response = client.get("/api/v1/storefronts", query_string={"province": 99})

    assert response.status_code == 422
    assert "province" in response.json["errors"]["query"]


def test_storefronts_come_in_pages_with_an_envelope(client):
    for n in range(5):
        ProducerFactory(name=f"Hợp tác xã {n}")

    response = client.get("/api/v1/storefronts", query_string={"page": 2, "per_page": 2})

    assert {k: v for k, v in response.json.items() if k != "items"} == {
        "page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert [p["name"] for p in response.json["items"]] == ["Hợp tác xã 2", "Hợp tác xã 3"]


def test_a_page_size_over_the_limit_is_refused(client):
    response = client.get("/api/v1/storefronts", query_string={"per_page": 101})

    assert response.status_code == 422


def test_storefront_listings_do_not_show_private_fields(client):
    ProducerFactory(tax_code="0100109106", status_reason="")

    item = client.get("/api/v1/storefronts").json["items"][0]

    assert not {"tax_code", "status", "status_reason", "approved_at"} & set(item)


# --- one storefront ----------------------------------------------------------

def test_a_storefront_shows_the_producer_and_its_products(client):
    producer = ProducerFactory(slug="htx-ong-mat-dien-bien", name="Hợp tác xã Ong mật Điện Biên")
    ProductFactory(producer=producer, name="Mật ong hoa ban")

    response = storefront(client, "htx-ong-mat-dien-bien")

    assert response.status_code == 200
    assert response.json["producer"]["name"] == "Hợp tác xã Ong mật Điện Biên"
    assert response.json["producer"]["ward"]["name"] == "Xã Sam Mứn"
    assert [p["name"] for p in response.json["products"]["items"]] == ["Mật ong hoa ban"]


def test_an_unknown_storefront_is_not_found(client):
    response = storefront(client, "no-such-producer")

    assert response.status_code == 404
    assert response.json["code"] == "storefront_not_found"


def test_pending_and_suspended_producers_have_no_storefront(client):
    ProducerFactory(slug="cho-duyet", status=ProducerStatus.PENDING, approved_at=None)
    ProducerFactory(slug="dinh-chi", status=ProducerStatus.SUSPENDED)

    assert storefront(client, "cho-duyet").status_code == 404
    assert storefront(client, "dinh-chi").status_code == 404


def test_a_storefront_lists_only_active_products(client):
    producer = ProducerFactory(slug="htx")
    ProductFactory(producer=producer, name="Đang bán")
    ProductFactory(producer=producer, name="Bản nháp", status=ProductStatus.DRAFT, published_at=None)
    ProductFactory(producer=producer, name="Ngừng bán", status=ProductStatus.ARCHIVED)
    ProductFactory(name="Của người khác")

    assert listed_names(client, "htx") == ["Đang bán"]


def test_a_product_card_shows_its_lowest_active_price_in_integer_dong(client):
    producer = ProducerFactory(slug="htx")
    product = ProductFactory(producer=producer, variant__price_vnd=250_000)
    VariantFactory(product=product, price_vnd=480_000)
    VariantFactory(product=product, price_vnd=90_000, is_active=False)

    card = storefront(client, "htx").json["products"]["items"][0]

    assert card["price_from_vnd"] == 250_000
    assert card["price_from_display"] == "250.000 ₫"
    assert card["in_stock"] is True
    assert card["certification"]["stars"] == 3


def test_a_card_whose_variants_are_all_sold_out_says_so(client):
    producer = ProducerFactory(slug="htx")
    ProductFactory(producer=producer, variant__stock_quantity=0)

    card = storefront(client, "htx").json["products"]["items"][0]

    assert card["in_stock"] is False


def test_an_unknown_sort_is_refused(client):
    ProducerFactory(slug="htx")

    response = storefront(client, "htx", sort="cheapest")

    assert response.status_code == 422
    assert "sort" in response.json["errors"]["query"]


def test_products_are_sorted_by_name_by_default(client):
    producer = ProducerFactory(slug="htx")
    for name in ["Miến dong", "Bánh khẩu xén", "Cà phê Arabica"]:
        ProductFactory(producer=producer, name=name)

    assert listed_names(client, "htx") == ["Bánh khẩu xén", "Cà phê Arabica", "Miến dong"]


def test_newest_sorts_by_publication_date(client):
    producer = ProducerFactory(slug="htx")
    for name, days_ago in [("Cũ", 30), ("Mới", 1), ("Vừa", 10)]:
        ProductFactory(producer=producer, name=name, published_at=utcnow() - timedelta(days=days_ago))

    assert listed_names(client, "htx", sort="newest") == ["Mới", "Vừa", "Cũ"]


def _priced_products(producer):
    for name, price in [("Vừa", 250_000), ("Rẻ", 90_000), ("Đắt", 480_000)]:
        ProductFactory(producer=producer, name=name, variant__price_vnd=price)
    cheap_but_hidden = ProductFactory(producer=producer, name="Có giá ẩn", variant__price_vnd=300_000)
    VariantFactory(product=cheap_but_hidden, price_vnd=10_000, is_active=False)
    ProductFactory(producer=producer, name="Chưa có giá", variant__is_active=False)


def test_price_asc_sorts_by_lowest_active_price_with_unpriced_products_last(client):
    _priced_products(ProducerFactory(slug="htx"))

    assert listed_names(client, "htx", sort="price_asc") == ["Rẻ", "Vừa", "Có giá ẩn", "Đắt", "Chưa có giá"]


def test_price_desc_sorts_by_lowest_active_price_with_unpriced_products_last(client):
    _priced_products(ProducerFactory(slug="htx"))

    assert listed_names(client, "htx", sort="price_desc") == ["Đắt", "Có giá ẩn", "Vừa", "Rẻ", "Chưa có giá"]


def test_stars_sort_counts_an_expired_certificate_as_no_stars(client):
    producer = ProducerFactory(slug="htx")
    ProductFactory(producer=producer, name="Ba sao", ocop_stars=3)
    ProductFactory(producer=producer, name="Bốn sao", ocop_stars=4)
    ProductFactory(producer=producer, name="Năm sao", ocop_stars=5, ocop_issuing_level=IssuingLevel.CENTRAL)
    expired(producer=producer, name="Từng năm sao")

    assert listed_names(client, "htx", sort="stars") == ["Năm sao", "Bốn sao", "Ba sao", "Từng năm sao"]


def test_a_storefronts_products_come_in_pages(client):
    producer = ProducerFactory(slug="htx")
    for name in "ABCDE":
        ProductFactory(producer=producer, name=name)

    products = storefront(client, "htx", page=3, per_page=2).json["products"]

    assert [p["name"] for p in products["items"]] == ["E"]
    assert (products["total"], products["pages"]) == (5, 3)


# --- product pages -----------------------------------------------------------

def product_page(client, product):
    return client.get(f"/api/v1/products/{product.id}")


def test_a_product_page_shows_certificate_origin_and_producer(client):
    product = ProductFactory(name="Mật ong hoa ban", ocop_stars=4, ocop_decision_number="1543/QĐ-UBND",
                             origin_ward_code=3356)

    response = product_page(client, product)

    assert response.status_code == 200
    page = response.json
    assert page["name"] == "Mật ong hoa ban"
    assert page["origin_province"]["name"] == "Điện Biên"
    assert page["origin_ward"]["name"] == "Xã Sam Mứn"
    assert page["producer"]["slug"] == product.producer.slug
    certification = page["certification"]
    assert certification["status"] == "valid"
    assert (certification["stars"], certification["awarded_stars"]) == (4, 4)
    assert certification["decision_number"] == "1543/QĐ-UBND"
    assert certification["issuing_level"] == "provincial"
    assert certification["verified"] is True
    assert "notice" not in certification


def test_a_product_page_shows_active_variants_without_stock_counts(client):
    product = ProductFactory(variant__label="Chai 500 ml", variant__price_vnd=250_000)
    VariantFactory(product=product, label="Chai 1 lít", price_vnd=480_000, stock_quantity=0)
    VariantFactory(product=product, label="Thùng 12 chai", is_active=False)

    page = product_page(client, product).json

    assert [(v["label"], v["price_vnd"], v["price_display"], v["in_stock"]) for v in page["variants"]] == [
        ("Chai 500 ml", 250_000, "250.000 ₫", True),
        ("Chai 1 lít", 480_000, "480.000 ₫", False),
    ]
    assert not {"stock_quantity", "is_active"} & set(page["variants"][0])
    assert page["in_stock"] is True
    assert "status" not in page


def test_an_unverified_certificate_is_shown_as_unverified(client):
    product = ProductFactory(ocop_verified_at=None)

    assert product_page(client, product).json["certification"]["verified"] is False


def test_an_expired_certificate_says_so_and_claims_no_stars(client):
    product = expired()

    certification = product_page(client, product).json["certification"]

    assert certification["status"] == "expired"
    assert certification["stars"] is None
    assert certification["awarded_stars"] == 5
    assert certification["valid_until"] in certification["notice"]


def test_a_product_card_with_an_expired_certificate_claims_no_stars(client):
    product = expired(producer=ProducerFactory(slug="htx"))

    card = storefront(client, "htx").json["products"]["items"][0]

    assert card["id"] == product.id
    assert card["certification"]["stars"] is None
    assert card["certification"]["status"] == "expired"


def test_draft_and_archived_products_have_no_page(client):
    draft = ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    archived = ProductFactory(status=ProductStatus.ARCHIVED)

    for product in (draft, archived):
        response = product_page(client, product)
        assert response.status_code == 404
        assert response.json["code"] == "product_not_found"


def test_products_of_pending_or_suspended_producers_have_no_page(client):
    pending = ProductFactory(producer=ProducerFactory(status=ProducerStatus.PENDING, approved_at=None))
    suspended = ProductFactory(producer=ProducerFactory(status=ProducerStatus.SUSPENDED))

    assert product_page(client, pending).status_code == 404
    assert product_page(client, suspended).status_code == 404


def test_an_unknown_product_is_not_found(client):
    assert client.get("/api/v1/products/999999").status_code == 404
