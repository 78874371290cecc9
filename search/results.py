"""The search use case as a shopper sees it: the backend's ranked hits loaded as
public products, with the page, the total and the facets. The API and the web
page both call `catalogue_page`."""

from math import ceil

from marketplace.catalog.browsing import public_products_by_id
from search import service
from search.labels import facet_list
from search.query import SearchQuery


def catalogue_page(query: SearchQuery) -> dict:
    """One page of results: items (products, each with its highlight), total,
    page, per_page, pages and facets. Raises SearchUnavailable."""
    result = service.search(query)
    products = public_products_by_id([h.product_id for h in result.hits])
    items = []
    for hit in result.hits:  # keep the backend's ranking; skip anything no longer public
        if hit.product_id in products:
            product = products[hit.product_id]
            product.highlight = hit.highlight
            items.append(product)
    return {
        "items": items, "total": result.total, "page": query.page, "per_page": query.per_page,
        "pages": ceil(result.total / query.per_page) if result.total else 0,
        "facets": {name: facet_list(name, counts) for name, counts in result.facets.items()},
    }
