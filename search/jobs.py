"""The search outbox drain as a periodic job (Elasticsearch; the SQL backend needs none)."""

from marketplace.jobs import every, job
from search import outbox
from search.service import backend


@job("search.drain_outbox")
def drain_outbox() -> dict:
    if backend().name == "sql":
        return {"rows": 0}
    return outbox.drain(backend())


every(5, "search.drain_outbox")
