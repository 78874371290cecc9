"""The Elasticsearch index: analysis settings, mappings, and a product's source document.

Text is indexed twice. The main field folds Vietnamese diacritics (Lucene's
ASCII folding also maps đ → d) and keeps the original token beside the folded
one, so "mat ong" and "mật ong" both find "Mật ong". The `.exact` subfield
does not fold, so a query typed with diacritics ranks exact spellings higher.
`text.prefix` holds edge n-grams, so every word of a query may be unfinished.

Every filter, facet and sort reads a keyword, number, date or boolean field.
Whether stars count today is decided at query time from
`certificate_valid_until`: `certificate_valid` and `claimed_stars` are kept in
the source for reference only, because an indexed boolean goes stale.

Input text is NFC (marketplace.text.normalise): ASCII folding maps precomposed
letters only.
"""

from search.documents import ProductDocument

FOLDED, EXACT, PREFIX = "vi_folded", "vi_exact", "vi_prefix"

SETTINGS = {
    # One shard: the whole catalogue (~20,000 products) fits, and relevance
    # statistics are then the same for every query.
    "number_of_shards": 1,
    "analysis": {
        "filter": {
            "vi_ascii_folding": {"type": "asciifolding", "preserve_original": True},
            "vi_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
        },
        "analyzer": {
            FOLDED: {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "vi_ascii_folding"]},
            EXACT: {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            PREFIX: {"type": "custom", "tokenizer": "standard",
                     "filter": ["lowercase", "vi_ascii_folding", "vi_edge_ngram"]},
        },
    },
}

_KEYWORD = {"type": "keyword"}
_INTEGER = {"type": "integer"}
_LONG = {"type": "long"}
_BOOLEAN = {"type": "boolean"}
_DATE = {"type": "date"}
_STORED_ONLY = {"type": "text", "index": False}


def _name_field() -> dict:
    """A name: searched folded and exact, sorted as a keyword, suggested as you type."""
    return {"type": "text", "analyzer": FOLDED, "fields": {
        "exact": {"type": "text", "analyzer": EXACT},
        "keyword": {"type": "keyword", "ignore_above": 256},
        "suggest": {"type": "search_as_you_type", "analyzer": FOLDED},
    }}


MAPPINGS = {
    # A document field missing here is refused, not guessed.
    "dynamic": "strict",
    "properties": {
        "product_id": _LONG,
        "name": _name_field(),
        "producer_id": _LONG,
        "producer_name": _name_field(),
        "producer_slug": _KEYWORD,
        "producer_type": _KEYWORD,
        "description": _STORED_ONLY,
        "place_names": _STORED_ONLY,
        # name, producer, places and description: what a query must match, as in the SQL backend
        "text": {"type": "text", "analyzer": FOLDED, "fields": {
            "exact": {"type": "text", "analyzer": EXACT},
            "prefix": {"type": "text", "analyzer": PREFIX, "search_analyzer": FOLDED},
        }},
        "group": _KEYWORD,
        "stars": _INTEGER,
        "certificate_valid": _BOOLEAN,
        "claimed_stars": _INTEGER,
        "certificate_valid_until": _DATE,
        "province_code": _INTEGER,
        "ward_code": _INTEGER,
        "region": _KEYWORD,
        "price_min_vnd": _LONG,
        "price_max_vnd": _LONG,
        "in_stock": _BOOLEAN,
        "certifications": _KEYWORD,
        "created_at": _DATE,
        "popularity": _INTEGER,
        "display_point_provinces": _INTEGER,
    },
}


def source(document: ProductDocument) -> dict:
    """The document as Elasticsearch stores it: JSON-safe dates, plus the combined `text`."""
    body = document.as_dict()
    valid_until = document.certificate_valid_until
    body["certificate_valid_until"] = valid_until.isoformat() if valid_until else None
    body["created_at"] = document.created_at.isoformat()
    body["text"] = document.text
    return body
