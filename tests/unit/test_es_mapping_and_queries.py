"""The Elasticsearch index definition and request bodies, as plain data; no cluster."""

import json
import unicodedata
from dataclasses import fields
from datetime import date, datetime, timezone

import pytest

from search import es_mapping, es_query
from search.documents import ProductDocument
from search.es_query import FUZZINESS
from search.query import SearchQuery, Suggestion

TODAY = date(2026, 3, 1)
TODAY_SECONDS = 1772323200  # 2026-03-01T00:00:00Z
VALID_TODAY = {"range": {"certificate_valid_until": {"gte": "2026-03-01"}}}


def document(**overrides) -> ProductDocument:
    values = dict(
        product_id=7, name="Mật ong hoa ban", producer_id=3, producer_name="HTX Ong mật Điện Biên",
        producer_slug="htx-ong-mat-dien-bien", producer_type="cooperative", description="Mật ong nguyên chất.",
        group="food", stars=4, certificate_valid=True, claimed_stars=4, certificate_valid_until=date(2027, 5, 1),
        province_code=11, ward_code=3356, region="northern_midlands_mountains", price_min_vnd=150_000,
        price_max_vnd=250_000, in_stock=True, certifications=["vietgap"],
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), place_names="Điện Biên Xã Sam Mứn",
    )
    return ProductDocument(**(values | overrides))


# --- the index ----------------------------------------------------------------

def test_names_are_folded_with_the_original_word_kept_beside_the_folded_one():
    analysis = es_mapping.SETTINGS["analysis"]

    assert analysis["analyzer"]["vi_folded"] == {"type": "custom", "char_filter": ["vi_words"],
                                                 "tokenizer": "standard", "filter": ["lowercase", "vi_ascii_folding"]}
    assert analysis["filter"]["vi_ascii_folding"] == {"type": "asciifolding", "preserve_original": True}
    assert {es_mapping.MAPPINGS["properties"][f]["analyzer"] for f in ("name", "producer_name")} == {"vi_folded"}


def test_the_text_every_query_must_match_is_folded_to_one_token_per_word():
    analysis = es_mapping.SETTINGS["analysis"]

    assert analysis["analyzer"]["vi_ascii"] == {
        "type": "custom", "char_filter": ["vi_words"], "tokenizer": "standard",
        "filter": ["lowercase", "vi_ascii_folding_only"]}
    assert analysis["filter"]["vi_ascii_folding_only"] == {"type": "asciifolding"}
    assert es_mapping.MAPPINGS["properties"]["text"]["analyzer"] == "vi_ascii"


def test_the_exact_subfields_use_an_analyzer_that_does_not_fold():
    properties = es_mapping.MAPPINGS["properties"]

    assert es_mapping.SETTINGS["analysis"]["analyzer"]["vi_exact"]["filter"] == ["lowercase"]
    assert {properties[f]["fields"]["exact"]["analyzer"] for f in ("name", "producer_name", "text")} == {"vi_exact"}


def test_every_word_of_the_text_is_indexed_by_its_beginnings_too():
    prefix = es_mapping.MAPPINGS["properties"]["text"]["fields"]["prefix"]

    assert prefix == {"type": "text", "analyzer": "vi_prefix", "search_analyzer": "vi_ascii"}
    assert es_mapping.SETTINGS["analysis"]["analyzer"]["vi_prefix"]["filter"] == [
        "lowercase", "vi_ascii_folding_only", "vi_edge_ngram"]


def test_every_analyzer_splits_words_where_the_sql_backend_does():
    analysis = es_mapping.SETTINGS["analysis"]

    assert analysis["char_filter"]["vi_words"] == {"type": "pattern_replace", "pattern": "[^\\p{L}\\p{N}_]+",
                                                   "replacement": " "}
    assert {tuple(a["char_filter"]) for a in analysis["analyzer"].values()} == {("vi_words",)}


