"""One behaviour on both backends: the same query gives the same hits, total and
facet counts on the SQL backend and on Elasticsearch (the live engine of
tests/search_engine.py), over one seeded catalogue and a fixed list of queries.

What may differ, and how it is checked instead:

- Relevance scores: BM25 in Lucene, FTS5's bm25 or PostgreSQL's ts_rank. So a
  text search sorted by relevance is compared as a set of hits; within it, hits
  whose documents score alike (the same text and stars) must come in the order
  both backends break ties in, the higher product id first. Every other order
  (price, newest, stars, and relevance without words) is compared hit by hit,
  pages included.
- Typos: only Elasticsearch forgives them, and only when the words as typed
  match no product at all (see TYPOS below and search/es_query.py).
"""

from datetime import date, datetime, timezone

import pytest

from marketplace.extensions import db
from search.documents import all_searchable_ids, documents_for
from search.query import SearchQuery, words
from search.sql import SqlBackend
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI
from tests.integration.test_search_contract import HO_CHI_MINH, LAI_CHAU, THAI_NGUYEN, document
from tests.search_engine import remove

JAN, MAR, MAY = (datetime(2026, month, 1, tzinfo=timezone.utc) for month in (1, 3, 5))
HTX_ONG, HTX_CHE, CTY_MAY, HO_LO = ("Hợp tác xã Ong mật Mường Phăng", "Hợp tác xã Chè Shan tuyết",
                                    "Công ty Mây tre đan Phú Vinh", "Hộ kinh doanh Lò Văn Mai")


def catalogue() -> list:
    """Fixed product ids, so that ties always break the same way."""
    rows = [
        # name, fields
        ("Mật ong hoa ban", dict(stars=4, producer=HTX_ONG, price=250_000, popularity=40, ward=DIEN_BIEN_WARD,
                                 description="Mật ong nguyên chất từ hoa ban Tây Bắc.", certifications=["vietgap"],
                                 display_point_provinces=[HA_NOI, DIEN_BIEN])),
        ("Mật ong rừng", dict(stars=3, producer=HTX_ONG, price=250_000, popularity=40,
                              description="Mật ong rừng tự nhiên, sáp ong.", display_point_provinces=[HA_NOI])),
        ("Mật mía Điện Biên", dict(stars=3, producer=HO_LO, price=60_000, popularity=5)),
        ("Mắm cá linh", dict(stars=4, province=HO_CHI_MINH, producer="Cơ sở Mắm Châu Đốc", price=90_000,
                             created_at=MAY)),
        ("Mâm xôi rừng", dict(stars=3, province=LAI_CHAU, price=120_000, created_at=MAY)),
        ("Mâm đồng chạm khắc", dict(stars=None, group="handicrafts", province=HA_NOI, price=900_000,
                                    producer_type="household")),
        ("Chè Shan tuyết cổ thụ", dict(stars=5, group="beverages", producer=HTX_CHE, province=THAI_NGUYEN,
                                       price=400_000, price_max=1_200_000, popularity=90,
                                       certifications=["organic", "vietgap"],
                                       display_point_provinces=[HA_NOI, HO_CHI_MINH])),
        ("Trà hoa vàng", dict(stars=4, group="beverages", producer=HTX_CHE, province=THAI_NGUYEN, price=400_000,
                              popularity=90, certifications=["organic"])),
        ("Gạo Séng cù", dict(stars=4, price=45_000, popularity=70, in_stock=False, certifications=["vietgap"])),
        ("Gạo nếp Tú Lệ", dict(stars=3, province=LAI_CHAU, price=45_000, popularity=70, created_at=MAR)),
        ("Miến dong Tài Hoan", dict(stars=3, province=THAI_NGUYEN, price=75_000, producer="Công ty Miến Dong")),
        ("Hạt mắc ca", dict(stars=5, expired=True, province=LAI_CHAU, price=320_000, created_at=MAR,
                            display_point_provinces=[LAI_CHAU])),
        ("Nhãn lồng", dict(stars=4, province=HA_NOI, price=80_000, popularity=12)),
        ("Bánh chưng", dict(stars=3, province=HA_NOI, producer=HO_LO, price=100_000, popularity=3)),
        ("Bánh chưng", dict(stars=3, province=HA_NOI, producer=HO_LO, price=100_000, popularity=3)),
        ("Bảng gỗ khắc chữ", dict(stars=None, group="handicrafts", province=HA_NOI, producer=CTY_MAY,
                                  price=300_000, producer_type="enterprise")),
        ("Giỏ mây tre đan", dict(stars=4, group="handicrafts", province=HA_NOI, producer=CTY_MAY, price=150_000,
                                 producer_type="enterprise", created_at=MAR)),
        ("Rượu táo mèo", dict(stars=3, group="beverages", province=LAI_CHAU, price=150_000, expired=True)),
        ("Tinh bột nghệ", dict(stars=4, group="herbal", province=THAI_NGUYEN, price=180_000,
                               certifications=["organic"])),
        ("Khăn piêu thổ cẩm", dict(stars=3, group="textiles", producer=HO_LO, price=350_000,
                                   producer_type="household", display_point_provinces=[DIEN_BIEN])),
        ("Du lịch cộng đồng bản Mường Phăng", dict(stars=3, group="tourism", price=500_000, producer=HTX_ONG)),
        ("Cà phê Arabica", dict(stars=4, group="beverages", province=LAI_CHAU, price=200_000, popularity=25)),
        ("Cá kho làng Vũ Đại", dict(stars=5, province=HA_NOI, price=200_000, popularity=25, created_at=MAY)),
    ]
    return [document(name, product_id=100 + n, **fields) for n, (name, fields) in enumerate(rows)]


