"""The producer portal's display-point pages: a producer's stock at every point (low stock
marked), what the points sold and returned in a period with the money, and the goods moving
between points; another producer's goods never show, and outsiders find nothing."""

from datetime import timedelta

import pytest

from marketplace.clock import today_vn
from marketplace.showrooms import operations, till, transfers
from marketplace.showrooms.models import SalePayment
from marketplace.showrooms.movements import OutLine
from tests.factories import ProductFactory
from tests.point_factories import DisplayPointFactory, consign, new_key, receive
from tests.web.portal_support import Shop, html_of, login


@pytest.fixture
def shop(app):
    return Shop()


@pytest.fixture
def centre(shop):
    point = DisplayPointFactory(name="Trung tâm OCOP Điện Biên")
    consign(point, shop.producer, 1500)
    receive(point, shop.variant, 10, "MO-2611", today_vn() + timedelta(days=300))
    return point


def test_the_stock_page_sums_each_point_and_marks_low_stock(client, auth, shop, centre):
    kiosk = DisplayPointFactory(name="Quầy OCOP sân bay")
    consign(kiosk, shop.producer)
    receive(kiosk, shop.variant, 2, "MO-2612", today_vn() + timedelta(days=300))
    from marketplace.showrooms import services
    services.set_low_stock_threshold(kiosk.id, shop.variant.id, 3)
    page = html_of(login(client, auth, shop.staff).get(shop.url("/diem-ban")))
    assert "Trung tâm OCOP Điện Biên" in page and "10 đơn vị, 1 quy cách" in page
    assert "Quầy OCOP sân bay" in page and "1 quy cách sắp hết" in page and "Sắp hết" in page


def test_another_producers_goods_at_the_same_point_do_not_show(client, auth, shop, centre):
    other = ProductFactory(name="Miến dong Tài Hoan")
    consign(centre, other.producer)
    receive(centre, other.variants[0], 40, "TH-2610", today_vn() + timedelta(days=300))
    page = html_of(login(client, auth, shop.owner).get(shop.url("/diem-ban")))
    assert "Mật ong hoa ban" in page and "Miến dong Tài Hoan" not in page and "10 đơn vị" in page


def test_the_sales_page_shows_each_sale_with_its_lot_and_the_periods_money(client, auth, shop, centre):
    till.sell(centre.id, None, till.Sale((till.SaleLine(shop.variant.id, 3),), SalePayment.CASH), new_key())
    page = html_of(login(client, auth, shop.owner).get(shop.url("/diem-ban/ban-hang")))
    total = 3 * shop.variant.price_vnd
    commission = total * 15 // 100
    assert "MO-2611" in page and "POS-" in page and "Trung tâm OCOP Điện Biên" in page
    from marketplace.web.i18n import vnd
    assert vnd(total) in page and vnd(commission) in page and vnd(total - commission) in page


def test_a_period_before_the_sale_shows_none_and_a_reversed_one_is_refused(client, auth, shop, centre):
    till.sell(centre.id, None, till.Sale((till.SaleLine(shop.variant.id, 1),), SalePayment.CARD), new_key())
    login(client, auth, shop.owner)
    yesterday = (today_vn() - timedelta(days=1)).isoformat()
    page = html_of(client.get(shop.url(f"/diem-ban/ban-hang?tu_ngay={yesterday}&den_ngay={yesterday}")))
    assert "Không có lượt bán nào" in page and "MO-2611" not in page
    refused = client.get(shop.url(f"/diem-ban/ban-hang?tu_ngay={today_vn().isoformat()}&den_ngay={yesterday}"))
    assert refused.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu." in html_of(refused)


def test_the_returns_page_shows_what_a_point_sent_back(client, auth, shop, centre):
    operations.return_to_producer(centre.id, None, shop.id, "TL-0001", [OutLine(shop.variant.id, 4)])
    page = html_of(login(client, auth, shop.owner).get(shop.url("/diem-ban/tra-lai")))
    assert "TL-0001" in page and "MO-2611" in page and ">4<" in page


def test_goods_between_two_points_show_as_in_transit_until_received(client, auth, shop, centre):
    kiosk = DisplayPointFactory(name="Quầy OCOP sân bay")
    transfer = transfers.transfer_out(centre.id, None, kiosk.id, [OutLine(shop.variant.id, 2)])
    login(client, auth, shop.owner)
    page = html_of(client.get(shop.url("/diem-ban/dang-chuyen")))
    assert "Trung tâm OCOP Điện Biên" in page and "Quầy OCOP sân bay" in page and "MO-2611" in page
    assert "2 đơn vị đang chuyển đến" in html_of(client.get(shop.url("/diem-ban")))
    transfers.receive_transfer(kiosk.id, None, transfer.id, {transfer.lines[0].id: 2})
    assert "Không có hàng nào đang chuyển" in html_of(client.get(shop.url("/diem-ban/dang-chuyen")))


def test_someone_outside_the_producer_finds_nothing(client, auth, shop, centre):
    outsider = Shop()
    answer = login(client, auth, outsider.owner).get(shop.url("/diem-ban"))
    assert answer.status_code == 404 and "Trung tâm OCOP Điện Biên" not in html_of(answer)
