"""The saved-address pages over the test client: list, add (with and without
JavaScript's help for the wards), edit, delete, make default; and refusals."""

import re

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders import addresses
from marketplace.orders.models import SavedAddress
from marketplace.regions import divisions
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, UserFactory
from tests.web.test_account_pages import csrf_of, html, log_in, submit

HA_NOI = 1
A_HA_NOI_WARD = next(code for code, w in divisions.wards().items() if int(w.province_code) == HA_NOI)

ADDRESS = {"recipient_name": "Lò Thị Mai", "phone": "0912 345 678", "province_code": str(DIEN_BIEN),
           "ward_code": str(DIEN_BIEN_WARD), "street_address": "Bản Hin 1", "label": "Nhà"}


@pytest.fixture
def lan(app, client):
    user = UserFactory(email="lan@example.vn", full_name="Nguyễn Thị Lan")
    assert log_in(client).status_code == 303
    return user


def saved(user):
    db.session.expire_all()
    return addresses.addresses_of(user)


def keep(user, **changes):
    fields = {**ADDRESS, "province_code": DIEN_BIEN, "ward_code": DIEN_BIEN_WARD, "phone": "+84912345678", **changes}
    return addresses.add_address(user, fields)


def test_the_list_says_when_there_is_no_address_yet_and_offers_to_add_one(client, lan):
    page = html(client.get("/tai-khoan/dia-chi"))

    assert "Bạn chưa lưu địa chỉ nào" in page and 'href="/tai-khoan/dia-chi/them"' in page


def test_adding_an_address_saves_it_as_the_default_and_lists_it(client, lan):
    response = submit(client, "/tai-khoan/dia-chi/them", ADDRESS)

    assert response.status_code == 303 and response.headers["Location"] == "/tai-khoan/dia-chi"
    [address] = saved(lan)
    assert (address.phone, address.ward_code, address.is_default) == ("+84912345678", DIEN_BIEN_WARD, True)
    page = html(client.get("/tai-khoan/dia-chi"))
    assert "Đã lưu địa chỉ mới." in page and "Bản Hin 1" in page and "Mặc định" in page
    assert divisions.wards()[DIEN_BIEN_WARD].name in page and "0912 345 678" in page


def test_without_javascript_choosing_a_province_shows_its_wards_and_saves_nothing(client, lan):
    empty_form = html(client.get("/tai-khoan/dia-chi/them"))
    assert 'name="choose_province"' in empty_form and f'value="{DIEN_BIEN_WARD}"' not in empty_form

    response = submit(client, "/tai-khoan/dia-chi/them", {
        "recipient_name": "Lò Thị Mai", "province_code": str(DIEN_BIEN), "choose_province": "1"})

    page = html(response)
    assert response.status_code == 200 and "Vui lòng kiểm tra lại" not in page
    assert re.search(rf'<option selected value="{DIEN_BIEN}">|<option value="{DIEN_BIEN}" selected>', page)
    assert f'value="{DIEN_BIEN_WARD}"' in page and f'value="{A_HA_NOI_WARD}"' not in page
    assert 'value="Lò Thị Mai"' in page
    assert saved(lan) == []


def test_a_ward_of_another_province_is_refused_beside_the_ward(client, lan):
    response = submit(client, "/tai-khoan/dia-chi/them", {**ADDRESS, "ward_code": str(A_HA_NOI_WARD)})

    assert response.status_code == 422
    assert "không thuộc tỉnh, thành phố đã chọn" in html(response)
    assert saved(lan) == []


def test_bad_input_lists_every_mistake_keeps_what_was_typed_and_saves_nothing(client, lan):
    response = submit(client, "/tai-khoan/dia-chi/them", {
        "recipient_name": "", "phone": "123", "province_code": "", "ward_code": "junk", "street_address": "Bản Hin 2"})

    page = html(response)
    assert response.status_code == 422
    for message in ("Vui lòng điền mục này.", "Số điện thoại Việt Nam chưa đúng", "Vui lòng chọn tỉnh, thành phố.",
                    "Vui lòng chọn phường, xã."):
        assert message in page, message
    assert 'value="Bản Hin 2"' in page and 'value="123"' in page
    assert saved(lan) == []


