"""The database search backend: the same `SearchQuery` → `SearchResult` as Elasticsearch, from the database.

It serves the demo (no Elasticsearch configured) and answers whenever Elasticsearch cannot. Decisions:

- **What may be found** is `shops.selectors.product_list_public()`: the storefront's own rule, so a product
  found here is always one its page shows.
- **Words on PostgreSQL**: full text search with the built-in `indonesian` configuration (Snowball stemming:
  "keripiknya" finds "keripik") over the title (weight A) and the description (C), and on its own over the shop's
  name, queried with `websearch_to_tsquery` (quotes and "-word" work as people expect), OR a trigram word
  similarity of the title above `TYPO_SIMILARITY` (pg_trgm), which forgives typos ("kripik pedes"). Ranked by
  the full text rank of the title and description plus the similarity, so exact matches stay on top and a
  product found by its shop's name alone comes after those found by their own words.
- **Speed on PostgreSQL** (search/migrations/0003, measured in bench/README.md "Search": a one-word search over
  100,000 products went from 45 s to 140 ms at the median): the title and description vector is a stored,
  GIN-indexed column (`DOCUMENT_SQL`, not a model field: PostgreSQL only); the typo match is the indexed
  `title %> word` operator at `TYPO_SIMILARITY` (set for the query's transaction); the shops whose name matches
  are an init plan on the shops' own GIN index; so every branch of the match is a bitmap index scan. The words
  are matched once per search: one query returns every matched product's id, relevance, age, category, shop and
  lowest price; the page is sorted and cut in Python, and the facets are counted there too (plus one query for
  the matched shops' names, districts and badges) instead of matching again in four aggregate queries.
- **Words on SQLite** (the demo): every word must appear in the title, the description or the shop's name
  (case-insensitive); no stemming, no typo tolerance.
- **Synonyms** (`search.synonyms`, the file Elasticsearch reads too): on both databases a word, or a run of
  words that is a phrase of a rule ("palm sugar"), is also found as any of its synonyms ("gula aren").
- **Most words**: when no product has every word, the products with all but one are shown (`relaxed`), those
  with more of the words first: "tas anyaman rotan" finds the woven bags and the rattan lamps.
- **In stock** means buyable today: some active variant has stock and the shop is not on vacation.
- **Facets** count the products matching the words and every filter: category, district, price band (on the
  lowest active price), verified badges and the ten biggest shops. They are counted in Python from
  (category, shop, price band, count) groups: the match's rows with words on PostgreSQL, otherwise one grouped
  query, whose sum is also the total (at 100,000 products a search without words went from 0.84 s to 0.52 s).
- **Highlights** are made here, in Python, on the title and a 160-character excerpt of the description:
  the text is escaped first, then each query word is wrapped in `<mark>`.
- **Sorts** as the catalogue pages (`shops.selectors.product_list_public_filtered`) and the Elasticsearch
  backend do: "best_selling" by units sold, "rating" by the reviews' average (`rating_total / rating_count`,
  unrated products last) then by the number of reviews; the newest first among equals.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from fractions import Fraction
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery as PgSearchQuery,
)
from django.contrib.postgres.search import (
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from marketplace.core.richtext import rich_text_to_plain
from shops import selectors
from shops.models import Category, Product, ProductVariant, Shop

from .. import synonyms
from ..labels import badge_label, price_band_label
from ..query import BADGES, PRICE_BANDS, SHOP_FACET_SIZE, FacetBucket, SearchQuery, SearchResult, price_band_key

NAME = "database"
TEXT_CONFIG = "indonesian"
TYPO_SIMILARITY = 0.4
SUGGESTION_SIMILARITY = 0.3
# The stored title (A) + description (C) vector search/migrations/0003 adds to shops_product (PostgreSQL only). Read
# by name in the top-level query of `_match_query` only: a subquery would rename the table.
DOCUMENT_SQL = '"shops_product"."search_document"'
EXCERPT_LENGTH = 160
# The creation time as seconds since the epoch: orders as the timestamp does (float8 keeps microseconds apart),
# and thousands of rows load as floats, not as time zone aware datetimes (a third of a search's time).
CREATED_EPOCH = Func(F("created_at"), template="EXTRACT(EPOCH FROM %(expressions)s)::float8", output_field=FloatField())
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
    if query.in_stock:  # buyable today: not in a shop on vacation (`Shop.closed_until` is the last closed day)
        products = products.exclude(shop__closed_until__gte=timezone.localdate())
    return products


def _matched(products: QuerySet, text: str, *, minimum: int | None = None) -> QuerySet:
    """Narrow to the products matching the words (every one, or at least `minimum` of them) and annotate
    `relevance` (higher is better): SQLite, or no words."""
    words = _words(text)
    if not words:
        return products.annotate(relevance=Value(0.0, output_field=FloatField()))
    conditions = []
    for phrases in synonyms.expand(words):  # each word (or a synonym of it) in some field
        found = Q()
        for phrase in phrases:
            every = Q()
            for word in phrase:
                every &= Q(title__icontains=word) | Q(description__icontains=word) | Q(shop__name__icontains=word)
            found |= every
        conditions.append(found)
    products = _with_units(products, conditions, minimum)
    if minimum is None:
        return products.annotate(relevance=Value(0.0, output_field=FloatField()))
    return products.annotate(relevance=ExpressionWrapper(F("units_found") * 1.0, output_field=FloatField()))


def _with_units(products: QuerySet, conditions: list[Q], minimum: int | None) -> QuerySet:
    """Products meeting every condition, or (`minimum`) at least that many of them, counted as `units_found`."""
    if minimum is None:
        return products.filter(reduce(and_, conditions))
    found = sum((Case(When(condition, then=Value(1)), default=Value(0)) for condition in conditions), Value(0))
    return products.filter(reduce(or_, conditions)).annotate(units_found=found).filter(units_found__gte=minimum)


def _set_word_similarity(threshold: float) -> None:
    """The threshold of `%>` (pg_trgm) for the rest of the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(threshold)])