# Each query, by an id that names what it probes.
QUERIES = {
    # text: folded or as typed, several words, word order
    "folded": dict(q="mat ong"),
    "with diacritics": dict(q="mật ong"),
    "upper case": dict(q="MẬT ONG"),
    "word order": dict(q="ong mat"),
    "d with stroke": dict(q="dien bien"),
    "a place name": dict(q="muong phang"),
    "three words": dict(q="che shan tuyet"),
    "a description word": dict(q="sap ong"),
    "a producer's name": dict(q="lo van mai"),
    "a common word": dict(q="hoa"),
    "nothing": dict(q="xyzzy"),
    "punctuation only": dict(q=" ?! "),
    "diacritics that tell words apart": dict(q="mắm"),
    "the other spelling": dict(q="mâm"),
    # prefixes: the last word may be unfinished, the others are whole words
    "an unfinished word": dict(q="mie"),
    "an unfinished last word": dict(q="mien do"),
    "a short unfinished word": dict(q="ca"),
    "an unfinished word that is not last": dict(q="mie dong"),
    "a prefix of one letter": dict(q="m"),
    # filters and their facets
    "everything": dict(),
    "provinces": dict(provinces=(DIEN_BIEN, LAI_CHAU)),
    "region": dict(regions=("red_river_delta",)),
    "ward": dict(wards=(DIEN_BIEN_WARD,)),
    "stars": dict(stars=(3, 5)),
    "min stars": dict(min_stars=4),
    "Điện Biên, 4★ or more": dict(provinces=(DIEN_BIEN,), min_stars=4),
    "groups": dict(groups=("beverages", "handicrafts")),
    "certifications": dict(certifications=("organic",)),
    "producer types": dict(producer_types=("enterprise", "household")),
    "price range": dict(price_min=100_000, price_max=300_000),
    "in stock": dict(in_stock=True),
    "sold out": dict(in_stock=False),
    "available in Hà Nội": dict(available_in_province=HA_NOI),
    "text and filters": dict(q="mat ong", min_stars=4),
    "text and every facet filter": dict(q="ong", provinces=(DIEN_BIEN,), stars=(3, 4), groups=("food",),
                                        certifications=("vietgap",), regions=("northern_midlands_mountains",)),
    # sorting (ties: the higher product id first) and pages
    "by popularity": dict(per_page=100),
    "cheapest first": dict(sort="price_asc"),
    "dearest first": dict(sort="price_desc"),
    "newest first": dict(sort="newest"),
    "most stars first": dict(sort="stars"),
    "text, cheapest first": dict(q="mat", sort="price_asc"),
    "text, most stars first": dict(q="mat", sort="stars"),
    "text, newest first": dict(q="rung", sort="newest"),
    "second page by price": dict(sort="price_asc", page=2, per_page=5),
    "second page by popularity": dict(page=2, per_page=4),
    "a page past the end": dict(page=9, per_page=5),
    "identical products": dict(q="banh chung"),
}

