"""One contract for every search backend.

The SQL backend runs on whichever database the `app` fixture is parametrized
with (SQLite FTS5, PostgreSQL full-text). The Elasticsearch backend runs
beside SQLite against a live engine (tests/search_engine.py): osmem-server,
or the Elasticsearch 8 cluster at ELASTICSEARCH_URL. Documents are built
directly, so these tests pin the backend alone, not the code that builds
documents from the catalogue.
"""

import itertools
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest

from marketplace.extensions import db
from marketplace.regions import divisions
from marketplace.text import slugify
from search.documents import ProductDocument
from search.query import SearchQuery
from search.sql import SqlBackend
from tests import search_engine
from tests.factories import DIEN_BIEN, DIEN_BIEN_WARD, HA_NOI

LAI_CHAU, THAI_NGUYEN, HO_CHI_MINH = (int(divisions.province_by_codename(name).code)
                                      for name in ("lai_chau", "thai_nguyen", "ho_chi_minh"))

_product_ids = itertools.count(1)
_producer_ids: dict[str, int] = {}


def document(name: str, *, stars: int | None = 3, expired: bool = False, province: int = DIEN_BIEN,
             ward: int | None = None, price: int = 100_000, price_max: int | None = None,
             producer: str = "Hợp tác xã Nông sản Sạch", **fields) -> ProductDocument:
    """A searchable product document with sensible defaults; name what matters."""
    today = date.today()
    valid_until = (today - timedelta(days=30) if expired else today + timedelta(days=700)) if stars else None
    places = [divisions.provinces()[province].name] + ([divisions.wards()[ward].name] if ward else [])
    values = dict(
        product_id=next(_product_ids), name=name, producer_name=producer, producer_slug=slugify(producer),
        producer_id=_producer_ids.setdefault(producer, len(_producer_ids) + 1), producer_type="cooperative",
        description="", group="food", stars=stars, certificate_valid=bool(stars) and not expired,
        claimed_stars=stars if stars and not expired else 0, certificate_valid_until=valid_until,
        province_code=province, ward_code=ward, region=divisions.region_of(province),
        price_min_vnd=price, price_max_vnd=price_max or price, in_stock=True, certifications=[],
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc), place_names=" ".join(places),
    )
    values.update(fields)
    return ProductDocument(**values)


class Index:
    """A backend under test, with what each needs before its writes are searchable."""

    def __init__(self, backend, after_write=lambda: None):
        self.backend = backend
        self.documents: dict[int, ProductDocument] = {}
        self._after_write = after_write

    def add(self, *documents: ProductDocument) -> list[ProductDocument]:
        self.backend.apply(list(documents), [])
        self._written(documents)
        return list(documents)

    def remove(self, *product_ids: int) -> None:
        self.backend.apply([], list(product_ids))
        self._written([])

    def reindex(self, batches: list[list[ProductDocument]]) -> int:
        count = self.backend.reindex(iter(batches))
        self._written([d for batch in batches for d in batch])
        return count

    def _written(self, documents):
        self.documents.update({d.product_id: d for d in documents})
        self._after_write()
        self.backend.refresh()

    def result(self, **query):
        return self.backend.search(SearchQuery(**query))

    def search(self, **query) -> list[str]:
        """Names of the hits, in ranked order."""
        return self.names(self.result(**query))

    def names(self, result) -> list[str]:
        return [self.documents[hit.product_id].name for hit in result.hits]

    def hit_documents(self, result) -> list[ProductDocument]:
        return [self.documents[hit.product_id] for hit in result.hits]

    def suggest(self, prefix: str) -> list[tuple[str, str]]:
        return [(s.kind, s.text) for s in self.backend.suggest(prefix)]


def _sql_index() -> Index:
    # The SQL backend writes in the caller's transaction: committing publishes it.
    return Index(SqlBackend(), after_write=db.session.commit)


@pytest.fixture(params=["sql", "elasticsearch"])
def index(request, app, backend):
    if request.param == "sql":
        yield _sql_index()
        return
    if backend != "sqlite":
        pytest.skip("Elasticsearch needs no database: its contract runs once, beside SQLite")
    engine = request.getfixturevalue("search_engine")
    index = Index(engine.backend())  # a fresh alias per test: nothing carries over
    yield index
    search_engine.remove(index.backend)


