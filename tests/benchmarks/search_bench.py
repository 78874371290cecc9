"""Search benchmark: a synthetic OCOP catalogue, a fixed query mix, latency percentiles.

Run it as a command, from the repository root:

    flask --app wsgi bench search [--products 100000] [--queries 1000] [--seed 42]
                                  [--database-url URL --yes]

It never touches the application's own database. By default it builds a fresh
temporary SQLite database (Alembic migrations + regions), indexes a generated
catalogue into the SQL search backend, runs the query mix, prints a table and
deletes the database. With --database-url it uses that database as scratch:
everything in it is wiped first.

What is measured
- Indexing: ProductDocument objects go straight to backend.reindex() in
  batches (one transaction, commit included). Generating the documents is
  timed separately and left out of products/s; building documents from
  catalogue rows (search.documents.build) is not part of this benchmark.
- Queries: backend.search() / backend.suggest() called in process, so the
  figures are the backend's own latency, without HTTP, marshmallow or loading
  the hit products. Every search computes the page, the total and all five
  facets; the query types differ in what the facets have to exclude. Wall
  clock, and this process's CPU time beside it: on a shared machine the gap
  is time spent waiting for a CPU (with PostgreSQL, also the server's work).
- Memory: peak resident set size of the whole process (getrusage ru_maxrss),
  read after each phase; it includes SQLite's page cache, the database pages
  mapped by mmap_size, and the generator.
"""

import os
import random
import resource
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from marketplace.catalog.certification import OtherCertification, add_months
from marketplace.catalog.models import ProductGroup
from marketplace.clock import today_vn
from marketplace.producers.models import LegalType
from marketplace.regions import divisions
from marketplace.text import fold, slugify
from search.documents import ProductDocument
from search.query import SearchQuery

# --- the catalogue ------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of OCOP product: its name, group, price of the smallest pack and packs."""

    base: str
    group: ProductGroup
    qualifiers: tuple[str, ...]
    price_vnd: tuple[int, int]
    packs: tuple[float, ...] = (1.0, 1.9, 3.6)
    weight: float = 1.0


F, B, H, T, C, S = (ProductGroup.FOOD, ProductGroup.BEVERAGES, ProductGroup.HERBAL, ProductGroup.TEXTILES,
                    ProductGroup.HANDICRAFTS, ProductGroup.TOURISM)

