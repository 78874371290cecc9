"""The admin API of the tax withheld for household businesses: the month's report per producer,
and the dated rates (only from a day to come)."""

from datetime import timedelta

import pytest

from marketplace.clock import today_vn
from marketplace.producers.models import LegalType
from tests.factories import ProducerFactory, ProductFactory, UserFactory
from tests.money_helpers import place_paid_order, refund, tax_withheld

ADMIN = "/api/v1/admin"


@pytest.fixture
def admin(bearer):
    return bearer(UserFactory(is_admin=True))


def test_the_months_report_lists_each_household_business_with_its_tax_and_the_totals(client, admin, shopper):
    household = ProducerFactory(legal_type=LegalType.HOUSEHOLD, tax_code="5601583027")
    jar = ProductFactory(producer=household, variant__price_vnd=200_000).variants[0]
    ProductFactory()  # a cooperative's, unsold
    [part] = place_paid_order(shopper, jar).sub_orders
    refund(part, part.total_vnd)
    place_paid_order(shopper, jar)

    response = client.get(f"{ADMIN}/tax-withholding", headers=admin)

    assert response.status_code == 200
    body = response.json
    assert body["month"] == today_vn().strftime("%Y-%m")
    assert body["rows"] == [{"producer_id": household.id, "producer_name": household.name, "tax_code": "5601583027",
                             "legal_type": "household", "revenue_vnd": 200_000, "vat_withheld_vnd": 2_000,
                             "pit_withheld_vnd": 1_000, "total_withheld_vnd": 3_000}]
    assert body["totals"] == {"revenue_vnd": 200_000, "vat_withheld_vnd": 2_000, "pit_withheld_vnd": 1_000,
                              "total_withheld_vnd": 3_000}
    assert tax_withheld(household) == (2_000, 1_000)


def test_a_month_with_nothing_withheld_has_no_rows(client, admin):
    response = client.get(f"{ADMIN}/tax-withholding", query_string={"month": "2025-06"}, headers=admin)

    assert response.status_code == 200
    assert response.json == {"month": "2025-06", "rows": [], "totals": {
        "revenue_vnd": 0, "vat_withheld_vnd": 0, "pit_withheld_vnd": 0, "total_withheld_vnd": 0}}


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "juin", "2026-01-01"])
def test_a_bad_month_is_422(client, admin, month):
    response = client.get(f"{ADMIN}/tax-withholding", query_string={"month": month}, headers=admin)

    assert response.status_code == 422 and "month" in response.json["errors"]["query"]


def test_a_rate_is_set_from_a_day_to_come_and_listed_after_the_decrees(client, admin):
    day = (today_vn() + timedelta(days=10)).isoformat()

    response = client.put(f"{ADMIN}/withholding-rates", json={"valid_from": day, "vat_bps": 150, "pit_bps": 75},
                          headers=admin)

    assert response.status_code == 200
    assert response.json == [{"valid_from": "2025-07-01", "vat_bps": 100, "pit_bps": 50},
                             {"valid_from": day, "vat_bps": 150, "pit_bps": 75}]
    assert client.get(f"{ADMIN}/withholding-rates", headers=admin).json == response.json


@pytest.mark.parametrize(("body", "field"), [
    ({"valid_from": "today", "vat_bps": 100, "pit_bps": 50}, "valid_from"),
    ({"valid_from": "future", "vat_bps": 1001, "pit_bps": 50}, "vat_bps"),
    ({"valid_from": "future", "vat_bps": 100, "pit_bps": -1}, "pit_bps"),
])
def test_a_rate_for_today_or_out_of_range_is_422_and_nothing_changes(client, admin, body, field):
    days = {"today": today_vn().isoformat(), "future": (today_vn() + timedelta(days=2)).isoformat()}
    body = {**body, "valid_from": days[body["valid_from"]]}

    response = client.put(f"{ADMIN}/withholding-rates", json=body, headers=admin)

    assert response.status_code == 422 and field in response.json["errors"]["json"]
    assert len(client.get(f"{ADMIN}/withholding-rates", headers=admin).json) == 1


def test_a_producer_cannot_read_the_report(client, bearer):
    assert client.get(f"{ADMIN}/tax-withholding", headers=bearer(UserFactory())).status_code == 403
