"""Search follows the catalogue: through the real services, the outbox and the CLI.

The tests taking `search_backend` run twice: on the SQL backend, which applies
every change in the writer's transaction, and on the Elasticsearch backend
against a live engine (tests/search_engine.py), beside SQLite, where changes
wait in the outbox and `found()` first does what `search sync` does.
"""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product, ProductStatus
from marketplace.database import transactional, utcnow
from marketplace.extensions import db
from marketplace.producers import services as producers
from marketplace.producers.models import ProducerStatus
from search import outbox, service
from search.models import SearchOutbox
from search.query import SearchQuery
from tests.factories import ProducerFactory, ProductFactory
from tests.search_engine import sync


def found(**query) -> list[int]:
    """Ids of the products the configured backend finds, in ranked order, once synced."""
    sync()
    return [hit.product_id for hit in service.search(SearchQuery(per_page=100, **query)).hits]


def indexed(*products):
    """Products made by factories: they are written through the session, so
    they were indexed (or queued, and are now synced) as the factory committed."""
    sync()
    return products


def synced():
    """The outbox as `search sync` leaves it: the factories' own rows are gone."""
    db.session.execute(sa.delete(SearchOutbox))
    db.session.commit()


def outbox_rows() -> list[SearchOutbox]:
    return db.session.scalars(sa.select(SearchOutbox).order_by(SearchOutbox.id)).all()


class RecordingBackend:
    """Stands in for Elasticsearch: applies nothing in transaction, records what sync sends."""

    name = "recording"
    applies_in_transaction = False
    unavailable_errors = ()

    def __init__(self):
        self.documents, self.removed = {}, []

    def apply(self, documents, removed_ids):
        self.documents.update({d.product_id: d for d in documents})
        self.removed += removed_ids

    def reindex(self, batches):
        self.documents = {d.product_id: d for batch in batches for d in batch}
        return len(self.documents)


class DownBackend(RecordingBackend):
    def apply(self, documents, removed_ids):
        raise ConnectionError("cluster unreachable")


@pytest.fixture
def recording(app, monkeypatch):
    """Make the app's search backend one that leaves changes in the outbox, as Elasticsearch does."""
    backend = RecordingBackend()
    monkeypatch.setitem(app.extensions, "search", backend)
    return backend


# --- search follows every change: at once on SQL, after `search sync` on Elasticsearch

def test_publishing_a_product_makes_it_searchable_at_once(search_backend):
    draft = ProductFactory(name="Mật ong hoa ban", status=ProductStatus.DRAFT, published_at=None)
    assert found(q="mat ong") == []

    catalog.publish(draft.producer_id, draft.id)

    assert found(q="mat ong") == [draft.id]


def test_archiving_a_product_removes_it_from_the_next_search(search_backend):
    honey, tea = indexed(ProductFactory(name="Mật ong hoa ban"),
                         ProductFactory(name="Chè Shan tuyết", description="Chè cổ thụ."))

    catalog.archive(honey.producer_id, honey.id)

    assert found(q="mat ong") == []
    assert found() == [tea.id]


def test_unpublishing_a_product_removes_it_from_search(search_backend):
    (honey,) = indexed(ProductFactory(name="Mật ong hoa ban"))

    catalog.unpublish(honey.producer_id, honey.id)

    assert found(q="mat ong") == []


def test_suspending_a_producer_removes_all_its_products(search_backend):
    producer = ProducerFactory()
    theirs = indexed(ProductFactory(producer=producer), ProductFactory(producer=producer))
    (other,) = indexed(ProductFactory())
    assert sorted(found()) == sorted([*(p.id for p in theirs), other.id])

    producers.suspend(producer.id, "Giấy phép kinh doanh hết hạn.")

    assert found() == [other.id]


def test_reinstating_a_producer_brings_its_products_back(search_backend):
    producer = ProducerFactory()
    (honey,) = indexed(ProductFactory(producer=producer))
    producers.suspend(producer.id, "Tạm ngừng.")

    producers.approve(producer.id)

    assert found() == [honey.id]


def test_renaming_a_producer_makes_the_new_name_searchable(search_backend):
    (honey,) = indexed(ProductFactory(producer=ProducerFactory(name="Hợp tác xã Cũ")))

    producers.update_profile(honey.producer_id, {"name": "Hợp tác xã Ong mật Mường Phăng"})

    assert found(q="muong phang") == [honey.id]


