"""Elasticsearch request bodies built from a SearchQuery, and their responses parsed.

Pure functions: no client, no clock (today's date is passed in), so every body
can be checked as plain data. The semantics are the SQL backend's (sql.py,
sql_text.py), and tests/integration/test_search_parity.py holds both to them:

- every word of the text (search.query.words) must match, folded, as a whole
  word; the last one may also be unfinished (the start of a word);
- filters go in `post_filter`, so each facet, a `filter` aggregation around a
  `terms` aggregation, can apply every active filter except its own;
- stars count only while the certificate is valid today;
- suggestions match every word as the start of a word of a name.

One difference is chosen: typos. When the words as typed match no product at
all (whatever the filters), the backend asks again with `typos=True`, which
forgives one typo per word of four letters or more (two from eight), never in
the first letter. Only then: Vietnamese syllables are short and one edit turns
most into another word ("banh" → "bang", "ban"), so forgiving typos always
would fill every search with neighbours that were never asked for. The SQL
backend forgives none: its full-text engines match no word by edit distance.
"""

import unicodedata
from datetime import date, datetime, time, timezone

from search.query import FACETS, Hit, SearchQuery, SearchResult, Suggestion, words

FUZZINESS = "AUTO:4,8"
PREFIX_LENGTH = 1
TYPO_MIN_LENGTH = 4  # AUTO:4,8 forgives nothing in a shorter word
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
    return bool(words(q))


def forgives_typos(q: str) -> bool:
    """Could asking again with typos=True find more? Only with a word long enough."""
    return any(len(word) >= TYPO_MIN_LENGTH for word in words(q))


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


def _word(word: str, *, unfinished: bool, typos: bool) -> dict:
    """One word of the query, folded: the whole word (with typos, within FUZZINESS);
    if `unfinished`, or the start of a word."""
    fuzzy = {"fuzziness": FUZZINESS, "prefix_length": PREFIX_LENGTH} if typos else {}
    whole = {"match": {"text": {"query": word, **fuzzy}}}
    if not unfinished:
        return whole
    return {"bool": {"should": [whole, {"match": {"text.prefix": word}}], "minimum_should_match": 1}}


def text_query(q: str, today: date, typos: bool = False) -> dict:
    """Match every word (folded; the last one also as a prefix); rank names and exact
    spellings higher, and lift certified quality as the SQL backend does: score × (1 +
    0.1 × stars that count)."""
    terms = words(q)
    every_word = [_word(word, unfinished=n == len(terms) - 1, typos=typos) for n, word in enumerate(terms)]
    ranking = {"multi_match": {"query": q, "fields": [
        "name^3", "name.exact^3", "producer_name^2", "producer_name.exact^2", "text.exact^2"]}}
    lift = [{"filter": {"bool": {"filter": [{"term": {"stars": stars}}, valid_today(today)]}},
             "weight": round(1 + stars / 10, 1)} for stars in (3, 4, 5)]
    return {"function_score": {
        "query": {"bool": {"must": every_word, "should": [ranking]}},
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


def highlight(q: str, typos: bool = False) -> dict:
    """The combined text around the first match, matched words (and word starts) in <mark>,
    as search.highlight.snippet marks them; with typos, the words within FUZZINESS too.
    HTML: producers write the text and clients render it, so all but the marks is escaped."""
    starts = [{"prefix": {"text": word}} for word in dict.fromkeys(words(q))]
    fuzzy = [{"match": {"text": {"query": q, "fuzziness": FUZZINESS, "prefix_length": PREFIX_LENGTH}}}] if typos else []
    return {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {"text": {
        "type": "unified", "fragment_size": 160, "number_of_fragments": 1, "no_match_size": 160,
        "highlight_query": {"bool": {"should": [*fuzzy, *starts]}},
    }}}


def search_body(query: SearchQuery, today: date, typos: bool = False) -> dict:
    """With words, the aggregation `words_matched` counts the products they match,
    whatever the filters: none means that asking again with typos=True may help."""
    q = unicodedata.normalize("NFC", query.q).strip()
    text = has_text(q)
    active = filters(query, today)
    body = {
        "query": text_query(q, today, typos) if text else {"match_all": {}},
        "post_filter": _all_of(list(active.values())),
        "aggs": aggregations(active, today),
        "sort": sort(query.sort, text, today),
        "from": query.offset,
        "size": query.per_page,
        "track_total_hits": True,
        "_source": False,
    }
    if text:
        body["aggs"]["words_matched"] = {"filter": {"match_all": {}}}
        body["track_scores"] = True
        body["highlight"] = highlight(q, typos)
    return body


def words_matched(response: dict) -> int:
    """How many products the words matched, whatever the filters (a body with words)."""
    return response["aggregations"]["words_matched"]["doc_count"]


def parse_search(response: dict) -> SearchResult:
    hits = [Hit(product_id=int(hit["_id"]), score=float(hit.get("_score") or 0.0),
                highlight=hit.get("highlight", {}).get("text", [""])[0])
            for hit in response["hits"]["hits"]]
    aggs = response.get("aggregations", {})
    facets = {facet: {bucket["key"]: bucket["doc_count"] for bucket in aggs[facet]["values"]["buckets"]}
              for facet in FACETS if facet in aggs}
    return SearchResult(hits=hits, total=response["hits"]["total"]["value"], facets=facets)


# --- suggest -----------------------------------------------------------------

def _every_word_starts(field: str, prefix: str) -> dict:
    """Every word of `prefix` must start a word of the field (its `.prefix` edge n-grams)."""
    return {"match": {f"{field}.prefix": {"query": " ".join(words(prefix)), "operator": "and"}}}


def product_suggest_body(prefix: str, limit: int) -> dict:
    return {"query": _every_word_starts("name", prefix), "size": limit,
            "sort": [{"popularity": "desc"}, {"name.keyword": "asc"}, {"product_id": "desc"}], "_source": ["name"]}


def producer_suggest_body(prefix: str, limit: int) -> dict:
    """One suggestion per producer, however many of their products match."""
    return {"query": _every_word_starts("producer_name", prefix), "size": limit,
            "collapse": {"field": "producer_slug"},
            "sort": [{"producer_name.keyword": "asc"}, {"producer_slug": "asc"}],
            "_source": ["producer_name", "producer_slug"]}


def parse_product_suggestions(response: dict) -> list[Suggestion]:
    return [Suggestion(hit["_source"]["name"], "product", product_id=int(hit["_id"]))
            for hit in response["hits"]["hits"]]


def parse_producer_suggestions(response: dict) -> list[Suggestion]:
    return [Suggestion(hit["_source"]["producer_name"], "producer", producer_slug=hit["_source"]["producer_slug"])
            for hit in response["hits"]["hits"]]
