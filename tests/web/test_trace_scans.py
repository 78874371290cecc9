"""Scan counts: each person's open of a trace page adds one to its (variant, lot, day) counter,
and nothing about who scanned is kept; robots and unknown codes count nothing; the producer's
dashboard shows the most scanned stamps."""

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.producers.models import MemberRole
from marketplace.traceability import scans
from marketplace.traceability.models import TraceScan
from tests.concurrency import race
from tests.factories import UserFactory, member_of
from tests.trace_support import GTIN14, Traced
from tests.web.portal_support import html_of, login

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"}


@pytest.fixture
def traced(app):
    traced = Traced()
    traced.receive(traced.point("Trung tâm OCOP Điện Biên"))
    return traced


def counters() -> dict:
    return {(row.variant_id, row.lot_code, row.day): row.scans
            for row in db.session.scalars(sa.select(TraceScan).execution_options(populate_existing=True))}


def test_each_open_adds_one_to_its_variant_lot_and_day(client, app, traced):
    for path in (f"/01/{GTIN14}", f"/01/{GTIN14}", f"/01/{GTIN14}/10/MA-2611"):
        assert client.get(path, headers=PHONE).status_code == 200
    app.test_client().get(f"/01/{GTIN14}/10/MA-2611?17=991231", headers=PHONE)  # another visitor, another stamp date

    v, today = traced.variant.id, today_vn()
    assert counters() == {(v, "", today): 2, (v, "MA-2611", today): 2}


def test_a_scan_keeps_nothing_about_who_scanned(client, auth, traced):
    shopper = UserFactory(email="lo.thi.mai@example.vn")
    login(client, auth, shopper).get(f"/01/{GTIN14}", headers={**PHONE, "X-Forwarded-For": "203.0.113.9"})

    assert [column.name for column in TraceScan.__table__.columns] == ["variant_id", "lot_code", "day", "scans"]
    assert list(counters().values()) == [1]


@pytest.mark.parametrize("headers, method", [
    ({"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}, "GET"),
    ({"User-Agent": "facebookexternalhit/1.1"}, "GET"),
    ({"User-Agent": ""}, "GET"),
    (PHONE, "HEAD"),
])
def test_robots_link_previews_and_head_requests_count_nothing(client, traced, headers, method):
    assert client.open(f"/01/{GTIN14}", method=method, headers=headers).status_code == 200

    assert counters() == {}


def test_unknown_codes_count_nothing(client, traced):
    client.get(f"/01/{GTIN14}/10/MA-0000", headers=PHONE)
    client.get("/01/08936186900129", headers=PHONE)

    assert counters() == {}


def test_the_dashboard_shows_the_most_scanned_stamps(client, auth, traced):
    for path in [f"/01/{GTIN14}/10/MA-2611"] * 3 + [f"/01/{GTIN14}"]:
        client.get(path, headers=PHONE)
    owner = member_of(traced.producer, MemberRole.OWNER)

    page = html_of(login(client, auth, owner).get(f"/kenh-nguoi-ban/{traced.producer.id}"))

    assert "Lượt quét tem truy xuất" in page
    assert page.index("lô MA-2611") < page.index("3 lượt") < page.index("tem sản phẩm") < page.index("1 lượt")


def test_another_producers_scans_do_not_show_on_the_dashboard(client, auth, traced):
    client.get(f"/01/{GTIN14}", headers=PHONE)

    assert scans.producer_scans(traced.producer.id + 1000, today_vn()) == []
    assert len(scans.producer_scans(traced.producer.id, today_vn())) == 1


def test_scans_at_the_same_moment_all_count(app, traced, postgresql_only):
    results = race(app, [lambda c: c.get(f"/01/{GTIN14}", headers=PHONE).status_code] * 8, with_client=True)

    assert results == [200] * 8
    assert counters() == {(traced.variant.id, "", today_vn()): 8}
