"""The back office's failed jobs (/quan-tri/cong-viec-loi): an in-process job that
failed after its retries is listed (name, arguments, error, when, attempts) and
run again by an admin (a CSRF-checked POST, written to the audit log). RQ's
failed jobs are listed too: tests/jobs/test_redis_worker.py."""

import sqlalchemy as sa

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs import job
from marketplace.jobs.models import FailedJobRecord
from tests.factories import UserFactory
from tests.web.test_backoffice_pages import as_admin, admin, csrf_of, entries, html, log_in, post  # noqa: F401

PAGE = "/quan-tri/cong-viec-loi"
runs = {"count": 0, "fail": True}


@job("tests.carrier_sync")
def carrier_sync(order_id: int) -> None:
    runs["count"] += 1
    if runs["fail"]:
        raise ConnectionError("the carrier's API is down")


def fail_in_process(order_id: int = 7) -> FailedJobRecord:
    runs.update(count=0, fail=True)
    jobs.enqueue("tests.carrier_sync", order_id=order_id)
    db.session.commit()  # the suite waits for the job and its retries (JOBS_RETRY_INTERVALS)
    db.session.expire_all()
    return db.session.scalars(sa.select(FailedJobRecord).order_by(FailedJobRecord.id.desc())).first()


def test_a_job_that_failed_after_its_retries_is_listed_with_its_arguments_error_and_attempts(as_admin):
    record = fail_in_process()
    assert runs["count"] == 3 and record.attempts == 3
    page = html(as_admin.get(PAGE))
    assert "<code>tests.carrier_sync</code>" in page and "order_id:</span> 7" in page
    assert "ConnectionError: the carrier&#39;s API is down" in page
    assert 'data-label="Số lần chạy">3</td>' in page and "trong tiến trình web" in page
    assert f'action="/quan-tri/cong-viec-loi/db-{record.id}/chay-lai"' in page
    assert 'href="/quan-tri/cong-viec-loi"' in page  # in the back office's navigation


def test_running_a_failed_job_again_is_audited_and_takes_it_off_the_list(as_admin, admin):
    record = fail_in_process(order_id=9)
    runs.update(count=0, fail=False)  # the carrier is back
    response = post(as_admin, f"{PAGE}/db-{record.id}/chay-lai", form_path=PAGE)
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    assert runs["count"] == 1
    [entry] = entries("job.run_again")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "job", f"db-{record.id}")
    assert entry.details["name"] == "tests.carrier_sync" and entry.details["kwargs"] == {"order_id": 9}
    page = html(as_admin.get(PAGE))
    assert "Đã cho chạy lại công việc tests.carrier_sync." in page and "Không có công việc nào lỗi." in page


def test_a_job_run_again_that_fails_again_is_listed_again(as_admin):
    record = fail_in_process()
    post(as_admin, f"{PAGE}/db-{record.id}/chay-lai", form_path=PAGE)
    assert runs["count"] == 6  # three more attempts
    db.session.expire_all()
    [again] = db.session.scalars(sa.select(FailedJobRecord).where(FailedJobRecord.run_again_at.is_(None))).all()
    assert again.id != record.id and again.kwargs == {"order_id": 7}


def test_running_again_needs_the_csrf_token_and_an_admin(client, as_admin):
    record = fail_in_process()
    assert client.post(f"{PAGE}/db-{record.id}/chay-lai").status_code == 400
    client.post("/dang-xuat", data={"csrf_token": csrf_of(client, PAGE)})
    log_in(client, UserFactory(email="mua@example.vn"))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/db-{record.id}/chay-lai",
                       data={"csrf_token": csrf_of(client, "/khong-co")}).status_code == 403
    assert runs["count"] == 3 and entries("job.run_again") == []


def test_a_failed_job_already_run_again_is_not_found(as_admin):
    record = fail_in_process()
    assert post(as_admin, f"{PAGE}/db-{record.id}/chay-lai", form_path=PAGE).status_code == 303
    assert post(as_admin, f"{PAGE}/db-{record.id}/chay-lai", form_path=PAGE).status_code == 404
    assert post(as_admin, f"{PAGE}/khong-co/chay-lai", form_path=PAGE).status_code == 404
    assert len(entries("job.run_again")) == 1


def test_a_failed_job_whose_name_no_longer_exists_is_refused_with_a_message(as_admin):
    record = FailedJobRecord(name="tests.renamed_long_ago", kwargs={}, error="x", attempts=5)
    db.session.add(record)
    db.session.commit()
    response = post(as_admin, f"{PAGE}/db-{record.id}/chay-lai", form_path=PAGE)
    assert response.status_code == 303
    assert "không còn trong phiên bản hiện tại" in html(as_admin.get(PAGE)) and entries("job.run_again") == []


def test_the_cli_lists_in_process_failures_too(as_admin, runner):
    record = fail_in_process()
    output = runner.invoke(args=["jobs", "failed"]).output
    assert f"db-{record.id}" in output and "tests.carrier_sync {'order_id': 7}" in output


def test_with_redis_unreachable_the_page_lists_the_tables_failures_and_says_so(as_admin, monkeypatch):
    record = fail_in_process()
    monkeypatch.setitem(as_admin.application.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    page = html(as_admin.get(PAGE))
    assert "Không đọc được hàng đợi Redis" in page and f"db-{record.id}" in page
