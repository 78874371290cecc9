"""ElasticsearchBackend against a fake cluster; no Elasticsearch, no database.

The client is the real `Elasticsearch` client (helpers.bulk needs its
transport and serializer); only its node is fake. So every request recorded
here is the method, path, parameters and JSON body a real cluster would get.
"""

import json
import re
import socket
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qsl

import elastic_transport
import elasticsearch
import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch, helpers

from marketplace.clock import today_vn
from search import es_mapping, es_query
from search.documents import ProductDocument
from search.elasticsearch import ElasticsearchBackend, ElasticsearchUnavailable
from search.query import SearchQuery, Suggestion

INDEX_NAME = re.compile(r"ocop-products-\d{20}")


@dataclass
class Request:
    method: str
    path: str
    params: dict
    body: object


class FakeCluster:
    """Records every request; answers from `answers` ((method, path) → (status, body)),
    else 200. Bulk requests are answered item by item, like a real cluster."""

    def __init__(self):
        self.requests: list[Request] = []
        self.answers: dict[tuple[str, str], tuple[int, object]] = {}
        self.missing_ids: set[str] = set()   # deleting these answers 404 not_found
        self.refused_ids: set[str] = set()   # indexing these answers 400

    def client(self) -> Elasticsearch:
        cluster = self

        class Node(BaseNode):
            def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
                return cluster.respond(self.config, method, target, body, headers)

        return Elasticsearch("http://es.test:9200", node_class=Node, max_retries=0)

    def respond(self, node, method, target, body, headers) -> NodeApiResponse:
        path, _, query = target.partition("?")
        ndjson = "x-ndjson" in (headers or {}).get("content-type", "")
        decoded = [json.loads(line) for line in body.splitlines()] if ndjson else json.loads(body) if body else None
        self.requests.append(Request(method, path, dict(parse_qsl(query)), decoded))
        if path.endswith("/_bulk"):
            status, answer = 200, self._bulk_answer(decoded)
        else:
            status, answer = self.answers.get((method, path), (200, {"acknowledged": True}))
        meta = ApiResponseMeta(status=status, http_version="1.1", duration=0.0, node=node, headers=HttpHeaders(
            {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}))
        return NodeApiResponse(meta, b"" if method == "HEAD" else json.dumps(answer).encode())

    def _bulk_answer(self, lines) -> dict:
        items, index_name = [], "ocop-products-20260301000000000000"
        for line in lines:
            if "index" in line:
                doc_id = line["index"]["_id"]
                item = ({"status": 400, "error": {"type": "document_parsing_exception", "reason": "refused"}}
                        if doc_id in self.refused_ids else {"result": "created", "status": 201})
                items.append({"index": {"_index": index_name, "_id": doc_id, **item}})
            elif "delete" in line:
                doc_id = line["delete"]["_id"]
                result, status = ("not_found", 404) if doc_id in self.missing_ids else ("deleted", 200)
                items.append({"delete": {"_index": index_name, "_id": doc_id, "result": result, "status": status}})
        return {"took": 3, "errors": any(item["status"] >= 300 for i in items for item in i.values()), "items": items}

    def paths(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]


@pytest.fixture
def cluster():
    return FakeCluster()


@pytest.fixture
def backend(cluster):
    return ElasticsearchBackend(cluster.client())


