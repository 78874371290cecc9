"""A live search engine for the Elasticsearch backend's tests.

With ELASTICSEARCH_URL set, the tests talk to that Elasticsearch 8 cluster.
Otherwise each test process (each xdist worker) starts its own osmem-server
(the `osmem-server` package, a test dependency): an in-memory,
OpenSearch-compatible server, one static binary, ready in milliseconds, on a
free loopback port, stopped when the session ends (and by itself should this
process die: --parent-pid). A missing binary fails the tests that need it; it
never skips them.

osmem-server answers 406 to the Elasticsearch 8 client's compatibility media
type (application/vnd.elasticsearch+json; compatible-with=8), so the client
is given PlainJsonNode through ELASTICSEARCH_CLIENT_OPTIONS: the same urllib3
node, sending plain application/json. That node is for the tests alone.
"""

import os
import re
import uuid
from dataclasses import dataclass, field

import pytest
from elastic_transport import HttpHeaders, Urllib3HttpNode

_COMPATIBLE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)(?:\s*;\s*compatible-with=\d+)?")


def plain_media_type(value: str) -> str:
    """application/vnd.elasticsearch+x-ndjson; compatible-with=8 → application/x-ndjson."""
    return _COMPATIBLE.sub(r"application/\1", value)


class PlainJsonNode(Urllib3HttpNode):
    """Urllib3HttpNode that asks for and sends application/json (or x-ndjson), not the
    Elasticsearch 8 compatibility media type, which OpenSearch-compatible servers refuse."""

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        headers = HttpHeaders(headers or {})
        for name in ("accept", "content-type"):
            if name in headers:
                headers[name] = plain_media_type(headers[name])
        return super().perform_request(method, target, body=body, headers=headers, request_timeout=request_timeout)


@dataclass
class SearchEngine:
    """Where the Elasticsearch backend's tests send their requests."""

    url: str
    kind: str  # "elasticsearch" (ELASTICSEARCH_URL) or "osmem"
    client_options: dict = field(default_factory=dict)

    def config(self, alias: str | None = None) -> dict:
        """App config keys for an ElasticsearchBackend on a fresh alias of its own."""
        return {"ELASTICSEARCH_URL": self.url, "ELASTICSEARCH_CLIENT_OPTIONS": self.client_options,
                "ELASTICSEARCH_INDEX": alias or f"test-ocop-products-{uuid.uuid4().hex[:8]}"}

    def backend(self, alias: str | None = None):
        """A backend on a fresh alias, with an empty index behind it."""
        from search.elasticsearch import ElasticsearchBackend

        backend = ElasticsearchBackend.from_config(self.config(alias))
        backend.reindex(iter([]))
        return backend


def sync() -> None:
    """What `search sync` does, for an app whose backend applies nothing in the writer's
    transaction (Elasticsearch): drain the outbox, then make it searchable."""
    from search import outbox, service

    index = service.backend()
    if index.applies_in_transaction:
        return
    while outbox.drain(index)["rows"]:
        pass
    index.refresh()


def remove(backend) -> None:
    """Delete every index a test's alias ever pointed at (reindexing leaves none behind, a failure might)."""
    backend.client.options(ignore_status=404).indices.delete(index=f"{backend.alias}-*")


@pytest.fixture(scope="session")
def search_engine():
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        yield SearchEngine(url, "elasticsearch")
        return
    try:
        from osmem_server import OsmemError, OsmemServer
    except ImportError:
        pytest.fail("The Elasticsearch backend's tests need osmem-server (a test dependency): "
                    "pip install -e '.[test]', or set ELASTICSEARCH_URL to an Elasticsearch 8 cluster.")
    try:
        server = OsmemServer.start(japanese=False, startup_timeout=30)
    except (OsmemError, OSError) as exc:
        pytest.fail(f"osmem-server could not start ({exc}); set OSMEM_SERVER_BIN to its binary, "
                    "or ELASTICSEARCH_URL to an Elasticsearch 8 cluster.")
    try:
        yield SearchEngine(server.url, "osmem", {"node_class": PlainJsonNode})
    finally:
        server.close()


@pytest.fixture(params=["sql", "elasticsearch"])
def search_backend(request, app, backend, monkeypatch):
    """The app's search backend, once each: SQL (on the test's database), then
    Elasticsearch on the live engine, beside SQLite only (it needs no database of
    its own). With Elasticsearch, changes wait in the outbox until `sync()`."""
    if request.param == "sql":
        yield app.extensions["search"]
        return
    if backend != "sqlite":
        pytest.skip("Elasticsearch needs no database: it runs once, beside SQLite")
    index = request.getfixturevalue("search_engine").backend()
    monkeypatch.setitem(app.extensions, "search", index)
    yield index
    remove(index)
