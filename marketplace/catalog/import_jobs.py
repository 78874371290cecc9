"""Applying a checked import as a job: `confirm_import` queues it, the job
`catalog.apply_import` applies it, `recent_imports` is what the import page shows.

The job writes every row and marks the ProductImport done, with its counts, in
ONE transaction under the import's lock: a retry, or a second run of the same
job, finds it done and writes nothing more; a failure in the middle writes
nothing at all. A file that no longer fits (the catalogue changed since the dry
run) fails the import with its rows at fault, and nothing is written.
"""

from dataclasses import asdict

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace import jobs, storage
from marketplace.catalog.job_models import ImportStatus, ProductImport
from marketplace.catalog.product_import import ImportExpired, apply_rows, read_stored, stored_file
from marketplace.database import transactional, utcnow
from marketplace.errors import N_
from marketplace.extensions import db
from marketplace.locking import lock_one

RECENT = 5
ROWS_REFUSED = N_("The catalogue changed since the check: {n} rows no longer fit. Nothing was written.")
FILE_GONE = N_("The checked file is no longer kept. Nothing was written; upload it again.")
CRASHED = N_("The import stopped on an unexpected error and wrote nothing. It is tried again; "
             "the platform's admins see it if it keeps failing.")


@transactional
def confirm_import(producer_id: int, token: str) -> ProductImport:
    """Queue the import of the file the dry run accepted under `token`; once per file.

    Raises ImportExpired (unknown token, or confirmed already).
    """
    key = stored_file(producer_id, token)
    if not storage.exists(key) or db.session.scalar(sa.select(ProductImport.id).where(ProductImport.token == token)):
        raise ImportExpired()
    run = ProductImport(producer_id=producer_id, token=token, status=ImportStatus.QUEUED)
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:  # the same file confirmed twice at once: the other one has it
        raise ImportExpired() from None
    jobs.enqueue("catalog.apply_import", import_id=run.id)  # handed on once this commits
    return run


def recent_imports(producer_id: int) -> list[ProductImport]:
    """The producer's last imports, newest first."""
    return list(db.session.scalars(sa.select(ProductImport).where(ProductImport.producer_id == producer_id)
                                   .order_by(ProductImport.id.desc()).limit(RECENT)))


def _lock(import_id: int) -> ProductImport | None:
    return lock_one(sa.select(ProductImport).where(ProductImport.id == import_id))


@transactional
def _start(import_id: int):
    """Mark it running (what the page shows); None when there is nothing to do."""
    run = _lock(import_id)
    if run is None or run.status is ImportStatus.DONE:
        return None
    run.status, run.attempts = ImportStatus.RUNNING, run.attempts + 1
    return run.producer_id, stored_file(run.producer_id, run.token)


@transactional
def _apply(import_id: int, rows: list[dict]) -> str:
    run = _lock(import_id)  # a second run of this job waits here, then finds it done
    if run.status is ImportStatus.DONE:
        return "already done"
    report = apply_rows(run.producer_id, rows)  # a refused file wrote nothing
    run.rows, run.finished_at = report.rows, utcnow()
    if not report.ok:
        _failed(run, ROWS_REFUSED.format(n=len({e.line for e in report.errors})), [asdict(e) for e in report.errors])
        return "failed"
    run.status = ImportStatus.DONE
    run.products_created, run.products_updated = report.products_created, report.products_updated
    run.variants_created, run.variants_updated = report.variants_created, report.variants_updated
    return "done"


def _failed(run: ProductImport, failure: str, row_errors: list | None = None) -> None:
    run.status, run.failure, run.row_errors, run.finished_at = ImportStatus.FAILED, failure, row_errors or [], utcnow()


@transactional
def _record_failure(import_id: int, failure: str) -> str:
    _failed(_lock(import_id), failure)
    return "failed"


@jobs.job("catalog.apply_import")
def apply_import(import_id: int) -> str:
    """Returns "done", "already done" or "failed" (the file no longer fits, or is gone)."""
    started = _start(import_id)
    if started is None:
        return "already done"
    _producer_id, key = started
    try:
        rows = read_stored(key)
    except storage.StoredFileMissing:
        return _record_failure(import_id, FILE_GONE)
    try:
        outcome = _apply(import_id, rows)
    except Exception:
        _record_failure(import_id, CRASHED)
        raise  # the queue retries it, then lists it for the admins
    storage.delete(key)  # done, or refused for good: the token is spent either way
    return outcome