@pytest.mark.parametrize("field", ["name", "producer_name"])
def test_product_and_producer_names_are_indexed_by_the_beginnings_of_their_words_for_suggestions(field):
    subfield = es_mapping.MAPPINGS["properties"][field]["fields"]["prefix"]

    assert subfield == {"type": "text", "analyzer": "vi_prefix", "search_analyzer": "vi_ascii"}


@pytest.mark.parametrize("field, kind", [
    ("province_code", "integer"), ("ward_code", "integer"), ("region", "keyword"), ("stars", "integer"),
    ("certificate_valid_until", "date"), ("group", "keyword"), ("certifications", "keyword"),
    ("producer_type", "keyword"), ("price_min_vnd", "long"), ("price_max_vnd", "long"), ("in_stock", "boolean"),
    ("created_at", "date"), ("popularity", "integer"), ("display_point_provinces", "integer"),
    ("producer_slug", "keyword"), ("product_id", "long"),
])
def test_every_filter_facet_and_sort_field_is_an_exact_value_field(field, kind):
    assert es_mapping.MAPPINGS["properties"][field] == {"type": kind}


def test_the_mapping_is_strict_and_maps_every_field_of_the_source_document():
    source = es_mapping.source(document())

    assert es_mapping.MAPPINGS["dynamic"] == "strict"
    assert set(source) == set(es_mapping.MAPPINGS["properties"]) == {f.name for f in fields(ProductDocument)} | {"text"}


def test_the_source_document_is_json_with_iso_dates_and_the_combined_text():
    source = json.loads(json.dumps(es_mapping.source(document())))

    assert source["certificate_valid_until"] == "2027-05-01"
    assert source["created_at"] == "2026-01-02T03:04:05+00:00"
    assert source["text"] == "Mật ong hoa ban HTX Ong mật Điện Biên Điện Biên Xã Sam Mứn Mật ong nguyên chất."


def test_a_product_without_a_certificate_date_has_a_null_one_in_the_source():
    source = es_mapping.source(document(stars=None, certificate_valid_until=None))

    assert source["certificate_valid_until"] is None


# --- searching ----------------------------------------------------------------

FILTERED = SearchQuery(q="mật ong", provinces=(11,), stars=(4, 5), certifications=("vietgap",), price_max=300_000)
PROVINCES = {"terms": {"province_code": [11]}}
CERTIFICATIONS = {"terms": {"certifications": ["vietgap"]}}
STARS = {"bool": {"filter": [VALID_TODAY, {"terms": {"stars": [4, 5]}}]}}
PRICE_MAX = {"range": {"price_min_vnd": {"lte": 300_000}}}


def facet(filter_clause: dict, field: str) -> dict:
    return {"filter": filter_clause, "aggs": {"values": {"terms": {"field": field, "size": 100}}}}


def test_every_active_filter_goes_in_the_post_filter_so_facets_can_leave_some_out():
    body = es_query.search_body(FILTERED, TODAY)

    assert body["post_filter"] == {"bool": {"filter": [PROVINCES, CERTIFICATIONS, STARS, PRICE_MAX]}}


def test_each_facet_counts_with_every_other_filter_but_not_its_own():
    aggs = es_query.search_body(FILTERED, TODAY)["aggs"]
    del aggs["words_matched"]  # not a facet (see below)

    assert aggs == {
        "province": facet({"bool": {"filter": [CERTIFICATIONS, STARS, PRICE_MAX]}}, "province_code"),
        "region": facet({"bool": {"filter": [PROVINCES, CERTIFICATIONS, STARS, PRICE_MAX]}}, "region"),
        "stars": facet({"bool": {"filter": [PROVINCES, CERTIFICATIONS, PRICE_MAX, VALID_TODAY]}}, "stars"),
        "group": facet({"bool": {"filter": [PROVINCES, CERTIFICATIONS, STARS, PRICE_MAX]}}, "group"),
        "certification": facet({"bool": {"filter": [PROVINCES, STARS, PRICE_MAX]}}, "certifications"),
        "available_in": facet({"bool": {"filter": [PROVINCES, CERTIFICATIONS, STARS, PRICE_MAX]}},
                              "display_point_provinces"),
    }


