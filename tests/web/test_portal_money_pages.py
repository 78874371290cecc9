"""The producer portal's money pages: the statement and its CSV, payouts, and
the bank account, which only owners edit."""

import csv
import io

import pytest

from marketplace.extensions import db
from marketplace.orders import fulfilment
from marketplace.payouts import services
from marketplace.payouts.models import BankAccountNotFound
from marketplace.producers.models import LegalType
from tests.factories import UserFactory
from tests.money_helpers import place_paid_order, refund
from tests.web.portal_support import Shop, csrf_of, html_of, login, placed_part


@pytest.fixture
def shop(app):
    return Shop()


def delivered_cod_part(app, bearer, shop) -> dict:
    part = placed_part(app, bearer, shop)
    fulfilment.ship(shop.id, part["id"], shop.owner.id, "GHN", "GHN1")
    fulfilment.deliver(shop.id, part["id"], shop.owner.id, part["total_vnd"])
    return part


def test_staff_see_the_balance_and_the_statement_of_a_cod_delivery(client, auth, app, bearer, shop):
    delivered_cod_part(app, bearer, shop)
    page = html_of(login(client, auth, shop.staff).get(shop.url("/tien")))
    assert "Thu tiền khi giao (COD)" in page
    assert 'data-balance="pending"' in page and "Sao kê" in page


def test_the_statement_csv_has_the_apis_columns_and_the_delivery(client, auth, app, bearer, shop):
    delivered_cod_part(app, bearer, shop)
    response = login(client, auth, shop.owner).get(shop.url("/tien/sao-ke.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows and "cod_sale" in {row["kind"] for row in rows}


def test_a_period_before_the_delivery_shows_no_lines(client, auth, app, bearer, shop):
    delivered_cod_part(app, bearer, shop)
    page = html_of(login(client, auth, shop.owner).get(shop.url("/tien?tu_ngay=2001-01-01&den_ngay=2001-01-31")))
    assert "Chưa có bút toán nào" in page


def test_a_reversed_period_is_refused_beside_the_field(client, auth, shop):
    response = login(client, auth, shop.owner).get(shop.url("/tien?tu_ngay=2026-02-01&den_ngay=2026-01-01"))
    assert response.status_code == 422 and "Ngày kết thúc phải sau" in html_of(response)
    assert login(client, auth, shop.owner).get(shop.url("/tien/sao-ke.csv?tu_ngay=x")).status_code == 422


def test_the_payouts_page_says_when_there_are_none(client, auth, shop):
    assert "Chưa có lần chi trả nào" in html_of(login(client, auth, shop.staff).get(shop.url("/tien/chi-tra")))


def test_staff_see_the_bank_account_but_cannot_edit_it(client, auth, shop):
    login(client, auth, shop.staff)
    page = html_of(client.get(shop.url("/tien/tai-khoan-ngan-hang")))
    assert "Chưa có tài khoản nhận tiền" in page and "/sua" not in page
    assert client.get(shop.url("/tien/tai-khoan-ngan-hang/sua")).status_code == 403
    token = csrf_of(client, shop.url("/tien/tai-khoan-ngan-hang"))
    response = client.post(shop.url("/tien/tai-khoan-ngan-hang/sua"), data={
        "csrf_token": token, "bank_name": "Vietcombank", "account_number": "0123456789", "holder_name": "HTX"})
    assert response.status_code == 403
    with pytest.raises(BankAccountNotFound):
        services.bank_account_of(shop.id)


def test_an_owner_sets_the_bank_account(client, auth, shop):
    login(client, auth, shop.owner)
    url = shop.url("/tien/tai-khoan-ngan-hang/sua")
    response = client.post(url, data={"csrf_token": csrf_of(client, url), "bank_name": "Vietcombank",
                                      "bank_bin": "970436", "account_number": "0123 456 789",
                                      "holder_name": "HTX Ong mật"})
    assert response.status_code == 303
    assert services.bank_account_of(shop.id).account_number == "0123456789"
    assert "0123456789" in html_of(client.get(shop.url("/tien/tai-khoan-ngan-hang")))
    assert 'value="Vietcombank"' in html_of(client.get(url))  # the edit form starts from what is saved


def test_a_bad_account_number_is_kept_with_its_message(client, auth, shop):
    login(client, auth, shop.owner)
    url = shop.url("/tien/tai-khoan-ngan-hang/sua")
    response = client.post(url, data={"csrf_token": csrf_of(client, url), "bank_name": "Vietcombank",
                                      "account_number": "12ab", "holder_name": ""})
    page = html_of(response)
    assert response.status_code == 422 and 'value="12ab"' in page and "6 đến 19 chữ số" in page
    assert "Nhập tên chủ tài khoản." in page and "error-summary" in page
    with pytest.raises(BankAccountNotFound):
        services.bank_account_of(shop.id)


def test_the_bank_form_needs_the_csrf_token(client, auth, shop):
    login(client, auth, shop.owner)
    response = client.post(shop.url("/tien/tai-khoan-ngan-hang/sua"), data={
        "bank_name": "Vietcombank", "account_number": "0123456789", "holder_name": "HTX"})
    assert response.status_code == 400


def test_an_outsider_gets_404_for_the_money_pages(client, auth, shop):
    login(client, auth, UserFactory())
    for path in ("/tien", "/tien/sao-ke.csv", "/tien/chi-tra", "/tien/tai-khoan-ngan-hang"):
        assert client.get(shop.url(path)).status_code == 404


# --- tax withheld for household businesses (Decree 117/2025/NĐ-CP) -------------------------

def test_a_household_business_sees_one_and_a_half_percent_withheld_and_the_refund_gives_it_back(
        client, auth, app, shop, shopper):
    shop.producer.legal_type = LegalType.HOUSEHOLD
    db.session.commit()
    [part] = place_paid_order(shopper, shop.variant).sub_orders  # one jar: 250.000 ₫ of goods
    login(client, auth, shop.owner)
    page = html_of(client.get(shop.url("/tien")))
    assert "Thuế khấu trừ (Nghị định 117/2025/NĐ-CP)" in page
    assert "Thuế GTGT khấu trừ: 2.500 ₫" in page and "Thuế TNCN khấu trừ: 1.250 ₫" in page
    assert "thuế GTGT 1% và thuế TNCN 0,5%" in page

    refund(part, part.total_vnd)

    page = html_of(client.get(shop.url("/tien")))
    assert "Hoàn lại thuế đã khấu trừ (hoàn tiền)" in page
    rows = list(csv.DictReader(io.StringIO(client.get(shop.url("/tien/sao-ke.csv")).get_data(as_text=True))))
    taxed = [(row["kind"], row["vat_withheld_vnd"], row["pit_withheld_vnd"], row["pending_vnd"]) for row in rows
             if row["kind"].startswith("tax_")]
    assert taxed == [("tax_withheld", "2500", "1250", "-3750"), ("tax_reversed", "-2500", "-1250", "3750")]


def test_a_cooperative_sees_no_tax_withheld(client, auth, app, bearer, shop):
    delivered_cod_part(app, bearer, shop)
    page = html_of(login(client, auth, shop.owner).get(shop.url("/tien")))
    assert "Thuế GTGT khấu trừ" not in page and 'id="withholding-note"' not in page
