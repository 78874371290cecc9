"""The public trace page at a GS1 Digital Link path: the product, its producer and certificates,
and for a lot every point that received it and its expiry; a clear 404 page for codes we never
issued; both languages."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.catalog.models import ProductStatus
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.producers.models import ProducerStatus
from marketplace.showrooms.models import Lot
from marketplace.traceability.links import format_expiry
from marketplace.traceability.models import StampedLot
from tests.trace_support import EAN, GTIN14, Traced
from tests.web.portal_support import html_of


@pytest.fixture
def traced(app):
    return Traced()


def test_the_product_page_at_its_gtin14_shows_the_producer_the_certificates_and_a_link_to_buy(client, traced):
    response = client.get(f"/01/{GTIN14}")

    page = html_of(response)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Cà phê Arabica Mường Ảng" in page and "Gói 250 g" in page and traced.producer.name in page
    assert "Hợp tác xã" in page and "Điện Biên" in page and "Xã Sam Mứn" in page  # legal type, province, ward
    assert "1234/QĐ-UBND" in page and "Đã xác minh" in page and "OCOP 3 sao" in page
    assert traced.product.ocop_valid_until.strftime("%d/%m/%Y") in page
    assert "VietGAP" in page
    assert f'href="/san-pham/{traced.product.id}/{traced.product.slug}"' in page
    assert "Lô " not in page  # the product's own stamp names no lot


def test_a_certificate_awaiting_verification_claims_no_stars(client, app):
    Traced(ocop_verified_at=None)

    page = html_of(client.get(f"/01/{GTIN14}"))

    assert "đang chờ cơ quan OCOP xác minh" in page and "OCOP 3 sao" not in page and "Đã xác minh" not in page


def test_a_lot_page_shows_every_point_that_received_the_lot_with_its_date_and_the_expiry(client, traced):
    centre, kiosk = traced.point("Trung tâm OCOP Điện Biên"), traced.point("Quầy OCOP sân bay Điện Biên Phủ")
    traced.receive(centre, quantity=5)
    traced.receive(kiosk, quantity=2)
    expiry = today_vn() + timedelta(days=300)

    response = client.get(f"/01/{GTIN14}/10/MA-2611?17={format_expiry(expiry)}")

    page = html_of(response)
    assert response.status_code == 200
    assert "Lô MA-2611" in page and "Trung tâm OCOP Điện Biên" in page and "Quầy OCOP sân bay Điện Biên Phủ" in page
    assert f"Nhận ngày {today_vn():%d/%m/%Y}" in page and expiry.strftime("%d/%m/%Y") in page
    assert "Đang có hàng" in page and "đã hết hạn" not in page and "khác hạn dùng" not in page


def test_an_expired_lot_says_so_plainly(client, traced):
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"))
    expired = today_vn() - timedelta(days=3)
    db.session.execute(sa.update(Lot).values(expires_on=expired))  # received before it expired
    db.session.commit()

    page = html_of(client.get(f"/01/{GTIN14}/10/MA-2611?17={format_expiry(expired)}"))

    assert "Lô này đã hết hạn sử dụng" in page and expired.strftime("%d/%m/%Y") in page


def test_a_stamp_whose_expiry_is_not_the_lots_is_pointed_out(client, traced):
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"), days=300)
    forged = today_vn() + timedelta(days=900)

    page = html_of(client.get(f"/01/{GTIN14}/10/MA-2611?17={format_expiry(forged)}"))

    assert "khác hạn dùng đã ghi nhận cho lô này" in page and forged.strftime("%d/%m/%Y") in page


def test_a_lot_stamped_before_any_delivery_opens_its_page(client, traced):
    expiry = today_vn() + timedelta(days=200)
    db.session.add(StampedLot(variant_id=traced.variant.id, lot_code="MA-2612", expires_on=expiry))
    db.session.commit()

    page = html_of(client.get(f"/01/{GTIN14}/10/MA-2612?17={format_expiry(expiry)}"))

    assert "Lô MA-2612" in page and "chưa được điểm bán OCOP nào nhận" in page and expiry.strftime("%d/%m/%Y") in page


def test_a_lot_code_with_a_slash_is_url_encoded_and_found(client, traced):
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"), lot_code="MA/26-11")

    assert "Lô MA/26-11" in html_of(client.get(f"/01/{GTIN14}/10/MA%2F26-11"))


def test_an_unknown_lot_gets_a_clear_not_found_page(client, traced):
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"))

    response = client.get(f"/01/{GTIN14}/10/MA-9999")

    assert response.status_code == 404 and "Không tìm thấy lô hàng này" in html_of(response)
    assert "tem giả" in html_of(response)


@pytest.mark.parametrize("path", [
    "/01/08936186900113",           # a wrong check digit
    "/01/8936186900113/10/MA-2611",
    "/01/08936186900129",           # a valid GTIN nobody here has
    "/01/0893618690011A",
    "/01/123",
])
def test_an_unknown_or_malformed_gtin_gets_a_clear_not_found_page(client, traced, path):
    response = client.get(path)

    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Không tìm thấy sản phẩm có mã này" in html_of(response)


def test_a_13_digit_gtin_redirects_to_its_gtin14_keeping_the_lot_and_the_expiry(client, traced):
    response = client.get(f"/01/{EAN}/10/MA-2611?17=270831")

    assert response.status_code == 301
    assert response.headers["Location"] == f"/01/{GTIN14}/10/MA-2611?17=270831"
    assert client.get(f"/01/{EAN}").headers["Location"] == f"/01/{GTIN14}"


def test_a_product_taken_off_sale_still_traces_but_offers_no_purchase(client, traced):
    traced.product.status = ProductStatus.ARCHIVED
    db.session.commit()

    page = html_of(client.get(f"/01/{GTIN14}"))

    assert "Cà phê Arabica Mường Ảng" in page and "/san-pham/" not in page
    assert "hiện không được bán trực tuyến" in page


@pytest.mark.parametrize("change", ["never_published", "producer_suspended"])
def test_a_draft_never_sold_or_a_suspended_producers_product_is_not_traced(client, traced, change):
    if change == "never_published":
        traced.product.status, traced.product.published_at = ProductStatus.DRAFT, None
    else:
        traced.producer.status = ProducerStatus.SUSPENDED
    db.session.commit()

    assert client.get(f"/01/{GTIN14}").status_code == 404


def test_the_trace_page_is_in_english_for_an_english_browser(client, traced):
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"))
    headers = {"Accept-Language": "en"}

    page = html_of(client.get(f"/01/{GTIN14}/10/MA-2611", headers=headers))
    missing = html_of(client.get(f"/01/{GTIN14}/10/MA-0000", headers=headers))

    assert "Traceability" in page and "Lot MA-2611" in page and "Where this lot was received" in page
    assert "Cooperative" in page and "Buy this product" in page and "Truy xuất" not in page
    assert "This lot was not found" in missing


def test_every_demo_gtin_answers_and_the_demo_centres_lots_open_their_pages(client, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    from marketplace.catalog.models import Variant

    gtins = db.session.scalars(sa.select(Variant.gtin).where(Variant.gtin.is_not(None))).all()
    assert len(gtins) > 20
    for gtin in gtins:
        response = client.get(f"/01/{gtin.zfill(14)}")
        assert (response.status_code, response.mimetype) == (200, "text/html"), gtin
    centre = "Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên"
    for path in ("/01/08936186900112/10/MA-2611?17=270831", "/01/08935220600117/10/TH-2610?17=271015"):
        page = html_of(client.get(path))
        assert centre in page and "khác hạn dùng" not in page, path