def test_the_display_point_facet_leaves_out_its_own_filter_only():
    aggs = es_query.search_body(SearchQuery(available_in_province=1, in_stock=True), TODAY)["aggs"]

    assert aggs["available_in"]["filter"] == {"bool": {"filter": [{"term": {"in_stock": True}}]}}
    assert {"term": {"display_point_provinces": 1}} in aggs["province"]["filter"]["bool"]["filter"]


def test_without_filters_facets_count_everything_and_stars_only_valid_certificates():
    body = es_query.search_body(SearchQuery(), TODAY)

    assert body["post_filter"] == {"match_all": {}}
    assert body["aggs"]["province"]["filter"] == {"match_all": {}}
    assert body["aggs"]["stars"]["filter"] == {"bool": {"filter": [VALID_TODAY]}}


def test_a_minimum_star_rating_counts_only_certificates_valid_today():
    active = es_query.filters(SearchQuery(min_stars=4), TODAY)

    assert active == {"stars": {"bool": {"filter": [VALID_TODAY, {"range": {"stars": {"gte": 4}}}]}}}


def test_the_other_filters_read_their_own_fields():
    query = SearchQuery(regions=("red_river_delta",), wards=(3356,), groups=("food",), producer_types=("household",),
                        price_min=100_000, in_stock=True, available_in_province=1)

    assert es_query.filters(query, TODAY) == {
        "regions": {"terms": {"region": ["red_river_delta"]}},
        "wards": {"terms": {"ward_code": [3356]}},
        "groups": {"terms": {"group": ["food"]}},
        "producer_types": {"terms": {"producer_type": ["household"]}},
        "price_min": {"range": {"price_max_vnd": {"gte": 100_000}}},
        "in_stock": {"term": {"in_stock": True}},
        "available_in_province": {"term": {"display_point_provinces": 1}},
    }


def test_text_must_match_every_word_folded_the_last_also_as_a_prefix_and_ranks_names_and_exact_spellings():
    query = es_query.search_body(FILTERED, TODAY)["query"]["function_score"]["query"]

    assert query == {"bool": {
        "must": [{"match": {"text": {"query": "mat"}}}, {"bool": {"should": [
            {"match": {"text": {"query": "ong"}}}, {"match": {"text.prefix": "ong"}},
        ], "minimum_should_match": 1}}],
        "should": [{"multi_match": {"query": "mật ong", "fields": [
            "name^3", "name.exact^3", "producer_name^2", "producer_name.exact^2", "text.exact^2"]}}],
    }}


def test_asked_again_with_typos_every_word_may_have_one_from_four_letters_never_in_the_first():
    body = es_query.search_body(SearchQuery(q="shan tuyte"), TODAY, typos=True)
    fuzzy = {"fuzziness": FUZZINESS, "prefix_length": 1}

    assert body["query"]["function_score"]["query"]["bool"]["must"] == [
        {"match": {"text": {"query": "shan", **fuzzy}}},
        {"bool": {"should": [{"match": {"text": {"query": "tuyte", **fuzzy}}}, {"match": {"text.prefix": "tuyte"}}],
                  "minimum_should_match": 1}}]
    assert FUZZINESS == "AUTO:4,8"


@pytest.mark.parametrize("q, forgives", [("mat ong", False), ("mat ongg", True), ("shan", True), ("?!", False)])
def test_typos_are_worth_asking_again_for_only_with_a_word_of_four_letters_or_more(q, forgives):
    assert es_query.forgives_typos(q) is forgives


def test_a_search_with_words_counts_what_they_match_whatever_the_filters():
    body = es_query.search_body(FILTERED, TODAY)

    assert body["aggs"]["words_matched"] == {"filter": {"match_all": {}}}
    assert es_query.words_matched({"aggregations": {"words_matched": {"doc_count": 0}}}) == 0


