"""The admin settings pages over the test client: commission rates, display points, their
operators and consignments; bad input kept beside its field; CSRF; non-admins refused."""

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.pricing.forms import bps_to_percent, percent_to_bps
from marketplace.pricing.models import CommissionRate
from marketplace.showrooms.models import Consignment, DisplayPoint, PointOperator, PointStatus
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI, ProducerFactory, UserFactory
from tests.point_factories import DisplayPointFactory, consign, operator_of
from tests.web.test_account_pages import html, log_in, submit


@pytest.fixture
def admin(app, client):
    UserFactory(email="admin@example.vn", is_admin=True)
    assert log_in(client, "admin@example.vn").status_code == 303


def rates():
    db.session.expire_all()
    return {(r.scope, r.key): r.rate_bps for r in db.session.scalars(sa.select(CommissionRate))}


RATES = "/quan-tri/cai-dat/hoa-hong"


@pytest.mark.parametrize("text, bps", [("12,5", 1250), ("12.5", 1250), ("0", 0), ("50", 5000), ("8 %", 800),
                                       ("7,25", 725)])
def test_a_percentage_becomes_basis_points(text, bps):
    assert percent_to_bps(text) == bps and percent_to_bps(bps_to_percent(bps)) == bps


@pytest.mark.parametrize("text", ["50,01", "-1", "12,345", "mười", "", "nan", "inf"])
def test_a_percentage_outside_the_table_is_refused(text):
    with pytest.raises(ValueError):
        percent_to_bps(text)


def test_the_rates_page_lists_every_group_at_the_default_until_one_is_set(client, admin):
    page = html(client.get(RATES))

    assert page.count("(mức chung)") == 6 and "Mức chung: 10%" in page


def test_setting_a_group_rate_saves_it_and_says_so(client, admin):
    response = submit(client, f"{RATES}/nhom", {"group-group": "beverages", "group-rate": "12,5"}, form_path=RATES)

    assert response.status_code == 303 and response.headers["Location"] == RATES
    assert rates() == {("group", "beverages"): 1250}
    page = html(client.get(RATES))
    assert "Đã lưu mức hoa hồng của nhóm" in page and "12,5%" in page and page.count("(mức chung)") == 5


def test_a_producer_rate_overrides_and_can_be_removed(client, admin):
    producer = ProducerFactory(name="HTX Chè Shan Tuyết")
    submit(client, f"{RATES}/chu-the", {"producer-producer_id": str(producer.id), "producer-rate": "8"}, form_path=RATES)
    assert rates() == {("producer", str(producer.id)): 800}
    assert "HTX Chè Shan Tuyết" in html(client.get(RATES))

    response = submit(client, f"{RATES}/xoa", {"scope": "producer", "key": str(producer.id)}, form_path=RATES)

    assert response.status_code == 303 and rates() == {}


@pytest.mark.parametrize("data, message", [
    ({"group-group": "food", "group-rate": "60"}, "từ 0 đến 50"),
    ({"group-group": "gems", "group-rate": "5"}, "Vui lòng chọn một nhóm sản phẩm."),
    ({"group-group": "food", "group-rate": ""}, "Vui lòng điền mục này.")])
def test_a_bad_group_rate_is_refused_beside_the_field_kept_and_nothing_saved(client, admin, data, message):
    response = submit(client, f"{RATES}/nhom", data, form_path=RATES)

    page = html(response)
    assert response.status_code == 422 and message in page and "Vui lòng kiểm tra lại" in page
    assert f'value="{data["group-rate"]}"' in page if data["group-rate"] else True
    assert rates() == {}


def test_a_rate_for_a_producer_that_does_not_exist_is_refused(client, admin):
    response = submit(client, f"{RATES}/chu-the", {"producer-producer_id": "999999", "producer-rate": "5"},
                      form_path=RATES)

    assert response.status_code == 422 and "Không có chủ thể này." in html(response) and rates() == {}


def test_removing_with_a_junk_key_is_refused_not_crashed(client, admin):
    response = submit(client, f"{RATES}/xoa", {"scope": "producer", "key": "abc"}, form_path=RATES)

    assert response.status_code == 422


def test_a_post_without_the_csrf_token_is_refused(client, admin):
    response = client.post(f"{RATES}/nhom", data={"group-group": "food", "group-rate": "5"})

    assert response.status_code == 400 and rates() == {}