def _shop_named(terms: PgSearchQuery) -> Func:
    """`shop_id = ANY(ARRAY(<ids of the shops whose name matches>))`: an init plan on the small shop table (GIN
    index on the name), then an index condition on the products, so it can join a bitmap OR."""
    shops = Shop.objects.annotate(document=SearchVector("name", config=TEXT_CONFIG)).filter(document=terms)
    return Func(
        F("shop_id"),
        Subquery(shops.values("pk")),
        template="%(expressions)s)",
        arg_joiner=" = ANY(ARRAY",
        output_field=BooleanField(),
    )


def _match_query(products: QuerySet, text: str, *, ranked: bool, minimum: int | None = None) -> QuerySet:
    """PostgreSQL: (id, relevance, creation epoch, category id, shop id, lowest price, units sold, number of
    ratings, sum of ratings) of every product matching the words, in one indexed query (run it with `_match_ids`:
    `%>` needs its threshold).

    Every word must be found, stemmed (full text in the title and description, or in the shop's name) or misspelt
    (trigram word similarity to the title); or the whole query matches the title and description, or the shop's
    name, as full text (which also drops stop words such as "dan", and honours quotes and "-word"). With `minimum`,
    at least that many words. Relevance: the full text rank of the title and description plus the mean
    similarity (plus the number of words found, with `minimum`)."""
    words = _words(text)
    terms = PgSearchQuery(text, config=TEXT_CONFIG, search_type="websearch")
    document = RawSQL(DOCUMENT_SQL, [], output_field=SearchVectorField())  # noqa: S611 - a constant column name
    products = products.annotate(document=document)
    conditions = []
    units = synonyms.expand(words)
    for phrases in units:
        found = Q()
        for phrase in phrases:  # the word itself first, then its synonyms (search/synonyms.txt)
            phrase_query = PgSearchQuery(" ".join(phrase), config=TEXT_CONFIG)
            found |= Q(document=phrase_query) | Q(_shop_named(phrase_query))
        if len(phrases[0]) == 1:  # a word as typed may be misspelt
            found |= Q(TrigramWordSimilar(F("title"), phrases[0][0]))
        conditions.append(found)
    if minimum is None:
        products = products.filter(Q(document=terms) | Q(_shop_named(terms)) | reduce(and_, conditions))
    else:
        products = _with_units(products, conditions, minimum)
    if ranked:
        similarities = [Coalesce(TrigramWordSimilarity(word, "title"), 0.0) for word in words]
        similarity = sum(similarities[1:], similarities[0]) / len(similarities)
        relevance = Coalesce(SearchRank(F("document"), terms), 0.0) + similarity
        if any(len(phrases) > 1 for phrases in units):  # found through a synonym: rank by the synonyms too
            relevance = relevance + Coalesce(SearchRank(F("document"), _any_phrase_of_each(units)), 0.0)
        if minimum is not None:  # most words: those with more of them first
            relevance = relevance + F("units_found")
    else:
        relevance = Value(0.0, output_field=FloatField())
    return (
        products.annotate(relevance=relevance)
        .order_by()
        .prefetch_related(None)
        .values_list(
            "pk",
            "relevance",
            CREATED_EPOCH,
            "category_id",
            "shop_id",
            _lowest_price(),
            "sold_count",
            "rating_count",
            "rating_total",
        )
    )