def document(product_id: int) -> ProductDocument:
    return ProductDocument(
        product_id=product_id, name="Mật ong hoa ban", producer_id=3, producer_name="HTX Ong mật Điện Biên",
        producer_slug="htx-ong-mat-dien-bien", producer_type="cooperative", description="", group="food", stars=3,
        certificate_valid=True, claimed_stars=3, certificate_valid_until=date(2027, 5, 1), province_code=11,
        ward_code=None, region="northern_midlands_mountains", price_min_vnd=150_000, price_max_vnd=150_000,
        in_stock=True, certifications=[], created_at=datetime(2026, 1, 2, tzinfo=timezone.utc), place_names="Điện Biên",
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- configuration --------------------------------------------------------------

def test_from_config_reads_the_url_and_the_alias():
    backend = ElasticsearchBackend.from_config({"ELASTICSEARCH_URL": "http://search.internal:9200",
                                                "ELASTICSEARCH_INDEX": "ocop-products-staging"})

    assert backend.alias == "ocop-products-staging"
    assert [n.host for n in backend.client.transport.node_pool.all()] == ["search.internal"]


def test_from_config_passes_the_client_options_on_over_its_defaults():
    class Node(elastic_transport.Urllib3HttpNode):
        pass

    backend = ElasticsearchBackend.from_config({
        "ELASTICSEARCH_URL": "http://search.internal:9200", "ELASTICSEARCH_INDEX": "ocop-products",
        "ELASTICSEARCH_CLIENT_OPTIONS": {"node_class": Node}})

    assert [type(n) for n in backend.client.transport.node_pool.all()] == [Node]


def test_from_config_refuses_to_start_without_a_url():
    with pytest.raises(RuntimeError, match="ELASTICSEARCH_URL"):
        ElasticsearchBackend.from_config({"ELASTICSEARCH_URL": "", "ELASTICSEARCH_INDEX": "ocop-products"})


def test_a_backend_can_use_its_own_alias_so_test_runs_do_not_collide(cluster):
    backend = ElasticsearchBackend(cluster.client(), alias="contract-1234")

    backend.refresh()

    assert re.fullmatch(r"contract-1234-\d{20}", backend.new_index_name())
    assert cluster.paths() == [("POST", "/contract-1234/_refresh")]


# --- the index --------------------------------------------------------------------

def test_ensure_index_creates_a_versioned_index_behind_the_alias_when_there_is_none(backend, cluster):
    cluster.answers[("HEAD", "/_alias/ocop-products")] = (404, None)

    backend.ensure_index()

    head, create = cluster.requests
    assert (head.method, head.path) == ("HEAD", "/_alias/ocop-products")
    assert create.method == "PUT" and INDEX_NAME.fullmatch(create.path.lstrip("/"))
    assert create.body == {"settings": es_mapping.SETTINGS, "mappings": es_mapping.MAPPINGS,
                           "aliases": {"ocop-products": {}}}


def test_ensure_index_leaves_an_existing_alias_alone_and_asks_only_once(backend, cluster):
    backend.ensure_index()
    backend.ensure_index()

    assert cluster.paths() == [("HEAD", "/_alias/ocop-products")]


# --- writing ----------------------------------------------------------------------

def test_apply_indexes_documents_and_deletes_removed_ids_through_the_alias_in_one_bulk(backend, cluster):
    backend.apply([document(7)], removed_ids=[9])

    bulk = cluster.requests[-1]
    assert (bulk.path, bulk.params) == ("/_bulk", {"require_alias": "true"})
    assert bulk.body == [{"index": {"_index": "ocop-products", "_id": "7"}}, es_mapping.source(document(7)),
                         {"delete": {"_index": "ocop-products", "_id": "9"}}]


def test_removing_a_product_that_is_not_indexed_is_not_an_error(backend, cluster):
    cluster.missing_ids = {"9"}

    backend.apply([], removed_ids=[9])

    assert cluster.requests[-1].body == [{"delete": {"_index": "ocop-products", "_id": "9"}}]


def test_a_refused_document_fails_the_apply_so_the_outbox_retries_it(backend, cluster):
    cluster.refused_ids = {"7"}

    with pytest.raises(helpers.BulkIndexError) as error:
        backend.apply([document(7), document(8)], removed_ids=[])

    assert [e["index"]["_id"] for e in error.value.errors] == ["7"]


def test_apply_with_nothing_to_do_sends_no_bulk_request(backend, cluster):
    backend.apply([], removed_ids=[])

    assert cluster.paths() == [("HEAD", "/_alias/ocop-products")]


def test_reindex_loads_a_new_index_then_swaps_the_alias_atomically_and_drops_the_old_index(backend, cluster):
    old = "ocop-products-20250101000000000000"
    cluster.answers[("GET", "/_alias/ocop-products")] = (200, {old: {"aliases": {"ocop-products": {}}}})

    count = backend.reindex(iter([[document(1), document(2)], [document(3)]]))

    create, bulk1, bulk2, refresh, get_alias, swap, delete = cluster.requests
    new = create.path.lstrip("/")
    assert count == 3 and INDEX_NAME.fullmatch(new) and new != old
    assert "aliases" not in create.body
    assert [line["index"]["_index"] for line in bulk1.body[::2] + bulk2.body[::2]] == [new, new, new]
    assert (refresh.method, refresh.path, get_alias.path) == ("POST", f"/{new}/_refresh", "/_alias/ocop-products")
    assert (swap.method, swap.path, swap.body) == ("POST", "/_aliases", {"actions": [
        {"remove": {"index": old, "alias": "ocop-products"}}, {"add": {"index": new, "alias": "ocop-products"}}]})
    assert (delete.method, delete.path) == ("DELETE", f"/{old}")


def test_the_first_reindex_adds_the_alias_without_removing_anything(backend, cluster):
    cluster.answers[("GET", "/_alias/ocop-products")] = (404, {"error": "alias [ocop-products] missing",
                                                               "status": 404})

    count = backend.reindex(iter([[document(1)]]))

    new = cluster.requests[0].path.lstrip("/")
    assert count == 1
    assert cluster.requests[-1].body == {"actions": [{"add": {"index": new, "alias": "ocop-products"}}]}


def test_a_failed_reindex_deletes_its_new_index_and_leaves_the_alias_alone(backend, cluster):
    cluster.refused_ids = {"2"}

    with pytest.raises(helpers.BulkIndexError):
        backend.reindex(iter([[document(1), document(2)]]))

    new = cluster.requests[0].path
    assert cluster.paths()[-1] == ("DELETE", new)
    assert ("POST", "/_aliases") not in cluster.paths()


def test_drop_deletes_every_index_behind_the_alias(backend, cluster):
    indices = {"ocop-products-20250101000000000000": {"aliases": {"ocop-products": {}}},
               "ocop-products-20260101000000000000": {"aliases": {"ocop-products": {}}}}
    cluster.answers[("GET", "/_alias/ocop-products")] = (200, indices)

    backend.drop()

    assert cluster.paths()[-1] == ("DELETE", "/ocop-products-20250101000000000000,ocop-products-20260101000000000000")


# --- reading ----------------------------------------------------------------------

def test_search_sends_the_built_body_to_the_alias_and_parses_the_answer(backend, cluster):
    query = SearchQuery(q="mật ong", provinces=(11,))
    cluster.answers[("POST", "/ocop-products/_search")] = (200, {
        "took": 2, "timed_out": False, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 1, "relation": "eq"}, "max_score": None, "hits": [
            {"_index": "ocop-products-20260301000000000000", "_id": "7", "_score": 3.5, "sort": [3.5, 7],
             "highlight": {"text": ["<mark>Mật</mark> <mark>ong</mark> hoa ban"]}}]},
        "aggregations": {"province": {"doc_count": 1, "values": {
            "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [{"key": 11, "doc_count": 1}]}}},
    })

    result = backend.search(query)

    assert cluster.requests[0].body == es_query.search_body(query, today_vn())
    assert [(h.product_id, h.highlight) for h in result.hits] == [(7, "<mark>Mật</mark> <mark>ong</mark> hoa ban")]
    assert (result.total, result.facets) == (1, {"province": {11: 1}})


def empty_answer(words_matched: int) -> dict:
    return {"hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
            "aggregations": {"words_matched": {"doc_count": words_matched}}}


def test_words_that_match_nothing_as_typed_are_asked_again_forgiving_typos(backend, cluster):
    query = SearchQuery(q="shan tuyte", provinces=(11,))
    cluster.answers[("POST", "/ocop-products/_search")] = (200, empty_answer(words_matched=0))

    backend.search(query)

    as_typed, with_typos = (r.body for r in cluster.requests)
    assert as_typed == es_query.search_body(query, today_vn())
    assert with_typos == es_query.search_body(query, today_vn(), typos=True)


@pytest.mark.parametrize("q, words_matched", [("shan tuyte", 2), ("mat onh", 0)])
def test_no_second_request_when_the_words_matched_something_or_are_too_short_for_typos(backend, cluster, q,
                                                                                      words_matched):
    cluster.answers[("POST", "/ocop-products/_search")] = (200, empty_answer(words_matched))

    backend.search(SearchQuery(q=q))

    assert len(cluster.requests) == 1


def test_suggest_lists_products_then_fills_up_with_producers(backend, cluster):
    cluster.answers[("POST", "/ocop-products/_search")] = (200, {"hits": {
        "total": {"value": 1, "relation": "eq"}, "max_score": None, "hits": [
            {"_index": "ocop-products-1", "_id": "7", "_score": None,
             "_source": {"name": "Mật ong hoa ban", "producer_name": "HTX Ong mật Điện Biên",
                         "producer_slug": "htx-ong-mat-dien-bien"}}]}})

    suggestions = backend.suggest("mat", limit=3)

    products, producers = (r.body for r in cluster.requests)
    assert (products, producers) == (es_query.product_suggest_body("mat", 3), es_query.producer_suggest_body("mat", 2))
    assert suggestions == [Suggestion("Mật ong hoa ban", "product", product_id=7),
                           Suggestion("HTX Ong mật Điện Biên", "producer", producer_slug="htx-ong-mat-dien-bien")]


def test_suggest_without_a_word_asks_nothing(backend, cluster):
    assert backend.suggest(" - ") == []
    assert cluster.requests == []


# --- when the cluster is down ---------------------------------------------------

def test_a_cluster_that_refuses_connections_raises_one_of_the_unavailable_errors():
    backend = ElasticsearchBackend(Elasticsearch(f"http://127.0.0.1:{closed_port()}", max_retries=0))

    with pytest.raises(backend.unavailable_errors) as error:
        backend.search(SearchQuery(q="mật ong"))

    assert isinstance(error.value, elasticsearch.ConnectionError)


@pytest.mark.parametrize("status, body", [
    (503, {"error": {"type": "cluster_block_exception", "reason": "blocked by: [SERVICE_UNAVAILABLE/1/state not "
                                                                  "recovered / initialized];"}, "status": 503}),
    (429, {"error": {"type": "es_rejected_execution_exception", "reason": "rejected execution"}, "status": 429}),
    (404, {"error": {"type": "index_not_found_exception", "reason": "no such index [ocop-products]"}, "status": 404}),
])
def test_a_failing_overloaded_or_unindexed_cluster_is_unavailable(backend, cluster, status, body):
    cluster.answers[("POST", "/ocop-products/_search")] = (status, body)

    with pytest.raises(ElasticsearchUnavailable):
        backend.suggest("mat")

    assert ElasticsearchUnavailable in backend.unavailable_errors


def test_a_request_the_cluster_rejects_as_malformed_is_a_bug_not_an_outage(backend, cluster):
    cluster.answers[("POST", "/ocop-products/_search")] = (400, {
        "error": {"type": "parsing_exception", "reason": "unknown query [matchh]"}, "status": 400})

    with pytest.raises(elasticsearch.BadRequestError) as error:
        backend.search(SearchQuery(q="mật ong"))

    assert not isinstance(error.value, backend.unavailable_errors)


def test_ping_is_false_while_the_cluster_is_down_and_true_when_it_answers(backend):
    down = ElasticsearchBackend(Elasticsearch(f"http://127.0.0.1:{closed_port()}", max_retries=0))

    assert (down.ping(), backend.ping()) == (False, True)