KINDS = (
    Kind("Mật ong", F, ("hoa ban", "hoa nhãn", "bạc hà", "rừng", "hoa cà phê", "bánh tổ", "ong ruồi"),
         (150_000, 450_000), weight=4),
    Kind("Gạo", F, ("Séng cù", "Tám thơm", "nếp cái hoa vàng", "ST25", "nếp Tú Lệ", "lứt đỏ", "tài nguyên"),
         (30_000, 120_000), (1.0, 4.5, 9.0), weight=4),
    Kind("Miến dong", F, ("", "thủ công", "sạch", "làng So"), (60_000, 150_000), weight=2),
    Kind("Tinh bột nghệ", F, ("", "nguyên chất", "vàng", "đỏ"), (120_000, 400_000), weight=2),
    Kind("Thịt trâu gác bếp", F, ("", "truyền thống", "tẩm mắc khén"), (700_000, 1_200_000), (1.0, 2.0), 2),
    Kind("Thịt lợn khô", F, ("", "gác bếp", "mắc khén"), (400_000, 900_000), (1.0, 2.0), 1),
    Kind("Nước mắm", F, ("cá cơm", "truyền thống", "nhĩ", "cá cơm than"), (80_000, 300_000), weight=3),
    Kind("Hạt mắc ca", F, ("sấy nứt", "rang muối", "nhân"), (250_000, 600_000), weight=2),
    Kind("Lạp xưởng", F, ("gác bếp", "tươi", "tôm"), (150_000, 300_000), weight=1.5),
    Kind("Bánh chưng", F, ("", "gấc", "đen"), (60_000, 150_000), (1.0, 4.0), 1),
    Kind("Bánh khẩu xén", F, ("", "truyền thống"), (50_000, 100_000), weight=0.5),
    Kind("Măng khô", F, ("", "nứa", "lưỡi lợn"), (150_000, 350_000), weight=1.5),
    Kind("Nấm hương rừng", F, ("", "khô"), (300_000, 600_000), weight=1),
    Kind("Lạc đỏ", F, ("", "Na Son"), (60_000, 120_000), weight=1),
    Kind("Mứt gừng", F, ("", "dẻo"), (50_000, 120_000), weight=1),
    Kind("Kẹo dừa", F, ("", "sữa", "lá dứa"), (40_000, 90_000), weight=1),
    Kind("Bưởi da xanh", F, ("", "ruột hồng"), (40_000, 90_000), (1.0, 4.5), 1.5),
    Kind("Vải thiều", F, ("", "sấy khô"), (50_000, 150_000), weight=1),
    Kind("Chè Shan tuyết", B, ("cổ thụ", "búp khô", "hồng trà", "bạch trà", ""), (150_000, 900_000), weight=3),
    Kind("Trà", B, ("cây cao cổ thụ", "hoa vàng", "xanh", "ô long", "sen", "móc câu"), (100_000, 600_000),
         weight=3),
    Kind("Cà phê", B, ("Robusta", "Arabica", "Culi rang xay", "hạt rang mộc", "phin giấy"),
         (90_000, 350_000), weight=3),
    Kind("Rượu táo mèo", B, ("", "mật ong", "ngâm"), (120_000, 350_000), (1.0, 2.0), 1.5),
    Kind("Rượu ngô men lá", B, ("", "Bắc Hà"), (100_000, 250_000), (1.0, 2.0), 1.5),
    Kind("Rượu sim", B, ("", "rừng"), (120_000, 300_000), (1.0, 2.0), 0.5),
    Kind("Nước cốt gừng", B, ("", "mật ong"), (60_000, 150_000), weight=0.5),
    Kind("Nước ép chanh leo", B, ("", "nguyên chất"), (40_000, 100_000), weight=0.5),
    Kind("Sâm", H, ("Ngọc Linh", "củ tươi", "ngâm mật ong"), (500_000, 5_000_000), (1.0, 2.0), 1),
    Kind("Cao actiso", H, ("", "lỏng", "mềm"), (150_000, 400_000), weight=1),
    Kind("Đông trùng hạ thảo", H, ("", "sấy thăng hoa"), (400_000, 2_000_000), weight=1),
    Kind("Tinh dầu quế", H, ("", "nguyên chất"), (80_000, 250_000), weight=1),
    Kind("Tinh dầu sả chanh", H, ("", "xông phòng"), (60_000, 180_000), weight=1),
    Kind("Trà giảo cổ lam", H, ("", "túi lọc"), (80_000, 200_000), weight=1),
    Kind("Tam thất", H, ("", "bột", "củ"), (300_000, 1_500_000), weight=0.8),
    Kind("Nấm linh chi", H, ("", "đỏ", "thái lát"), (300_000, 1_200_000), weight=0.8),
    Kind("Thổ cẩm", T, ("túi", "khăn", "áo", "chăn"), (150_000, 900_000), (1.0, 1.5), 1.5),
    Kind("Khăn lụa tơ tằm", T, ("", "Vạn Phúc", "thêu tay"), (200_000, 800_000), (1.0, 1.5), 1),
    Kind("Vải lanh nhuộm chàm", T, ("", "thủ công"), (250_000, 700_000), (1.0, 1.5), 0.5),
    Kind("Mây tre đan", C, ("giỏ", "khay", "đèn", "hộp"), (80_000, 600_000), (1.0, 1.5), 1.5),
    Kind("Gốm", C, ("Bát Tràng", "Chu Đậu", "men lam", "Bàu Trúc"), (100_000, 1_500_000), (1.0, 1.5), 1),
    Kind("Nón lá", C, ("", "bài thơ", "Chuông"), (60_000, 200_000), (1.0, 1.5), 0.7),
    Kind("Chiếu cói", C, ("", "Kim Sơn", "in hoa"), (150_000, 500_000), (1.0, 1.5), 0.7),
    Kind("Tranh Đông Hồ", C, ("", "khắc gỗ"), (80_000, 300_000), (1.0, 1.5), 0.3),
    Kind("Đồ gỗ mỹ nghệ", C, ("", "hộp trà", "tượng"), (300_000, 3_000_000), (1.0, 1.5), 0.5),
    Kind("Du lịch cộng đồng", S, ("bản", "làng", "homestay"), (200_000, 1_500_000), (1.0, 2.0), 0.6),
    Kind("Tour trải nghiệm làng nghề", S, ("", "nửa ngày", "trọn gói"), (300_000, 2_000_000), (1.0, 2.0), 0.3),
)

