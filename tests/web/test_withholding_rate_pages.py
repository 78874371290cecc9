"""The settings page of the tax withheld for household businesses: the Decree's rates, a new
rate from a day to come (never today or before), removing one not yet in force, bad input."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.audit.models import AuditEntry
from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.pricing.models import WithholdingRate
from tests.factories import UserFactory
from tests.web.test_account_pages import html, log_in, submit

PAGE = "/quan-tri/cai-dat/thue-khau-tru"


@pytest.fixture
def admin(app, client):
    UserFactory(email="admin@example.vn", is_admin=True)
    assert log_in(client, "admin@example.vn").status_code == 303


def stored():
    db.session.expire_all()
    return {(r.valid_from, r.vat_bps, r.pit_bps) for r in db.session.scalars(sa.select(WithholdingRate))}


def test_the_page_shows_the_decrees_rates_in_force(client, admin):
    page = html(client.get(PAGE))

    assert "Đang áp dụng: thuế GTGT 1%, thuế TNCN 0,5%" in page
    assert "01/07/2025" in page and "Nghị định 117/2025/NĐ-CP" in page


def test_a_rate_from_a_day_to_come_is_saved_and_can_be_removed_before_it_applies(client, admin):
    day = today_vn() + timedelta(days=30)

    response = submit(client, PAGE, {"valid_from": day.isoformat(), "vat": "1,5", "pit": "0,75"}, form_path=PAGE)

    assert response.status_code == 303 and response.headers["Location"] == PAGE
    assert stored() == {(day, 150, 75)}
    assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "withholding_rate.set"
    page = html(client.get(PAGE))
    assert "Đã lưu mức thuế khấu trừ" in page and "1,5%" in page and "0,75%" in page
    assert "Đang áp dụng: thuế GTGT 1%, thuế TNCN 0,5%" in page  # not yet

    response = submit(client, f"{PAGE}/xoa", {"valid_from": day.isoformat()}, form_path=PAGE)

    assert response.status_code == 303 and stored() == set()
    assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "withholding_rate.removed"


@pytest.mark.parametrize(("data", "message"), [
    ({"valid_from": "today", "vat": "1", "pit": "0,5"}, "Chọn một ngày sau hôm nay"),
    ({"valid_from": "2026-02-30", "vat": "1", "pit": "0,5"}, "Ngày không hợp lệ"),
    ({"valid_from": "", "vat": "1", "pit": "0,5"}, "Vui lòng chọn ngày."),
    ({"valid_from": "future", "vat": "10,01", "pit": "0,5"}, "từ 0 đến 10"),
    ({"valid_from": "future", "vat": "1", "pit": "nửa"}, "từ 0 đến 10"),
])
def test_a_bad_rate_is_refused_beside_its_field_and_nothing_is_saved(client, admin, data, message):
    values = {"today": today_vn().isoformat(), "future": (today_vn() + timedelta(days=3)).isoformat()}
    data = {key: values.get(value, value) for key, value in data.items()}

    response = submit(client, PAGE, data, form_path=PAGE)

    assert response.status_code == 422
    assert message in html(response) and stored() == set()


def test_a_rate_in_force_cannot_be_removed(client, admin):
    db.session.add(WithholdingRate(valid_from=today_vn(), vat_bps=200, pit_bps=100))
    db.session.commit()

    response = submit(client, f"{PAGE}/xoa", {"valid_from": today_vn().isoformat()}, form_path=PAGE)

    assert response.status_code == 422 and "chỉ xoá được mức chưa áp dụng" in html(response)
    assert stored() == {(today_vn(), 200, 100)}
    assert submit(client, f"{PAGE}/xoa", {"valid_from": "junk"}, form_path=PAGE).status_code == 422


def test_a_post_without_the_csrf_token_is_refused(client, admin):
    response = client.post(PAGE, data={"valid_from": (today_vn() + timedelta(days=3)).isoformat(), "vat": "2",
                                       "pit": "1"})

    assert response.status_code == 400 and stored() == set()


def test_the_settings_hub_links_the_page(client, admin):
    assert f'href="{PAGE}"' in html(client.get("/quan-tri/cai-dat"))