def test_a_price_change_moves_the_product_between_price_filters(search_backend):
    (honey,) = indexed(ProductFactory())
    variant = honey.variants[0]
    assert found(price_max=300_000) == [honey.id]

    catalog.update_variant(honey.producer_id, honey.id, variant.id, {"price_vnd": 450_000})

    assert found(price_max=300_000) == []
    assert found(price_min=400_000) == [honey.id]


def test_selling_out_the_last_variant_takes_the_product_out_of_in_stock_results(search_backend):
    (honey,) = indexed(ProductFactory())

    catalog.update_variant(honey.producer_id, honey.id, honey.variants[0].id, {"stock_quantity": 0})

    assert found(in_stock=True) == []
    assert found(in_stock=False) == [honey.id]


def test_the_outbox_is_empty_after_commit_on_the_sql_backend(app):
    honey = ProductFactory()

    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})

    assert outbox_rows() == []
    assert found(q="bac ha") == [honey.id]


def test_a_rolled_back_change_leaves_no_outbox_row_and_no_index_change(search_backend):
    (honey,) = indexed(ProductFactory(name="Mật ong hoa ban"))

    @transactional
    def rename_then_crash():
        honey.name = "Rượu táo mèo"
        db.session.flush()
        raise RuntimeError("crash in the middle of the transaction")

    with pytest.raises(RuntimeError):
        rename_then_crash()
    db.session.commit()  # a later, unrelated commit must not apply the abandoned change either

    assert outbox_rows() == []
    assert found(q="ruou") == []
    assert found(q="mat ong") == [honey.id]


# --- other backends: the outbox waits for `search sync` -------------------------

def test_with_an_out_of_transaction_backend_a_change_waits_in_the_outbox(app, recording):
    honey = ProductFactory()
    synced()

    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})

    assert [row.product_id for row in outbox_rows()] == [honey.id]
    assert recording.documents == {}


def test_search_sync_drains_the_outbox_into_the_backend(app, runner, recording):
    honey, tea = ProductFactory(), ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    catalog.archive(tea.producer_id, tea.id)

    result = runner.invoke(args=["search", "sync"])

    assert result.exit_code == 0, result.output
    assert "indexed 1, removed 1, failed 0" in result.output
    assert "Outbox backlog: 0" in result.output
    assert recording.documents[honey.id].name == "Mật ong bạc hà"
    assert recording.removed == [tea.id]
    assert outbox_rows() == []


def test_a_failed_drain_keeps_the_rows_and_backs_off(app, recording):
    honey = ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    before = utcnow()

    counts = outbox.drain(DownBackend())

    (row,) = outbox_rows()
    assert counts == {"indexed": 0, "removed": 0, "failed": 1, "rows": 1, "paused": False}
    assert row.attempts == 1
    assert row.available_at > before
    assert "cluster unreachable" in row.last_error


def test_a_row_that_failed_is_not_retried_before_its_backoff_ends(app, recording):
    honey = ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    outbox.drain(DownBackend())

    counts = outbox.drain(recording)

    assert counts["rows"] == 0
    assert len(outbox_rows()) == 1


def test_a_later_drain_with_a_working_backend_applies_the_failed_rows(app, recording, monkeypatch):
    honey = ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    outbox.drain(DownBackend())
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(outbox, "utcnow", lambda: later)

    counts = outbox.drain(recording)

    assert counts == {"indexed": 1, "removed": 0, "failed": 0, "rows": 1, "paused": False}
    assert recording.documents[honey.id].name == "Mật ong bạc hà"
    assert outbox_rows() == []


def test_each_failure_doubles_the_backoff(app, recording, monkeypatch):
    honey = ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    now = utcnow()
    monkeypatch.setattr(outbox, "utcnow", lambda: now)
    outbox.drain(DownBackend())
    first_delay = outbox_rows()[0].available_at - now

    monkeypatch.setattr(outbox, "utcnow", lambda: now + timedelta(hours=1))
    outbox.drain(DownBackend())
    (row,) = outbox_rows()

    assert row.attempts == 2
    assert row.available_at - (now + timedelta(hours=1)) == 2 * first_delay


# --- the CLI -------------------------------------------------------------------