def _any_phrase_of_each(units: list[list[tuple[str, ...]]]) -> PgSearchQuery:
    """The full text query "one of each unit's phrases" (the words as typed, or their synonyms)."""
    unit_queries = []
    for phrases in units:
        alternatives = [PgSearchQuery(" ".join(phrase), config=TEXT_CONFIG) for phrase in phrases]
        unit_queries.append(reduce(or_, alternatives))
    return reduce(and_, unit_queries)


def _match_ids(products: QuerySet, text: str, *, ranked: bool, minimum: int | None = None) -> list[tuple]:
    with transaction.atomic(savepoint=False):  # inside a request's transaction: no savepoint
        _set_word_similarity(TYPO_SIMILARITY)
        return list(_match_query(products, text, ranked=ranked, minimum=minimum))


def _sorted(products: QuerySet, sort: str) -> QuerySet:
    if sort == "relevance":
        return products.order_by("-relevance", "-created_at", "-pk")
    if sort in ("price_asc", "price_desc"):
        products = products.annotate(price_from=_lowest_price())
        direction = "" if sort == "price_asc" else "-"
        return products.order_by(f"{direction}price_from", "-created_at", "-pk")
    if sort in ("best_selling", "rating"):
        return selectors.product_sort(products, sort)
    return products.order_by("-created_at", "-pk")  # newest


def _band(price: int | None) -> str | None:
    for low, high in PRICE_BANDS:
        if price is not None and price >= low and (high is None or price < high):
            return price_band_key(low, high)
    return None


def _facet_groups(matched: QuerySet) -> list[tuple]:
    """(category, shop, price band, count) of the matched products, grouped in the database: the facets of a
    search without words (up to the whole catalogue) from a few thousand groups. PostgreSQL groups by the band
    (`width_bucket` of the lowest price, computed once per product); SQLite (the demo) by the price itself."""
    price = _lowest_price()
    if connection.vendor == "postgresql":
        bounds = ",".join(str(low) for low, _high in PRICE_BANDS[1:])
        price = Func(price, template=f"width_bucket(%(expressions)s, ARRAY[{bounds}])", output_field=IntegerField())
    groups = (
        matched.order_by()
        .prefetch_related(None)
        .annotate(price_key=price)
        .values("category_id", "shop_id", "price_key")
        .annotate(count=Count("pk"))
        .values_list("category_id", "shop_id", "price_key", "count")
    )
    if connection.vendor == "postgresql":
        keys = [price_band_key(low, high) for low, high in PRICE_BANDS]
        return [
            (category, shop, keys[bucket] if bucket is not None else None, n) for category, shop, bucket, n in groups
        ]
    return [(category, shop, _band(price), n) for category, shop, price, n in groups]


def _facets_of_rows(rows: list[tuple]) -> dict[str, list[FacetBucket]]:
    """The facets of the match's rows (id, relevance, epoch, category, shop, lowest price), counted in Python."""
    groups = Counter((row[3], row[4], _band(row[5])) for row in rows)
    return _facets_of([(*key, count) for key, count in groups.items()])


