"""Display-point benchmark: one point with 5,000 variants and 1,000,000 movements.

Run it as a command, from the repository root:

    flask --app wsgi bench showroom [--variants 5000] [--movements 1000000] [--samples 300]
                                    [--database-url URL --yes]

It never touches the application's own database: by default it builds a
temporary SQLite database; with --database-url (e.g. PostgreSQL) that database
is scratch and is wiped first.

Setup: producers consigning to one point, 5,000 variants in three lots each
(some expired, some expiring soon), and a movement history of receipts and
till sales whose lines add up exactly to the lot and point balances, written
with bulk inserts. Then it times:
- the operator's stock view (first page, 50 rows) over HTTP through the test
  client (access rule, query, serialisation);
- the near-expiry list (30 days, first page) the same way;
- a till sale of 3 lines at the service level (till.sell: locks, FEFO,
  balances, movement, ledger entries, commit);
- the till as its page uses it, over HTTP with the operator's session cookie
  (logged in through /dang-nhap): a sale of 3 lines from its submit (POST
  /api/v1/points/<id>/sales, cash with the amount tendered) to its receipt page
  on screen (GET /diem-ban/<id>/hoa-don/<sale>), timed together; and scanning
  one item (GET /api/v1/points/<id>/items/scan?gtin=...). Issue #14's targets on
  PostgreSQL: p95 ≤ 30 ms and ≤ 15 ms. Each is also given as this process's CPU
  time (see CPU_TOO).
"""

import re

import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from tests.benchmarks.search_bench import bench_database, make_app, max_rss_mib, percentile

CHUNK = 20_000


@dataclass
class Options:
    variants: int = 5_000
    movements: int = 1_000_000
    samples: int = 300
    seed: int = 7
    database_url: str | None = None


OPERATOR_PASSWORD = "x" * 12
# The till's HTTP figures are also given as this process's CPU time, which a busy machine (other
# processes taking the cores) blurs far less than the wall clock; PostgreSQL's own work is not in it.
CPU_TOO = {"till sale, submit to receipt (HTTP)": "  sale to receipt: this process's CPU time",
           "scan one item (HTTP)": "  scan: this process's CPU time"}


def gtin(variant_id: int) -> str:
    """The benchmark's barcodes: 13 digits, one per variant."""
    return f"893{variant_id:010d}"


def run(options: Options, echo=print) -> None:
    with bench_database(options.database_url, "ocop-showroom-bench-") as url:
        _run(options, url, echo)


