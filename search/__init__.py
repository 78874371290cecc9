"""Catalogue search: one interface, two backends, fed by an outbox.

- ``query.py``      what a shopper asks (SearchQuery) and what comes back (SearchResult), and
                    the words of a query, as both backends split them
- ``documents.py``  the search document of a product, built from the database
- ``tracking.py``   which products' documents a transaction changes, read from its writes (flush
                    history; bulk statements declare theirs): no domain tells search anything
- ``outbox.py``     those products, recorded in the writer's transaction, drained to the backend
- ``sql.py``        the embedded default: SQLite FTS5 or PostgreSQL full-text search
- ``elasticsearch.py``  production: a versioned index behind an alias (es_mapping.py, es_query.py);
                    the same hits and facets as sql.py (tests/integration/test_search_parity.py)
                    but for typos, which it forgives when the words as typed match nothing
- ``service.py``    picks the backend from config; at commit, turns tracked changes into outbox
                    rows or (embedded backend) fresh documents; what the CLI and results.py call
- ``results.py``    the shopper's search: ranked hits as public products, pages and facets
"""