POINT = {"name": "Điểm OCOP Mường Thanh", "point_type": "ocop_centre", "province_code": str(DIEN_BIEN),
         "ward_code": str(DIEN_BIEN_WARD), "street_address": "Số 1 Võ Nguyên Giáp", "opening_hours": "7:30–21:00",
         "phone": "0215 3825 123", "email": "", "status": "active", "max_discount": "30"}


def test_an_admin_opens_a_point_and_finds_it_in_the_list(client, admin):
    response = submit(client, "/quan-tri/diem-ban/them", POINT)

    [point] = db.session.scalars(sa.select(DisplayPoint)).all()
    assert response.status_code == 303 and response.headers["Location"] == f"/quan-tri/diem-ban/{point.id}"
    assert (point.ward_code, point.phone, point.email, point.status) == (DIEN_BIEN_WARD, "+842153825123", None,
                                                                         PointStatus.ACTIVE)
    assert "Đã mở điểm bán mới." in html(client.get(f"/quan-tri/diem-ban/{point.id}"))
    assert "Điểm OCOP Mường Thanh" in html(client.get("/quan-tri/diem-ban"))


def test_a_bad_point_is_refused_beside_each_field_with_what_was_typed_kept(client, admin):
    response = submit(client, "/quan-tri/diem-ban/them", {**POINT, "name": "", "phone": "12", "email": "không-phải-email",
                                                          "ward_code": "1"})  # a ward of Hà Nội

    page = html(response)
    assert response.status_code == 422
    assert "Số điện thoại Việt Nam chưa đúng" in page and "Email chưa đúng" in page
    assert "không thuộc tỉnh, thành phố đã chọn" in page and 'value="không-phải-email"' in page
    assert db.session.scalar(sa.select(sa.func.count(DisplayPoint.id))) == 0


@pytest.mark.parametrize("typed, bps", [("35", 3500), ("12,5", 1250), ("0", 0), ("100", 10_000)])
def test_the_points_till_discount_limit_is_typed_in_percent(client, admin, typed, bps):
    assert submit(client, "/quan-tri/diem-ban/them", {**POINT, "max_discount": typed}).status_code == 303

    assert db.session.scalar(sa.select(DisplayPoint.max_discount_bps)) == bps


@pytest.mark.parametrize("typed", ["150", "-1", "ba mươi", ""])
def test_a_limit_outside_0_to_100_percent_is_refused_beside_the_field(client, admin, typed):
    response = submit(client, "/quan-tri/diem-ban/them", {**POINT, "max_discount": typed})

    assert response.status_code == 422 and f'value="{typed}"' in html(response)
    assert ("từ 0 đến 100" in html(response)) if typed else ("Vui lòng điền mục này." in html(response))
    assert db.session.scalar(sa.select(sa.func.count(DisplayPoint.id))) == 0


def test_an_operator_is_assigned_as_lead_then_made_an_operator_again(client, admin):
    point = DisplayPointFactory()
    UserFactory(email="truong.diem@example.vn")
    path = f"/quan-tri/diem-ban/{point.id}"

    submit(client, f"{path}/nguoi-van-hanh", {"email": "truong.diem@example.vn", "lead": "y"}, form_path=path)
    [operator] = db.session.scalars(sa.select(PointOperator)).all()
    assert operator.is_lead and "trưởng điểm" in html(client.get(path))
    response = submit(client, f"{path}/nguoi-van-hanh/{operator.user_id}/truong-diem", {"lead": "0"}, form_path=path)

    db.session.expire_all()
    assert response.status_code == 303 and not db.session.get(PointOperator, operator.id).is_lead
    assert "truong.diem@example.vn không còn là trưởng điểm." in html(client.get(path))
    junk = submit(client, f"{path}/nguoi-van-hanh/{operator.user_id}/truong-diem", {"lead": "2"}, form_path=path)
    stranger = submit(client, f"{path}/nguoi-van-hanh/{UserFactory().id}/truong-diem", {"lead": "1"}, form_path=path)
    assert (junk.status_code, stranger.status_code) == (422, 404)


def test_without_javascript_choosing_a_province_shows_its_wards_and_saves_nothing(client, admin):
    response = submit(client, "/quan-tri/diem-ban/them", {**POINT, "province_code": str(HA_NOI), "ward_code": "",
                                                          "choose_province": "1"})

    assert response.status_code == 200 and 'value="1"' in html(response) and "Vui lòng kiểm tra lại" not in html(response)
    assert db.session.scalar(sa.select(sa.func.count(DisplayPoint.id))) == 0


