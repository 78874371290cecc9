"""Checkout benchmark: concurrent buyers placing orders at the service level, on PostgreSQL.

Run it as a command, from the repository root:

    flask --app wsgi bench checkout --database-url postgresql://postgres@127.0.0.1:5432/ocop_bench --yes
                                    [--buyers 8] [--checkouts 3000] [--contested 1000]

The database named by --database-url is scratch: it is created if it does not
exist and wiped first. No HTTP is involved: each buyer is a process of its own
(Python threads would measure the GIL, not the checkout) with its own app,
session and connection, calling `orders.checkout.checkout`, the transaction
that the API view's service (`orders.placement.place_order`) runs, with the
same body the view's schema hands it.

What is timed, per buyer, from the moment all buyers are connected: for each
cart, loading the buyer's User row (standing in for the request's login; not
in the latency figures), then checkout() (in them): the Idempotency-Key
claim, the cart lock, its lines read with their variants locked and the
commission rates, the stock taken, the order written, the commit (and the
pool's pre-ping of the connection). The carts are filled before the clock
starts: the cart writes a shopper makes before checking out are not counted.
Nor are the HTTP layer, the request's parsing, and reading the order back
for the answer: `bench checkout-profile` measures that part separately.

Two phases, each with a mix of carts holding one to four producers' items
(cash on delivery and bank transfer; card needs Stripe):
- uncontested: every line has stock to spare, so every checkout succeeds and
  the figure is the checkout's own cost;
- contested: every cart also holds one of a few hot variants with little
  stock, so buyers queue on the same rows and most are refused for stock.

Each phase prints checkouts/s, latency percentiles, the refusals, deadlocks
and serialisation failures that reached the caller, the retries the service
made, and the oversold units (sold beyond the stock there was), which must be 0.
When `pgbench` is on the PATH, its TPC-B-like tps on the same server, with the
same number of clients, is measured in the same run, and the ratio is printed.
"""

import multiprocessing
import os
import random
import re
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from tests.benchmarks.search_bench import make_app, percentile, wipe

PRODUCERS = 40
VARIANTS_PER_PRODUCER = 10
HOT_VARIANTS = 8
HOT_STOCK = 25
PLENTY = 10_000_000


@dataclass
class Options:
    database_url: str
    buyers: int = 8
    checkouts: int = 3000
    contested: int = 1000
    seed: int = 11
    pgbench_seconds: int = 10


@dataclass
class Phase:
    name: str
    carts: list  # (user id, payment method) per checkout, in the order buyers take them


def run(options: Options, echo=print) -> None:
    from config import normalise_database_url

    url = normalise_database_url(options.database_url)
    if not url.startswith("postgresql"):
        raise SystemExit("bench checkout measures row locks and concurrency: give a PostgreSQL --database-url.")
    wipe(url)
    rng = random.Random(options.seed)
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from marketplace.extensions import db
        from marketplace.regions.services import sync_regions

        upgrade()
        sync_regions()
        began = time.perf_counter()
        world = _build(db, rng, options)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        version = db.session.scalar(sa.text("SHOW server_version"))
        echo(f"PostgreSQL {version}; {PRODUCERS} producers, {len(world['plenty']) + HOT_VARIANTS} variants, "
             f"{options.checkouts + options.contested:,} filled carts, set up in {time.perf_counter() - began:.1f} s; "
             f"{options.buyers} concurrent buyers (processes), {os.cpu_count()} cores")
        db.session.remove()
        db.engine.dispose()  # the buyers are forked: none may inherit an open connection

    echo(f"  {'phase':<12} {'n':>6} {'placed':>7} {'refused':>8} {'errors':>7} {'per s':>8} "
         f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'deadlocks':>9} {'retries':>8} {'oversold':>8}")
    rates = {}
    for phase in world["phases"]:
        figures = _time_phase(url, phase, options.buyers, world["ward"])
        with app.app_context():
            figures["oversold"] = _oversold(db, world["initial_stock"])
            db.session.remove()
        rates[phase.name] = figures["rate"]
        echo(f"  {phase.name:<12} {figures['n']:>6} {figures['placed']:>7} {figures['refused']:>8} "
             f"{figures['errors']:>7} {figures['rate']:>8.1f} {figures['p50']:>7.2f} {figures['p95']:>7.2f} "
             f"{figures['p99']:>7.2f} {figures['deadlocks']:>9} {figures['retries']:>8} {figures['oversold']:>8}")
        for error, times in figures["error_kinds"].most_common(5):
            echo(f"      error: {times} × {error}")

    tps = _pgbench(url, options, echo)
    if tps:
        ratio = rates["uncontested"] / tps
        echo(f"  pgbench (TPC-B-like, {options.buyers} clients, {options.pgbench_seconds} s): {tps:,.0f} tps; "
             f"uncontested checkouts/s ÷ pgbench tps = {ratio:.3f}   (target ≥ 0.15)")
    echo("  target: ≥ 300 uncontested checkouts/s, 0 oversold")


