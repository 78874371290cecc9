"""Applying a checked import is a job (catalog.apply_import): confirming queues
it, the import page shows it queued, then done with its counts or failed with
its reason; it writes every row or none, and once however often it runs.

The job is held (jobs.enqueue is captured) so each state can be seen, then run
by its registered name with the arguments it was queued with."""

import re

import pytest
import sqlalchemy as sa

from marketplace import jobs, storage
from marketplace.catalog import import_jobs
from marketplace.catalog.job_models import ImportStatus, ProductImport
from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.jobs.registry import lookup
from tests.factories import ProductFactory
from tests.web.test_account_pages import csrf_of, html
from tests.web.test_portal_product_pages import (base, count, csv_file, good_rows, owner, producer,  # noqa: F401
                                                 send_import)


@pytest.fixture
def held(monkeypatch):
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda name, **kwargs: queued.append((name, kwargs)))
    return queued


def perform(name: str, kwargs: dict):
    return lookup(name)(**kwargs)


def confirm(client, producer, rows=None):
    """Check a file, then confirm it: the confirmation's response."""
    response = send_import(client, producer, csv_file(rows or good_rows()))
    assert response.status_code == 200, html(response)
    token = re.search(r'name="token" value="([0-9a-f]+)"', html(response)).group(1)
    return client.post(f"{base(producer)}/nhap/xac-nhan",
                       data={"csrf_token": csrf_of(client, f"{base(producer)}/nhap"), "token": token})


def the_import() -> ProductImport:
    db.session.expire_all()
    return db.session.scalars(sa.select(ProductImport)).one()


def test_a_confirmed_import_is_queued_then_shown_done_with_its_counts(client, owner, producer, held):
    response = confirm(client, producer)
    assert response.status_code == 303 and response.headers["Location"].endswith("/nhap#lan-nhap")
    [(name, kwargs)] = held
    assert name == "catalog.apply_import" and kwargs == {"import_id": the_import().id}
    assert the_import().status is ImportStatus.QUEUED and count(Product) == 0  # nothing written yet
    page = html(client.get(f"{base(producer)}/nhap"))
    assert "Đã nhận lệnh nhập" in page and "Đang chờ" in page and "data-refresh=" in page and "refresh.js" in page

    assert perform(name, kwargs) == "done"
    assert count(Product) == 2 and count(Variant) == 3
    done = the_import()
    assert (done.status, done.rows, done.products_created, done.variants_created) == (ImportStatus.DONE, 3, 2, 3)
    assert done.finished_at is not None and done.attempts == 1
    page = html(client.get(f"{base(producer)}/nhap"))
    assert "Đã nhập xong" in page and "Đã nhập 3 dòng: 2 sản phẩm mới, 0 sản phẩm cập nhật; 3 quy cách mới" in page
    assert "data-refresh=" not in page and "refresh.js" not in page


def test_the_import_job_run_twice_writes_the_rows_once(client, owner, producer, held):
    confirm(client, producer)
    [(name, kwargs)] = held
    assert perform(name, kwargs) == "done"
    assert perform(name, kwargs) == "already done"
    assert count(Product) == 2 and count(Variant) == 3 and the_import().attempts == 1


def test_an_import_that_crashes_midway_writes_nothing_and_its_retry_applies_it(client, owner, producer, held,
                                                                             monkeypatch):
    confirm(client, producer)
    [(name, kwargs)] = held
    apply_rows = import_jobs.apply_rows

    def write_then_crash(producer_id, rows):
        apply_rows(producer_id, rows)
        db.session.flush()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == 2  # written, not committed
        raise ConnectionError("the database went away")

    monkeypatch.setattr(import_jobs, "apply_rows", write_then_crash)
    with pytest.raises(ConnectionError):
        perform(name, kwargs)
    assert count(Product) == 0 and count(Variant) == 0
    failed = the_import()
    assert failed.status is ImportStatus.FAILED and "unexpected error" in failed.failure
    assert "Việc nhập dừng lại vì một lỗi ngoài dự kiến" in html(client.get(f"{base(producer)}/nhap"))

    monkeypatch.setattr(import_jobs, "apply_rows", apply_rows)
    assert perform(name, kwargs) == "done"  # the queue's retry
    assert count(Product) == 2 and the_import().status is ImportStatus.DONE and the_import().attempts == 2


def test_an_import_the_catalogue_no_longer_fits_fails_with_its_rows_and_writes_nothing(client, owner, producer,
                                                                                     held):
    confirm(client, producer)
    [(name, kwargs)] = held
    ProductFactory(producer=producer, name="Miến dong", slug="mien-dong")  # made since the dry run
    assert perform(name, kwargs) == "failed"
    assert count(Product) == 1
    failed = the_import()
    assert failed.status is ImportStatus.FAILED and [e["line"] for e in failed.row_errors] == [4]
    assert failed.row_errors[0]["column"] == "ten_san_pham"
    page = html(client.get(f"{base(producer)}/nhap"))
    assert "Không nhập được" in page and "1 dòng không còn hợp lệ" in page
    assert re.search(r"<td>4</td><td>ten_san_pham</td>", page)
    assert not storage.exists(f"nhap/{producer.id}/{failed.token}")  # its token is spent


def test_the_same_file_is_confirmed_once(client, owner, producer, held):
    response = send_import(client, producer, csv_file(good_rows()))
    token = re.search(r'name="token" value="([0-9a-f]+)"', html(response)).group(1)
    path, form = f"{base(producer)}/nhap/xac-nhan", f"{base(producer)}/nhap"
    assert client.post(path, data={"csrf_token": csrf_of(client, form), "token": token}).status_code == 303
    again = client.post(path, data={"csrf_token": csrf_of(client, form), "token": token})
    assert again.status_code == 422 and "tải tệp lên lại" in html(again)
    assert len(held) == 1 and count(ProductImport) == 1


def test_another_producers_imports_are_not_shown(client, owner, producer, held):
    confirm(client, producer)
    other = ProductFactory().producer
    assert import_jobs.recent_imports(other.id) == [] and len(import_jobs.recent_imports(producer.id)) == 1