# --- text ----------------------------------------------------------------------

def test_a_query_without_diacritics_finds_text_with_them(index):
    index.add(document("Mật ong hoa ban"), document("Chè Shan tuyết"))

    assert index.search(q="mat ong") == ["Mật ong hoa ban"]
    assert index.search(q="MẬT ONG") == ["Mật ong hoa ban"]


def test_d_with_stroke_folds_to_d(index):
    index.add(document("Gạo Séng cù", province=DIEN_BIEN), document("Nhãn lồng", province=HA_NOI))

    assert index.search(q="dien bien") == ["Gạo Séng cù"]
    assert index.search(q="ĐIỆN BIÊN") == ["Gạo Séng cù"]


def test_the_ward_and_province_names_are_searchable(index):
    ward = divisions.wards()[DIEN_BIEN_WARD].name
    index.add(document("Khoai sọ", ward=DIEN_BIEN_WARD), document("Nhãn lồng", province=HA_NOI))

    assert index.search(q=ward) == ["Khoai sọ"]


def test_a_query_with_diacritics_ranks_the_exact_spelling_above_a_folded_match(index):
    index.add(document("Mâm đồng chạm khắc"), document("Mắm cá linh"), document("Mâm xôi rừng"))

    assert index.search(q="mắm")[0] == "Mắm cá linh"
    assert index.search(q="mâm")[-1] == "Mắm cá linh"


def test_an_unfinished_word_matches_as_a_prefix(index):
    index.add(document("Miến dong Tài Hoan"), document("Mật ong hoa ban"))

    assert index.search(q="mie") == ["Miến dong Tài Hoan"]
    assert index.search(q="mien do") == ["Miến dong Tài Hoan"]


def test_every_word_of_the_query_must_match(index):
    index.add(document("Mật ong hoa ban"), document("Mật mía"))

    assert index.search(q="mat ong") == ["Mật ong hoa ban"]


def test_hits_carry_a_highlight_marking_the_matched_words(index):
    index.add(document("Mật ong hoa ban"))

    hit = index.result(q="hoa ban").hits[0]

    assert "<mark>hoa</mark>" in hit.highlight and "<mark>ban</mark>" in hit.highlight


def test_a_highlight_escapes_markup_in_the_product_text(index):
    index.add(document("Mật ong <b>hoa ban</b>", description='<img src=x onerror="alert(1)"> mật ong & sáp'))

    highlight = index.result(q="mat ong").hits[0].highlight

    assert "<mark>" in highlight
    assert "<b>" not in highlight and "<img" not in highlight
    assert "&lt;b&gt;" in highlight


# --- filters -------------------------------------------------------------------

def test_several_provinces_can_be_selected_at_once(index):
    index.add(document("Mật ong", province=DIEN_BIEN), document("Hạt mắc ca", province=LAI_CHAU),
              document("Nhãn lồng", province=HA_NOI))

    assert sorted(index.search(provinces=(DIEN_BIEN, LAI_CHAU))) == ["Hạt mắc ca", "Mật ong"]


def test_products_can_be_filtered_by_region(index):
    index.add(document("Mật ong", province=DIEN_BIEN), document("Trà hoa vàng", province=THAI_NGUYEN),
              document("Nhãn lồng", province=HA_NOI))

    assert sorted(index.search(regions=("northern_midlands_mountains",))) == ["Mật ong", "Trà hoa vàng"]
    assert index.search(regions=("red_river_delta",)) == ["Nhãn lồng"]


def test_products_can_be_filtered_by_ward(index):
    index.add(document("Khoai sọ", ward=DIEN_BIEN_WARD), document("Mật ong"))

    assert index.search(wards=(DIEN_BIEN_WARD,)) == ["Khoai sọ"]


def test_products_can_be_filtered_by_a_list_of_stars(index):
    index.add(document("Ba sao", stars=3), document("Bốn sao", stars=4), document("Năm sao", stars=5))

    assert sorted(index.search(stars=(3, 5))) == ["Ba sao", "Năm sao"]


