"""The database search backend: the same `SearchQuery` → `SearchResult` as Elasticsearch, from the database.

It serves the demo (no Elasticsearch configured) and answers whenever Elasticsearch cannot. Decisions:

- **What may be found** is `shops.selectors.product_list_public()`: the storefront's own rule, so a product
  found here is always one its page shows.
- **Words on PostgreSQL**: full text search with the built-in `indonesian` configuration (Snowball stemming:
  "keripiknya" finds "keripik") over the title (weight A), the shop's name (B) and the description (C),
  queried with `websearch_to_tsquery` (quotes and "-word" work as people expect), OR a trigram word
  similarity of the title above `TYPO_SIMILARITY` (pg_trgm), which forgives typos ("kripik pedes"). Ranked by
  the full text rank plus the similarity, so exact matches stay on top.
- **Words on SQLite** (the demo): every word must appear in the title, the description or the shop's name
  (case-insensitive); no stemming, no typo tolerance.
- **Facets** count the products matching the words and every filter: category, district, price band (on the
  lowest active price), verified badges and the ten biggest shops.
- **Highlights** are made here, in Python, on the title and a 160-character excerpt of the description:
  the text is escaped first, then each query word is wrapped in `<mark>`.
- **Sorts** "best_selling" and "rating" are the newest first until orders and reviews exist (the catalogue
  pages do the same).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import (
    SearchQuery as PgSearchQuery,
)
from django.contrib.postgres.search import (
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

from marketplace.core.richtext import rich_text_to_plain
from shops import selectors
from shops.models import Category, Product, ProductVariant

from ..labels import badge_label, price_band_label
from ..query import BADGES, PRICE_BANDS, SHOP_FACET_SIZE, FacetBucket, SearchQuery, SearchResult, price_band_key

NAME = "database"
TEXT_CONFIG = "indonesian"
TYPO_SIMILARITY = 0.4
EXCERPT_LENGTH = 160
WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _lowest_price() -> Subquery:
    return Subquery(
        ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True).order_by("price").values("price")[:1]
    )


def _filtered(query: SearchQuery) -> QuerySet:
    """The public products narrowed by every filter except the words (an unknown category or shop finds none)."""
    category_ids = None
    if query.category:
        category_ids = list(selectors.category_with_descendants(slug=query.category).values_list("pk", flat=True))
        if not category_ids:
            return selectors.product_list_public().none()
    products = selectors.product_list_public_filtered(
        category_ids=category_ids,
        min_price=query.min_price,
        max_price=query.max_price,
        district_code=query.district or None,
        badges=query.badges,
        in_stock=query.in_stock,
    )
    if query.shop:
        products = products.filter(shop__slug=query.shop)
    return products


def _matched(products: QuerySet, text: str) -> QuerySet:
    """Narrow to the products matching the words and annotate `relevance` (higher is better)."""
    words = _words(text)
    if not words:
        return products.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config=TEXT_CONFIG)
            + SearchVector("shop__name", weight="B", config=TEXT_CONFIG)
            + SearchVector("description", weight="C", config=TEXT_CONFIG)
        )
        terms = PgSearchQuery(text, config=TEXT_CONFIG, search_type="websearch")
        products = products.annotate(rank=SearchRank(vector, terms), document=vector)
        # Every word must be found, stemmed (full text) or misspelt (trigram similarity to a word of the title);
        # or the whole query matches as full text (which also drops stop words such as "dan").
        every_word = Q()
        similarities = []
        for index, word in enumerate(words):
            name = f"similarity_{index}"
            products = products.annotate(**{name: TrigramWordSimilarity(word, "title")})
            similarities.append(Coalesce(F(name), 0.0))
            every_word &= Q(document=PgSearchQuery(word, config=TEXT_CONFIG)) | Q(**{f"{name}__gte": TYPO_SIMILARITY})
        similarity = sum(similarities[1:], similarities[0]) / len(similarities)
        return products.filter(Q(document=terms) | every_word).annotate(relevance=Coalesce(F("rank"), 0.0) + similarity)
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(description__icontains=word) | Q(shop__name__icontains=word)
    return products.filter(condition).annotate(relevance=Value(0.0, output_field=FloatField()))


def _sorted(products: QuerySet, sort: str) -> QuerySet:
    if sort == "relevance":
        return products.order_by("-relevance", "-created_at", "-pk")
    if sort in ("price_asc", "price_desc"):
        products = products.annotate(price_from=_lowest_price())
        direction = "" if sort == "price_asc" else "-"
        return products.order_by(f"{direction}price_from", "-created_at", "-pk")
    return products.order_by("-created_at", "-pk")  # newest; best selling and rating until orders and reviews


def _facets(products: QuerySet) -> dict[str, list[FacetBucket]]:
    # The facets count plain rows, without the list's annotations, joins and prefetches.
    base = Product.objects.filter(pk__in=products.order_by().values("pk"))
    categories = {category.pk: category for category in Category.objects.all()}
    by_category = base.values("category_id").annotate(count=Count("pk")).order_by("-count", "category_id")
    by_district = (
        base.exclude(shop__district__isnull=True)
        .values("shop__district_id", "shop__district__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "shop__district__name")
    )
    by_shop = (base.values("shop__slug", "shop__name").annotate(count=Count("pk")).order_by("-count", "shop__name"))[
        :SHOP_FACET_SIZE
    ]
    badge_counts = base.aggregate(**{badge: Count("pk", filter=selectors.badge_q(badge)) for badge in BADGES})
    priced = base.annotate(price_from=_lowest_price())
    band_counts = priced.aggregate(
        **{
            price_band_key(low, high): Count(
                "pk", filter=Q(price_from__gte=low) & (Q(price_from__lt=high) if high is not None else Q())
            )
            for low, high in PRICE_BANDS
        }
    )
    return {
        "category": [
            FacetBucket(categories[row["category_id"]].slug, categories[row["category_id"]].name, row["count"])
            for row in by_category
            if row["category_id"] in categories
        ],
        "district": [
            FacetBucket(row["shop__district_id"], row["shop__district__name"], row["count"]) for row in by_district
        ],
        "price": [
            FacetBucket(key, price_band_label(low, high), band_counts[key])
            for low, high in PRICE_BANDS
            if band_counts[key := price_band_key(low, high)]
        ],
        "badge": [
            FacetBucket(badge, badge_label(badge), badge_counts[badge]) for badge in BADGES if badge_counts[badge]
        ],
        "shop": [FacetBucket(row["shop__slug"], row["shop__name"], row["count"]) for row in by_shop],
    }


def highlight(text: str, words: list[str]) -> str:
    """`text` escaped, with every occurrence of a query word (case-insensitive, at a word start) in `<mark>`."""
    escaped = escape(text)
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile(r"\b(" + "|".join(re.escape(escape(word)) for word in words) + r")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))  # noqa: S308 - escaped above, only <mark> added


def _excerpt(text: str, words: list[str]) -> str:
    """About `EXCERPT_LENGTH` characters of `text` around the first query word (from the start without one)."""
    lowered = text.lower()
    first = min((index for word in words if (index := lowered.find(word)) >= 0), default=0)
    start = max(0, first - EXCERPT_LENGTH // 3)
    excerpt = text[start : start + EXCERPT_LENGTH]
    return ("…" if start else "") + excerpt + ("…" if start + EXCERPT_LENGTH < len(text) else "")


def _suggestions(text: str) -> list[str]:
    """A spelling suggestion when nothing matched (PostgreSQL): the public title most similar to the words."""
    words = _words(text)
    if not words or connection.vendor != "postgresql":
        return []
    best = (
        selectors.product_list_public()
        .prefetch_related(None)
        .annotate(similarity=TrigramWordSimilarity(" ".join(words), "title"))
        .filter(similarity__gte=0.3)
        .order_by("-similarity", "-created_at")
        .values_list("title", flat=True)
        .first()
    )
    return [best] if best else []


SUGGESTION_LIMIT = 8


class DatabaseBackend:
    name = NAME

    def suggest(self, prefix: str, *, limit: int = SUGGESTION_LIMIT) -> list[str]:
        """Titles of public products with a word starting with what the shopper typed so far, newest first,
        each once (as-you-type; typos are not forgiven here: the search itself does that)."""
        words = _words(prefix)
        if not words:
            return []
        condition = Q()
        for word in words:  # every word typed so far begins a word of the title
            condition &= Q(title__istartswith=word) | Q(title__icontains=f" {word}")
        titles = (
            selectors.product_list_public()
            .prefetch_related(None)
            .filter(condition)
            .order_by("-created_at", "-pk")
            .values_list("title", flat=True)[: limit * 3]
        )
        return list(dict.fromkeys(titles))[:limit]

    def search(self, query: SearchQuery) -> SearchResult:
        matched = _matched(_filtered(query), query.text)
        total = matched.count()
        page = list(
            _sorted(matched, query.effective_sort)
            .prefetch_related(None)
            .values_list("pk", "title", "description")[query.offset : query.offset + query.page_size]
        )
        words = _words(query.text)
        highlights = {
            pk: {
                "title": highlight(title, words),
                "description": highlight(_excerpt(rich_text_to_plain(description), words), words),
            }
            for pk, title, description in page
        }
        return SearchResult(
            product_ids=[pk for pk, _title, _description in page],
            total=total,
            backend=NAME,
            highlights=highlights,
            facets=_facets(matched) if total else {},
            suggestions=_suggestions(query.text) if not total else [],
        )
