"""The search use case as a shopper sees it: the backend's ranked hits loaded as
public products, with the page, the total and the facets. The API and the web
page both call `catalogue_page`; the page calls `results_page`, which adds what to try
when nothing is found."""

from dataclasses import replace
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


# What a shopper can drop from a search that found nothing: name → the SearchQuery fields it clears.
DROPPABLE = {
    "q": ("q",), "province": ("provinces",), "region": ("regions",), "ward": ("wards",),
    "stars": ("stars", "min_stars"), "group": ("groups",), "certification": ("certifications",),
    "producer_type": ("producer_types",), "price": ("price_min", "price_max"), "in_stock": ("in_stock",),
    "available_in_province": ("available_in_province",),
}
POPULAR_GROUPS = 3
_EMPTY = SearchQuery()


def results_page(query: SearchQuery) -> dict:
    """What the results page shows: catalogue_page, and when it finds nothing, `help`
    (see no_results_help). Raises SearchUnavailable."""
    page = catalogue_page(query)
    page["help"] = no_results_help(query) if not page["total"] else None
    return page


def no_results_help(query: SearchQuery) -> dict:
    """For a search that found nothing: `without`, each active filter (a DROPPABLE
    name) with how many products the search finds without it; `words`, each word of
    a query of several with how many it finds alone (every word must match); and
    `groups`, the groups with the most products (the group facet of everything)."""
    without = []
    for name, names in DROPPABLE.items():
        if any(getattr(query, f) != getattr(_EMPTY, f) for f in names):
            total = service.search(replace(query, page=1, per_page=1, **{f: getattr(_EMPTY, f) for f in names})).total
            if total:
                without.append({"drop": name, "total": total})
    words = []
    if len(query.q.split()) > 1:
        for word in dict.fromkeys(query.q.split()):
            total = service.search(replace(query, q=word, page=1, per_page=1)).total
            if total:
                words.append({"q": word, "total": total})
    everything = service.search(SearchQuery(per_page=1)).facets.get("group", {})
    return {"without": without, "words": words, "groups": facet_list("group", everything)[:POPULAR_GROUPS]}