# Typos: Elasticsearch retries a search whose words as typed match nothing with a
# typo allowed in words of four letters or more (two from eight), never in the
# first letter. The SQL backend does not forgive typos.
TYPOS = {
    "a swapped pair": (dict(q="shan tuyte"), ["Chè Shan tuyết cổ thụ", "Trà hoa vàng"]),  # by HTX Chè Shan tuyết
    "a missing letter": (dict(q="muong phng"), ["Du lịch cộng đồng bản Mường Phăng", "Mật ong hoa ban",
                                                "Mật ong rừng"]),
    "a wrong letter": (dict(q="mien dang"), ["Miến dong Tài Hoan"]),
    "a typo with a filter": (dict(q="tra hoa vnag", min_stars=4), ["Trà hoa vàng"]),
    "too short to forgive": (dict(q="mat onh"), []),
    "the first letter": (dict(q="shan zuyet"), []),
}
# A word spelled right is never matched as a typo of another: "banh" finds no "Bảng".
SPELLED_RIGHT = {"banh": ["Bánh chưng", "Bánh chưng"], "bang": ["Bảng gỗ khắc chữ"]}


@pytest.fixture
def both(app, backend, search_engine):
    """The seeded catalogue in the SQL backend (on this database) and in Elasticsearch."""
    documents = catalogue()
    sql = SqlBackend()
    sql.reindex(iter([documents]))
    db.session.commit()
    elasticsearch = search_engine.backend()
    elasticsearch.reindex(iter([documents]))
    yield sql, elasticsearch, {d.product_id: d for d in documents}
    remove(elasticsearch)


def _stars_now(d) -> int:
    return d.stars if d.stars and d.certificate_valid_until >= date.today() else 0


def _ranked_by_score(query: SearchQuery) -> bool:
    return bool(words(query.q)) and query.sort in ("relevance", "stars")


def _check_tied_hits_in_id_order(ids, documents):
    """Hits whose documents score alike (same text, same stars) come higher id first."""
    position = {pid: n for n, pid in enumerate(ids)}
    for a in ids:
        for b in ids:
            da, db_ = documents[a], documents[b]
            if a > b and (da.text, _stars_now(da)) == (db_.text, _stars_now(db_)):
                assert position[a] < position[b], f"tied hits {a} and {b} out of id order: {ids}"


def assert_alike(query: SearchQuery, on_sql, on_es, documents) -> None:
    """The same total and facets, the same hits, in the same order as far as scores do not decide it."""
    sql_ids, es_ids = [h.product_id for h in on_sql.hits], [h.product_id for h in on_es.hits]
    assert on_es.total == on_sql.total
    assert on_es.facets == on_sql.facets
    if _ranked_by_score(query):
        assert sorted(es_ids) == sorted(sql_ids)
        if query.sort == "stars":  # stars first: the same stars in the same order, the score within them
            assert [_stars_now(documents[i]) for i in es_ids] == [_stars_now(documents[i]) for i in sql_ids]
        for ids in (sql_ids, es_ids):
            _check_tied_hits_in_id_order(ids, documents)
    else:
        assert es_ids == sql_ids


def each(cases: dict, check) -> None:
    """check(case) for every case; fails once, naming every case that failed and why.
    (One seeding for the whole list: a test per query would seed both backends again.)"""
    failed = {}
    for name, case in cases.items():
        try:
            check(case)
        except AssertionError as error:
            failed[name] = str(error).splitlines()[0]
    assert not failed, "\n".join(f"{name}: {why}" for name, why in failed.items())