def test_editing_a_point_keeps_its_values_and_saves_the_change(client, admin):
    point = DisplayPointFactory(name="Ki-ốt ga Hà Nội")
    form = html(client.get(f"/quan-tri/diem-ban/{point.id}/sua"))
    assert 'value="Ki-ốt ga Hà Nội"' in form

    response = submit(client, f"/quan-tri/diem-ban/{point.id}/sua", {**POINT, "name": "Ki-ốt ga Hà Nội (mới)"})

    db.session.expire_all()
    assert response.status_code == 303 and db.session.get(DisplayPoint, point.id).name == "Ki-ốt ga Hà Nội (mới)"


@pytest.mark.parametrize("status", ["temporarily_closed", "closed", "active"])
def test_a_point_is_opened_or_closed_with_one_button(client, admin, status):
    point = DisplayPointFactory(status=PointStatus.ACTIVE if status != "active" else PointStatus.CLOSED)

    response = submit(client, f"/quan-tri/diem-ban/{point.id}/trang-thai", {"status": status},
                      form_path=f"/quan-tri/diem-ban/{point.id}")

    db.session.expire_all()
    assert response.status_code == 303 and db.session.get(DisplayPoint, point.id).status == PointStatus(status)


def test_operators_are_assigned_by_email_and_withdrawn(client, admin):
    point = DisplayPointFactory()
    UserFactory(email="ban.hang@example.vn", full_name="Lò Văn Bán")
    path = f"/quan-tri/diem-ban/{point.id}"

    assert submit(client, f"{path}/nguoi-van-hanh", {"email": "ban.hang@example.vn"}, form_path=path).status_code == 303
    assert "Lò Văn Bán" in html(client.get(path))
    [operator] = db.session.scalars(sa.select(PointOperator)).all()

    assert submit(client, f"{path}/nguoi-van-hanh/{operator.user_id}/go", {}, form_path=path).status_code == 303
    assert db.session.scalars(sa.select(PointOperator)).all() == []


@pytest.mark.parametrize("email, message", [("ai.do@example.vn", "Không có tài khoản nào dùng email này."),
                                            ("operator@example.vn", "Tài khoản này đã vận hành điểm bán."),
                                            ("không phải email", "Email chưa đúng")])
def test_an_operator_that_cannot_be_assigned_is_explained_beside_the_email(client, admin, email, message):
    point = DisplayPointFactory()
    operator_of(point, email="operator@example.vn")

    response = submit(client, f"/quan-tri/diem-ban/{point.id}/nguoi-van-hanh", {"email": email},
                      form_path=f"/quan-tri/diem-ban/{point.id}")

    assert response.status_code == 422 and message in html(response) and f'value="{email}"' in html(response)


def test_withdrawing_someone_who_is_not_an_operator_is_not_found(client, admin):
    point = DisplayPointFactory()
    stranger = UserFactory()

    response = submit(client, f"/quan-tri/diem-ban/{point.id}/nguoi-van-hanh/{stranger.id}/go", {},
                      form_path=f"/quan-tri/diem-ban/{point.id}")

    assert response.status_code == 404


def test_a_consignment_is_agreed_changed_and_ended(client, admin):
    point, producer = DisplayPointFactory(), ProducerFactory(name="HTX Mật ong Tủa Chùa")
    path = f"/quan-tri/diem-ban/{point.id}"

    submit(client, f"{path}/ky-gui", {"producer_id": str(producer.id), "rate": "15", "active": "y"}, form_path=path)
    assert "HTX Mật ong Tủa Chùa" in html(client.get(path)) and "15%" in html(client.get(path))
    submit(client, f"{path}/ky-gui", {"producer_id": str(producer.id), "rate": "12,5"}, form_path=path)  # unticked

    db.session.expire_all()
    [consignment] = db.session.scalars(sa.select(Consignment)).all()
    assert (consignment.commission_rate_bps, consignment.active) == (1250, False)


def test_a_bad_consignment_is_refused_and_kept(client, admin):
    point = DisplayPointFactory()
    consign(point, ProducerFactory())

    response = submit(client, f"/quan-tri/diem-ban/{point.id}/ky-gui", {"producer_id": "", "rate": "99"},
                      form_path=f"/quan-tri/diem-ban/{point.id}")

    page = html(response)
    assert response.status_code == 422 and "Vui lòng chọn một chủ thể." in page and 'value="99"' in page