def test_relevance_is_lifted_by_the_stars_that_count_today_as_in_the_sql_backend():
    function_score = es_query.search_body(FILTERED, TODAY)["query"]["function_score"]

    assert function_score["functions"] == [
        {"filter": {"bool": {"filter": [{"term": {"stars": stars}}, VALID_TODAY]}}, "weight": weight}
        for stars, weight in ((3, 1.3), (4, 1.4), (5, 1.5))]
    assert (function_score["score_mode"], function_score["boost_mode"]) == ("first", "multiply")


def test_decomposed_query_text_is_composed_before_it_is_sent():
    body = es_query.search_body(SearchQuery(q=unicodedata.normalize("NFD", "mật ong")), TODAY)

    assert body["query"]["function_score"]["query"]["bool"]["should"][0]["multi_match"]["query"] == "mật ong"


def test_a_query_without_words_matches_everything_without_highlights():
    body = es_query.search_body(SearchQuery(q=" … "), TODAY)

    assert body["query"] == {"match_all": {}}
    assert "highlight" not in body


def test_matches_are_highlighted_in_the_escaped_combined_text_with_mark_tags():
    highlight = es_query.search_body(SearchQuery(q="Mật ong"), TODAY)["highlight"]

    assert highlight == {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {"text": {
        "type": "unified", "fragment_size": 160, "number_of_fragments": 1, "no_match_size": 160,
        "highlight_query": {"bool": {"should": [{"prefix": {"text": "mat"}}, {"prefix": {"text": "ong"}}]}},
    }}}
    with_typos = es_query.highlight("Mật ong", typos=True)["fields"]["text"]["highlight_query"]["bool"]["should"]
    assert with_typos[0] == {"match": {"text": {"query": "Mật ong", "fuzziness": FUZZINESS, "prefix_length": 1}}}


def test_the_page_asked_for_becomes_from_and_size_with_an_exact_total():
    body = es_query.search_body(SearchQuery(page=3, per_page=20), TODAY)

    assert (body["from"], body["size"], body["track_total_hits"], body["_source"]) == (40, 20, True, False)


STARS_NOW = {"_script": {"type": "number", "order": "desc", "script": {
    "lang": "painless", "source": es_query._STARS_NOW, "params": {"today": TODAY_SECONDS}}}}
BY_ID = {"product_id": "desc"}


@pytest.mark.parametrize("sort, q, expected", [
    ("relevance", "mật ong", [{"_score": "desc"}, BY_ID]),
    ("relevance", "", [{"popularity": "desc"}, STARS_NOW, BY_ID]),
    ("price_asc", "", [{"price_min_vnd": "asc"}, BY_ID]),
    ("price_desc", "mật ong", [{"price_min_vnd": "desc"}, BY_ID]),
    ("newest", "", [{"created_at": "desc"}, BY_ID]),
    ("stars", "mật ong", [STARS_NOW, {"_score": "desc"}, BY_ID]),
    ("stars", "", [STARS_NOW, {"popularity": "desc"}, BY_ID]),
])
def test_each_sort_orders_as_the_sql_backend_does_with_the_newest_id_breaking_ties(sort, q, expected):
    assert es_query.search_body(SearchQuery(q=q, sort=sort), TODAY)["sort"] == expected


