"""A product photo's renditions are a job (media.product_renditions): the request
checks the upload and keeps it as a pending photo, shown as being processed;
the job makes the WebP files and adds the photo, once however often it runs.

Here the job is held (jobs.enqueue is captured) so the pending state can be seen,
then run by its registered name with the arguments it was queued with."""

import pytest
import sqlalchemy as sa

from marketplace import jobs, storage
from marketplace.catalog import photo_jobs
from marketplace.catalog.images import original_key, rendition_keys
from marketplace.catalog.job_models import PendingImage
from marketplace.extensions import db
from marketplace.jobs.registry import lookup
from tests.web.test_account_pages import html
from tests.web.test_portal_product_pages import (base, draft, jpeg_bytes, owner, post, producer, reload,  # noqa: F401
                                                 stored_files, upload)


@pytest.fixture
def held(monkeypatch):
    """The jobs the services queue, kept here instead of run."""
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda name, **kwargs: queued.append((name, kwargs)))
    return queued


def perform(name: str, kwargs: dict):
    return lookup(name)(**kwargs)


def pending_rows():
    db.session.expire_all()
    return db.session.scalars(sa.select(PendingImage)).all()


def test_a_photo_shows_as_being_processed_until_its_job_has_run(client, app, owner, producer, held):
    product = draft(producer)
    response = upload(client, producer, product, jpeg_bytes())
    assert response.status_code == 303
    [(name, kwargs)] = held
    assert name == "media.product_renditions"
    [pending] = pending_rows()
    assert kwargs == {"pending_id": pending.id} and reload(product).image_urls == []
    assert storage.exists(original_key(pending.stem))  # kept, privately, for the job
    page = html(client.get(f"{base(producer)}/{product.id}"))
    assert "Đang xử lý ảnh…" in page and 'data-refresh="1"' in page and "refresh.js" in page
    assert 'class="pp-images"' in page and "<img" not in page.split('id="anh-danh-sach"')[1].split("</ol>")[0]

    assert perform(name, kwargs) == "added"
    [url] = reload(product).image_urls
    assert url == f"/anh/{pending.stem}-1280.webp" and pending_rows() == []
    assert not storage.exists(original_key(pending.stem))  # the job is done with it
    page = html(client.get(f"{base(producer)}/{product.id}"))
    assert "Đang xử lý ảnh…" not in page and "data-refresh" not in page and "refresh.js" not in page
    assert f'src="/anh/{pending.stem}-320.webp"' in page


def test_the_renditions_job_run_twice_adds_the_photo_once(client, app, owner, producer, held):
    product = draft(producer)
    upload(client, producer, product, jpeg_bytes())
    [(name, kwargs)] = held
    assert perform(name, kwargs) == "added"
    assert perform(name, kwargs) == "already done"
    [url] = reload(product).image_urls
    assert all(storage.exists(key) for key in rendition_keys(url.removeprefix("/anh/").removesuffix("-1280.webp")))


def test_a_retry_after_a_crash_before_the_photo_was_recorded_adds_it_once(client, app, owner, producer, held,
                                                                          monkeypatch):
    product = draft(producer)
    upload(client, producer, product, jpeg_bytes())
    [(name, kwargs)] = held
    record = photo_jobs._add_to_product

    def crash(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(photo_jobs, "_add_to_product", crash)
    with pytest.raises(ConnectionError):
        perform(name, kwargs)
    assert reload(product).image_urls == [] and len(pending_rows()) == 1  # the queue will run it again
    monkeypatch.setattr(photo_jobs, "_add_to_product", record)
    assert perform(name, kwargs) == "added"
    assert len(reload(product).image_urls) == 1


def test_a_photo_given_up_while_it_is_processed_leaves_no_file(client, app, owner, producer, held, monkeypatch):
    product = draft(producer)
    before = stored_files(app)
    upload(client, producer, product, jpeg_bytes())
    [(name, kwargs)] = held
    store = photo_jobs.store
    page = f"{base(producer)}/{product.id}"

    def store_then_the_producer_removes_it(renditions):
        store(renditions)
        response = post(client, f"{page}/anh-dang-xu-ly/{kwargs['pending_id']}/xoa", form_path=page)
        assert response.status_code == 303

    monkeypatch.setattr(photo_jobs, "store", store_then_the_producer_removes_it)
    assert perform(name, kwargs) == "given up"
    assert reload(product).image_urls == [] and pending_rows() == [] and stored_files(app) == before


def test_removing_a_pending_photo_before_its_job_runs_makes_the_job_do_nothing(client, app, owner, producer, held):
    product = draft(producer)
    before = stored_files(app)
    upload(client, producer, product, jpeg_bytes())
    [(name, kwargs)] = held
    page = f"{base(producer)}/{product.id}"
    assert post(client, f"{page}/anh-dang-xu-ly/{kwargs['pending_id']}/xoa", form_path=page).status_code == 303
    assert stored_files(app) == before and pending_rows() == []
    assert perform(name, kwargs) == "already done"
    assert post(client, f"{page}/anh-dang-xu-ly/{kwargs['pending_id']}/xoa", form_path=page).status_code == 404


def test_photos_still_being_processed_count_towards_the_limit(client, app, owner, producer, held, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCT_MAX_IMAGES", 2)
    product = draft(producer)
    for _ in range(2):
        assert upload(client, producer, product, jpeg_bytes(size=(400, 300))).status_code == 303
    response = upload(client, producer, product, jpeg_bytes(size=(400, 300)))
    assert response.status_code == 422 and "tối đa 2 ảnh" in html(response)
    assert len(pending_rows()) == 2 and len(held) == 2


@pytest.mark.parametrize("data", [b"GIF89a not really", b"\xff\xd8\xff\xe0 truncated jpeg"])
def test_a_file_that_is_not_a_photo_queues_nothing_and_records_no_pending_photo(client, app, owner, producer, held,
                                                                                data):
    product = draft(producer)
    before = stored_files(app)
    assert upload(client, producer, product, data).status_code == 422
    assert held == [] and pending_rows() == [] and stored_files(app) == before


def test_the_job_runs_after_the_upload_commits_without_being_held(client, app, owner, producer):
    product = draft(producer)
    assert upload(client, producer, product, jpeg_bytes()).status_code == 303  # the suite waits for its jobs
    assert len(reload(product).image_urls) == 1 and pending_rows() == []
