"""The one search interface: what a shopper asks (`SearchQuery`) and what any backend answers (`SearchResult`).

Views and the API build a `SearchQuery` (from `search.forms.SearchForm`), hand it to a backend
(`search.backends`), and render the `SearchResult`: product ids in order with highlights, the total, facet counts,
spelling suggestions and the name of the backend that answered. Backends never return model instances, so the
Elasticsearch and database backends are interchangeable and the page loads the products the same way for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SORTS = ("relevance", "newest", "price_asc", "price_desc", "best_selling", "rating")
BADGES = ("halal", "pirt", "nib")
PAGE_SIZE = 24
MAX_PAGE = 100  # deeper pages are refused: nobody reads them, crawlers would make them expensive
FACETS = ("category", "district", "price", "badge", "shop")
SHOP_FACET_SIZE = 10
# Price bands (whole rupiah) of the "price" facet, on a product's lowest active price: [low, high).
PRICE_BANDS = ((0, 25_000), (25_000, 50_000), (50_000, 100_000), (100_000, 250_000), (250_000, None))


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category: str = ""  # slug; the category's descendants are included
    shop: str = ""  # slug
    district: str = ""  # Kemendagri code
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False
    badges: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE

    def __post_init__(self):
        if self.sort not in SORTS:
            raise ValueError(f"Unknown sort {self.sort!r}")
        if unknown := set(self.badges) - set(BADGES):
            raise ValueError(f"Unknown badges {sorted(unknown)}")
        if not 1 <= self.page <= MAX_PAGE or self.page_size < 1:
            raise ValueError("page must be 1..MAX_PAGE and page_size positive")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def effective_sort(self) -> str:
        """Relevance needs words to rank by: without any, the newest come first."""
        return "newest" if self.sort == "relevance" and not self.text.strip() else self.sort


def price_band_key(low: int, high: int | None) -> str:
    """The facet key of a band, also the value of the `price` filter shortcut: "25000-50000", "250000-"."""
    return f"{low}-{high if high is not None else ''}"


@dataclass(frozen=True)
class FacetBucket:
    key: str  # what the filter takes (a slug, a district code, a band "25000-50000", a badge code)
    label: str  # what shoppers read
    count: int


@dataclass(frozen=True)
class SearchResult:
    product_ids: list[int]
    total: int
    backend: str  # "elasticsearch" or "database"
    highlights: dict[int, dict[str, str]] = field(default_factory=dict)  # id → field → HTML with <mark>
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    relaxed: bool = False  # no product had every word: these have all but one
