"""The producer portal's order pages over the test client: the inbox and its
filters, one part of an order, the packing slip, and the fulfilment actions
(each a form calling the service the API calls), with every refusal."""

import pytest

from marketplace.extensions import db
from marketplace.orders.lifecycle import SubOrderStatus
from marketplace.orders import portal_pages
from marketplace.orders.models import SubOrder
from tests.order_support import see_other_commits
from tests.web.portal_support import Shop, csrf_of, html_of, placed_part


@pytest.fixture
def shop(app):
    return Shop()


@pytest.fixture
def part(app, bearer, shop):
    return placed_part(app, bearer, shop)


@pytest.fixture
def as_owner(client, auth, shop):
    assert auth.login(shop.owner.email).status_code == 200
    return client


@pytest.fixture
def as_staff(client, auth, shop):
    assert auth.login(shop.staff.email).status_code == 200
    return client


def status_of(part_id: int) -> SubOrderStatus:
    see_other_commits()
    return db.session.get(SubOrder, part_id).status


def post_action(client, shop, part, action, **data):
    detail = shop.url(f"/don-hang/{part['id']}")
    return client.post(f"{detail}/{action}", data={"csrf_token": csrf_of(client, detail), **data})


# --- who may see them ---------------------------------------------------------------

def test_the_inbox_sends_an_anonymous_visitor_to_log_in(client, shop):
    response = client.get(shop.url("/don-hang"))
    assert response.status_code in (302, 303) and "/dang-nhap" in response.headers["Location"]


def test_another_producer_member_gets_404_for_the_inbox(client, auth, shop):
    other = Shop()
    auth.login(other.owner.email)
    assert client.get(shop.url("/don-hang")).status_code == 404


def test_another_producers_sub_order_is_404_even_through_your_own_producer(client, auth, app, bearer, shop, part):
    other = Shop()
    auth.login(other.owner.email)
    assert client.get(other.url(f"/don-hang/{part['id']}")).status_code == 404
    assert client.get(other.url(f"/don-hang/{part['id']}/phieu-dong-goi")).status_code == 404


# --- the inbox ----------------------------------------------------------------------

def test_staff_see_the_inbox_with_the_new_part(as_staff, shop, part):
    page = html_of(as_staff.get(shop.url("/don-hang")))
    assert part["id"] and "Đã xác nhận" in page and f"/don-hang/{part['id']}" in page


def test_the_inbox_filters_by_status(as_owner, shop, part):
    assert f"/don-hang/{part['id']}" not in html_of(as_owner.get(shop.url("/don-hang?trang_thai=shipped")))
    assert f"/don-hang/{part['id']}" in html_of(as_owner.get(shop.url("/don-hang?trang_thai=confirmed")))


def test_the_inbox_finds_a_part_by_the_buyers_phone_and_by_number(as_owner, shop, part):
    assert f"/don-hang/{part['id']}" in html_of(as_owner.get(shop.url("/don-hang?q=0912 345 678")))
    assert f"/don-hang/{part['id']}" not in html_of(as_owner.get(shop.url("/don-hang?q=0987654321")))


def test_the_inbox_filters_by_date_range(as_owner, shop, part):
    assert f"/don-hang/{part['id']}" not in html_of(as_owner.get(shop.url("/don-hang?tu_ngay=2000-01-01&den_ngay=2000-01-02")))


def test_a_bad_date_is_shown_beside_its_field_and_kept(as_owner, shop, part):
    response = as_owner.get(shop.url("/don-hang?tu_ngay=hôm-qua&q=OC1"))
    page = html_of(response)
    assert response.status_code == 422 and "error-summary" in page and 'value="OC1"' in page


def test_an_unknown_status_is_refused_with_a_message(as_owner, shop):
    assert as_owner.get(shop.url("/don-hang?trang_thai=lost")).status_code == 422



def test_a_long_inbox_pages_through_its_parts_keeping_the_filter(app, bearer, as_owner, shop, monkeypatch):
    # The page links once set `_` for themselves, which hid gettext: a second page of parts was a 500.
    monkeypatch.setattr(portal_pages, "PER_PAGE", 1)
    for _ in range(3):
        placed_part(app, bearer, shop)

    first = as_owner.get(shop.url("/don-hang?trang_thai=confirmed"))
    second = as_owner.get(shop.url("/don-hang?trang_thai=confirmed&page=2"))

    assert first.status_code == 200 and "Trang 1 / 3" in html_of(first)
    assert f'rel="next" href="{shop.url("/don-hang")}?trang_thai=confirmed&amp;page=2"' in html_of(first)
    assert second.status_code == 200 and "Trang 2 / 3" in html_of(second)
    assert f'rel="prev" href="{shop.url("/don-hang")}?trang_thai=confirmed&amp;page=1"' in html_of(second)

