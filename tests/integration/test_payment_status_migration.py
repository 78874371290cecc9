"""Migration 0013 respells the payments stored as 'canceled' (Stripe's spelling)
as 'cancelled', the one spelling of the API, and back on downgrade."""

import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db


def _insert(connection, table: str, **values) -> None:
    """A row with `values` and a placeholder in every other required column (SQLite)."""
    row = dict(values)
    for _cid, name, type_, not_null, default, primary_key in connection.execute(
            sa.text(f"PRAGMA table_info({table})")).all():
        if name not in row and not primary_key and not_null and default is None:
            row[name] = 0 if any(t in type_.upper() for t in ("INT", "BOOL")) else "x"
    connection.execute(sa.text(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})"),
                       row)


def test_stored_canceled_payments_become_cancelled_and_back(tmp_path):
    class FreshDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'respell.db'}"

    fresh = create_app(FreshDatabase)
    runner = fresh.test_cli_runner()

    def statuses():
        with fresh.app_context():
            with db.engine.connect() as connection:
                found = connection.execute(sa.text("SELECT status FROM payments ORDER BY id")).scalars().all()
            db.engine.dispose()
        return found

    steps = [runner.invoke(args=["db", "upgrade", "0012"])]
    with fresh.app_context():
        with db.engine.begin() as connection:
            _insert(connection, "regions", code=1)
            _insert(connection, "provinces", code=1, region_code=1)
            _insert(connection, "wards", code=1, province_code=1)
            _insert(connection, "users", id=1, email="a@example.vn")
            for order_id, status in ((1, "canceled"), (2, "succeeded")):
                _insert(connection, "orders", id=order_id, user_id=1, province_code=1, ward_code=1,
                        payment_method="card", number=f"OC{order_id}", idempotency_key=f"k{order_id}")
                _insert(connection, "payments", order_id=order_id, method="card", status=status, amount_vnd=1000,
                        refunded_vnd=0)
        db.engine.dispose()
    steps.append(runner.invoke(args=["db", "upgrade"]))
    upgraded = statuses()
    steps.append(runner.invoke(args=["db", "downgrade", "0012"]))
    downgraded = statuses()

    assert [s.exit_code for s in steps] == [0, 0, 0], [s.output for s in steps]
    assert upgraded == ["cancelled", "succeeded"]
    assert downgraded == ["canceled", "succeeded"]
