"""Search and suggest answer 503 when the Elasticsearch cluster is down."""

import socket

import pytest
from elasticsearch import Elasticsearch

from search.elasticsearch import ElasticsearchBackend


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster_down(app, monkeypatch):
    """The app searches a real client pointed at a port nobody listens on."""
    client = Elasticsearch(f"http://127.0.0.1:{closed_port()}", max_retries=0, request_timeout=2)
    monkeypatch.setitem(app.extensions, "search", ElasticsearchBackend(client))


@pytest.mark.parametrize("url", ["/api/v1/catalog/search?q=mat+ong", "/api/v1/catalog/suggest?q=mat"])
def test_search_and_suggest_answer_503_while_the_cluster_is_down(client, cluster_down, url):
    response = client.get(url)

    assert response.status_code == 503
    assert response.json["status"] == 503
    assert response.json["code"] == "search_unavailable"