def test_min_stars_keeps_products_rated_that_or_higher(index):
    index.add(document("Ba sao", stars=3), document("Bốn sao", stars=4), document("Năm sao", stars=5))

    assert sorted(index.search(min_stars=4)) == ["Bốn sao", "Năm sao"]


def test_an_expired_certificate_counts_for_no_stars_filter(index):
    index.add(document("Còn hạn", stars=4), document("Hết hạn", stars=5, expired=True))

    assert index.search(stars=(5,)) == []
    assert index.search(min_stars=4) == ["Còn hạn"]


def test_an_expired_certificate_is_left_out_of_the_stars_facet(index):
    index.add(document("Còn hạn", stars=4), document("Hết hạn", stars=5, expired=True))

    assert index.result().facets["stars"] == {4: 1}


def test_products_can_be_filtered_by_group(index):
    index.add(document("Mật ong", group="food"), document("Rượu táo mèo", group="beverages"),
              document("Tinh bột nghệ", group="herbal"))

    assert sorted(index.search(groups=("beverages", "herbal"))) == ["Rượu táo mèo", "Tinh bột nghệ"]


def test_products_can_be_filtered_by_other_certifications(index):
    index.add(document("Gạo Séng cù", certifications=["vietgap"]),
              document("Chè hữu cơ", certifications=["organic", "vietgap"]), document("Mật ong"))

    assert sorted(index.search(certifications=("vietgap",))) == ["Chè hữu cơ", "Gạo Séng cù"]
    assert index.search(certifications=("organic",)) == ["Chè hữu cơ"]


def test_products_can_be_filtered_by_producer_type(index):
    index.add(document("Của hợp tác xã", producer_type="cooperative"),
              document("Của doanh nghiệp", producer_type="enterprise"),
              document("Của hộ kinh doanh", producer_type="household"))

    assert sorted(index.search(producer_types=("enterprise", "household"))) == ["Của doanh nghiệp",
                                                                                "Của hộ kinh doanh"]


def test_a_price_range_keeps_products_with_a_variant_inside_it(index):
    index.add(document("Rẻ", price=50_000), document("Vừa", price=150_000, price_max=400_000),
              document("Đắt", price=900_000))

    assert index.search(price_min=100_000, price_max=200_000) == ["Vừa"]
    assert sorted(index.search(price_min=300_000)) == ["Vừa", "Đắt"]
    assert sorted(index.search(price_max=100_000)) == ["Rẻ"]


def test_in_stock_filters_out_sold_out_products(index):
    index.add(document("Còn hàng", in_stock=True), document("Hết hàng", in_stock=False))

    assert index.search(in_stock=True) == ["Còn hàng"]
    assert index.search(in_stock=False) == ["Hết hàng"]


def test_available_in_province_keeps_products_stocked_at_a_display_point_there(index):
    index.add(document("Ở Hà Nội và TP.HCM", display_point_provinces=[HA_NOI, HO_CHI_MINH]),
              document("Ở Lai Châu", display_point_provinces=[LAI_CHAU]), document("Không bày bán"))

    assert index.search(available_in_province=HA_NOI) == ["Ở Hà Nội và TP.HCM"]


def test_text_and_filters_combine(index):
    index.add(document("Mật ong hoa ban", stars=4), document("Mật ong rừng", stars=3),
              document("Trà shan", stars=4))

    assert index.search(q="mat ong", min_stars=4) == ["Mật ong hoa ban"]


# --- facets --------------------------------------------------------------------

def test_each_facet_counts_with_every_other_filter_but_its_own(index):
    index.add(document("A", province=DIEN_BIEN, stars=3), document("B", province=DIEN_BIEN, stars=4),
              document("C", province=LAI_CHAU, stars=4), document("D", province=HA_NOI, stars=5))

    facets = index.result(provinces=(DIEN_BIEN, LAI_CHAU)).facets

    assert facets["province"] == {DIEN_BIEN: 2, LAI_CHAU: 1, HA_NOI: 1}
    assert facets["stars"] == {3: 1, 4: 2}
    assert facets["region"] == {"northern_midlands_mountains": 3}


