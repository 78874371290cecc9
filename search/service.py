"""Which backend serves search, and the hook that keeps the embedded one in step."""

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.catalog.models import Product
from marketplace.errors import DomainError
from search.documents import documents_for
from search.models import SearchOutbox
from search.outbox import PENDING_KEY
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
def _apply_in_transaction(session: Session) -> None:
    """The embedded backend indexes changed products in the same transaction,
    so what is committed is what search shows."""
    if not has_app_context() or not session.info.get(PENDING_KEY):
        return
    index = backend()
    if not index.applies_in_transaction:
        return
    session.flush()
    product_ids = session.info.pop(PENDING_KEY)
    # Writers that change one product at once index it one after the other, each
    # from rows read after the lock (documents_for re-reads them). Without it, on
    # PostgreSQL the second writer's delete misses the first one's new document
    # and its insert then fails on the primary key. NO KEY UPDATE: inserts that
    # merely reference a product are not held up.
    session.execute(sa.select(Product.id).where(Product.id.in_(product_ids)).order_by(Product.id)
                    .with_for_update(key_share=True))
    documents, removed = documents_for(product_ids)
    index.apply(documents, removed)
    session.execute(sa.delete(SearchOutbox).where(SearchOutbox.product_id.in_(product_ids)))


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
