"""The production search backend: Elasticsearch 8, a versioned index behind an alias.

Searches and writes address the alias (ELASTICSEARCH_INDEX, "ocop-products").
The index behind it is named after its creation time, so `reindex` can build a
fresh one while the old one keeps answering, then swap the alias to it in one
atomic step. Changes reach the index through the outbox (`search sync`), never
inside the writer's database transaction.

While `search reindex` loads a new index, `search sync` applies nothing on
PostgreSQL (search/outbox.py, REINDEX_LOCK): changes wait in the outbox and
reach the new index after the swap, rather than the old one that the swap
drops. On SQLite, pause the sync worker while reindexing.
"""

from contextlib import contextmanager
from datetime import datetime, timezone

import elastic_transport
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from marketplace.clock import today_vn
from search import es_mapping, es_query
from search.query import SearchQuery, SearchResult, Suggestion

DEFAULT_ALIAS = "ocop-products"


class ElasticsearchUnavailable(Exception):
    """The cluster answered but cannot serve: overloaded, failing, or the index is missing."""


@contextmanager
def _server_errors_as_unavailable():
    """Connection failures already raise elastic_transport errors; a 5xx, a 429 or a
    missing index are answers, which the client raises as ApiError."""
    try:
        yield
    except ApiError as exc:
        if exc.meta.status >= 500 or exc.meta.status == 429 or _index_missing(exc):
            raise ElasticsearchUnavailable(str(exc)) from exc
        raise


def _index_missing(exc: ApiError) -> bool:
    return isinstance(exc, NotFoundError) and exc.message == "index_not_found_exception"


class ElasticsearchBackend:
    """Implements search.backend.SearchBackend."""

    name = "elasticsearch"
    applies_in_transaction = False
    # "Cluster down" is a ConnectionError or ConnectionTimeout (both TransportErrors)
    # once the client's retries are spent; the rest is ElasticsearchUnavailable.
    unavailable_errors = (elastic_transport.TransportError, ElasticsearchUnavailable)

    def __init__(self, client: Elasticsearch, alias: str = DEFAULT_ALIAS):
        self.client = client
        self.alias = alias
        self._index_ready = False

    @classmethod
    def from_config(cls, config) -> "ElasticsearchBackend":
        """Connects lazily: the app starts even while the cluster is down.

        ELASTICSEARCH_CLIENT_OPTIONS (a dict, empty by default) is passed on to
        the Elasticsearch client and overrides its defaults here: certificates
        (`ca_certs`), `api_key`, timeouts, or a `node_class` (the tests use one
        that talks plain JSON to an OpenSearch-compatible emulator)."""
        url = config.get("ELASTICSEARCH_URL")
        if not url:
            raise RuntimeError("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL.")
        options = {"request_timeout": 10, "max_retries": 2, "retry_on_timeout": True,
                   **(config.get("ELASTICSEARCH_CLIENT_OPTIONS") or {})}
        client = Elasticsearch(url, **options)
        return cls(client, alias=config.get("ELASTICSEARCH_INDEX") or DEFAULT_ALIAS)

    # --- the index -------------------------------------------------------------

    def new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"

    def _create_index(self, aliased: bool) -> str:
        index = self.new_index_name()
        self.client.indices.create(index=index, settings=es_mapping.SETTINGS, mappings=es_mapping.MAPPINGS,
                                   aliases={self.alias: {}} if aliased else None)
        return index

    def ensure_index(self) -> None:
        """Create the first index behind the alias unless the alias exists."""
        if self._index_ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            self._create_index(aliased=True)
        self._index_ready = True

    # --- writing ---------------------------------------------------------------

    def apply(self, documents, removed_ids) -> None:
        """Raises helpers.BulkIndexError when a document is refused."""
        self.ensure_index()
        actions = [*self._index_actions(self.alias, documents),
                   *({"_op_type": "delete", "_index": self.alias, "_id": str(product_id)}
                     for product_id in removed_ids)]
        # require_alias: if the alias vanished, fail rather than let Elasticsearch
        # create an index of that name with guessed mappings.
        self._bulk(actions, require_alias=True)

    def reindex(self, batches) -> int:
        """Load a new index, then point the alias at it and drop the old ones in one step."""
        index = self._create_index(aliased=False)
        try:
            count = 0
            for documents in batches:
                self._bulk(self._index_actions(index, documents))
                count += len(documents)
            self.client.indices.refresh(index=index)
        except BaseException:  # a failed or interrupted load leaves no half-built index behind
            self.client.options(ignore_status=404).indices.delete(index=index)
            raise
        old = self._indices_behind_alias()
        self.client.indices.update_aliases(actions=[
            *({"remove": {"index": name, "alias": self.alias}} for name in old),
            {"add": {"index": index, "alias": self.alias}},
        ])
        if old:
            self.client.indices.delete(index=",".join(old))
        self._index_ready = True
        return count

    def drop(self) -> None:
        """Delete the alias and every index behind it (test clean-up, decommissioning)."""
        old = self._indices_behind_alias()
        if old:
            self.client.indices.delete(index=",".join(old))
        self._index_ready = False

    def _indices_behind_alias(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    @staticmethod
    def _index_actions(index: str, documents) -> list[dict]:
        return [{"_op_type": "index", "_index": index, "_id": str(d.product_id), "_source": es_mapping.source(d)}
                for d in documents]

    def _bulk(self, actions: list[dict], **kwargs) -> None:
        if not actions:
            return
        _ok, errors = helpers.bulk(self.client, actions, raise_on_error=False, **kwargs)
        # Removing a product that is not indexed is fine: it is already gone.
        failed = [e for e in errors if not ("delete" in e and e["delete"].get("status") == 404)]
        if failed:
            raise helpers.BulkIndexError(f"{len(failed)} document(s) failed to index.", failed)

    # --- reading ---------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """The words as typed; if they match nothing at all, again forgiving typos (es_query)."""
        today = today_vn()
        with _server_errors_as_unavailable():
            response = self.client.search(index=self.alias, body=es_query.search_body(query, today)).body
            if es_query.forgives_typos(query.q) and not es_query.words_matched(response):
                response = self.client.search(index=self.alias,
                                              body=es_query.search_body(query, today, typos=True)).body
        return es_query.parse_search(response)

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Product names first, then producer names."""
        if not es_query.has_text(prefix):
            return []
        with _server_errors_as_unavailable():
            products = self.client.search(index=self.alias, body=es_query.product_suggest_body(prefix, limit))
            suggestions = es_query.parse_product_suggestions(products.body)
            if len(suggestions) < limit:
                producers = self.client.search(
                    index=self.alias, body=es_query.producer_suggest_body(prefix, limit - len(suggestions)))
                suggestions += es_query.parse_producer_suggestions(producers.body)
        return suggestions

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def ping(self) -> bool:
        return bool(self.client.ping())
