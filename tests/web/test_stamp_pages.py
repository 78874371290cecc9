"""The portal's stamp pages: a producer prints a sheet of QR stamps for a variant or one of its
lots, and each stamp, decoded from the printed PDF, opens that lot's trace page."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from biip import ParseConfig, parse

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.producers.models import MemberRole
from marketplace.traceability.models import StampedLot
from tests.factories import ProductFactory, member_of
from tests.stamp_reading import pages_of
from tests.trace_support import GTIN14, Traced
from tests.web.portal_support import csrf_of, html_of, login


@pytest.fixture
def traced(app):
    traced = Traced(shelf_life_days=365)
    traced.owner = member_of(traced.producer, MemberRole.OWNER)
    traced.staff = member_of(traced.producer, MemberRole.STAFF)
    traced.url = f"/kenh-nguoi-ban/{traced.producer.id}/tem-truy-xuat/{traced.variant.id}"
    return traced


def post_sheet(client, traced, **fields):
    data = {"csrf_token": csrf_of(client, traced.url), "lot": "khong", "layout": "a4-65", "sheets": "1", **fields}
    return client.post(traced.url, data=data)


def test_the_list_offers_the_variants_with_a_gtin_only(client, auth, traced):
    ProductFactory(producer=traced.producer, name="Trà shan tuyết")  # its variant has no GTIN

    page = html_of(login(client, auth, traced.staff).get(f"/kenh-nguoi-ban/{traced.producer.id}/tem-truy-xuat"))

    assert "Cà phê Arabica Mường Ảng" in page and "Gói 250 g" in page and traced.url in page
    assert "Trà shan tuyết" not in page


def test_a_printed_lot_stamp_decodes_to_that_lots_trace_page(client, auth, traced, app):
    centre = traced.point("Trung tâm OCOP Điện Biên")
    traced.receive(centre, days=300)
    expiry = today_vn() + timedelta(days=300)
    login(client, auth, traced.owner)
    assert "Lô MA-2611, hạn dùng" in html_of(client.get(traced.url))

    response = post_sheet(client, traced, lot="lo:MA-2611", sheets="2")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f"tem-{GTIN14}-MA-2611-a4-65.pdf" in response.headers["Content-Disposition"]
    pages = pages_of(response.data)
    assert len(pages) == 2 and all(page["size_mm"] == (210, 297) for page in pages)
    first = pages[0]
    first["text"] = " ".join(first["text"].split())
    assert "Cà phê Arabica" in first["text"] and "Lô: MA-2611" in first["text"]
    assert f"HSD: {expiry:%d/%m/%Y}" in first["text"]
    assert len(first["codes"]) == 65 and set(first["codes"]) == set(pages[1]["codes"])
    [payload] = set(first["codes"])
    assert payload == f"{app.config['PUBLIC_BASE_URL']}/01/{GTIN14}/10/MA-2611?17={expiry:%y%m%d}"
    link = parse(payload, config=ParseConfig(rcn_region=None)).gs1_digital_link_uri  # GS1's reading, not ours
    assert [(e.ai.ai, e.value) for e in link.element_strings] == [("01", GTIN14), ("10", "MA-2611"),
                                                                   ("17", f"{expiry:%y%m%d}")]

    address = urlsplit(payload)
    trace = client.get(f"{address.path}?{address.query}")

    assert trace.status_code == 200
    assert "Lô MA-2611" in html_of(trace) and "Trung tâm OCOP Điện Biên" in html_of(trace)


def test_a_product_stamp_opens_the_products_trace_page(client, auth, traced):
    login(client, auth, traced.staff)

    [payload] = set(pages_of(post_sheet(client, traced, layout="a4-24").data)[0]["codes"])

    assert payload.endswith(f"/01/{GTIN14}")
    page = html_of(client.get(urlsplit(payload).path))
    assert "Cà phê Arabica Mường Ảng" in page and "Lô " not in page


def test_a_typed_lot_is_kept_so_its_stamps_answer_before_any_point_receives_it(client, auth, traced):
    expiry = today_vn() + timedelta(days=200)
    login(client, auth, traced.owner)

    response = post_sheet(client, traced, lot="khac", lot_code="MA-2612", expires_on=expiry.isoformat(),
                          layout="a4-40")

    assert response.mimetype == "application/pdf"
    first = pages_of(response.data)[0]
    assert len(first["codes"]) == 40
    stamped = db.session.get(StampedLot, (traced.variant.id, "MA-2612"))
    assert stamped is not None and stamped.expires_on == expiry
    assert "Lô MA-2612" in html_of(client.get(urlsplit(first["codes"][0]).path + f"?17={expiry:%y%m%d}"))
    assert "Lô MA-2612, hạn dùng" in html_of(client.get(traced.url))  # offered next time


@pytest.mark.parametrize("fields, field, message", [
    ({"lot": "khac", "lot_code": ""}, "lot_code", "Nhập số lô"),
    ({"lot": "khac", "lot_code": "Lô 1"}, "lot_code", "Số lô tối đa 20 ký tự"),
    ({"lot": "khac", "lot_code": "A" * 21}, "lot_code", "Số lô tối đa 20 ký tự"),
    ({"lot": "khac", "lot_code": "MA-2612"}, "expires_on", "cần ghi hạn sử dụng"),  # a product with a shelf life
    ({"sheets": "0"}, "sheets", "Từ 1 đến 20 tờ"),
    ({"sheets": "21"}, "sheets", "Từ 1 đến 20 tờ"),
    ({"sheets": "hai"}, "sheets", "Nhập số tờ bằng chữ số"),
    ({"lot": "khac", "lot_code": "MA-2612", "expires_on": "31/31/2027"}, "expires_on", "Nhập ngày theo dạng"),
    ({"layout": "a5-12"}, "layout", "Vui lòng chọn một mục"),
    ({"lot": "lo:XX-1"}, "lot", "Vui lòng chọn một mục"),
])
def test_bad_choices_come_back_beside_their_fields_and_keep_nothing(client, auth, traced, fields, field, message):
    login(client, auth, traced.owner)

    response = post_sheet(client, traced, **fields)

    page = html_of(response)
    assert response.status_code == 422 and 'class="error-summary"' in page
    assert f'href="#{field}"' in page and message in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StampedLot)) == 0


def test_a_lot_the_points_received_with_another_expiry_is_refused(client, auth, traced):
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"), days=300)
    recorded = today_vn() + timedelta(days=300)
    login(client, auth, traced.owner)

    response = post_sheet(client, traced, lot="khac", lot_code="MA-2611",
                          expires_on=(recorded + timedelta(days=30)).isoformat())

    assert response.status_code == 422 and f"hạn dùng {recorded:%d/%m/%Y}" in html_of(response)


def test_another_producers_variant_or_one_without_a_gtin_is_not_found(client, auth, traced):
    other = ProductFactory(name="Miến dong Tài Hoan")
    other.variants[0].gtin = "8935220600117"
    no_gtin = ProductFactory(producer=traced.producer).variants[0]
    db.session.commit()
    login(client, auth, traced.owner)
    base = f"/kenh-nguoi-ban/{traced.producer.id}/tem-truy-xuat"

    assert client.get(f"{base}/{other.variants[0].id}").status_code == 404
    assert client.get(f"{base}/{no_gtin.id}").status_code == 404


def test_someone_outside_the_producer_finds_no_stamp_page(client, auth, traced):
    outsider = member_of(ProductFactory().producer, MemberRole.OWNER)

    assert login(client, auth, outsider).get(traced.url).status_code == 404
