"""Elasticsearch request bodies built from a SearchQuery, and their responses parsed.

Pure functions: no client, no clock (today's date is passed in), so every body
can be checked as plain data. The semantics follow the SQL backend (sql.py):

- every word of the text must match, folded, as a whole word (a typo allowed
  in longer words) or as the start of a word;
- filters go in `post_filter`, so each facet, a `filter` aggregation around a
  `terms` aggregation, can apply every active filter except its own;
- stars count only while the certificate is valid today.
"""

import unicodedata
from datetime import date, datetime, time, timezone

from search.highlight import tokens
from search.query import FACETS, Hit, SearchQuery, SearchResult, Suggestion

# Vietnamese syllables are short, and one edit turns most into another word
# ("ong" → "long", "mat" → "mai"). So, as in most shop search engines, a typo
# is tolerated from four letters and two from eight, never in the first letter.
FUZZINESS = "AUTO:4,8"
PREFIX_LENGTH = 1
FACET_SIZE = 100  # more than any facet has values (34 provinces)

_FACET_FIELD = {"province": "province_code", "region": "region", "stars": "stars", "group": "group",
                "certification": "certifications", "available_in": "display_point_provinces"}
_FACET_FILTER = {"province": "provinces", "region": "regions", "stars": "stars", "group": "groups",
                 "certification": "certifications", "available_in": "available_in_province"}

# Stars that count today: 0 without a certificate valid on params.today (epoch seconds:
# toEpochSecond() is a ZonedDateTime method that every Painless implementation offers).
_STARS_NOW = ("if (doc['stars'].size() == 0 || doc['certificate_valid_until'].size() == 0) { return 0; } "
              "if (doc['certificate_valid_until'].value.toEpochSecond() < params.today) { return 0; } "
              "return doc['stars'].value;")


def has_text(q: str) -> bool:
    return bool(tokens(q))


def valid_today(today: date) -> dict:
    return {"range": {"certificate_valid_until": {"gte": today.isoformat()}}}


def filters(query: SearchQuery, today: date) -> dict[str, dict]:
    """Each active filter by name, so a facet can leave its own filter out."""
    active = {}
    terms = {"provinces": ("province_code", query.provinces), "regions": ("region", query.regions),
             "wards": ("ward_code", query.wards), "groups": ("group", query.groups),
             "certifications": ("certifications", query.certifications),
             "producer_types": ("producer_type", query.producer_types)}
    for name, (field, values) in terms.items():
        if values:
            active[name] = {"terms": {field: list(values)}}
    if query.stars or query.min_stars:
        stars = [valid_today(today)]
        if query.stars:
            stars.append({"terms": {"stars": list(query.stars)}})
        if query.min_stars:
            stars.append({"range": {"stars": {"gte": query.min_stars}}})
        active["stars"] = {"bool": {"filter": stars}}
    if query.price_min is not None:
        active["price_min"] = {"range": {"price_max_vnd": {"gte": query.price_min}}}
    if query.price_max is not None:
        active["price_max"] = {"range": {"price_min_vnd": {"lte": query.price_max}}}
    if query.in_stock is not None:
        active["in_stock"] = {"term": {"in_stock": query.in_stock}}
    if query.available_in_province is not None:
        active["available_in_province"] = {"term": {"display_point_provinces": query.available_in_province}}
    return active


def _all_of(clauses: list[dict]) -> dict:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def text_query(q: str, today: date) -> dict:
    """Match every word (folded, whole or as a prefix); rank names and exact spellings higher,
    and lift certified quality as the SQL backend does: score × (1 + 0.1 × stars that count)."""
    every_word = {"bool": {"should": [
        {"match": {"text": {"query": q, "operator": "and", "fuzziness": FUZZINESS,
                            "prefix_length": PREFIX_LENGTH}}},
        {"match": {"text.prefix": {"query": q, "operator": "and"}}},
    ], "minimum_should_match": 1}}
    ranking = {"multi_match": {"query": q, "fields": [
        "name^3", "name.exact^3", "producer_name^2", "producer_name.exact^2", "text.exact^2"]}}
    lift = [{"filter": {"bool": {"filter": [{"term": {"stars": stars}}, valid_today(today)]}},
             "weight": round(1 + stars / 10, 1)} for stars in (3, 4, 5)]
    return {"function_score": {
        "query": {"bool": {"must": [every_word], "should": [ranking]}},
        "functions": lift, "score_mode": "first", "boost_mode": "multiply",
    }}


def _epoch_seconds(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=timezone.utc).timestamp())