def _facets_of(groups: list[tuple]) -> dict[str, list[FacetBucket]]:
    """The facets, counted in Python from (category, shop, price band, count) groups and one query for their
    shops: a few thousand groups count faster here than in four aggregate queries."""
    categories = {category.pk: category for category in Category.objects.all()}
    badges = {
        f"has_{badge}": ExpressionWrapper(selectors.badge_q(badge, prefix=""), BooleanField()) for badge in BADGES
    }
    shops = {
        shop[0]: shop
        for shop in Shop.objects.filter(pk__in={group[1] for group in groups})
        .annotate(**badges)
        .order_by()
        .values_list("pk", "slug", "name", "district_id", "district__name", *badges)
    }
    by_category, by_shop, bands = Counter(), Counter(), Counter()
    for category_id, shop_id, band, count in groups:
        by_category[category_id] += count
        by_shop[shop_id] += count
        if band is not None:
            bands[band] += count
    by_district = Counter()
    by_badge = Counter()
    for shop_id, count in by_shop.items():
        _pk, _slug, _name, district_id, _district_name, *flags = shops[shop_id]
        if district_id is not None:
            by_district[district_id] += count
        by_badge.update({badge: count for badge, flag in zip(BADGES, flags, strict=True) if flag})
    district_names = {shop[3]: shop[4] for shop in shops.values()}
    return {
        "category": [
            FacetBucket(categories[pk].slug, categories[pk].name, count)
            for pk, count in sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
            if pk in categories
        ],
        "district": [
            FacetBucket(code, district_names[code], count)
            for code, count in sorted(by_district.items(), key=lambda item: (-item[1], district_names[item[0]]))
        ],
        "price": [
            FacetBucket(key, price_band_label(low, high), bands[key])
            for low, high in PRICE_BANDS
            if bands[key := price_band_key(low, high)]
        ],
        "badge": [FacetBucket(badge, badge_label(badge), by_badge[badge]) for badge in BADGES if by_badge[badge]],
        "shop": [
            FacetBucket(shops[pk][1], shops[pk][2], count)
            for pk, count in sorted(by_shop.items(), key=lambda item: (-item[1], shops[item[0]][2]))[:SHOP_FACET_SIZE]
        ],
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
    phrase = " ".join(words)
    with transaction.atomic(savepoint=False):  # inside a request's transaction: no savepoint
        _set_word_similarity(SUGGESTION_SIMILARITY)  # the indexed operator, at the suggestion's threshold
        best = (
            selectors.product_list_public()
            .prefetch_related(None)
            .filter(TrigramWordSimilar(F("title"), phrase))
            .annotate(similarity=TrigramWordSimilarity(phrase, "title"))
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
        """Products with every word; when none has them all, those with all words but one (`relaxed`)."""
        result = self._search(query)
        units = len(synonyms.expand(_words(query.text)))
        if result.total or units < 2:
            return result
        most = self._search(query, minimum=units - 1)
        return dataclasses.replace(most, relaxed=True, suggestions=result.suggestions) if most.total else result

    def _search(self, query: SearchQuery, *, minimum: int | None = None) -> SearchResult:
        words = _words(query.text)
        if words and connection.vendor == "postgresql":
            return self._search_indexed(query, words, minimum)
        matched = _matched(_filtered(query), query.text, minimum=minimum)
        groups = _facet_groups(matched)  # the total too: no separate count
        total = sum(group[3] for group in groups)
        page = list(
            _sorted(matched, query.effective_sort)
            .prefetch_related(None)
            .values_list("pk", "title", "description")[query.offset : query.offset + query.page_size]
        )
        facets = _facets_of(groups) if total else {}
        return _result(query, words, page, total, facets)

    def _search_indexed(self, query: SearchQuery, words: list[str], minimum: int | None) -> SearchResult:
        """PostgreSQL with words: match once, then sort, page and count the facets of the matched rows."""
        sort = query.effective_sort
        rows = _match_ids(_filtered(query), query.text, ranked=sort == "relevance", minimum=minimum)
        _sort_rows(rows, sort)
        page_ids = [row[0] for row in rows[query.offset : query.offset + query.page_size]]
        texts = {pk: (title, description) for pk, title, description in _page_texts(page_ids)}
        page = [(pk, *texts[pk]) for pk in page_ids]
        return _result(query, words, page, len(rows), _facets_of_rows(rows) if rows else {})


def _sort_rows(rows: list[tuple], sort: str) -> None:
    """`_sorted`'s order on the match's rows (id, relevance, epoch, category, shop, lowest price, units sold,
    number of ratings, sum of ratings), in place. As PostgreSQL orders: a missing price comes last from the
    cheapest, first from the dearest."""
    if sort == "best_selling":
        rows.sort(key=lambda row: (row[6], row[2], row[0]), reverse=True)
    elif sort == "rating":
        # The average as a fraction compared exactly (no float rounding): unrated (0 reviews) last.
        rows.sort(key=lambda row: (Fraction(row[8], row[7]) if row[7] else -1, row[7], row[2], row[0]), reverse=True)
    elif sort == "price_asc":
        rows.sort(key=lambda row: (row[5] is None, row[5] or 0, -row[2], -row[0]))
    elif sort == "price_desc":
        rows.sort(key=lambda row: (row[5] is None, row[5] or 0, row[2], row[0]), reverse=True)
    else:  # relevance, or (every relevance 0) newest first
        rows.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)


def _page_texts(ids: list[int]) -> list[tuple[int, str, str]]:
    return list(Product.objects.filter(pk__in=ids).order_by().values_list("pk", "title", "description"))


def _result(
    query: SearchQuery, words: list[str], page: list[tuple[int, str, str]], total: int, facets: dict
) -> SearchResult:
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
        facets=facets,
        suggestions=_suggestions(query.text) if not total else [],
    )