def test_editing_an_address_changes_it(client, lan):
    address = keep(lan)
    form = html(client.get(f"/tai-khoan/dia-chi/{address.id}/sua"))
    assert 'value="Bản Hin 1"' in form and "0912 345 678" in form

    response = submit(client, f"/tai-khoan/dia-chi/{address.id}/sua", {
        **ADDRESS, "province_code": str(HA_NOI), "ward_code": str(A_HA_NOI_WARD), "street_address": "12 Hàng Bạc"})

    assert response.status_code == 303
    [changed] = saved(lan)
    assert (changed.province_code, changed.ward_code, changed.street_address) == (HA_NOI, A_HA_NOI_WARD,
                                                                                  "12 Hàng Bạc")


def test_making_another_address_the_default_moves_the_mark(client, lan):
    home = keep(lan, label="Nhà")
    work = keep(lan, label="Công ty")

    response = submit(client, f"/tai-khoan/dia-chi/{work.id}/mac-dinh", {}, form_path="/tai-khoan/dia-chi")

    assert response.status_code == 303
    assert {a.label: a.is_default for a in saved(lan)} == {"Nhà": False, "Công ty": True}
    assert home.id != work.id


def test_removing_the_default_makes_the_remaining_one_the_default(client, lan):
    home = keep(lan, label="Nhà")
    keep(lan, label="Công ty")

    response = submit(client, f"/tai-khoan/dia-chi/{home.id}/xoa", {}, form_path="/tai-khoan/dia-chi")

    assert response.status_code == 303 and "Đã xoá địa chỉ." in html(client.get("/tai-khoan/dia-chi"))
    assert [(a.label, a.is_default) for a in saved(lan)] == [("Công ty", True)]


@pytest.mark.parametrize("action", ["sua", "xoa", "mac-dinh"])
def test_someone_elses_address_is_not_found(client, lan, action):
    stranger = UserFactory(email="stranger@example.vn")
    theirs = keep(stranger)
    token = csrf_of(client, "/tai-khoan/dia-chi")

    response = (client.get(f"/tai-khoan/dia-chi/{theirs.id}/sua") if action == "sua" else
                client.post(f"/tai-khoan/dia-chi/{theirs.id}/{action}", data={"csrf_token": token}))

    assert response.status_code == 404
    assert db.session.get(SavedAddress, theirs.id) is not None and saved(stranger)[0].is_default


def test_deleting_without_the_csrf_token_is_refused(client, lan):
    address = keep(lan)

    assert client.post(f"/tai-khoan/dia-chi/{address.id}/xoa").status_code == 400
    assert len(saved(lan)) == 1


def test_at_the_limit_the_add_link_gives_way_to_an_explanation_and_a_post_is_refused(client, lan):
    for n in range(addresses.MAX_ADDRESSES):
        keep(lan, label=f"Số {n}")

    page = html(client.get("/tai-khoan/dia-chi"))
    assert 'href="/tai-khoan/dia-chi/them"' not in page and "mức tối đa" in page
    response = submit(client, "/tai-khoan/dia-chi/them", ADDRESS)
    assert response.status_code == 422 and "tối đa 10 địa chỉ" in html(response)
    assert db.session.scalar(sa.select(sa.func.count(SavedAddress.id))) == addresses.MAX_ADDRESSES


def test_the_address_pages_need_a_login(client, app):
    response = client.get("/tai-khoan/dia-chi/them")

    assert response.status_code == 302 and response.headers["Location"] == "/dang-nhap?next=/tai-khoan/dia-chi/them"


def test_the_form_tells_wards_js_where_to_fetch_the_wards(client, lan):
    page = html(client.get("/tai-khoan/dia-chi/them"))

    assert 'data-wards-select="ward_code"' in page
    assert 'data-wards-url="/api/v1/regions/provinces/{code}/wards"' in page
    assert '<script src="/static/wards.js" defer' in page