def stars_now_sort(today: date) -> dict:
    return {"_script": {"type": "number", "order": "desc", "script": {
        "lang": "painless", "source": _STARS_NOW, "params": {"today": _epoch_seconds(today)}}}}


def sort(name: str, text: bool, today: date) -> list:
    relevance = [{"_score": "desc"}] if text else [{"popularity": "desc"}, stars_now_sort(today)]
    orders = {
        "relevance": relevance,
        "price_asc": [{"price_min_vnd": "asc"}],
        "price_desc": [{"price_min_vnd": "desc"}],
        "newest": [{"created_at": "desc"}],
        "stars": [stars_now_sort(today), *[o for o in relevance if "_script" not in o]],
    }
    return [*orders[name], {"product_id": "desc"}]


def aggregations(active: dict[str, dict], today: date) -> dict:
    """Each facet counts the documents matching every active filter but its own."""
    aggs = {}
    for facet in FACETS:
        others = [clause for name, clause in active.items() if name != _FACET_FILTER[facet]]
        if facet == "stars":
            others.append(valid_today(today))
        aggs[facet] = {"filter": _all_of(others),
                       "aggs": {"values": {"terms": {"field": _FACET_FIELD[facet], "size": FACET_SIZE}}}}
    return aggs


def highlight(q: str) -> dict:
    """The combined text around the first match, matched words (and word starts) in <mark>.
    HTML: producers write the text and clients render it, so all but the marks is escaped."""
    words = [{"prefix": {"text": word}} for word in tokens(q)]
    fuzzy = {"match": {"text": {"query": q, "fuzziness": FUZZINESS, "prefix_length": PREFIX_LENGTH}}}
    return {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {"text": {
        "type": "unified", "fragment_size": 160, "number_of_fragments": 1, "no_match_size": 160,
        "highlight_query": {"bool": {"should": [fuzzy, *words]}},
    }}}


def search_body(query: SearchQuery, today: date) -> dict:
    q = unicodedata.normalize("NFC", query.q).strip()
    text = has_text(q)
    active = filters(query, today)
    body = {
        "query": text_query(q, today) if text else {"match_all": {}},
        "post_filter": _all_of(list(active.values())),
        "aggs": aggregations(active, today),
        "sort": sort(query.sort, text, today),
        "from": query.offset,
        "size": query.per_page,
        "track_total_hits": True,
        "_source": False,
    }
    if text:
        body["track_scores"] = True
        body["highlight"] = highlight(q)
    return body


def parse_search(response: dict) -> SearchResult:
    hits = [Hit(product_id=int(hit["_id"]), score=float(hit.get("_score") or 0.0),
                highlight=hit.get("highlight", {}).get("text", [""])[0])
            for hit in response["hits"]["hits"]]
    aggs = response.get("aggregations", {})
    facets = {facet: {bucket["key"]: bucket["doc_count"] for bucket in aggs[facet]["values"]["buckets"]}
              for facet in FACETS if facet in aggs}
    return SearchResult(hits=hits, total=response["hits"]["total"]["value"], facets=facets)


# --- suggest -----------------------------------------------------------------

def _as_you_type(field: str, prefix: str) -> dict:
    """Every word of `prefix` must start a word of the field, the last one possibly unfinished."""
    return {"multi_match": {"query": prefix, "type": "bool_prefix", "operator": "and",
                            "fields": [f"{field}.suggest", f"{field}.suggest._2gram", f"{field}.suggest._3gram"]}}


def product_suggest_body(prefix: str, limit: int) -> dict:
    return {"query": _as_you_type("name", unicodedata.normalize("NFC", prefix)), "size": limit,
            "sort": [{"popularity": "desc"}, {"name.keyword": "asc"}], "_source": ["name"]}


def producer_suggest_body(prefix: str, limit: int) -> dict:
    """One suggestion per producer, however many of their products match."""
    return {"query": _as_you_type("producer_name", unicodedata.normalize("NFC", prefix)), "size": limit,
            "collapse": {"field": "producer_slug"}, "sort": [{"producer_name.keyword": "asc"}],
            "_source": ["producer_name", "producer_slug"]}


def parse_product_suggestions(response: dict) -> list[Suggestion]:
    return [Suggestion(hit["_source"]["name"], "product", product_id=int(hit["_id"]))
            for hit in response["hits"]["hits"]]


def parse_producer_suggestions(response: dict) -> list[Suggestion]:
    return [Suggestion(hit["_source"]["producer_name"], "producer", producer_slug=hit["_source"]["producer_slug"])
            for hit in response["hits"]["hits"]]
