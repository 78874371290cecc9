"""One sale sent from several tills at once over real HTTP, on PostgreSQL (issue #10, item 3)."""

from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.clock import today_vn
from marketplace.extensions import db
from marketplace.payouts.models import EntryKind, JournalEntry
from marketplace.showrooms.models import MovementKind, StockMovement
from tests.http_races import live_url, outcomes, post, race_http  # noqa: F401  (live_url is a fixture)
from tests.point_factories import DisplayPointFactory, consigned_variant, ledger_mismatches, on_hand, operator_of, receive

pytestmark = pytest.mark.usefixtures("postgresql_only")

ROUNDS = 15
SOON = today_vn() + timedelta(days=30)


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_sale_of_the_last_jars_sent_from_three_tills_at_once_answers_every_copy_with_that_sale(app, bearer,
                                                                                                   live_url):
    point = DisplayPointFactory()
    honey = consigned_variant(point)
    tills = [bearer(operator_of(point)) for _ in range(3)]
    body = {"payment_method": "cash", "lines": [{"variant_id": honey.id, "quantity": 2}]}
    rounds, sales = [], []
    for i in range(ROUNDS):
        receive(point, honey, 2, f"LOT{i:02d}", SOON)  # the last two jars on the shelf
        results = race_http([post(f"{live_url}/api/v1/points/{point.id}/sales", body, headers, f"till-retry-{i:02d}")
                             for headers in tills])
        rounds.append(outcomes(results))
        sales.append({r.json()["id"] for r in results if r.status_code in (200, 201)})
        assert on_hand(point.id, honey.id) == 0

    assert rounds == [Counter({(201, None): 1, (200, None): 2})] * ROUNDS
    assert all(len(ids) == 1 for ids in sales), sales
    assert count(StockMovement, StockMovement.kind == MovementKind.SALE) == ROUNDS
    assert count(JournalEntry, JournalEntry.kind == EntryKind.POINT_SALE) == ROUNDS
    assert ledger_mismatches() == []