DESCRIPTIONS = (
    "Sản phẩm được chế biến theo phương pháp truyền thống của đồng bào địa phương.",
    "Nguyên liệu được tuyển chọn kỹ, không dùng chất bảo quản hay phẩm màu.",
    "Đóng gói hút chân không, có tem truy xuất nguồn gốc trên từng sản phẩm.",
    "Vùng nguyên liệu đạt chứng nhận sản xuất an toàn, canh tác hữu cơ.",
    "Thích hợp làm quà tặng dịp Tết và các ngày lễ.",
    "Hương vị đậm đà, đặc trưng của núi rừng Tây Bắc.",
    "Sản phẩm đã có mặt tại các điểm giới thiệu và bán sản phẩm OCOP trong tỉnh.",
    "Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp.",
    "Hợp tác xã liên kết với hàng trăm hộ nông dân trong vùng.",
    "Quy trình sản xuất khép kín, đạt tiêu chuẩn vệ sinh an toàn thực phẩm.",
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Lò", "Lường", "Quàng",
          "Giàng", "Sùng", "Hà", "Triệu", "Điêu", "Mùa")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thị Kim", "Hữu", "A", "Thu")
GIVEN = ("Thanh", "Hương", "Hùng", "Duyên", "Lan", "Bình", "Tuấn", "Mai", "Chứ", "Pâng", "Oanh", "Hằng",
         "Sơn", "Dũng", "Thảo", "Nga", "Phong", "Quân")
COOPERATIVE_TRADES = ("Nông nghiệp", "Dịch vụ tổng hợp", "Chè", "Ong mật", "Dược liệu", "Nông lâm nghiệp",
                      "Thổ cẩm", "Mây tre đan", "Chế biến nông sản", "Sản xuất và thương mại")
COMPANY_WORDS = ("Nông sản", "Thực phẩm", "Xanh", "Tây Bắc", "Đại Ngàn", "Sao Việt", "Hoa Ban", "Nông sản sạch",
                 "Dược liệu", "Thương mại")
# OCOP producers by legal type, end of 2024: 33% cooperatives, 24% enterprises, 43% households.
PRODUCER_TYPES = ((LegalType.COOPERATIVE, 33), (LegalType.ENTERPRISE, 24), (LegalType.HOUSEHOLD, 43))
# End of 2024: 73% 3★, 24% 4★, the rest 5★.
STARS = ((3, 73), (4, 24), (5, 3))
CERTIFICATIONS = (  # share of products holding each other certification
    (OtherCertification.VIETGAP, 0.18), (OtherCertification.ORGANIC, 0.07), (OtherCertification.HACCP, 0.08),
    (OtherCertification.ISO_22000, 0.06), (OtherCertification.GEOGRAPHICAL_INDICATION, 0.08),
)
PRODUCTS_PER_PRODUCER = 1.8  # 14,642 products from 8,086 producers


