"""The producer portal's view of orders: each producer sees and fulfils only its own parts."""

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.orders.models import SubOrder
from marketplace.producers.models import MemberRole
from tests.factories import ProductFactory, member_of
from tests.order_support import ADDRESS, part_of, place_order, portal_orders, stock_of


@pytest.fixture
def honey():
    return ProductFactory()


@pytest.fixture
def tea():
    return ProductFactory()


@pytest.fixture
def as_honey_owner(bearer, honey):
    return bearer(member_of(honey.producer))


@pytest.fixture
def as_tea_owner(bearer, tea):
    return bearer(member_of(tea.producer))


def placed_on(sub_order_id: int, moment: datetime) -> None:
    db.session.get(SubOrder, sub_order_id).created_at = moment
    db.session.commit()


def stored(sub_order_id: int) -> dict:
    """The sub-order row as stored, read past the session's identity map."""
    table = SubOrder.__table__
    return dict(db.session.execute(sa.select(table).where(table.c.id == sub_order_id)).mappings().one())


def test_a_producer_lists_only_its_own_parts_newest_first(client, as_shopper, honey, tea, as_honey_owner):
    first = place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id)
    place_order(client, as_shopper, tea.variants[0].id)
    second = place_order(client, as_shopper, (honey.variants[0].id, 3))

    page = client.get(portal_orders(honey.producer_id), headers=as_honey_owner).json

    assert [s["id"] for s in page["items"]] == [second["sub_orders"][0]["id"], part_of(first, honey.producer_id)["id"]]
    assert page["total"] == 2
    assert [l["variant_id"] for s in page["items"] for l in s["lines"]] == [honey.variants[0].id] * 2


def test_a_part_shows_the_producer_where_to_send_it_and_how_it_is_paid(client, as_shopper, honey, tea,
                                                                      as_honey_owner):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), tea.variants[0].id)
    part = part_of(order, honey.producer_id)

    shown = client.get(portal_orders(honey.producer_id, part["id"]), headers=as_honey_owner).json

    assert shown["order_number"] == order["number"]
    assert shown["payment_method"] == "cod"
    assert shown["shipping_address"]["recipient_name"] == ADDRESS["recipient_name"]
    assert shown["shipping_address"]["ward"]["code"] == ADDRESS["ward_code"]
    assert (shown["items_total_vnd"], shown["total_vnd"]) == (part["items_total_vnd"], part["total_vnd"])
    assert [l["variant_id"] for l in shown["lines"]] == [honey.variants[0].id]
    assert "producer" not in shown


def test_parts_are_filtered_by_status(client, as_shopper, honey, as_honey_owner):
    shipped = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]
    waiting = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]
    client.post(portal_orders(honey.producer_id, shipped["id"], "ship"), headers=as_honey_owner,
                json={"carrier": "GHN", "tracking_number": "GHN123"})

    confirmed = client.get(portal_orders(honey.producer_id), query_string={"status": "confirmed"},
                           headers=as_honey_owner).json
    on_the_way = client.get(portal_orders(honey.producer_id), query_string={"status": "shipped"},
                            headers=as_honey_owner).json

    assert [s["id"] for s in confirmed["items"]] == [waiting["id"]]
    assert [s["id"] for s in on_the_way["items"]] == [shipped["id"]]


def test_parts_are_filtered_by_the_day_they_were_placed_in_vietnam(client, as_shopper, honey, as_honey_owner):
    ids = [place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]["id"] for _ in range(3)]
    placed_on(ids[0], datetime(2026, 3, 1, 16, 59, tzinfo=timezone.utc))  # 23:59 on 1 March in Hà Nội
    placed_on(ids[1], datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc))   # 00:00 on 2 March
    placed_on(ids[2], datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc))

    def listed(**query):
        page = client.get(portal_orders(honey.producer_id), query_string=query, headers=as_honey_owner).json
        return sorted(s["id"] for s in page["items"])

    assert listed(until="2026-03-01") == [ids[0]]
    assert listed(since="2026-03-02") == [ids[1], ids[2]]
    assert listed(since="2026-03-02", until="2026-03-02") == [ids[1]]
    assert listed(since="2026-03-04") == []