def _run(options: Options, url: str, echo) -> None:
    from flask_migrate import upgrade

    from marketplace.extensions import db
    from marketplace.regions.services import sync_regions

    app = make_app(url)
    with app.app_context():
        upgrade()
        sync_regions()
        dialect = db.engine.dialect.name
        began = time.perf_counter()
        world = _build(options, dialect)
        setup_s = time.perf_counter() - began
        if dialect == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        timings = _measure(app, world, options)
        db.session.remove()
        db.engine.dispose()

    echo(f"Showroom benchmark on {dialect}: 1 point, {options.variants:,} variants, "
         f"{world['movements']:,} movements ({world['lines']:,} lines), {world['lots']:,} lots; "
         f"setup {setup_s:.1f} s, peak RSS {max_rss_mib():.0f} MiB")
    echo(f"{'operation':<44}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for name, values in timings.items():
        echo(f"{name:<44}{len(values):>6}{percentile(values, 50):>10.2f}{percentile(values, 95):>10.2f}"
             f"{percentile(values, 99):>10.2f}")


def _ids(dialect: str, table: str, last: int) -> None:
    """Explicit ids were inserted: move PostgreSQL's sequence past them."""
    from marketplace.extensions import db

    if dialect == "postgresql":
        db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"))


def _insert(model, rows) -> None:
    from marketplace.extensions import db

    for start in range(0, len(rows), CHUNK):
        # The benchmark's catalogue stays out of search (see search/tracking.py).
        db.session.execute(sa.insert(model).execution_options(changed_products=frozenset()),
                           rows[start:start + CHUNK])


def _build(options: Options, dialect: str) -> dict:
    from marketplace.accounts.models import User
    from marketplace.accounts.passwords import hash_password
    from marketplace.catalog.models import Product, Variant
    from marketplace.database import utcnow
    from marketplace.extensions import db
    from marketplace.producers.models import Producer
    from marketplace.showrooms.models import (Consignment, DisplayPoint, Lot, MovementLine, PointOperator,
                                              PointStock, StockMovement)

    rng = random.Random(options.seed)
    now, today = utcnow(), date.today()
    operator = User(email="operator@bench.ocop.vn", full_name="Bench operator", password_hash=hash_password(OPERATOR_PASSWORD))
    point = DisplayPoint(name="Điểm OCOP benchmark", point_type="ocop_centre", province_code=11)
    db.session.add_all([operator, point])
    db.session.flush()
    db.session.add(PointOperator(point_id=point.id, user_id=operator.id))

    producers = max(1, options.variants // 100)
    _insert(Producer, [{"id": i, "slug": f"htx-bench-{i}", "name": f"Hợp tác xã Bench {i}", "legal_type": "cooperative",
                        "province_code": 11, "status": "approved", "description": "", "district_note": "",
                        "street_address": "", "status_reason": "", "created_at": now} for i in range(1, producers + 1)])
    products = options.variants // 2
    _insert(Product, [{"id": i, "producer_id": 1 + i % producers, "slug": f"mat-ong-{i}", "name": f"Mật ong rừng {i}",
                       "group": "food", "description": "", "image_urls": [], "origin_province_code": 11,
                       "certifications": [], "available_months": [], "status": "active", "created_at": now,
                       "updated_at": now, "shelf_life_days": 365} for i in range(1, products + 1)])
    _insert(Variant, [{"id": i, "product_id": 1 + (i - 1) // 2, "label": f"Hũ {i}", "net_quantity": 500,
                       "net_unit": "g", "price_vnd": rng.randrange(50, 500) * 1000, "stock_quantity": 0,
                       "is_active": True, "created_at": now, "gtin": gtin(i)} for i in range(1, options.variants + 1)])
    _insert(Consignment, [{"point_id": point.id, "producer_id": i, "commission_rate_bps": 1500, "active": True,
                           "updated_at": now} for i in range(1, producers + 1)])

    # Three lots per variant: one expired, one expiring within weeks, one far off.
    lots = []
    for variant_id in range(1, options.variants + 1):
        for n, days in enumerate((-rng.randrange(1, 60), rng.randrange(1, 45), rng.randrange(120, 400))):
            lots.append({"id": len(lots) + 1, "point_id": point.id, "variant_id": variant_id,
                         "lot_code": f"L{variant_id}-{n}", "expires_on": today + timedelta(days=days),
                         "on_hand": rng.randrange(5, 40), "received_at": now})
    receipts = len(lots)
    sales = max(0, options.movements - receipts)
    sold = [0] * len(lots)
    sale_lots = [rng.randrange(len(lots)) for _ in range(sales)]
    for lot_index in sale_lots:
        sold[lot_index] += 1

    movements, lines = [], []
    for lot, count in zip(lots, sold):
        movement_id = len(movements) + 1
        movements.append({"id": movement_id, "point_id": point.id, "kind": "receipt", "reference": "PGH-BENCH",
                          "note": "", "total_vnd": 0, "created_at": now - timedelta(days=500)})
        lines.append({"movement_id": movement_id, "lot_id": lot["id"], "variant_id": lot["variant_id"],
                      "quantity": lot["on_hand"] + count, "unit_price_vnd": 0, "line_total_vnd": 0,
                      "commission_rate_bps": 0, "commission_vnd": 0})
    for i, lot_index in enumerate(sale_lots):
        lot = lots[lot_index]
        movement_id = len(movements) + 1
        movements.append({"id": movement_id, "point_id": point.id, "kind": "sale", "payment_method": "cash",
                          "reference": f"POS-{movement_id}", "note": "", "total_vnd": 100_000,
                          "created_at": now - timedelta(minutes=(sales - i) // 2)})
        lines.append({"movement_id": movement_id, "lot_id": lot["id"], "variant_id": lot["variant_id"],
                      "quantity": -1, "unit_price_vnd": 100_000, "line_total_vnd": 100_000,
                      "commission_rate_bps": 1500, "commission_vnd": 15_000})
    _insert(Lot, lots)
    _insert(StockMovement, movements)
    _insert(MovementLine, lines)
    on_hand = {}
    for lot in lots:
        on_hand[lot["variant_id"]] = on_hand.get(lot["variant_id"], 0) + lot["on_hand"]
    _insert(PointStock, [{"point_id": point.id, "variant_id": v, "on_hand": q, "low_stock_threshold": 10,
                          "updated_at": now} for v, q in on_hand.items()])
    for table, last in (("producers", producers), ("products", products), ("variants", options.variants),
                        ("lots", len(lots)), ("stock_movements", len(movements))):
        _ids(dialect, table, last)
    db.session.commit()
    return {"point_id": point.id, "operator_id": operator.id, "operator": operator, "movements": len(movements),
            "lines": len(lines), "lots": len(lots)}


def _measure(app, world: dict, options: Options) -> dict[str, list[float]]:
    from marketplace.accounts.services import create_token
    from marketplace.extensions import db
    from marketplace.showrooms import till
    from marketplace.showrooms.models import SalePayment

    rng = random.Random(options.seed + 1)
    run = uuid.uuid4().hex[:8]  # the sales' keys: a second measurement on the same data makes sales of its own
    _token, plaintext = create_token(world["operator"], "bench")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plaintext}"}
    point = world["point_id"]
    names = ["stock view, first page (HTTP)", "near-expiry list, 30 days (HTTP)", "till sale, 3 lines (service)",
             "till sale, submit to receipt (HTTP)", "scan one item (HTTP)"]
    timings = {row: [] for name in names for row in (name, CPU_TOO.get(name)) if row}  # each CPU row under its own
    till_page = _logged_in(app.test_client(), world["operator"].email)

    def timed(name, call):
        # Requests share this app context, so drop what one left on g (Flask-Login's user, the
        # layout's points) as a request of its own would start without it.
        _fresh_g()
        began, cpu = time.perf_counter(), time.process_time()
        result = call()
        timings[name].append((time.perf_counter() - began) * 1000)
        if name in CPU_TOO:
            timings[CPU_TOO[name]].append((time.process_time() - cpu) * 1000)
        return result

    for _ in range(20):  # warm caches and connections; not timed
        client.get(f"/api/v1/points/{point}/stock?per_page=50", headers=headers)
    for i in range(options.samples):
        response = timed("stock view, first page (HTTP)",
                         lambda: client.get(f"/api/v1/points/{point}/stock?per_page=50", headers=headers))
        assert response.status_code == 200, response.json
        response = timed("near-expiry list, 30 days (HTTP)",
                         lambda: client.get(f"/api/v1/points/{point}/near-expiry?days=30&per_page=50", headers=headers))
        assert response.status_code == 200, response.json
        sale = till.Sale(tuple(till.SaleLine(v, 1) for v in rng.sample(range(1, options.variants + 1), 3)),
                         SalePayment.CASH)
        timed("till sale, 3 lines (service)", lambda: till.sell(point, world["operator_id"], sale, f"bench-sale-{run}-{i}"))
        db.session.remove()

        code = gtin(rng.randrange(1, options.variants + 1))
        response = timed("scan one item (HTTP)",
                         lambda: till_page.get(f"/api/v1/points/{point}/items/scan?gtin={code}"))
        assert response.status_code == 200, response.json
        body = {"payment_method": "cash", "cash_tendered_vnd": 2_000_000,
                "lines": [{"variant_id": v, "quantity": 1} for v in rng.sample(range(1, options.variants + 1), 3)]}
        response = timed("till sale, submit to receipt (HTTP)",
                         lambda: _sale_to_receipt(till_page, point, body, f"bench-http-sale-{run}-{i}"))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        db.session.remove()
    return timings


def _logged_in(client, email: str):
    """A test client with the operator's session cookie, as the till's browser has it."""
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/dang-nhap", data={"csrf_token": token, "email": email, "password": OPERATOR_PASSWORD})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    return client


def _fresh_g() -> None:
    from flask import g

    for name in list(g):
        g.pop(name)


def _sale_to_receipt(client, point_id: int, body: dict, key: str):
    """What the till does from its submit: the sale, then its receipt page."""
    sold = client.post(f"/api/v1/points/{point_id}/sales", json=body, headers={"Idempotency-Key": key})
    assert sold.status_code == 201, sold.json
    _fresh_g()
    return client.get(f"/diem-ban/{point_id}/hoa-don/{sold.json['id']}")
