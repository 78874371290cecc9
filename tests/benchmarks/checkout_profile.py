"""Checkout cost profile: what one checkout costs, measured so that a busy machine does not blur it.

Run it as a command, from the repository root:

    flask --app wsgi bench checkout-profile --database-url postgresql://postgres@127.0.0.1:5432/ocop_profile --yes
                                            [--checkouts 300] [--top 25]

The database is scratch (wiped first), set up as `bench checkout` sets up its
world (tests/benchmarks/checkout_bench.py: carts of one to four producers'
items, cash on delivery and bank transfer). One buyer, in this process, calls
`orders.checkout.checkout` exactly as the API view and the benchmark do, one
cart after another, in three rounds:

1. a warm-up (caches, prepared statements, the connection pool);
2. `--checkouts` checkouts without a profiler, in five rounds, counting per
   checkout (the times: the least disturbed round's, and the median round's):
   - the SQL statements sent, by kind;
   - this process's CPU time (time.process_time: Python, SQLAlchemy and the
     driver; not time spent waiting for the server or for a CPU);
   - the server backend's CPU time (utime + stime of the PostgreSQL backend
     process, read from /proc, when the server runs on this machine);
   - wall-clock time, for reference only: on a shared machine it includes
     waiting for a CPU;
3. `--checkouts` more under cProfile, timed by this process's CPU clock (so
   waiting for the server counts nothing), whose top functions (by own time
   and by cumulative time) are printed. cProfile slows Python down: read
   those figures for where the time goes, and the second round for how much.

Like the benchmark's buyers, each iteration loads the buyer (one SELECT,
standing in for the request's login) before calling checkout; that load is
counted too, and reported on its own line.
"""

import cProfile
import io
import os
import pstats
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from tests.benchmarks import checkout_bench
from tests.benchmarks.search_bench import make_app, wipe

WARM_UP = 30
ANSWERED = 100  # checkouts answered as the API answers them (see _answered)
ROUNDS = 5


@dataclass
class Options:
    database_url: str
    checkouts: int = 300
    top: int = 25
    seed: int = 11


