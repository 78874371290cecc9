"""The producer portal's home and dashboard over the test client."""

from datetime import timedelta

import pytest

from marketplace.clock import today_vn
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.orders.models import SubOrder
from marketplace.producers.models import MemberRole
from tests.factories import MemberFactory, ProductFactory, UserFactory
from tests.web.portal_support import Shop, html_of, login, placed_part


@pytest.fixture
def shop(app):
    return Shop()


def test_the_portal_home_goes_straight_to_the_only_producer(client, auth, shop):
    response = login(client, auth, shop.staff).get("/kenh-nguoi-ban")
    assert response.status_code == 302 and response.headers["Location"].endswith(shop.url())


def test_the_portal_home_lists_several_producers_and_the_layout_offers_a_switch(client, auth, shop):
    other = Shop()
    MemberFactory(producer=other.producer, user=shop.owner, role=MemberRole.STAFF)
    login(client, auth, shop.owner)
    page = html_of(client.get("/kenh-nguoi-ban"))
    assert shop.producer.name in page and other.producer.name in page
    dashboard = html_of(client.get(shop.url()))
    assert "Đổi chủ thể" in dashboard and other.url() in dashboard


def test_a_shopper_with_no_producer_is_told_how_to_join(client, auth):
    page = html_of(login(client, auth, UserFactory()).get("/kenh-nguoi-ban"))
    assert "chưa thuộc chủ thể OCOP nào" in page


def test_the_portal_needs_a_login(client, shop):
    assert "/dang-nhap" in client.get("/kenh-nguoi-ban").headers["Location"]
    assert "/dang-nhap" in client.get(shop.url()).headers["Location"]


def test_an_outsider_gets_404_for_the_dashboard(client, auth, shop):
    assert login(client, auth, UserFactory()).get(shop.url()).status_code == 404


def test_the_dashboard_lists_new_and_overdue_parts(client, auth, app, bearer, shop):
    new = placed_part(app, bearer, shop)
    old = placed_part(app, bearer, shop)
    db.session.get(SubOrder, old["id"]).created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    page = html_of(login(client, auth, shop.staff).get(shop.url()))
    overdue_box = page.split("Quá hạn gửi hàng")[1].split("Đơn mới")[0]
    new_box = page.split("Đơn mới")[1].split("Tất cả đơn hàng")[0]
    assert f"/don-hang/{old['id']}" in overdue_box and f"/don-hang/{new['id']}" in new_box
    assert f"/don-hang/{new['id']}" not in overdue_box


def test_the_dashboard_shows_low_stock_and_expiring_certificates(client, auth, shop):
    shop.variant.stock_quantity = 2
    ProductFactory(producer=shop.producer, name="Trà Shan tuyết", ocop_valid_until=today_vn() + timedelta(days=30))
    ProductFactory(producer=shop.producer, name="Gạo nếp nương", ocop_valid_until=today_vn() + timedelta(days=400))
    db.session.commit()
    page = html_of(login(client, auth, shop.owner).get(shop.url()))
    assert "Mật ong hoa ban · Chai 500 ml" in page and "còn 2" in page
    certificates = page.split("sắp hết hạn (90 ngày)")[1]
    assert "Trà Shan tuyết" in certificates and "Gạo nếp nương" not in certificates


def test_the_dashboard_draws_the_sales_chart_without_script_and_repeats_it_as_a_table(client, auth, app, bearer, shop):
    part = placed_part(app, bearer, shop)
    fulfilment.ship(shop.id, part["id"], shop.owner.id, "GHN", "1")
    fulfilment.deliver(shop.id, part["id"], shop.owner.id, part["total_vnd"])
    response = login(client, auth, shop.owner).get(shop.url())
    page = html_of(response)
    assert "<svg" in page and "Doanh số 30 ngày qua" in page and "charts.css" in page
    assert "<script type=\"text/javascript\">window.pygal" not in page and "<style" not in page.split("<body")[1]
    assert today_vn().strftime("%d/%m/%Y") in page  # the table's rows
    total = f"{part['total_vnd']:,}".replace(",", ".") + " ₫"
    assert page.count(total) >= 2  # the 30-day total and today's row
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_chart_is_labelled_in_english_on_an_english_page(client, auth, shop):
    login(client, auth, shop.owner)
    with client.session_transaction() as session:
        session["locale"] = "en"
    page = html_of(client.get(shop.url()))
    assert "Sales, last 30 days" in page


def test_the_dashboard_shows_the_balance(client, auth, shop):
    page = html_of(login(client, auth, shop.staff).get(shop.url()))
    assert 'data-balance="available"' in page and "0 ₫" in page


def test_the_header_links_members_to_the_portal_and_not_shoppers(client, auth, shop):
    assert "/kenh-nguoi-ban" in html_of(login(client, auth, shop.staff).get("/"))
    client.post("/api/v1/auth/logout")
    assert "/kenh-nguoi-ban" not in html_of(login(client, auth, UserFactory()).get("/"))
