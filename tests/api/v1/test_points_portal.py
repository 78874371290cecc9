"""The producer portal's view of display points: its stock at every point, what
sold there, what came back, and what is on its way between points."""

from datetime import timedelta

import pytest

from marketplace.clock import today_vn
from marketplace.producers.models import MemberRole
from marketplace.showrooms import operations, till, transfers
from marketplace.showrooms.models import SalePayment
from marketplace.showrooms.movements import OutLine
from marketplace.showrooms.till import Sale, SaleLine
from tests.factories import ProductFactory, UserFactory, member_of
from tests.point_factories import DisplayPointFactory, consign, new_key, receive


@pytest.fixture
def honey():
    return ProductFactory(name="Mật ong hoa ban", variant__price_vnd=250_000).variants[0]


@pytest.fixture
def centre(honey):
    point = DisplayPointFactory(name="Trung tâm OCOP")
    consign(point, honey.product.producer, 1500)
    return point


@pytest.fixture
def airport(honey):
    point = DisplayPointFactory(name="Quầy sân bay")
    consign(point, honey.product.producer, 1800)
    return point


@pytest.fixture
def as_owner(bearer, honey):
    return bearer(member_of(honey.product.producer))


def portal(producer_id, path):
    return f"/api/v1/portal/producers/{producer_id}/display-points{path}"


def test_a_producer_sees_its_stock_at_every_point_and_no_one_elses(client, as_owner, honey, centre, airport):
    tea = ProductFactory().variants[0]
    consign(centre, tea.product.producer)
    receive(centre, honey, 6, "L1", today_vn() + timedelta(days=90))
    receive(airport, honey, 2, "L2", today_vn() + timedelta(days=90))
    receive(centre, tea, 9)

    page = client.get(portal(honey.product.producer_id, "/stock"), headers=as_owner).json

    assert page["total"] == 2
    assert [(row["point_id"], row["variant_id"], row["product_name"], row["on_hand"]) for row in page["items"]] == [
        (centre.id, honey.id, "Mật ong hoa ban", 6), (airport.id, honey.id, "Mật ong hoa ban", 2)]


def test_a_producer_sees_its_sales_at_points_with_the_commission_kept(client, as_owner, honey, centre, airport):
    tea = ProductFactory().variants[0]
    consign(centre, tea.product.producer)
    receive(centre, honey, 6)
    receive(airport, honey, 2)
    receive(centre, tea, 9)
    lines = (SaleLine(honey.id, 2), SaleLine(tea.id, 1))
    at_centre, _ = till.sell(centre.id, None, Sale(lines, SalePayment.CASH), new_key())
    at_airport, _ = till.sell(airport.id, None, Sale((SaleLine(honey.id, 1),), SalePayment.CARD), new_key())

    page = client.get(portal(honey.product.producer_id, "/sales"), headers=as_owner).json

    assert [(row["point_id"], row["reference"], row["quantity"], row["line_total_vnd"], row["commission_vnd"])
            for row in page["items"]] == [(airport.id, at_airport.reference, -1, 250_000, 45_000),
                                          (centre.id, at_centre.reference, -2, 500_000, 75_000)]


def test_sales_before_the_period_asked_for_are_left_out(client, as_owner, honey, centre):
    receive(centre, honey, 6)
    till.sell(centre.id, None, Sale((SaleLine(honey.id, 1),), SalePayment.CASH), new_key())
    tomorrow = (today_vn() + timedelta(days=1)).isoformat()

    page = client.get(portal(honey.product.producer_id, "/sales"), headers=as_owner,
                      query_string={"since": tomorrow}).json

    assert page["items"] == []


def test_a_producer_sees_what_points_returned_to_it(client, as_owner, honey, centre):
    receive(centre, honey, 6)
    operations.return_to_producer(centre.id, None, honey.product.producer_id, "PTH-0007", [OutLine(honey.id, 4)])

    page = client.get(portal(honey.product.producer_id, "/returns"), headers=as_owner).json

    assert [(row["point_id"], row["reference"], row["quantity"], row["lot_code"]) for row in page["items"]] == [
        (centre.id, "PTH-0007", -4, "L01")]
    assert client.get(portal(honey.product.producer_id, "/sales"), headers=as_owner).json["items"] == []


def test_a_producer_sees_its_stock_in_transit_until_it_is_received(client, as_owner, honey, centre, airport):
    receive(centre, honey, 6)
    transfer = transfers.transfer_out(centre.id, None, airport.id, [OutLine(honey.id, 2)])

    moving = client.get(portal(honey.product.producer_id, "/in-transit"), headers=as_owner).json
    transfers.receive_transfer(airport.id, None, transfer.id, {})
    arrived = client.get(portal(honey.product.producer_id, "/in-transit"), headers=as_owner).json

    assert [(row["from_point_id"], row["to_point_id"], row["variant_id"], row["quantity_sent"])
            for row in moving] == [(centre.id, airport.id, honey.id, 2)]
    assert arrived == []


def test_staff_of_the_producer_see_its_points_too(client, bearer, honey, centre):
    receive(centre, honey, 6)
    as_staff = bearer(member_of(honey.product.producer, MemberRole.STAFF))

    response = client.get(portal(honey.product.producer_id, "/stock"), headers=as_staff)

    assert response.status_code == 200
    assert response.json["total"] == 1


@pytest.mark.parametrize("path", ["/stock", "/sales", "/returns", "/in-transit"])
@pytest.mark.parametrize(("who", "status"), [("other producer", 404), ("shopper", 404), ("anonymous", 401)])
def test_no_one_outside_the_producer_sees_its_points(client, bearer, honey, centre, path, who, status):
    receive(centre, honey, 6)
    headers = {"other producer": lambda: bearer(member_of(ProductFactory().producer)),
               "shopper": lambda: bearer(UserFactory()), "anonymous": dict}[who]()

    response = client.get(portal(honey.product.producer_id, path), headers=headers)

    assert response.status_code == status