def run(options: Options, echo=print) -> None:
    from config import normalise_database_url

    url = normalise_database_url(options.database_url)
    if not url.startswith("postgresql"):
        raise SystemExit("bench checkout-profile measures the PostgreSQL checkout: give a PostgreSQL --database-url.")
    wipe(url)
    rng = random.Random(options.seed)
    app = make_app(url)
    total = WARM_UP + 2 * options.checkouts + ANSWERED
    with app.app_context():
        from flask_migrate import upgrade

        from marketplace.extensions import db
        from marketplace.regions.services import sync_regions

        upgrade()
        sync_regions()
        world = checkout_bench._build(db, rng, checkout_bench.Options(database_url=url, checkouts=total, contested=0))
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        carts = world["phases"][0].carts
        ward = world["ward"]
        db.session.remove()
        db.engine.dispose()

    app = make_app(url)  # a fresh app and pool, as a benchmark buyer has
    handed_on = _keep_in_process_jobs(app)
    with app.app_context():
        from marketplace.extensions import db

        counter = _StatementCounter(db.engine)
        backend = _Backend(db)
        backend.counter = counter
        _checkouts(db, carts[:WARM_UP], ward, counter)
        if os.environ.get("CHECKOUT_PROFILE_SQL"):  # the statements of the last warm-up checkout
            for statement in counter.last:
                echo(statement + ";\n")
        lines = sum(_lines(db, user_id) for user_id, _method in carts[WARM_UP:WARM_UP + options.checkouts])

        measured = carts[WARM_UP:WARM_UP + options.checkouts]
        n = len(measured)
        counter.reset()
        handed_on.clear()
        rounds = []  # CPU and wall time of each fifth: the least disturbed fifth is the best estimate
        for share in (measured[i::ROUNDS] for i in range(ROUNDS)):
            server_before, cpu_before, wall_before = backend.cpu(), time.process_time(), time.perf_counter()
            _checkouts(db, share, ward, counter)
            rounds.append(((time.process_time() - cpu_before) / len(share),
                           (backend.cpu() - server_before) / len(share) if server_before is not None else None,
                           (time.perf_counter() - wall_before) / len(share)))

        def figures(index: int) -> str:
            values = sorted(r[index] for r in rounds)
            return f"{values[0] * 1e6:,.0f} µs (median of the fifths {statistics.median(values) * 1e6:,.0f} µs)"

        with counter.labelled("probe"):
            version = db.session.scalar(sa.text("SHOW server_version"))
        echo(f"{n} checkouts by one buyer ({lines / n:.2f} lines each on average), "
             f"PostgreSQL {version}, load average "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
        echo(f"  statements per checkout: {counter.total / n:.2f} "
             f"(loading the buyer: {counter.kinds['buyer'] / n:.2f}; in checkout: "
             f"{(counter.total - counter.kinds['buyer']) / n:.2f})")
        for kind, times in counter.kinds.most_common():
            echo(f"      {times / n:6.2f}  {kind}")
        echo(f"  jobs handed on per checkout: {len(handed_on) / n:.2f} (a worker's work, not run here)")
        echo(f"  in {ROUNDS} rounds of {n // ROUNDS}, the least disturbed round's figure per checkout:")
        echo(f"  Python CPU (this process): {figures(0)}")
        if rounds[0][1] is not None:
            echo(f"  server CPU (its backend):  {figures(1)}")
        else:
            echo("  server CPU: unknown (the server's backend is not readable in /proc)")
        echo(f"  wall clock (noisy):        {figures(2)}, one buyer")

        counter.reset()
        cpu_before = time.process_time()
        _answered(db, carts[-ANSWERED:], ward, counter)
        cpu = (time.process_time() - cpu_before) / ANSWERED
        echo(f"  as the API view answers it (placement.place_order, then the order read back and dumped with "
             f"OrderSchema; no HTTP): {counter.total / ANSWERED:.2f} statements (loading the buyer: "
             f"{counter.kinds['buyer'] / ANSWERED:.2f}), Python CPU {cpu * 1e6:,.0f} µs, {ANSWERED} checkouts")
        carts = carts[:-ANSWERED]
        if os.environ.get("CHECKOUT_PROFILE_SQL"):  # the statements of the last answered checkout
            for statement in counter.last:
                echo(" ".join(statement.split())[:300] + ";")

        profiler = cProfile.Profile(time.process_time)  # CPU time: waiting for the server counts nothing
        profiler.enable()
        _checkouts(db, carts[WARM_UP + options.checkouts:], ward, counter)
        profiler.disable()
        if os.environ.get("CHECKOUT_PROFILE_DUMP"):
            profiler.dump_stats(os.environ["CHECKOUT_PROFILE_DUMP"])
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(options.top)
            echo(f"\n  cProfile, {options.checkouts} more checkouts, top {options.top} by {order}:")
            echo("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def _checkouts(db, carts, ward: int, counter) -> None:
    from marketplace.accounts.models import User
    from marketplace.orders.checkout import checkout

    for user_id, method in carts:
        with counter.labelled("buyer"):
            user = db.session.get(User, user_id)
        body = {"payment_method": method, "note": "", "shipping_address": {
            "recipient_name": "Nguyễn Văn An", "phone": "0912345678", "province_code": 1,
            "ward_code": ward, "street_address": "12 Hàng Bạc"}}
        order, created = checkout(user, body, f"bench-{user_id}")
        assert created
        db.session.expunge_all()


def _answered(db, carts, ward: int, counter) -> None:
    """What POST /api/v1/checkout does past its parsing: place_order (checkout,
    then the card's intent, none for these methods, and the order read back),
    and the answer dumped with the view's schema."""
    from flask import current_app

    from marketplace.accounts.models import User
    from marketplace.orders.placement import place_order
    from marketplace.orders.schemas import CheckoutSchema, OrderSchema

    schema = OrderSchema()
    with current_app.test_request_context("/api/v1/checkout", method="POST"):
        for user_id, method in carts:
            with counter.labelled("buyer"):
                user = db.session.get(User, user_id)
            body = CheckoutSchema().load({"payment_method": method, "note": "", "shipping_address": {
                "recipient_name": "Nguyễn Văn An", "phone": "0912345678", "province_code": 1,
                "ward_code": ward, "street_address": "12 Hàng Bạc"}})
            order, created = place_order(user, body, f"bench-{user_id}")
            assert created and schema.dump(order)["sub_orders"]
            db.session.expunge_all()


def _lines(db, user_id: int) -> int:
    from marketplace.orders.models import Cart, CartLine

    count = db.session.scalar(sa.select(sa.func.count()).select_from(CartLine).join(Cart)
                              .where(Cart.user_id == user_id))
    db.session.rollback()
    return count


class _StatementCounter:
    """Statements sent to the server, by kind (the verb and the first table)."""

    def __init__(self, engine):
        self.total, self.kinds, self._label, self.last = 0, Counter(), None, []
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def reset(self):
        self.total, self.kinds = 0, Counter()

    def labelled(self, label: str):
        counter = self

        class _Label:
            def __enter__(self):
                counter._label = label

            def __exit__(self, *_exc):
                counter._label = None

        return _Label()

    def _seen(self, _conn, _cursor, statement, _parameters, _context, executemany):
        if self._label == "probe":  # the benchmark's own reading of the server's CPU time
            return
        if self._label == "buyer":
            self.last = []
        self.last.append(statement)
        self.total += 1
        self.kinds[self._label or _kind(statement) + (" (executemany)" if executemany else "")] += 1


def _kind(statement: str) -> str:
    """The verb and the table of the outermost statement (subqueries left out),
    and the tables it joins; WITH queries by the name of their first part."""
    outer = statement
    while True:  # drop parenthesised parts, innermost first: subqueries, column lists, casts
        shorter = re.sub(r"\([^()]*\)", "", outer)
        if shorter == outer:
            break
        outer = shorter
    words = outer.split()
    verb = words[0].upper() if words else "?"
    if verb == "SELECT" and "pg_advisory_xact_lock" in statement:
        return "SELECT pg_advisory_xact_lock (idempotency claim)"
    if verb == "WITH":
        written = re.findall(r"INSERT INTO (\w+)", statement) + [
            f"DELETE {table}" for table in re.findall(r"DELETE FROM (\w+)", statement)]
        return f"WITH {words[1]} ... (one statement: {', '.join(written)})"
    if "FOR" in words:  # a locking clause: FOR [NO KEY] UPDATE OF <tables>
        words = words[:words.index("FOR")]
    tables = []
    for marker in ("INTO", "FROM", "JOIN"):
        tables += [words[i + 1].strip('"') for i, word in enumerate(words[:-1]) if word == marker]
    if verb == "UPDATE" and len(words) > 1:
        tables = [words[1]]
    suffix = " FOR NO KEY UPDATE" if "FOR NO KEY UPDATE" in outer else " FOR UPDATE" if "FOR UPDATE" in outer else ""
    return f"{verb} {' JOIN '.join(dict.fromkeys(tables))}{suffix}".strip()


def _keep_in_process_jobs(app) -> list:
    """What checkout hands on after commit is a worker's work (RQ's with REDIS_URL,
    the in-process thread's without): counted here, not run in this process,
    which would add the jobs' CPU and connections to the checkout's."""
    from marketplace.jobs import local

    handed_on = []
    local.worker(app).submit = handed_on.append
    return handed_on


class _Backend:
    """CPU time of this session's PostgreSQL backend process, if it runs here and /proc shows it."""

    def __init__(self, db):
        self.pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        db.session.commit()
        self._ticks = os.sysconf("SC_CLK_TCK")
        self._db = db

    def cpu(self) -> float | None:
        with self.counter.labelled("probe"):
            pid = self._db.session.scalar(sa.text("SELECT pg_backend_pid()"))
            self._db.session.commit()
        if pid != self.pid:
            raise RuntimeError("the pool handed out another connection: the backend's CPU time would be wrong")
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self._ticks  # utime, stime