def test_the_province_facet_respects_the_stars_filter(index):
    index.add(document("A", province=DIEN_BIEN, stars=3), document("B", province=DIEN_BIEN, stars=4),
              document("C", province=HA_NOI, stars=3))

    facets = index.result(stars=(4,)).facets

    assert facets["province"] == {DIEN_BIEN: 1}
    assert facets["stars"] == {3: 2, 4: 1}


def test_the_certification_facet_respects_the_display_point_filter(index):
    index.add(document("A", certifications=["vietgap"], display_point_provinces=[HA_NOI]),
              document("B", certifications=["organic"], display_point_provinces=[HA_NOI]),
              document("C", certifications=["vietgap"], display_point_provinces=[LAI_CHAU]))

    facets = index.result(available_in_province=HA_NOI, certifications=("organic",)).facets

    assert facets["certification"] == {"vietgap": 1, "organic": 1}
    assert facets["group"] == {"food": 1}


def test_the_stars_facet_counts_match_the_hits(index):
    index.add(document("Mật ong hoa ban", stars=4), document("Mật ong rừng", stars=3),
              document("Mật ong bạc hà", stars=3), document("Mật ong cũ", stars=5, expired=True),
              document("Trà shan", stars=5))

    result = index.result(q="mat ong", per_page=100)

    hit_stars = Counter(d.claimed_stars for d in index.hit_documents(result) if d.claimed_stars)
    assert result.facets["stars"] == dict(hit_stars) == {4: 1, 3: 2}


def test_group_and_certification_facets_count_values(index):
    index.add(document("A", group="food", certifications=["vietgap"]),
              document("B", group="food", certifications=["vietgap", "organic"]),
              document("C", group="herbal"))

    facets = index.result().facets

    assert facets["group"] == {"food": 2, "herbal": 1}
    assert facets["certification"] == {"vietgap": 2, "organic": 1}


def test_the_display_point_facet_counts_products_per_province_with_every_other_filter(index):
    index.add(document("A", stars=4, display_point_provinces=[HA_NOI, HO_CHI_MINH]),
              document("B", stars=4, display_point_provinces=[HA_NOI]),
              document("C", stars=3, display_point_provinces=[LAI_CHAU]), document("D", stars=4))

    assert index.result().facets["available_in"] == {HA_NOI: 2, HO_CHI_MINH: 1, LAI_CHAU: 1}
    assert index.result(stars=(4,)).facets["available_in"] == {HA_NOI: 2, HO_CHI_MINH: 1}
    # its own filter is left out of it, but applies to the other facets and the hits
    result = index.result(available_in_province=HO_CHI_MINH)
    assert result.facets["available_in"] == {HA_NOI: 2, HO_CHI_MINH: 1, LAI_CHAU: 1}
    assert result.facets["stars"] == {4: 1} and index.names(result) == ["A"]


def test_the_display_point_facet_follows_the_text(index):
    index.add(document("Mật ong hoa ban", display_point_provinces=[HA_NOI]),
              document("Trà shan", display_point_provinces=[HA_NOI, LAI_CHAU]))

    assert index.result(q="mat ong").facets["available_in"] == {HA_NOI: 1}
    assert index.result(q="xyzzy").facets["available_in"] == {}


# --- sorting and pages ---------------------------------------------------------

@pytest.fixture
def three_products(index):
    return index.add(
        document("Giữa", price=200_000, stars=4, created_at=datetime(2026, 3, 1, tzinfo=timezone.utc)),
        document("Rẻ nhất", price=50_000, stars=5, expired=True,
                 created_at=datetime(2026, 5, 1, tzinfo=timezone.utc)),
        document("Đắt nhất", price=700_000, stars=3, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)),
    )


@pytest.mark.parametrize("sort, expected", [
    ("price_asc", ["Rẻ nhất", "Giữa", "Đắt nhất"]),
    ("price_desc", ["Đắt nhất", "Giữa", "Rẻ nhất"]),
    ("newest", ["Rẻ nhất", "Giữa", "Đắt nhất"]),
    ("stars", ["Giữa", "Đắt nhất", "Rẻ nhất"]),
])
def test_results_can_be_sorted(index, three_products, sort, expected):
    assert index.search(sort=sort) == expected