SEARCH_RESPONSE = {
    "took": 4, "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 2, "relation": "eq"}, "max_score": None,
        "hits": [
            {"_index": "ocop-products-20260301000000000000", "_id": "7", "_score": 6.25, "sort": [6.25, 7],
             "highlight": {"text": ["<mark>Mật</mark> <mark>ong</mark> hoa ban HTX Ong mật Điện Biên"]}},
            {"_index": "ocop-products-20260301000000000000", "_id": "3", "_score": 2.5, "sort": [2.5, 3]},
        ],
    },
    "aggregations": {
        "province": {"doc_count": 2, "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                                                "buckets": [{"key": 11, "doc_count": 2}]}},
        "region": {"doc_count": 2, "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
            {"key": "northern_midlands_mountains", "doc_count": 2}]}},
        "stars": {"doc_count": 2, "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
            {"key": 4, "doc_count": 1}, {"key": 3, "doc_count": 1}]}},
        "group": {"doc_count": 2, "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                                             "buckets": [{"key": "food", "doc_count": 2}]}},
        "certification": {"doc_count": 0, "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                                                     "buckets": []}},
    },
}


def test_a_response_becomes_hits_in_ranked_order_with_the_total_and_highlights():
    result = es_query.parse_search(SEARCH_RESPONSE)

    assert [(h.product_id, h.score, h.highlight) for h in result.hits] == [
        (7, 6.25, "<mark>Mật</mark> <mark>ong</mark> hoa ban HTX Ong mật Điện Biên"), (3, 2.5, "")]
    assert result.total == 2


def test_facet_buckets_become_value_counts_keyed_as_the_sql_backend_keys_them():
    result = es_query.parse_search(SEARCH_RESPONSE)

    assert result.facets == {"province": {11: 2}, "region": {"northern_midlands_mountains": 2},
                             "stars": {4: 1, 3: 1}, "group": {"food": 2}, "certification": {}}


def test_hits_sorted_by_a_field_without_text_have_a_zero_score():
    response = {"hits": {"total": {"value": 1, "relation": "eq"}, "max_score": None, "hits": [
        {"_index": "ocop-products-1", "_id": "9", "_score": None, "sort": [150000, 9]}]}, "aggregations": {}}

    assert [(h.product_id, h.score, h.highlight) for h in es_query.parse_search(response).hits] == [(9, 0.0, "")]


# --- suggesting ---------------------------------------------------------------

def every_word_starts(field: str, prefix: str) -> dict:
    return {"match": {f"{field}.prefix": {"query": prefix, "operator": "and"}}}


def test_product_suggestions_match_every_word_as_a_beginning_most_popular_first():
    assert es_query.product_suggest_body("Mật ô", 10) == {
        "query": every_word_starts("name", "mat o"), "size": 10,
        "sort": [{"popularity": "desc"}, {"name.keyword": "asc"}, {"product_id": "desc"}], "_source": ["name"]}


def test_producer_suggestions_are_one_per_producer_by_name():
    assert es_query.producer_suggest_body("htx ong", 4) == {
        "query": every_word_starts("producer_name", "htx ong"), "size": 4, "collapse": {"field": "producer_slug"},
        "sort": [{"producer_name.keyword": "asc"}, {"producer_slug": "asc"}],
        "_source": ["producer_name", "producer_slug"]}


def test_suggestion_responses_become_product_and_producer_suggestions():
    products = {"hits": {"total": {"value": 1, "relation": "eq"}, "max_score": None, "hits": [
        {"_index": "ocop-products-1", "_id": "7", "_score": None, "_source": {"name": "Mật ong hoa ban"},
         "sort": [0, "Mật ong hoa ban"]}]}}
    producers = {"hits": {"total": {"value": 2, "relation": "eq"}, "max_score": None, "hits": [
        {"_index": "ocop-products-1", "_id": "7", "_score": None,
         "_source": {"producer_name": "HTX Ong mật Điện Biên", "producer_slug": "htx-ong-mat-dien-bien"},
         "sort": ["HTX Ong mật Điện Biên"], "fields": {"producer_slug": ["htx-ong-mat-dien-bien"]}}]}}

    assert es_query.parse_product_suggestions(products) == [Suggestion("Mật ong hoa ban", "product", product_id=7)]
    assert es_query.parse_producer_suggestions(producers) == [
        Suggestion("HTX Ong mật Điện Biên", "producer", producer_slug="htx-ong-mat-dien-bien")]
