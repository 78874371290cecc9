"""Admins set up display points, their operators and consignments, and read
their sales; shoppers find open points and where to buy a product in person."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.catalog.models import ProductStatus
from marketplace.clock import today_vn
from marketplace.database import utcnow
from marketplace.extensions import db
from marketplace.showrooms import till
from marketplace.showrooms.till import Sale, SaleLine
from marketplace.showrooms.models import (Consignment, DisplayPoint, OverrideReason, PointOperator, PointStatus,
                                          SalePayment, StockMovement)
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI, ProducerFactory, ProductFactory, UserFactory
from tests.point_factories import DisplayPointFactory, consign, new_key, operator_of, receive

ADMIN_POINTS = "/api/v1/admin/display-points"
HA_NOI_WARD = 70  # Phường Hoàn Kiếm
NEW_POINT = {"name": "Điểm giới thiệu sản phẩm OCOP Mường Thanh", "point_type": "showroom",
             "province_code": DIEN_BIEN, "ward_code": DIEN_BIEN_WARD, "street_address": "Số 2 Hoàng Văn Thái",
             "opening_hours": "7:30–21:00 hằng ngày", "phone": "0215 3825 999"}


@pytest.fixture
def as_admin(bearer):
    return bearer(UserFactory(is_admin=True))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def sell(point, variant, quantity, method=SalePayment.CASH, price=None):
    reason = None if price is None else OverrideReason.PROMOTION
    sale, _created = till.sell(point.id, None, Sale((SaleLine(variant.id, quantity, price, reason),), method), new_key())
    return sale


# --- admin: points, operators, consignments -------------------------------------------

def test_an_admin_opens_a_display_point(client, as_admin):
    response = client.post(ADMIN_POINTS, json=NEW_POINT, headers=as_admin)

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["name"], body["point_type"], body["status"]) == (NEW_POINT["name"], "showroom", "active")
    assert (body["province"]["code"], body["ward"]["code"]) == (DIEN_BIEN, DIEN_BIEN_WARD)
    assert client.get(ADMIN_POINTS, headers=as_admin).json["total"] == 1


@pytest.mark.parametrize(("changes", "field"), [
    ({"province_code": 99}, "province_code"),
    ({"ward_code": HA_NOI_WARD}, "ward_code"),
    ({"point_type": "market_stall"}, "point_type"),
    ({"latitude": 51.5}, "latitude"),
], ids=["no such province", "ward in another province", "unknown type", "outside Vietnam"])
def test_a_point_with_a_bad_address_or_type_is_refused(client, as_admin, changes, field):
    response = client.post(ADMIN_POINTS, json={**NEW_POINT, **changes}, headers=as_admin)

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert client.get(ADMIN_POINTS, headers=as_admin).json["total"] == 0


def test_an_admin_edits_a_point_and_a_new_province_clears_the_old_ward(client, as_admin):
    point = DisplayPointFactory()

    renamed = client.patch(f"{ADMIN_POINTS}/{point.id}", json={"opening_hours": "6:00–19:00"}, headers=as_admin)
    moved = client.patch(f"{ADMIN_POINTS}/{point.id}", json={"province_code": HA_NOI}, headers=as_admin)

    assert renamed.status_code == 200
    assert (renamed.json["opening_hours"], renamed.json["ward"]["code"]) == ("6:00–19:00", DIEN_BIEN_WARD)
    assert (moved.json["province"]["code"], moved.json["ward"]) == (HA_NOI, None)


@pytest.mark.parametrize("changes", [{"ward_code": HA_NOI_WARD}, {"province_code": HA_NOI, "ward_code": DIEN_BIEN_WARD},
                                     {"province_code": 0}])
def test_an_edit_to_a_ward_outside_the_province_is_refused(client, as_admin, changes):
    point = DisplayPointFactory()

    response = client.patch(f"{ADMIN_POINTS}/{point.id}", json=changes, headers=as_admin)

    assert response.status_code == 422
    db.session.expire_all()
    assert (point.province_code, point.ward_code) == (DIEN_BIEN, DIEN_BIEN_WARD)


def test_editing_a_point_that_does_not_exist_is_not_found(client, as_admin):
    assert client.patch(f"{ADMIN_POINTS}/999", json={"name": "Không có"}, headers=as_admin).status_code == 404


def test_an_admin_assigns_and_withdraws_an_operator(client, bearer, as_admin):
    point = DisplayPointFactory()
    clerk = UserFactory(email="thu.ngan@example.vn")
    as_clerk = bearer(clerk)
    operators = f"{ADMIN_POINTS}/{point.id}/operators"

    assigned = client.post(operators, json={"email": "thu.ngan@example.vn"}, headers=as_admin)
    twice = client.post(operators, json={"email": "thu.ngan@example.vn"}, headers=as_admin)
    listed = client.get(operators, headers=as_admin).json
    while_assigned = client.get(f"/api/v1/points/{point.id}/stock", headers=as_clerk).status_code
    withdrawn = client.delete(f"{operators}/{clerk.id}", headers=as_admin)
    after = client.get(f"/api/v1/points/{point.id}/stock", headers=as_clerk).status_code

    assert assigned.status_code == 201, assigned.json
    assert (assigned.json["user_id"], assigned.json["email"]) == (clerk.id, "thu.ngan@example.vn")
    assert (twice.status_code, twice.json["code"]) == (409, "already_operator")
    assert [o["user_id"] for o in listed] == [clerk.id]
    assert (while_assigned, withdrawn.status_code, after) == (200, 204, 404)
    assert client.delete(f"{operators}/{clerk.id}", headers=as_admin).status_code == 404


def test_an_operator_must_already_have_an_account(client, as_admin):
    point = DisplayPointFactory()

    response = client.post(f"{ADMIN_POINTS}/{point.id}/operators", json={"email": "chua.co@example.vn"},
                           headers=as_admin)

    assert response.status_code == 422
    assert response.json["errors"] == {"json": {"email": ["No account uses this email."]}}


def test_an_admin_agrees_changes_and_ends_a_consignment(client, bearer, as_admin):
    point = DisplayPointFactory()
    honey = ProductFactory(variant__price_vnd=100_000).variants[0]
    as_operator = bearer(operator_of(point))
    consignment = f"{ADMIN_POINTS}/{point.id}/consignments/{honey.product.producer_id}"

    agreed = client.put(consignment, json={"commission_rate_bps": 1500}, headers=as_admin)
    receive(point, honey, 3)
    changed = client.put(consignment, json={"commission_rate_bps": 2000}, headers=as_admin)
    sale = client.post(f"/api/v1/points/{point.id}/sales", json={
        "payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 1}]},
        headers={**as_operator, "Idempotency-Key": "consigned-sale-1"})
    ended = client.put(consignment, json={"commission_rate_bps": 2000, "active": False}, headers=as_admin)
    refused = client.post(f"/api/v1/points/{point.id}/sales", json={
        "payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 1}]},
        headers={**as_operator, "Idempotency-Key": "consigned-sale-2"})

    assert agreed.status_code == 200, agreed.json
    assert (agreed.json["commission_rate_bps"], agreed.json["active"]) == (1500, True)
    assert changed.json["commission_rate_bps"] == 2000
    assert sale.json["lines"][0]["commission_vnd"] == 20_000
    assert ended.json["active"] is False
    assert (refused.status_code, refused.json["code"]) == (409, "not_consigned")


@pytest.mark.parametrize("rate", [-1, 5001, "1500"])
def test_a_commission_outside_zero_to_fifty_percent_is_refused(client, as_admin, rate):
    point, producer = DisplayPointFactory(), ProducerFactory()

    response = client.put(f"{ADMIN_POINTS}/{point.id}/consignments/{producer.id}",
                          json={"commission_rate_bps": rate}, headers=as_admin)

    assert response.status_code == 422


def test_a_consignment_with_an_unknown_producer_is_not_found(client, as_admin):
    point = DisplayPointFactory()

    response = client.put(f"{ADMIN_POINTS}/{point.id}/consignments/999", json={"commission_rate_bps": 1500},
                          headers=as_admin)

    assert response.status_code == 404


def admin_requests(point_id, user_id, producer_id):
    return [
        ("get", ADMIN_POINTS, None), ("post", ADMIN_POINTS, NEW_POINT),
        ("patch", f"{ADMIN_POINTS}/{point_id}", {"name": "Đổi tên"}),
        ("get", f"{ADMIN_POINTS}/{point_id}/operators", None),
        ("post", f"{ADMIN_POINTS}/{point_id}/operators", {"email": "a@example.vn"}),
        ("delete", f"{ADMIN_POINTS}/{point_id}/operators/{user_id}", None),
        ("put", f"{ADMIN_POINTS}/{point_id}/consignments/{producer_id}", {"commission_rate_bps": 1}),
        ("get", "/api/v1/admin/reports/point-sales", None),
        ("get", "/api/v1/admin/reports/point-sales.csv", None),
    ]


@pytest.mark.parametrize(("who", "status"), [("operator", 403), ("shopper", 403), ("anonymous", 401)])
def test_only_admins_manage_points(client, bearer, who, status):
    point, producer = DisplayPointFactory(), ProducerFactory()
    operator, name = operator_of(point), point.name
    headers = {"operator": lambda: bearer(operator), "shopper": lambda: bearer(UserFactory()),
               "anonymous": dict}[who]()

    responses = [getattr(client, method)(path, json=body, headers=headers)
                 for method, path, body in admin_requests(point.id, operator.id, producer.id)]

    assert [r.status_code for r in responses] == [status] * len(responses)
    db.session.expire_all()
    assert point.name == name
    assert [count(DisplayPoint), count(PointOperator), count(Consignment)] == [1, 1, 0]


# --- public --------------------------------------------------------------------------------

def test_the_public_list_shows_open_points_in_the_province_asked(client):
    open_here = DisplayPointFactory(name="A — mở cửa")
    DisplayPointFactory(name="B — tạm đóng", status=PointStatus.TEMPORARILY_CLOSED)
    DisplayPointFactory(name="C — đã đóng", status=PointStatus.CLOSED)
    in_ha_noi = DisplayPointFactory(name="D — Hà Nội", province_code=HA_NOI, ward_code=HA_NOI_WARD)

    def listed(**query):
        return [p["id"] for p in client.get("/api/v1/display-points", query_string=query).json["items"]]

    assert listed(province=DIEN_BIEN) == [open_here.id]
    assert listed(province=HA_NOI) == [in_ha_noi.id]
    assert listed() == [open_here.id, in_ha_noi.id]


def test_a_closed_point_has_no_public_page(client):
    open_point = DisplayPointFactory()
    closed = DisplayPointFactory(status=PointStatus.CLOSED)

    assert client.get(f"/api/v1/display-points/{open_point.id}").json["name"] == open_point.name
    assert client.get(f"/api/v1/display-points/{closed.id}").status_code == 404


def test_a_product_page_lists_the_open_points_that_carry_it_and_whether_it_is_on_the_shelf(client):
    honey = ProductFactory().variants[0]
    stocked, sold_out, closed = (DisplayPointFactory(name=f"{n} điểm") for n in "ABC")
    for point in (stocked, sold_out, closed):
        consign(point, honey.product.producer)
        receive(point, honey, 2)
    sell(sold_out, honey, 2)
    closed.status = PointStatus.CLOSED
    db.session.commit()

    response = client.get(f"/api/v1/products/{honey.product_id}/display-points")

    assert response.status_code == 200
    assert [(row["point"]["id"], row["in_stock"], row["units"]) for row in response.json] == [
        (stocked.id, True, 2), (sold_out.id, False, 0)]


def test_a_draft_product_has_no_display_points_to_show(client):
    draft = ProductFactory(status=ProductStatus.DRAFT, published_at=None)

    assert client.get(f"/api/v1/products/{draft.id}/display-points").status_code == 404


def test_search_finds_a_product_in_a_province_only_while_an_open_point_there_has_it(client, bearer):
    honey = ProductFactory(name="Mật ong hoa ban Tủa Chùa").variants[0]
    point = DisplayPointFactory()
    consign(point, honey.product.producer)
    as_admin = bearer(UserFactory(is_admin=True))

    def found(province=None):
        query = {"q": "Tủa Chùa", **({"available_in_province": province} if province else {})}
        return [item["id"] for item in client.get("/api/v1/catalog/search", query_string=query).json["items"]]

    before = (found(), found(DIEN_BIEN))
    receive(point, honey, 2)
    stocked = (found(DIEN_BIEN), found(HA_NOI))
    client.patch(f"{ADMIN_POINTS}/{point.id}", json={"status": "closed"}, headers=as_admin)
    after_closing = found(DIEN_BIEN)

    assert before == ([honey.product_id], [])
    assert stocked == ([honey.product_id], [])
    assert after_closing == []


def test_search_forgets_the_province_once_the_point_sells_out(client):
    honey = ProductFactory(name="Mật ong hoa ban Tủa Chùa").variants[0]
    point = DisplayPointFactory()
    consign(point, honey.product.producer)
    receive(point, honey, 1)

    def found():
        return client.get("/api/v1/catalog/search", query_string={"available_in_province": DIEN_BIEN}).json["total"]

    stocked = found()
    sell(point, honey, 1)

    assert (stocked, found()) == (1, 0)


# --- reports ----------------------------------------------------------------------------------

@pytest.fixture
def sales():
    """Two points and two producers: honey (15%) sold at both, tea (10%) at the first, one sale last month."""
    centre, airport = DisplayPointFactory(name="Trung tâm"), DisplayPointFactory(name="Sân bay")
    honey = ProductFactory(name="Mật ong", variant__price_vnd=200_000).variants[0]
    tea = ProductFactory(name="Chè Shan tuyết", variant__price_vnd=100_000).variants[0]
    for point, variant, rate in [(centre, honey, 1500), (airport, honey, 1500), (centre, tea, 1000)]:
        consign(point, variant.product.producer, rate)
        receive(point, variant, 10)
    old = sell(centre, honey, 1)
    db.session.execute(sa.update(StockMovement).where(StockMovement.id == old.id)
                       .values(created_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    sell(centre, honey, 2)
    sell(centre, tea, 3, SalePayment.CARD)
    sell(airport, honey, 1, price=180_000)
    return {"centre": centre, "airport": airport, "honey": honey, "tea": tea, "old_month": (
        today_vn() - timedelta(days=40)).strftime("%Y-%m"), "this_month": today_vn().strftime("%Y-%m")}


def report(client, headers, **query):
    response = client.get("/api/v1/admin/reports/point-sales", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return [(row["period"], row["label"], row["units"], row["sales_vnd"], row["commission_vnd"])
            for row in response.json]


def test_sales_by_point_per_month(client, as_admin, sales):
    old, now = sales["old_month"], sales["this_month"]

    rows = report(client, as_admin, group_by="point", period="month")

    assert sorted(rows) == sorted([(old, "Trung tâm", 1, 200_000, 30_000), (now, "Trung tâm", 5, 700_000, 90_000),
                                   (now, "Sân bay", 1, 180_000, 27_000)])


def test_sales_by_product_and_by_producer_since_a_date(client, as_admin, sales):
    today = today_vn().isoformat()
    honey, tea = sales["honey"].product, sales["tea"].product

    by_product = report(client, as_admin, group_by="product", period="day", since=today)
    by_producer = report(client, as_admin, group_by="producer", period="day", since=today)

    assert sorted(by_product) == sorted([(today, "Mật ong", 3, 580_000, 87_000),
                                         (today, "Chè Shan tuyết", 3, 300_000, 30_000)])
    assert sorted(by_producer) == sorted([(today, honey.producer.name, 3, 580_000, 87_000),
                                          (today, tea.producer.name, 3, 300_000, 30_000)])


def test_sales_at_one_point_until_a_date(client, as_admin, sales):
    until = (today_vn() - timedelta(days=1)).isoformat()

    assert report(client, as_admin, point_id=sales["centre"].id, until=until) == [
        (sales["old_month"], "Trung tâm", 1, 200_000, 30_000)]
    assert report(client, as_admin, point_id=sales["airport"].id, until=until) == []


def test_the_sales_report_downloads_as_csv(client, as_admin, sales):
    response = client.get("/api/v1/admin/reports/point-sales.csv", headers=as_admin,
                          query_string={"group_by": "point", "point_id": sales["airport"].id})

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "point-sales.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [{"period": sales["this_month"], "key": str(sales["airport"].id), "label": "Sân bay",
                     "units": "1", "sales_vnd": "180000", "commission_vnd": "27000"}]


@pytest.mark.parametrize("query", [{"group_by": "ward"}, {"period": "week"}, {"since": "hôm qua"}])
def test_a_report_asked_for_by_something_unknown_is_refused(client, as_admin, query):
    response = client.get("/api/v1/admin/reports/point-sales", query_string=query, headers=as_admin)

    assert response.status_code == 422