def test_both_backends_find_the_same_hits_in_the_same_order_with_the_same_facets(both):
    sql, elasticsearch, documents = both

    def alike(fields):
        query = SearchQuery(**fields)
        assert_alike(query, sql.search(query), elasticsearch.search(query), documents)

    each(QUERIES, alike)
    # and the list compares something: all but a few of its queries find products
    assert sum(1 for fields in QUERIES.values() if sql.search(SearchQuery(**fields)).total) >= len(QUERIES) - 4


DEMO_QUERIES = [dict(q="mat ong"), dict(q="mật ong hoa ban"), dict(q="dien bien"), dict(q="che"), dict(q="gao"),
                dict(q="ca phe", sort="price_asc"), dict(q="muong"), dict(q="tra", min_stars=4),
                dict(provinces=(DIEN_BIEN,), min_stars=4, per_page=100), dict(provinces=(DIEN_BIEN,), per_page=100),
                dict(groups=("beverages",)), dict(sort="newest", per_page=50), dict(sort="stars", per_page=50),
                dict(available_in_province=DIEN_BIEN), dict(q="mat", sort="stars")]


def test_the_demo_catalogue_searches_alike_on_both_backends(app, runner, search_engine):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # indexed in SQL as it commits
    documents = [d for ids in all_searchable_ids() for d in documents_for(ids)[0]]
    elasticsearch = search_engine.backend()
    try:
        elasticsearch.reindex(iter([documents]))
        by_id = {d.product_id: d for d in documents}

        def alike(fields):
            query = SearchQuery(**fields)
            assert_alike(query, SqlBackend().search(query), elasticsearch.search(query), by_id)

        each({repr(fields): fields for fields in DEMO_QUERIES}, alike)
        first = elasticsearch.search(SearchQuery(q="mat ong")).hits[0]
        assert by_id[first.product_id].name == "Mật ong hoa ban"
    finally:
        remove(elasticsearch)


def test_elasticsearch_forgives_a_typo_when_the_words_as_typed_match_nothing_and_sql_does_not(both):
    sql, elasticsearch, documents = both

    def forgiven_on_elasticsearch_only(case):
        fields, expected = case
        on_sql, on_es = sql.search(SearchQuery(**fields)), elasticsearch.search(SearchQuery(**fields))
        assert (on_sql.hits, on_sql.total) == ([], 0)
        assert (sorted(documents[h.product_id].name for h in on_es.hits), on_es.total) == (expected, len(expected))

    each(TYPOS, forgiven_on_elasticsearch_only)


def test_a_word_spelled_right_finds_the_same_on_both_and_never_its_neighbours(both):
    sql, elasticsearch, documents = both

    def the_same_on_both(case):
        word, expected = case
        for index in (sql, elasticsearch):
            assert [documents[h.product_id].name for h in index.search(SearchQuery(q=word)).hits] == expected

    each({word: (word, expected) for word, expected in SPELLED_RIGHT.items()}, the_same_on_both)


def test_a_query_typed_with_diacritics_ranks_the_exact_spelling_first_on_both(both):
    sql, elasticsearch, documents = both

    for index in (sql, elasticsearch):
        first = index.search(SearchQuery(q="mắm")).hits[0]
        assert documents[first.product_id].name == "Mắm cá linh"


SUGGESTIONS = ["mat", "mat o", "tai ho", "mie do", "MIẾ", "cong ty", "hop tac", "lo van", "shan t", "banh ch", "xyz"]


def test_both_backends_suggest_the_same_names_in_the_same_order(both):
    sql, elasticsearch, _documents = both

    def alike(prefix):
        assert elasticsearch.suggest(prefix) == sql.suggest(prefix)

    each({prefix: prefix for prefix in SUGGESTIONS}, alike)
    assert all(sql.suggest(prefix) for prefix in SUGGESTIONS[:-1])  # every prefix but the last suggests something
