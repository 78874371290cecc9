"""The interface every search backend implements (sql.py, elasticsearch.py)."""

from typing import Iterable, Protocol

from search.documents import ProductDocument
from search.query import SearchQuery, SearchResult, Suggestion


class SearchBackend(Protocol):
    name: str
    # True when apply() writes in the caller's database transaction (the SQL
    # backend); False when changes wait in the outbox for `search sync`.
    applies_in_transaction: bool
    # Exceptions meaning "the backend is down": the API answers 503 for them.
    unavailable_errors: tuple[type[BaseException], ...]

    def apply(self, documents: list[ProductDocument], removed_ids: list[int]) -> None:
        """Upsert these documents and remove these product ids (missing ids are fine)."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Hits for the page asked for, the total, and facet counts where each
        facet applies every active filter except its own."""

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Product names first, then producer names, matching `prefix` with diacritics folded."""

    def reindex(self, batches: Iterable[list[ProductDocument]]) -> int:
        """Replace the whole index with these documents without a moment of empty
        results; returns how many were indexed."""

    def refresh(self) -> None:
        """Make every write so far visible to search (tests; a no-op where writes are immediate)."""

    def ping(self) -> bool:
        """Is the backend reachable?"""