def short_place(name: str) -> str:
    for prefix in ("Thành phố ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass
class Producer:
    id: int
    name: str
    slug: str
    legal_type: LegalType
    province_code: int
    ward_code: int
    kind: Kind


class Catalogue:
    """Generates the same catalogue for the same seed and size."""

    def __init__(self, size: int, seed: int, today: date):
        self.size, self.today = size, today
        self.rng = random.Random(seed)
        provinces = divisions.provinces()
        self.wards_by_province: dict[int, list[int]] = {code: [] for code in provinces}
        for code, ward in divisions.wards().items():
            self.wards_by_province[int(ward.province_code)].append(code)
        # Larger provinces (more communes) have more OCOP products.
        self.province_codes = sorted(provinces)
        self.province_weights = [len(self.wards_by_province[c]) for c in self.province_codes]
        self.producers = [self._producer(i + 1) for i in range(max(1, round(size / PRODUCTS_PER_PRODUCER)))]
        self.next_id = 1

    def _weighted(self, pairs):
        values, weights = zip(*pairs)
        return self.rng.choices(values, weights)[0]

    def _kind(self) -> Kind:
        return self.rng.choices(KINDS, [k.weight for k in KINDS])[0]

    def _person(self) -> str:
        return " ".join((self.rng.choice(FAMILY), self.rng.choice(MIDDLE), self.rng.choice(GIVEN)))

    def _producer(self, producer_id: int) -> Producer:
        rng = self.rng
        province = rng.choices(self.province_codes, self.province_weights)[0]
        ward = rng.choice(self.wards_by_province[province])
        place = short_place(divisions.wards()[ward].name)
        kind = self._kind()
        legal_type = self._weighted(PRODUCER_TYPES)
        if legal_type is LegalType.COOPERATIVE:
            name = f"Hợp tác xã {rng.choice(COOPERATIVE_TRADES)} {place}"
        elif legal_type is LegalType.ENTERPRISE:
            name = f"Công ty {rng.choice(('TNHH', 'Cổ phần'))} {rng.choice(COMPANY_WORDS)} {place}"
        else:
            name = f"{rng.choice(('Hộ kinh doanh', 'Cơ sở sản xuất'))} {self._person()}"
        return Producer(producer_id, name, f"{slugify(name, 100)}-{producer_id}", legal_type, province, ward, kind)

    def documents(self, count: int) -> list[ProductDocument]:
        """The next `count` products."""
        docs = [self._document(self.next_id + i) for i in range(count)]
        self.next_id += count
        return docs

    def _document(self, product_id: int) -> ProductDocument:
        rng = self.rng
        producer = rng.choice(self.producers)
        kind = producer.kind if rng.random() < 0.7 else self._kind()
        ward = producer.ward_code if rng.random() < 0.9 else rng.choice(self.wards_by_province[producer.province_code])
        province_name = divisions.provinces()[producer.province_code].name
        ward_name = divisions.wards()[ward].name
        where = rng.random()
        place = short_place(ward_name) if where < 0.6 else short_place(province_name) if where < 0.9 else ""
        name = " ".join(part for part in (kind.base, rng.choice(kind.qualifiers), place) if part)

        stars = self._weighted(STARS)
        # Issued over the last 42 months and valid for 36: about one in seven has lapsed.
        issued_on = self.today - timedelta(days=rng.randrange(42 * 30))
        valid_until = add_months(issued_on, 36)
        valid = valid_until >= self.today

        low, high = kind.price_vnd
        base_price = rng.randrange(low, high + 1, 1000)
        packs = kind.packs[:rng.randint(1, len(kind.packs))]
        prices = [max(1000, round(base_price * m, -3)) for m in packs]
        certifications = sorted(c.value for c, share in CERTIFICATIONS if rng.random() < share)
        if kind.group is ProductGroup.HERBAL and rng.random() < 0.3:
            certifications.append(OtherCertification.GACP_WHO.value)
        points = (sorted(rng.sample(self.province_codes, rng.randint(1, 3))) if rng.random() < 0.15 else [])
        description = " ".join(
            [f"{name} của {producer.name}, đạt chứng nhận OCOP {stars} sao."] + rng.sample(DESCRIPTIONS, 3))
        return ProductDocument(
            product_id=product_id, name=name, producer_id=producer.id, producer_name=producer.name,
            producer_slug=producer.slug, producer_type=producer.legal_type.value, description=description,
            group=kind.group.value, stars=stars, certificate_valid=valid, claimed_stars=stars if valid else 0,
            certificate_valid_until=valid_until, province_code=producer.province_code, ward_code=ward,
            region=divisions.region_of(producer.province_code), price_min_vnd=min(prices),
            price_max_vnd=max(prices), in_stock=rng.random() < 0.9, certifications=sorted(certifications),
            created_at=datetime(2023, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(1_800_000)),
            popularity=min(int(rng.paretovariate(1.3)) - 1, 5000), display_point_provinces=points,
            place_names=f"{province_name} {ward_name}",
        )


# --- the query mix ------------------------------------------------------------

QUERY_TYPES = {
    "text": "q only, mostly by relevance: every facet is counted over the same matches",
    "text+filters": "q + 1-2 filters that are not facets (price, stock, producer type, ward, "
                    "display point): the facets still share one set of rows",
    "filters": "no q, 1-3 filters of any kind, browse sorts",
    "text+filters+facets": "q + 2-3 filters on faceted fields (province, region, stars, group, "
                           "certification), sometimes a price: each facet drops its own filter",
    "deep page": "page 200 of 50 (offset 9,950): browse all, a region, or a broad q",
    "suggest": "backend.suggest(prefix), not a search",
}

SUGGEST_PREFIXES = ("mat o", "mật", "che sh", "chè shan", "gao s", "gạo tám", "ca ph", "cà phê r", "mien",
                    "tinh bot", "thit tr", "nuoc m", "hat mac", "ruou t", "rượu táo", "htx", "hop tac xa n",
                    "cong ty", "ho kinh doanh", "tra hoa", "sam ng", "tho c", "gom b", "du lich")


def query_phrases() -> list[str]:
    """Realistic search words: product kinds with and without diacritics, with a
    qualifier or a place, and a few unfinished words."""
    phrases = []
    for kind in KINDS:
        phrases += [kind.base.lower(), fold(kind.base)]
        for qualifier in kind.qualifiers:
            if qualifier:
                phrases += [f"{kind.base} {qualifier}".lower(), fold(f"{kind.base} {qualifier}")]
    for province in divisions.provinces().values():
        place = short_place(province.name)
        phrases += [f"mật ong {place}".lower(), fold(f"che {place}"), fold(f"gao {place}"), fold(place)]
    phrases += ["mat on", "che shan tuy", "ca ph", "thit tra", "qua tang tet", "quà tặng", "huu co",
                "dac san tay bac", "đặc sản tây bắc", "ocop 5 sao", "htx ong mat", "tinh dau"]
    return phrases


@dataclass
class Query:
    kind: str
    query: SearchQuery | None = None
    prefix: str = ""


class QueryMix:
    def __init__(self, catalogue: Catalogue, seed: int):
        self.rng = random.Random(seed)
        self.catalogue = catalogue
        self.phrases = query_phrases()
        self.broad = ["gao", "mat ong", "tra", "ca phe", "che", "dac san"]

    def _province(self) -> int:
        return self.rng.choices(self.catalogue.province_codes, self.catalogue.province_weights)[0]

    def _facet_filter(self, name: str) -> dict:
        rng = self.rng
        if name == "provinces":
            return {"provinces": tuple(self._province() for _ in range(rng.randint(1, 2)))}
        if name == "regions":
            return {"regions": (rng.choice(list(divisions.REGIONS)),)}
        if name == "stars":
            return rng.choice(({"stars": (4,)}, {"stars": (4, 5)}, {"stars": (3,)}, {"min_stars": 4}))
        if name == "groups":
            return {"groups": tuple(rng.sample([g.value for g in ProductGroup], rng.randint(1, 2)))}
        return {"certifications": (rng.choice([c.value for c, _share in CERTIFICATIONS]),)}

    def _other_filter(self, name: str) -> dict:
        rng = self.rng
        if name == "price":
            return rng.choice(({"price_max": 200_000}, {"price_min": 100_000, "price_max": 500_000},
                               {"price_min": 500_000}))
        if name == "in_stock":
            return {"in_stock": True}
        if name == "producer_types":
            return {"producer_types": (rng.choice(list(LegalType)).value,)}
        if name == "available_in_province":
            return {"available_in_province": self._province()}
        province = self._province()
        return {"wards": tuple(rng.sample(self.catalogue.wards_by_province[province], 2))}

    FACET_FILTERS = ("provinces", "regions", "stars", "groups", "certifications")
    OTHER_FILTERS = ("price", "in_stock", "producer_types", "available_in_province", "wards")

    def _filters(self, names) -> dict:
        args = {}
        for name in names:
            args.update(self._facet_filter(name) if name in self.FACET_FILTERS else self._other_filter(name))
        return args

    def _q(self) -> str:
        return self.rng.choice(self.phrases)

    def make(self, kind: str) -> Query:
        rng = self.rng
        if kind == "suggest":
            return Query(kind, prefix=rng.choice(SUGGEST_PREFIXES))
        if kind == "text":
            args = {"q": self._q(), "sort": rng.choice(["relevance"] * 8 + ["price_asc", "stars"])}
        elif kind == "text+filters":
            args = {"q": self._q(), **self._filters(rng.sample(self.OTHER_FILTERS, rng.randint(1, 2)))}
        elif kind == "filters":
            args = {**self._filters(rng.sample(self.FACET_FILTERS + self.OTHER_FILTERS, rng.randint(1, 3))),
                    "sort": rng.choice(["relevance", "price_asc", "price_desc", "newest", "stars"])}
        elif kind == "text+filters+facets":
            names = rng.sample(self.FACET_FILTERS, rng.randint(2, 3))
            if rng.random() < 0.3:
                names.append("price")
            args = {"q": self._q(), **self._filters(names)}
        else:  # deep page
            choice = rng.random()
            args = {"page": 200, "per_page": 50, "sort": rng.choice(["relevance", "newest", "price_asc"])}
            if choice < 0.3:
                args.update(self._filters(["regions"]))
            elif choice < 0.5:
                args["q"] = rng.choice(self.broad)
        return Query(kind, query=SearchQuery(**args))

    def queries(self, count: int) -> list[Query]:
        """`count` searches spread evenly over the five search types, plus count/5 suggestions, shuffled."""
        searches = [k for k in QUERY_TYPES if k != "suggest"]
        kinds = [searches[i % len(searches)] for i in range(count)] + ["suggest"] * (count // 5)
        self.rng.shuffle(kinds)
        return [self.make(k) for k in kinds]


# --- running it ---------------------------------------------------------------


@dataclass
class Options:
    products: int = 100_000
    queries: int = 1000
    seed: int = 42
    database_url: str | None = None
    batch_size: int = 1000
    keep: bool = False


@dataclass
class Timings:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    totals: dict[str, list[int]] = field(default_factory=dict)


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def wipe(url: str) -> None:
    """Empty a scratch database given with --database-url, creating it first if it does not exist."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        _create_if_missing(engine.url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        elif engine.dialect.name == "sqlite":
            path = engine.url.database
            if path and path != ":memory:" and os.path.exists(path):
                os.remove(path)
        else:
            raise RuntimeError(f"Only SQLite and PostgreSQL are supported, not {engine.dialect.name}.")
    finally:
        engine.dispose()


def _create_if_missing(url: sa.engine.URL) -> None:
    """CREATE DATABASE through the server's maintenance database, as createdb does."""
    name = url.database
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name.replace(chr(34), chr(34) * 2)}"'))
    except sa.exc.OperationalError as exc:
        raise SystemExit(f"Cannot reach PostgreSQL to create the database {name!r}: {exc.orig}\n"
                         f"Create it yourself (createdb {name}) or check --database-url.") from None
    finally:
        server.dispose()


def make_app(url: str):
    from config import Config
    from marketplace import create_app

    class BenchConfig(Config):
        ENV_NAME = "benchmark"
        SQLALCHEMY_DATABASE_URI = url
        SEARCH_BACKEND = "sql"

    return create_app(BenchConfig)


@contextmanager
def bench_database(database_url: str | None, prefix: str, keep: bool = False, echo=print):
    """The URL a benchmark runs on: `database_url`, wiped first, or else a scratch SQLite file,
    removed afterwards unless `keep`."""
    from config import normalise_database_url

    if database_url:
        url = normalise_database_url(database_url)
        wipe(url)
        yield url
        return
    scratch_dir = tempfile.mkdtemp(prefix=prefix)
    url = f"sqlite:///{os.path.join(scratch_dir, 'bench.db')}"
    try:
        yield url
    finally:
        if keep:
            echo(f"Kept the database: {url}")
        else:
            shutil.rmtree(scratch_dir, ignore_errors=True)


def run(options: Options, echo=print) -> None:
    with bench_database(options.database_url, "ocop-search-bench-", options.keep, echo) as url:
        _run(options, url, echo)


def _run(options: Options, url: str, echo) -> None:
    from flask_migrate import upgrade

    from marketplace.extensions import db
    from marketplace.regions.services import sync_regions
    from search import service

    app = make_app(url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        sync_regions()
        dialect = db.engine.dialect.name
        version = db.session.scalar(
            sa.text("SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version"))
        db.session.commit()
        setup_s = time.perf_counter() - started
        rss_setup = max_rss_mib()

        backend = service.backend()
        catalogue = Catalogue(options.products, options.seed, today_vn())
        generating = 0.0

        def batches():
            nonlocal generating
            remaining = options.products
            while remaining:
                began = time.perf_counter()
                docs = catalogue.documents(min(options.batch_size, remaining))
                generating += time.perf_counter() - began
                remaining -= len(docs)
                yield docs

        began = time.perf_counter()
        indexed = backend.reindex(batches())
        db.session.commit()
        wall = time.perf_counter() - began
        indexing = wall - generating
        rss_indexed = max_rss_mib()
        if dialect == "postgresql":
            # What autovacuum would do shortly after a bulk load.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()

        mix = QueryMix(catalogue, options.seed + 1)
        for query in QueryMix(catalogue, options.seed + 2).queries(max(10, options.queries // 20)):
            _execute(backend, query)  # warm-up, not timed
            db.session.rollback()
        timings = Timings()
        began = time.perf_counter()
        load_before = os.getloadavg()
        for query in mix.queries(options.queries):
            cpu_began = time.process_time()
            elapsed, total = _execute(backend, query)
            db.session.rollback()  # each search in its own transaction, as a request would be
            timings.cpu.setdefault(query.kind, []).append((time.process_time() - cpu_began) * 1000)
            timings.latencies.setdefault(query.kind, []).append(elapsed * 1000)
            timings.totals.setdefault(query.kind, []).append(total)
        querying = time.perf_counter() - began
        load_after = os.getloadavg()
        rss_queries = max_rss_mib()
        db.session.remove()
        db.engine.dispose()

    location = url if options.database_url else f"temporary SQLite database {url[len('sqlite:///'):]}"
    echo(f"Search benchmark: backend {backend.name} on {dialect} {version} ({location})")
    echo(f"products {options.products:,} (producers {len(catalogue.producers):,}), "
         f"queries {options.queries:,} + {options.queries // 5:,} suggestions, seed {options.seed}, "
         f"setup (migrations + regions) {setup_s:.1f} s")
    echo(f"machine: {os.cpu_count()} CPUs; load average (1 min) {load_before[0]:.1f} before the queries, "
         f"{load_after[0]:.1f} after")
    echo("")
    echo(f"Indexing: ProductDocument batches of {options.batch_size:,} → backend.reindex(), one transaction, "
         "commit included")
    echo(f"  indexed {indexed:,} products in {indexing:.1f} s = {indexed / indexing:,.0f} products/s"
         f"  (generating the documents, {generating:.1f} s, excluded)")
    echo("")
    echo(f"Query latency, ms: backend.search()/suggest() in process, wall clock; 'cpu' is this process's "
         f"CPU time{' (the database server' + chr(39) + 's is not in it)' if dialect != 'sqlite' else ''}. "
         f"{max(10, options.queries // 20)} warm-up queries not timed; {querying:.1f} s in all.")
    header = (f"  {'type':<21}{'n':>5}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'cpu p50':>9}{'cpu p95':>9}"
              f"{'with hits':>11}{'median total':>14}")
    echo(header)
    echo("  " + "-" * (len(header) - 2))
    for kind in QUERY_TYPES:
        values = timings.latencies.get(kind, [])
        if not values:
            continue
        cpu, totals = timings.cpu[kind], timings.totals[kind]
        with_hits = sum(1 for t in totals if t) / len(totals)
        echo(f"  {kind:<21}{len(values):>5}{percentile(values, 50):>8.1f}{percentile(values, 95):>8.1f}"
             f"{percentile(values, 99):>8.1f}{max(values):>8.1f}{percentile(cpu, 50):>9.1f}{percentile(cpu, 95):>9.1f}"
             f"{with_hits:>11.0%}{statistics.median(totals):>14,.0f}")
    searches = [v for k, vs in timings.latencies.items() if k != "suggest" for v in vs]
    cpu = [v for k, vs in timings.cpu.items() if k != "suggest" for v in vs]
    echo(f"  {'all searches':<21}{len(searches):>5}{percentile(searches, 50):>8.1f}{percentile(searches, 95):>8.1f}"
         f"{percentile(searches, 99):>8.1f}{max(searches):>8.1f}{percentile(cpu, 50):>9.1f}{percentile(cpu, 95):>9.1f}")
    echo("")
    echo("  Every search computes the page, the total and all five facets (province, region, stars, group,")
    echo("  certification), each facet counted with every filter but its own. What each type exercises:")
    for kind, meaning in QUERY_TYPES.items():
        echo(f"  {kind:<21}{meaning}")
    echo("  'with hits': share of queries with a total above 0; 'median total': of the matches (for suggest,")
    echo("  of the suggestions).")
    echo("")
    echo(f"Peak memory (getrusage ru_maxrss: peak resident set of the whole process, database cache included): "
         f"after setup {rss_setup:,.0f} MiB, after indexing {rss_indexed:,.0f} MiB, after queries "
         f"{rss_queries:,.0f} MiB")


def _execute(backend, query: Query) -> tuple[float, int]:
    began = time.perf_counter()
    if query.kind == "suggest":
        total = len(backend.suggest(query.prefix))
    else:
        total = backend.search(query.query).total
    return time.perf_counter() - began, total