# --- one part and its actions -------------------------------------------------------

def test_a_confirmed_part_offers_pack_ship_and_cancel_but_not_deliver(as_owner, shop, part):
    page = html_of(as_owner.get(shop.url(f"/don-hang/{part['id']}")))
    assert "/dong-goi" in page and "/gui-hang" in page and "/huy" in page and "/da-giao" not in page
    assert "Trần Thu Hà" in page and "Mật ong hoa ban" in page


def test_staff_pack_ship_and_deliver_with_the_cash_collected(as_staff, shop, part):
    assert post_action(as_staff, shop, part, "dong-goi").status_code == 303
    assert status_of(part["id"]) is SubOrderStatus.PACKED
    page = html_of(as_staff.get(shop.url(f"/don-hang/{part['id']}")))
    assert "/dong-goi" not in page and "/gui-hang" in page
    response = post_action(as_staff, shop, part, "gui-hang", carrier="Viettel Post", tracking_number="VTP123")
    assert response.status_code == 303 and status_of(part["id"]) is SubOrderStatus.SHIPPED
    page = html_of(as_staff.get(shop.url(f"/don-hang/{part['id']}")))
    assert "VTP123" in page and "/huy" not in page and "cash_collected_vnd" in page
    response = post_action(as_staff, shop, part, "da-giao", cash_collected_vnd=str(part["total_vnd"]))
    assert response.status_code == 303 and status_of(part["id"]) is SubOrderStatus.DELIVERED
    assert "Tiền mặt đã thu" in html_of(as_staff.get(shop.url(f"/don-hang/{part['id']}")))


def test_shipping_without_a_tracking_number_keeps_the_carrier_typed(as_owner, shop, part):
    response = post_action(as_owner, shop, part, "gui-hang", carrier="GHN", tracking_number=" ")
    page = html_of(response)
    assert response.status_code == 422 and 'value="GHN"' in page and "Nhập mã vận đơn." in page
    assert status_of(part["id"]) is SubOrderStatus.CONFIRMED


def test_the_wrong_cash_amount_is_refused_beside_the_field(as_owner, shop, part):
    post_action(as_owner, shop, part, "gui-hang", carrier="GHN", tracking_number="GHN1")
    response = post_action(as_owner, shop, part, "da-giao", cash_collected_vnd="1000")
    page = html_of(response)
    assert response.status_code == 422 and 'value="1000"' in page and "Số tiền phải đúng bằng" in page
    assert status_of(part["id"]) is SubOrderStatus.SHIPPED


def test_delivering_a_confirmed_part_is_refused_as_the_lifecycle_says(as_owner, shop, part):
    response = post_action(as_owner, shop, part, "da-giao", cash_collected_vnd=str(part["total_vnd"]))
    assert response.status_code == 409 and "không thể làm việc này nữa" in html_of(response)
    assert status_of(part["id"]) is SubOrderStatus.CONFIRMED


def test_cancelling_needs_a_reason(as_owner, shop, part):
    response = post_action(as_owner, shop, part, "huy", reason="")
    assert response.status_code == 422 and "Cho người mua biết" in html_of(response)
    assert status_of(part["id"]) is SubOrderStatus.CONFIRMED


def test_cancelling_with_a_reason_cancels_the_part(as_owner, shop, part):
    assert post_action(as_owner, shop, part, "huy", reason="Hết hàng").status_code == 303
    assert status_of(part["id"]) is SubOrderStatus.CANCELLED
    assert "Hết hàng" in html_of(as_owner.get(shop.url(f"/don-hang/{part['id']}")))


def test_an_action_without_the_csrf_token_changes_nothing(as_owner, shop, part):
    response = as_owner.post(shop.url(f"/don-hang/{part['id']}/dong-goi"))
    assert response.status_code == 400
    response = as_owner.post(shop.url(f"/don-hang/{part['id']}/gui-hang"), data={"carrier": "A", "tracking_number": "B"})
    assert response.status_code == 400  # CSRFProtect refuses before the view
    assert status_of(part["id"]) is SubOrderStatus.CONFIRMED


def test_an_action_on_another_producers_part_is_404(client, auth, shop, part):
    other = Shop()
    auth.login(other.owner.email)
    token = csrf_of(client, other.url("/don-hang"))
    response = client.post(other.url(f"/don-hang/{part['id']}/dong-goi"), data={"csrf_token": token})
    assert response.status_code == 404 and status_of(part["id"]) is SubOrderStatus.CONFIRMED


def test_the_packing_slip_prints_the_recipient_lines_and_cod_amount(as_staff, shop, part):
    page = html_of(as_staff.get(shop.url(f"/don-hang/{part['id']}/phieu-dong-goi")))
    assert "Trần Thu Hà" in page and "Mật ong hoa ban" in page and "Thu hộ (COD)" in page
    assert "portal.css" in page