def test_results_come_in_pages_with_the_total(index):
    index.add(*[document(f"Sản phẩm {n}", price=n * 1000) for n in range(1, 8)])

    pages = [index.result(sort="price_asc", page=page, per_page=3) for page in (1, 2, 3)]

    assert [index.names(p) for p in pages] == [["Sản phẩm 1", "Sản phẩm 2", "Sản phẩm 3"],
                                               ["Sản phẩm 4", "Sản phẩm 5", "Sản phẩm 6"], ["Sản phẩm 7"]]
    assert {p.total for p in pages} == {7}


def test_a_page_past_the_end_is_empty_but_keeps_the_total(index):
    index.add(document("Một"), document("Hai"))

    result = index.result(page=3, per_page=2)

    assert (result.hits, result.total) == ([], 2)


# --- writing -------------------------------------------------------------------

def test_applying_a_document_again_replaces_it(index):
    (honey,) = index.add(document("Mật ong hoa ban", stars=3, certifications=["vietgap"]))

    index.add(document("Mật ong hoa ban", product_id=honey.product_id, stars=4, certifications=[]))

    assert index.search(q="mat ong") == ["Mật ong hoa ban"]
    assert index.result().facets["stars"] == {4: 1}
    assert index.search(certifications=("vietgap",)) == []


def test_a_removed_product_vanishes_from_search(index):
    honey, _tea = index.add(document("Mật ong hoa ban", certifications=["vietgap"]), document("Trà shan"))

    index.remove(honey.product_id)

    assert index.search(q="mat ong") == []
    assert index.search() == ["Trà shan"]
    assert index.result().facets["certification"] == {}


def test_removing_an_unknown_product_is_harmless(index):
    index.add(document("Trà shan"))

    index.remove(999_999)

    assert index.search() == ["Trà shan"]


def test_reindexing_replaces_everything(index):
    index.add(document("Cũ"), document("Cũ nữa"))
    batches = [[document("Mới một"), document("Mới hai")], [document("Mới ba")]]

    count = index.reindex(batches)

    assert count == 3
    assert sorted(index.search()) == ["Mới ba", "Mới hai", "Mới một"]


# --- suggestions ---------------------------------------------------------------

def test_suggestions_are_at_most_ten(index):
    index.add(*[document(f"Trà shan tuyết {n}") for n in range(12)])

    assert len(index.suggest("tra")) == 10


def test_suggestions_list_products_before_producers(index):
    index.add(document("Mật ong hoa ban", producer="Hợp tác xã Ong mật Điện Biên"),
              document("Mật ong rừng", producer="Hợp tác xã Ong mật Điện Biên"),
              document("Trà shan", producer="Công ty Mật Sơn"), document("Gạo nếp", producer="Hộ Lò Văn Mai"))

    suggestions = index.suggest("mat")

    assert [kind for kind, _text in suggestions] == ["product", "product", "producer", "producer"]
    assert {text for _kind, text in suggestions[:2]} == {"Mật ong hoa ban", "Mật ong rừng"}
    assert {text for _kind, text in suggestions[2:]} == {"Công ty Mật Sơn", "Hợp tác xã Ong mật Điện Biên"}


def test_a_producer_suggestion_carries_its_slug_and_a_product_one_its_id(index):
    (honey,) = index.add(document("Mật ong hoa ban", producer="Hợp tác xã Ong mật", producer_slug="htx-ong-mat"))

    product, producer = index.backend.suggest("mat")

    assert (product.kind, product.product_id) == ("product", honey.product_id)
    assert (producer.kind, producer.producer_slug) == ("producer", "htx-ong-mat")


def test_suggestions_match_a_folded_prefix_of_any_word(index):
    index.add(document("Miến dong Tài Hoan"), document("Mật ong hoa ban"))

    assert index.suggest("tai ho") == [("product", "Miến dong Tài Hoan")]
    assert index.suggest("MIẾ") == [("product", "Miến dong Tài Hoan")]


def test_a_prefix_without_letters_suggests_nothing(index):
    index.add(document("Mật ong hoa ban"))

    assert index.suggest("  ?! ") == []