def _build(db, rng: random.Random, options: Options) -> dict:
    """Producers, variants and buyers with filled carts, written with bulk inserts."""
    from datetime import date, timedelta

    from marketplace.accounts.models import User
    from marketplace.catalog.certification import IssuingLevel
    from marketplace.catalog.models import NetUnit, Product, ProductGroup, ProductStatus, Variant
    from marketplace.database import utcnow
    from marketplace.orders.models import Cart, CartLine
    from marketplace.producers.models import LegalType, Producer, ProducerStatus
    from marketplace.regions.models import Province, Ward

    now = utcnow()
    wards = db.session.execute(sa.select(Ward.code, Ward.province_code).order_by(Ward.code)).all()
    provinces = sorted({w.province_code for w in wards})
    first_ward = {}
    for ward in wards:
        first_ward.setdefault(ward.province_code, ward.code)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Province)) >= len(provinces)

    # The benchmark times checkout, not indexing: its catalogue stays out of search.
    not_indexed = {"changed_products": frozenset()}  # see search/tracking.py
    producer_rows = [dict(slug=f"htx-bench-{i}", name=f"Hợp tác xã Bench {i}", legal_type=LegalType.COOPERATIVE,
                          description="", province_code=provinces[i % len(provinces)],
                          ward_code=first_ward[provinces[i % len(provinces)]], status=ProducerStatus.APPROVED,
                          approved_at=now) for i in range(PRODUCERS)]
    producer_ids = db.session.scalars(sa.insert(Producer).returning(Producer.id), producer_rows,
                                      execution_options=not_indexed).all()
    product_rows = []
    for p, producer_id in enumerate(producer_ids):
        for v in range(VARIANTS_PER_PRODUCER):
            product_rows.append(dict(
                producer_id=producer_id, slug=f"bench-{p}-{v}", name=f"Mật ong bench {p}-{v}",
                group=ProductGroup.FOOD, description="", origin_province_code=provinces[p % len(provinces)],
                ocop_stars=3, ocop_decision_number="1/QĐ-UBND", ocop_issuing_level=IssuingLevel.PROVINCIAL,
                ocop_issued_on=date.today() - timedelta(days=30),
                ocop_valid_until=date.today() + timedelta(days=1000), ocop_verified_at=now,
                status=ProductStatus.ACTIVE, published_at=now, image_urls=[], certifications=[],
                available_months=[]))
    product_ids = db.session.scalars(sa.insert(Product).returning(Product.id), product_rows,
                                     execution_options=not_indexed).all()
    variant_rows = [dict(product_id=product_id, label="Chai 500 ml", net_quantity=500, net_unit=NetUnit.MILLILITRE,
                         price_vnd=rng.randrange(50, 500) * 1000, is_active=True,
                         stock_quantity=HOT_STOCK if i < HOT_VARIANTS else PLENTY)
                    for i, product_id in enumerate(product_ids)]
    variant_ids = db.session.scalars(sa.insert(Variant).returning(Variant.id), variant_rows,
                                     execution_options=not_indexed).all()
    prices = {vid: row["price_vnd"] for vid, row in zip(variant_ids, variant_rows)}
    hot, plenty = variant_ids[:HOT_VARIANTS], variant_ids[HOT_VARIANTS:]
    by_producer = {}
    for vid, pid in zip(variant_ids, (producer_ids[i // VARIANTS_PER_PRODUCER] for i in range(len(variant_ids)))):
        if vid in plenty:
            by_producer.setdefault(pid, []).append(vid)

    total = options.checkouts + options.contested
    user_ids = db.session.scalars(sa.insert(User).returning(User.id), [
        dict(email=f"buyer{i}@bench.ocop.vn", password_hash="!", full_name=f"Người mua {i}", is_admin=False,
             active=True, created_at=now) for i in range(total)]).all()
    cart_ids = db.session.scalars(sa.insert(Cart).returning(Cart.id),
                                  [dict(user_id=u, updated_at=now) for u in user_ids]).all()
    lines = []
    for n, cart_id in enumerate(cart_ids):
        producers = rng.sample(sorted(by_producer), rng.randint(1, 4))
        chosen = [rng.choice(by_producer[p]) for p in producers]
        if n >= options.checkouts:  # contested: one of the few hot variants too
            chosen[0] = rng.choice(hot)
        lines += [dict(cart_id=cart_id, variant_id=v, quantity=rng.randint(1, 2), price_seen_vnd=prices[v])
                  for v in chosen]
    db.session.execute(sa.insert(CartLine), lines)
    db.session.commit()

    methods = ["cod"] * 7 + ["bank_transfer"] * 3
    carts = [(u, rng.choice(methods)) for u in user_ids]
    return {"plenty": plenty, "ward": first_ward[1],
            "initial_stock": {vid: row["stock_quantity"] for vid, row in zip(variant_ids, variant_rows)},
            "phases": [Phase("uncontested", carts[:options.checkouts]),
                       Phase("contested", carts[options.checkouts:])]}


def _time_phase(url: str, phase: Phase, buyers: int, ward: int) -> dict:
    context = multiprocessing.get_context("fork")
    start = context.Barrier(buyers + 1)
    results = context.Queue()
    shares = [phase.carts[i::buyers] for i in range(buyers)]
    workers = [context.Process(target=_buyer, args=(url, share, ward, start, results)) for share in shares]
    for worker in workers:
        worker.start()
    start.wait(timeout=120)  # every buyer has its app and connection: the clock starts now
    began = time.perf_counter()
    reports = [results.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(timeout=30)
    latencies = sorted(ms for report in reports for ms in report["latencies"])
    outcomes = Counter()
    for report in reports:
        outcomes.update(report["outcomes"])
    errors = Counter({k: v for k, v in outcomes.items() if k not in ("placed", "refused")})
    n = len(phase.carts)
    return {"n": n, "placed": outcomes["placed"], "refused": outcomes["refused"], "errors": sum(errors.values()),
            "error_kinds": errors, "rate": outcomes["placed"] / elapsed if elapsed else 0.0,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "deadlocks": sum(v for k, v in errors.items() if "eadlock" in k or "erializ" in k),
            "retries": sum(report["retries"] for report in reports)}


def _buyer(url: str, carts: list, ward: int, start, results) -> None:
    """One buyer process: its own app and connection; checks out each cart in turn."""
    from marketplace import database
    from marketplace.accounts.models import User
    from marketplace.errors import Conflict
    from marketplace.extensions import db
    from marketplace.orders.checkout import checkout

    app = make_app(url)
    latencies, outcomes = [], Counter()
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # connect before the clock starts
        db.session.commit()
        retries_before = _retries(database)
        start.wait(timeout=120)
        for user_id, method in carts:
            user = db.session.get(User, user_id)
            body = {"payment_method": method, "note": "", "shipping_address": {
                "recipient_name": "Nguyễn Văn An", "phone": "0912345678", "province_code": 1,
                "ward_code": ward, "street_address": "12 Hàng Bạc"}}
            began = time.perf_counter()
            try:
                checkout(user, body, f"bench-{user_id}")
                outcomes["placed"] += 1
            except Conflict as refusal:  # insufficient stock on contested carts
                outcomes["refused" if refusal.code == "insufficient_stock" else refusal.code] += 1
            except Exception as exc:  # a deadlock or crash that reached the caller
                outcomes[f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"] += 1
                db.session.rollback()
            latencies.append((time.perf_counter() - began) * 1000)
            db.session.expunge_all()
        retries = _retries(database) - retries_before
    results.put({"latencies": latencies, "outcomes": dict(outcomes), "retries": retries})


def _retries(database) -> int:
    """Retries the service layer made after a deadlock or serialisation failure, if it counts them."""
    counter = getattr(database, "RETRIES", None)
    return int(counter.value if hasattr(counter, "value") else counter or 0)


def _oversold(db, initial_stock: dict[int, int]) -> int:
    from marketplace.catalog.models import Variant
    from marketplace.orders.models import OrderLine

    sold = dict(db.session.execute(sa.select(OrderLine.variant_id, sa.func.sum(OrderLine.quantity))
                                   .group_by(OrderLine.variant_id)).all())
    left = dict(db.session.execute(sa.select(Variant.id, Variant.stock_quantity)).all())
    oversold = 0
    for variant_id, initial in initial_stock.items():
        units = sold.get(variant_id, 0)
        oversold += max(0, units - initial) + max(0, -left[variant_id])
        assert left[variant_id] == initial - units, f"variant {variant_id}: stock and sales disagree"
    return oversold


def _pgbench(url: str, options: Options, echo) -> float | None:
    if shutil.which("pgbench") is None:
        echo("  pgbench is not on the PATH: no TPC-B comparison (apt-get install postgresql-client)")
        return None
    scratch = sa.engine.make_url(url).set(drivername="postgresql", database=f"{sa.engine.make_url(url).database}_pgbench")
    wipe(scratch.render_as_string(hide_password=False).replace("postgresql://", "postgresql+psycopg://", 1))
    dsn = scratch.render_as_string(hide_password=False)
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", dsn], check=True, capture_output=True, text=True)
    clients = str(options.buyers)
    out = subprocess.run(["pgbench", "-n", "-c", clients, "-j", "2", "-T", str(options.pgbench_seconds), dsn],
                         check=True, capture_output=True, text=True).stdout
    found = re.search(r"tps = ([\d.]+)", out)
    return float(found.group(1)) if found else None
