"""The Elasticsearch index: analysis settings, mappings, and a product's source document.

Every text is searchable without diacritics (Lucene's ASCII folding also maps
đ → d), so "mat ong" and "mật ong" both find "Mật ong", and again as typed:

- words are what the SQL backend calls words (search.query.words): runs of
  letters, digits and underscores. A char filter turns everything else into
  spaces before the standard tokenizer, which would otherwise keep "TP.HCM"
  or "3.5kg" whole.
- `text` (name, producer, places, description: what a query must match) is
  folded to one token per word, because Elasticsearch applies no fuzziness to
  a word that analyses into two stacked tokens; `text.prefix` holds its
  words' edge n-grams, for the query's last word, which may be unfinished.
- names keep the original token beside the folded one (preserve_original), so
  a query typed with diacritics scores the exact spelling higher there, and
  the `.exact` subfields, which do not fold, lift it further.
- names' `.prefix` subfields (edge n-grams) serve autocomplete, where every
  word may be unfinished, as in the SQL backend.

Every filter, facet and sort reads a keyword, number, date or boolean field.
Whether stars count today is decided at query time from
`certificate_valid_until`: `certificate_valid` and `claimed_stars` are kept in
the source for reference only, because an indexed boolean goes stale.

Input text is NFC (marketplace.text.normalise): ASCII folding maps precomposed
letters only.
"""

from search.documents import ProductDocument

FOLDED, FOLDED_ONLY, EXACT, PREFIX = "vi_folded", "vi_ascii", "vi_exact", "vi_prefix"


def _analyzer(*filters: str) -> dict:
    return {"type": "custom", "char_filter": ["vi_words"], "tokenizer": "standard", "filter": list(filters)}


SETTINGS = {
    # One shard: the whole catalogue (~20,000 products) fits, and relevance
    # statistics are then the same for every query.
    "number_of_shards": 1,
    "analysis": {
        "char_filter": {
            # Java's \p{L}\p{N}: Python's \w, which search.query.words splits on
            "vi_words": {"type": "pattern_replace", "pattern": "[^\\p{L}\\p{N}_]+", "replacement": " "},
        },
        "filter": {
            "vi_ascii_folding": {"type": "asciifolding", "preserve_original": True},
            "vi_ascii_folding_only": {"type": "asciifolding"},
            "vi_edge_ngram": {"type": "edge_ngram", "min_gram": 1, "max_gram": 20},
        },
        "analyzer": {
            FOLDED: _analyzer("lowercase", "vi_ascii_folding"),
            FOLDED_ONLY: _analyzer("lowercase", "vi_ascii_folding_only"),
            EXACT: _analyzer("lowercase"),
            PREFIX: _analyzer("lowercase", "vi_ascii_folding_only", "vi_edge_ngram"),
        },
    },
}

_KEYWORD = {"type": "keyword"}
_INTEGER = {"type": "integer"}
_LONG = {"type": "long"}
_BOOLEAN = {"type": "boolean"}
_DATE = {"type": "date"}
_STORED_ONLY = {"type": "text", "index": False}


def _prefix_field() -> dict:
    """Every word's beginnings, matched by a query's words as typed (folded)."""
    return {"type": "text", "analyzer": PREFIX, "search_analyzer": FOLDED_ONLY}


def _name_field() -> dict:
    """A name: searched folded and exact, sorted as a keyword, suggested by word beginnings."""
    return {"type": "text", "analyzer": FOLDED, "fields": {
        "exact": {"type": "text", "analyzer": EXACT},
        "keyword": {"type": "keyword", "ignore_above": 256},
        "prefix": _prefix_field(),
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
        "text": {"type": "text", "analyzer": FOLDED_ONLY, "fields": {
            "exact": {"type": "text", "analyzer": EXACT},
            "prefix": _prefix_field(),
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
        "display_point_ids": _INTEGER,
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