def test_an_unknown_point_is_not_found(client, admin):
    assert client.get("/quan-tri/diem-ban/999999").status_code == 404


PAGES = ["/quan-tri/cai-dat", RATES, "/quan-tri/diem-ban", "/quan-tri/diem-ban/them"]


@pytest.mark.parametrize("path", PAGES)
def test_settings_pages_are_for_admins_only(client, app, path):
    assert client.get(path).status_code in (302, 303)
    UserFactory(email="lan@example.vn")
    log_in(client)
    assert client.get(path).status_code == 403


def test_a_shopper_cannot_set_a_rate_even_with_a_valid_token(client, app):
    UserFactory(email="lan@example.vn")
    log_in(client)

    response = submit(client, f"{RATES}/nhom", {"group-group": "food", "group-rate": "5"}, form_path="/dang-nhap")

    assert response.status_code == 403 and rates() == {}


# --- every action is in the audit log, naming the admin ---------------------------------------

def _group_rate(_ctx):
    return f"{RATES}/nhom", {"group-group": "food", "group-rate": "9"}, RATES


def _producer_rate(ctx):
    return f"{RATES}/chu-the", {"producer-producer_id": str(ctx["producer"].id), "producer-rate": "9"}, RATES


def _remove_rate(_ctx):
    from marketplace.pricing import commission
    commission.set_rate("group", "food", 900)
    return f"{RATES}/xoa", {"scope": "group", "key": "food"}, RATES


def _create(_ctx):
    return "/quan-tri/diem-ban/them", POINT, None


def _edit(ctx):
    return f"/quan-tri/diem-ban/{ctx['point'].id}/sua", POINT, None


def _status(ctx):
    return f"/quan-tri/diem-ban/{ctx['point'].id}/trang-thai", {"status": "closed"}, f"/quan-tri/diem-ban/{ctx['point'].id}"


def _assign(ctx):
    UserFactory(email="moi@example.vn")
    return f"/quan-tri/diem-ban/{ctx['point'].id}/nguoi-van-hanh", {"email": "moi@example.vn"}, \
        f"/quan-tri/diem-ban/{ctx['point'].id}"


def _withdraw(ctx):
    user = operator_of(ctx["point"])
    return f"/quan-tri/diem-ban/{ctx['point'].id}/nguoi-van-hanh/{user.id}/go", {}, f"/quan-tri/diem-ban/{ctx['point'].id}"


def _lead(ctx):
    user = operator_of(ctx["point"])
    return f"/quan-tri/diem-ban/{ctx['point'].id}/nguoi-van-hanh/{user.id}/truong-diem", {"lead": "1"}, \
        f"/quan-tri/diem-ban/{ctx['point'].id}"


def _consignment(ctx):
    return f"/quan-tri/diem-ban/{ctx['point'].id}/ky-gui", {"producer_id": str(ctx["producer"].id), "rate": "15",
                                                             "active": "y"}, f"/quan-tri/diem-ban/{ctx['point'].id}"


AUDITED = {"set_group_rate": (_group_rate, "commission_rate.set"),
           "set_producer_rate": (_producer_rate, "commission_rate.set"),
           "remove_rate": (_remove_rate, "commission_rate.removed"), "create": (_create, "display_point.created"),
           "edit": (_edit, "display_point.updated"), "set_status": (_status, "display_point.updated"),
           "assign_operator": (_assign, "point_operator.assigned"),
           "set_operator_lead": (_lead, "point_operator.lead_changed"),
           "remove_operator": (_withdraw, "point_operator.removed"), "set_consignment": (_consignment, "consignment.set")}


@pytest.mark.parametrize("action", sorted(AUDITED))
def test_each_settings_action_records_one_audit_entry_naming_the_admin(client, admin, action):
    from marketplace.audit.models import AuditEntry
    arrange, recorded = AUDITED[action]
    path, data, form_path = arrange({"point": DisplayPointFactory(), "producer": ProducerFactory()})
    before = db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0

    assert submit(client, path, data, form_path=form_path).status_code == 303

    db.session.expire_all()
    new = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id > before)).all()
    assert [(e.action, e.actor_email) for e in new] == [(recorded, "admin@example.vn")]


def test_a_refused_setting_records_nothing(client, admin):
    from marketplace.audit.models import AuditEntry

    submit(client, f"{RATES}/nhom", {"group-group": "food", "group-rate": "99"}, form_path=RATES)

    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0
