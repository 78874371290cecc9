"""The shape of a search, independent of any backend."""

import re
from dataclasses import dataclass, field

from marketplace.text import fold

# available_in: the provinces where a display point stocks the product (the available_in_province filter)
FACETS = ("province", "region", "stars", "group", "certification", "available_in")
SORTS = ("relevance", "price_asc", "price_desc", "newest", "stars")
MAX_WORDS = 10  # of a query; the rest is ignored

_WORD = re.compile(r"\w+")


def words(q: str) -> list[str]:
    """The words a search matches, folded (no diacritics, đ → d), as every backend
    splits them: runs of letters, digits and underscores ("TP.HCM" is two words)."""
    return _WORD.findall(fold(q))[:MAX_WORDS]


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    provinces: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    wards: tuple[int, ...] = ()
    stars: tuple[int, ...] = ()
    min_stars: int | None = None
    groups: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    producer_types: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    available_in_province: int | None = None  # stocked at a display point there
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    product_id: int
    score: float = 0.0
    highlight: str = ""


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    # facet name → {value: count}; each facet counted with every *other* filter applied
    facets: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # "product" | "producer"
    product_id: int | None = None
    producer_slug: str | None = None