def test_search_reindex_shows_progress_and_indexes_every_active_product(search_backend, runner):
    active = [ProductFactory(), ProductFactory(), ProductFactory()]
    ProductFactory(status=ProductStatus.DRAFT, published_at=None)
    ProductFactory(status=ProductStatus.ARCHIVED)
    ProductFactory(producer=ProducerFactory(status=ProducerStatus.SUSPENDED))
    sync()
    search_backend.reindex([])  # an empty index, as a new cluster starts
    db.session.commit()
    assert found() == []

    result = runner.invoke(args=["search", "reindex", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "Reindexing products" in result.output
    assert f"Indexed 3 products with the {search_backend.name} backend." in result.output
    assert sorted(found()) == sorted(p.id for p in active)


def test_search_reindex_drops_documents_of_products_no_longer_searchable(search_backend, runner):
    keep, gone = indexed(ProductFactory(), ProductFactory())
    db.session.execute(sa.update(Product).where(Product.id == gone.id).values(status=ProductStatus.ARCHIVED)
                       .execution_options(changed_products=frozenset()))  # behind search's back: a lie
    db.session.commit()
    assert sorted(found()) == sorted([keep.id, gone.id])

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert found() == [keep.id]


def test_search_status_prints_the_backend_and_the_backlog(app, runner, recording):
    honey, tea = ProductFactory(), ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    catalog.update_product(tea.producer_id, tea.id, {"name": "Chè Shan tuyết"})

    result = runner.invoke(args=["search", "status"])

    assert result.exit_code == 0, result.output
    assert "Backend: recording; outbox backlog: 2" in result.output


# --- concurrent writers (PostgreSQL: SQLite lets one writer at a time) ------------

def _waiting_for_a_lock() -> bool:
    with db.engine.connect() as conn:
        return bool(conn.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")))


def test_two_transactions_changing_one_product_at_once_both_reach_the_index(app, backend):
    if backend != "postgresql":
        pytest.skip("needs two concurrent writers, which PostgreSQL allows and SQLite does not")
    (honey,) = indexed(ProductFactory(name="Mật ong hoa ban"))
    producer_id, product_id = honey.producer_id, honey.id
    # The first transaction has indexed its new price and not yet committed...
    honey.variants[0].price_vnd = 200_000
    service._publish_changes(db.session)
    errors = []

    def second_transaction():
        with app.app_context():
            try:
                catalog.update_product(producer_id, product_id, {"name": "Mật ong hoa ban Mường Phăng"})
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                errors.append(exc)

    # ...when a second one renames the product.
    thread = threading.Thread(target=second_transaction)
    thread.start()
    while thread.is_alive() and not _waiting_for_a_lock():
        thread.join(0.01)
    db.session.commit()
    thread.join()

    assert errors == []
    assert found(q="muong phang", price_max=200_000) == [product_id]


def test_sync_waits_while_a_reindex_runs_so_no_change_lands_in_the_index_being_replaced(app, backend, runner,
                                                                                        recording):
    if backend != "postgresql":
        pytest.skip("PostgreSQL advisory locks; on SQLite the sync worker is paused by hand")
    honey = ProductFactory()
    synced()
    catalog.update_product(honey.producer_id, honey.id, {"name": "Mật ong bạc hà"})
    with db.engine.connect() as reindexing:  # a reindex in another process, in its transaction
        reindexing.execute(sa.select(sa.func.pg_advisory_xact_lock(outbox.REINDEX_LOCK)))

        paused = outbox.drain(recording)
        cli = runner.invoke(args=["search", "sync"])

        reindexing.rollback()  # the reindex ends: its lock goes with its transaction
    resumed = outbox.drain(recording)

    assert paused == {"indexed": 0, "removed": 0, "failed": 0, "rows": 0, "paused": True}
    assert "A reindex is running" in cli.output and "Outbox backlog: 1" in cli.output
    assert resumed == {"indexed": 1, "removed": 0, "failed": 0, "rows": 1, "paused": False}
    assert recording.documents[honey.id].name == "Mật ong bạc hà"


def test_a_reindex_waits_for_a_sync_batch_in_flight(app, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL advisory locks")
    assert outbox._sync_may_run()  # a sync batch holds the shared lock until it commits
    with db.engine.connect() as reindexing:
        taken = reindexing.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(outbox.REINDEX_LOCK)))
        reindexing.rollback()
    db.session.rollback()

    assert taken is False