@pytest.mark.parametrize("query", [{"status": "lost"}, {"since": "yesterday"}, {"per_page": 0}])
def test_bad_filters_are_refused(client, honey, as_honey_owner, query):
    response = client.get(portal_orders(honey.producer_id), query_string=query, headers=as_honey_owner)

    assert response.status_code == 422
    assert set(query) <= set(response.json["errors"]["query"])


def test_staff_fulfil_their_producers_parts_too(client, bearer, as_shopper, honey):
    staff = bearer(member_of(honey.producer, MemberRole.STAFF))
    part = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]

    listed = client.get(portal_orders(honey.producer_id), headers=staff)
    packed = client.post(portal_orders(honey.producer_id, part["id"], "pack"), headers=staff)

    assert listed.status_code == 200 and listed.json["total"] == 1
    assert packed.status_code == 200 and packed.json["status"] == "packed"


def test_a_producer_never_sees_another_producers_part(client, as_shopper, honey, tea, as_tea_owner):
    part = part_of(place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id), honey.producer_id)

    through_own_portal = client.get(portal_orders(tea.producer_id, part["id"]), headers=as_tea_owner)
    through_theirs = client.get(portal_orders(honey.producer_id, part["id"]), headers=as_tea_owner)
    their_list = client.get(portal_orders(honey.producer_id), headers=as_tea_owner)

    assert through_own_portal.status_code == 404
    assert through_own_portal.json["code"] == "sub_order_not_found"
    assert [through_theirs.status_code, their_list.status_code] == [404, 404]
    assert through_theirs.json["code"] == their_list.json["code"] == "producer_not_found"


def test_a_producer_cannot_change_another_producers_part(client, as_shopper, honey, tea, as_tea_owner):
    order = place_order(client, as_shopper, (honey.variants[0].id, 2), tea.variants[0].id)
    part = part_of(order, honey.producer_id)
    before = stored(part["id"])
    attempts = [("pack", None), ("ship", {"carrier": "GHN", "tracking_number": "GHN999"}),
                ("cancel", {"reason": "Không phải đơn của tôi"})]

    responses = [client.post(portal_orders(producer_id, part["id"], action), json=body, headers=as_tea_owner)
                 for action, body in attempts for producer_id in (tea.producer_id, honey.producer_id)]

    assert [r.status_code for r in responses] == [404] * 6
    assert stored(part["id"]) == before
    assert stock_of(honey.variants[0].id) == 18


def test_a_producer_cannot_deliver_another_producers_part(client, as_shopper, honey, tea, as_honey_owner,
                                                          as_tea_owner):
    part = part_of(place_order(client, as_shopper, honey.variants[0].id, tea.variants[0].id), honey.producer_id)
    client.post(portal_orders(honey.producer_id, part["id"], "ship"), headers=as_honey_owner,
                json={"carrier": "GHN", "tracking_number": "GHN123"})
    before = stored(part["id"])

    response = client.post(portal_orders(tea.producer_id, part["id"], "deliver"), headers=as_tea_owner,
                           json={"cash_collected_vnd": part["total_vnd"]})

    assert response.status_code == 404
    assert stored(part["id"]) == before
    assert before["status"] == "shipped"


def test_outsiders_see_no_producers_orders(client, as_shopper, honey):
    part = place_order(client, as_shopper, honey.variants[0].id)["sub_orders"][0]

    anonymous = client.get(portal_orders(honey.producer_id))
    shopper_list = client.get(portal_orders(honey.producer_id), headers=as_shopper)
    shopper_pack = client.post(portal_orders(honey.producer_id, part["id"], "pack"), headers=as_shopper)

    assert [anonymous.status_code, shopper_list.status_code, shopper_pack.status_code] == [401, 404, 404]
    assert stored(part["id"])["status"] == "confirmed"
