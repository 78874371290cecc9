"""The Alembic migrations build exactly the schema the models describe, and
run up from nothing and back down again."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db


def schema_differences(app, metadata: sa.MetaData) -> list:
    """What `flask db migrate` would write to turn the database into `metadata`.

    Uses the options Alembic runs with: Flask-Migrate's (compare_type, from
    marketplace/extensions.py) plus the include_name filter migrations/env.py
    adds when the migrations run, which leaves out dialect-specific full-text
    objects made by raw DDL.
    """
    options = app.extensions["migrate"].configure_args
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": options["compare_type"],
            "include_name": options.get("include_name"),
        })
        return compare_metadata(context, metadata)


def models_with(change) -> sa.MetaData:
    """A copy of the models' metadata, changed by `change(copy)`."""
    copy = sa.MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    change(copy)
    return copy


def test_the_test_database_is_at_the_one_head_revision(app):
    heads = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_heads()

    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()

    assert len(heads) == 1
    assert current == tuple(heads)


def test_the_migrated_schema_matches_the_models(app):
    assert schema_differences(app, db.metadata) == []


def test_the_drift_check_reports_a_column_the_migrations_lack(app):
    def add_gift_wrap(metadata):
        metadata.tables["products"].append_column(sa.Column("gift_wrap", sa.Boolean, nullable=True))

    differences = schema_differences(app, models_with(add_gift_wrap))

    assert [(kind, table, column.name) for kind, _schema, table, column in differences] == [
        ("add_column", "products", "gift_wrap")]


def test_the_drift_check_reports_a_changed_column_type(app):
    def widen_label(metadata):
        metadata.tables["variants"].c.label.type = sa.String(120)

    differences = schema_differences(app, models_with(widen_label))

    assert len(differences) == 1
    [(kind, _schema, table, column, _existing, old_type, new_type)] = differences[0]
    assert (kind, table, column) == ("modify_type", "variants", "label")
    assert (old_type.length, new_type.length) == (80, 120)


def test_upgrade_builds_an_empty_sqlite_file_and_downgrade_to_base_removes_every_table(tmp_path):
    class FreshDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fresh.db'}"

    fresh = create_app(FreshDatabase)
    runner = fresh.test_cli_runner()

    upgraded = runner.invoke(args=["db", "upgrade"])
    with fresh.app_context():
        tables_after_upgrade = set(sa.inspect(db.engine).get_table_names())
    downgraded = runner.invoke(args=["db", "downgrade", "base"])
    with fresh.app_context():
        tables_after_downgrade = set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        db.engine.dispose()

    assert upgraded.exit_code == 0, upgraded.output
    assert {t.name for t in db.metadata.sorted_tables} <= tables_after_upgrade
    assert downgraded.exit_code == 0, downgraded.output
    assert tables_after_downgrade == {"alembic_version"}
    assert versions == []


def test_remaking_the_embedded_search_index_queues_every_product_until_search_sync(tmp_path):
    """Migration 0006 remakes the embedded index (derived data) in a new shape,
    empty, and queues every product: `search sync` fills it again."""
    from search import outbox, service
    from search.query import SearchQuery

    class FreshDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgraded.db'}"
        SEARCH_BACKEND = "sql"

    fresh = create_app(FreshDatabase)
    runner = fresh.test_cli_runner()

    def honey_search():
        with fresh.app_context():
            result = service.search(SearchQuery(q="mat ong"))
            names = [h.product_id for h in result.hits]
            backlog = outbox.backlog()
            db.session.remove()
            return result.total, names, backlog

    steps = [runner.invoke(args=args) for args in (["db", "upgrade"], ["demo", "load"])]
    total_before, hits_before, backlog_before = honey_search()
    steps += [runner.invoke(args=["db", "downgrade", "0005"]), runner.invoke(args=["db", "upgrade"])]
    total_queued, _hits, backlog_queued = honey_search()
    steps.append(runner.invoke(args=["search", "sync"]))
    total_after, hits_after, backlog_after = honey_search()
    with fresh.app_context():
        products = db.session.scalar(sa.text("SELECT count(*) FROM products"))
        unverified = db.session.scalar(sa.text(
            "SELECT count(*) FROM products WHERE ocop_stars IS NOT NULL AND ocop_verified_at IS NULL"))
        db.engine.dispose()

    assert [s.exit_code for s in steps] == [0] * len(steps), [s.output for s in steps]
    assert total_before > 0 and backlog_before == 0
    # queued by 0006's downgrade, then by its upgrade, and unverified certificates by 0007's upgrade
    assert (total_queued, backlog_queued) == (0, 2 * products + unverified)
    assert (total_after, hits_after, backlog_after) == (total_before, hits_before, 0)
