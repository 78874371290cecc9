"""Which backend serves search, and the hook that turns a transaction's changes
(tracking.py) into outbox rows or, with the embedded backend, fresh documents."""

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.catalog.models import Product
from marketplace.errors import DomainError
from search import tracking
from search.documents import documents_for
from search.models import SearchOutbox
from search.query import SearchQuery, SearchResult, Suggestion
from search.sql import SqlBackend


class SearchUnavailable(DomainError):
    status, code, message = 503, "search_unavailable", "Search is temporarily unavailable. Please try again shortly."


def init_app(app: Flask) -> None:
    name = app.config["SEARCH_BACKEND"]
    if name == "sql":
        backend = SqlBackend()
    elif name == "elasticsearch":
        from search.elasticsearch import ElasticsearchBackend

        backend = ElasticsearchBackend.from_config(app.config)
    else:
        raise RuntimeError(f"Unknown SEARCH_BACKEND {name!r}: use 'sql' or 'elasticsearch'.")
    app.extensions["search"] = backend


def backend():
    return current_app.extensions["search"]


def search(query: SearchQuery) -> SearchResult:
    """Raises SearchUnavailable when the backend cannot answer."""
    try:
        return backend().search(query)
    except SearchUnavailable:
        raise
    except backend_errors() as exc:
        raise SearchUnavailable() from exc


def suggest(prefix: str, limit: int = 10) -> list[Suggestion]:
    """Raises SearchUnavailable when the backend cannot answer."""
    try:
        return backend().suggest(prefix, limit)
    except backend_errors() as exc:
        raise SearchUnavailable() from exc


def backend_errors() -> tuple:
    return backend().unavailable_errors


@event.listens_for(Session, "before_commit")
def _publish_changes(session: Session) -> None:
    """Before a transaction commits, the products its writes changed (see
    tracking.py) become outbox rows, drained by `search sync`; or, with the
    embedded backend, fresh documents, so that what is committed is what search
    shows."""
    session.flush()  # the last changes are noted by the flush
    product_ids = tracking.take(session)
    if not product_ids:
        return
    index = backend() if has_app_context() else None
    if index is None or not index.applies_in_transaction:
        session.execute(sa.insert(SearchOutbox), [{"product_id": i} for i in sorted(product_ids)])
        return
    # Writers that change one product at once index it one after the other, each
    # from rows read after the lock (documents_for re-reads them). Without it, on
    # PostgreSQL the second writer's delete misses the first one's new document
    # and its insert then fails on the primary key. NO KEY UPDATE: inserts that
    # merely reference a product are not held up.
    session.execute(sa.select(Product.id).where(Product.id.in_(product_ids)).order_by(Product.id)
                    .with_for_update(key_share=True))
    documents, removed = documents_for(product_ids)
    index.apply(documents, removed)
