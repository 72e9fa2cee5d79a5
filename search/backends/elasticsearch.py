"""The Elasticsearch search backend: the same `SearchQuery` → `SearchResult` as the database backend, from the
product index (`search.documents`) behind `SEARCH_INDEX_ALIAS`.

Decisions:

- **Errors are not caught**: an unreachable, slow or failing server raises the client's exceptions
  (`elasticsearch.ApiError`, `ConnectionError`, `ConnectionTimeout`, ...); `search.service` catches them and
  answers from the database instead. One request per search (hits, total, facets and highlights together),
  a second one only for a spelling suggestion when nothing matched. The database is asked once, for the
  category facet's names (a constant number of queries, whatever the page).
- **Words**: every word must match, so "kopi bali" does not list every coffee. A bool `should` (one must
  match) of (a) the exact words across fields (`cross_fields`, operator and: a word may be in the title,
  the shop's name, the category's name or the description), boosted the most; (b) each word in some field
  with typos forgiven (`fuzziness` AUTO, the first letter kept), boosted less, so exact matches stay on top;
  (c) the words beginning words of the title (`title.prefix`: as-you-type), boosted least. No words: every
  product matches and the newest come first (`SearchQuery.effective_sort`).
- **Filters** are the database backend's: the category and its descendants (`category_path`), shop,
  district, price range (some active variant's price in it: `prices`), verified badges (halal only before
  `halal_expires_on`) and "in stock" (some stock and the shop not on vacation today: `closed_until` absent
  or before today). Dates that change without a write are compared with the site's today (`timezone.localdate()`).
- **Facets** count the products matching the words and every filter, with the database backend's keys,
  labels and order: categories, districts and shops by count, then by category id, district name and shop
  name (the server sends every bucket, up to `ALL_BUCKETS`, and the order and the shops' top ten are made
  here); price bands and badges in their fixed order, empty ones left out.
- **Highlights** come from the server (`<mark>`, HTML encoder): the whole title and one fragment of about
  `EXCERPT_LENGTH` characters of the description, with "…" where it was cut. The text between the marks is
  unescaped and escaped again here, so the HTML is safe whatever the server sent. A field without a
  highlight gets the database backend's (`highlight`) on the stored text.
- **Most words**: when no product has every word, the products with all but one are answered (`relaxed`),
  as the database backend does.
- **Spelling suggestion** ("did you mean", when nothing matched words): the title of the best product
  matching most words with up to two typos each, like the database backend's most similar title.
- **As-you-type** (`suggest`), in one request: titles from the completion field (the title or its end
  beginning with what was typed, newest first), then titles with a word beginning with each typed word
  (`title.prefix`, newest first), each title once. The completion's `skip_duplicates` compares the matched
  text, not the title, so a title it skips still comes from the `title.prefix` match.
"""

from __future__ import annotations

import dataclasses
import re
from html import unescape

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from elasticsearch.dsl import A, Q, Search

from shops.models import Category

from ..client import get_client
from ..labels import badge_label, price_band_label
from ..query import BADGES, PRICE_BANDS, SHOP_FACET_SIZE, FacetBucket, SearchQuery, SearchResult, price_band_key
from .database import EXCERPT_LENGTH, highlight

NAME = "elasticsearch"
TEXT_FIELDS = ["title^3", "shop_name^1.5", "category_name", "description"]
ALL_BUCKETS = 1000  # categories, districts and shops facets: every bucket, ordered and cut here
SUGGESTION_LIMIT = 8
MARK = re.compile(r"(</?mark>)")
WORD = re.compile(r"\w+", re.UNICODE)
SORTS = {
    "relevance": [{"_score": "desc"}],
    "newest": [],
    "price_asc": [{"price": "asc"}],
    "price_desc": [{"price": "desc"}],
    "best_selling": [{"sold_count": "desc"}],
    "rating": [{"rating": "desc"}, {"rating_count": "desc"}],
}


def _search() -> Search:
    return Search(using=get_client(), index=settings.SEARCH_INDEX_ALIAS)


def _today() -> str:
    return timezone.localdate().isoformat()


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _text_query(text: str, minimum: int | None = None) -> Q:
    """Every word (or, with `minimum`, at least that many words) exactly, with typos, or beginning a title word."""
    words = _words(text)
    if not words:
        return Q("match_all")
    phrase = " ".join(words)
    how_many = {"operator": "and"} if minimum is None else {"operator": "or", "minimum_should_match": minimum}
    exact = Q("multi_match", query=phrase, fields=TEXT_FIELDS, type="cross_fields", boost=3, **how_many)
    each_word = [
        Q(
            "multi_match",
            query=word,
            fields=TEXT_FIELDS,
            fuzziness="AUTO",
            prefix_length=1,
            operator="and",
            zero_terms_query="all",  # a stop word alone must not fail the whole query
        )
        for word in words
    ]
    typos = Q("bool", must=each_word) if minimum is None else Q("bool", should=each_word, minimum_should_match=minimum)
    as_you_type = Q("match", title__prefix={"query": phrase, "boost": 0.5, **how_many})
    return Q("bool", should=[exact, typos, as_you_type], minimum_should_match=1)


def _badge_q(badge: str) -> Q:
    """The product shows the badge: verified (indexed), and for halal a certificate not yet expired today."""
    if badge == "halal":
        return Q("bool", filter=[Q("term", badges="halal"), Q("range", halal_expires_on={"gt": _today()})])
    return Q("term", badges=badge)


def _filters(query: SearchQuery) -> list[Q]:
    filters = []
    if query.category:
        filters.append(Q("term", category_path=query.category))
    if query.shop:
        filters.append(Q("term", shop_slug=query.shop))
    if query.district:
        filters.append(Q("term", district=query.district))
    if query.min_price is not None or query.max_price is not None:
        bounds = {"gte": query.min_price, "lte": query.max_price}
        filters.append(Q("range", prices={key: value for key, value in bounds.items() if value is not None}))
    if query.in_stock:
        not_on_vacation = [
            Q("bool", must_not=[Q("exists", field="closed_until")]),
            Q("range", closed_until={"lt": _today()}),
        ]
        filters += [Q("term", in_stock=True), Q("bool", should=not_on_vacation, minimum_should_match=1)]
    filters.extend(_badge_q(badge) for badge in query.badges)
    return filters


def _with_aggregations(search: Search) -> Search:
    search.aggs.bucket("category", A("terms", field="category", size=ALL_BUCKETS))
    search.aggs.bucket("district", A("terms", field="district", size=ALL_BUCKETS)).bucket(
        "name", A("terms", field="district_name", size=1)
    )
    search.aggs.bucket("shop", A("terms", field="shop_slug", size=ALL_BUCKETS)).bucket(
        "name", A("terms", field="shop_name.raw", size=1)
    )
    ranges = [
        {"key": price_band_key(low, high), "from": low, **({"to": high} if high is not None else {})}
        for low, high in PRICE_BANDS
    ]
    search.aggs.bucket("price", A("range", field="price", ranges=ranges))
    search.aggs.bucket("badge", A("filters", filters={badge: _badge_q(badge) for badge in BADGES}))
    return search


def _named_buckets(aggregation) -> list[tuple[str, str, int]]:
    """(key, label from the `name` sub-aggregation, count) of a terms aggregation's buckets."""
    return [
        (bucket.key, bucket.name.buckets[0].key if bucket.name.buckets else bucket.key, bucket.doc_count)
        for bucket in aggregation.buckets
    ]


def _facets(aggregations) -> dict[str, list[FacetBucket]]:
    counts = {bucket.key: bucket.doc_count for bucket in aggregations.category.buckets}
    categories = Category.objects.filter(slug__in=counts).values_list("slug", "pk", "name")
    by_category = sorted(categories, key=lambda row: (-counts[row[0]], row[1]))
    by_district = sorted(_named_buckets(aggregations.district), key=lambda row: (-row[2], row[1]))
    by_shop = sorted(_named_buckets(aggregations.shop), key=lambda row: (-row[2], row[1]))[:SHOP_FACET_SIZE]
    bands = {bucket.key: bucket.doc_count for bucket in aggregations.price.buckets}
    badges = {badge: bucket.doc_count for badge, bucket in aggregations.badge.buckets.to_dict().items()}
    return {
        "category": [FacetBucket(slug, name, counts[slug]) for slug, _pk, name in by_category],
        "district": [FacetBucket(*row) for row in by_district],
        "price": [
            FacetBucket(key, price_band_label(low, high), bands[key])
            for low, high in PRICE_BANDS
            if bands.get(key := price_band_key(low, high))
        ],
        "badge": [FacetBucket(badge, badge_label(badge), badges[badge]) for badge in BADGES if badges.get(badge)],
        "shop": [FacetBucket(*row) for row in by_shop],
    }


def _safe_marked(fragment: str) -> str:
    """The server's highlight with only `<mark>` left as HTML: the text between marks escaped here again."""
    parts = MARK.split(fragment)
    return mark_safe("".join(part if MARK.fullmatch(part) else escape(unescape(part)) for part in parts))  # noqa: S308


def _with_ellipses(fragment: str, text: str) -> str:
    """ "…" before or after a description fragment that does not start or end the text (as the database's)."""
    plain = unescape(MARK.sub("", fragment)).strip()
    text = text.strip()
    return ("…" if not text.startswith(plain) else "") + fragment + ("…" if not text.endswith(plain) else "")


def _opening(text: str) -> str:
    return text[:EXCERPT_LENGTH] + ("…" if len(text) > EXCERPT_LENGTH else "")


def _highlights(hit, words: list[str]) -> dict[str, str]:
    marked, source = hit.meta.to_dict().get("highlight", {}), hit.to_dict()
    title, description = source.get("title", ""), source.get("description", "")
    return {
        "title": _safe_marked(marked["title"][0]) if marked.get("title") else highlight(title, words),
        "description": (
            _safe_marked(_with_ellipses(marked["description"][0], description))
            if marked.get("description")
            else highlight(_opening(description), words)
        ),
    }


def _did_you_mean(text: str) -> list[str]:
    """The title of the product matching most of the words best, up to two typos each (none without words)."""
    words = _words(text)
    if not words:
        return []
    fuzzy = Q(
        "match",
        title={"query": " ".join(words), "fuzziness": 2, "prefix_length": 1, "minimum_should_match": "50%"},
    )
    response = _search().query(fuzzy).source(["title"]).extra(size=1).execute()
    return [response.hits[0].title] if response.hits else []


class ElasticsearchBackend:
    name = NAME

    def search(self, query: SearchQuery) -> SearchResult:
        """Products with every word; when none has them all, those with all words but one (`relaxed`)."""
        result = self._search(query)
        words = _words(query.text)
        if result.total or len(words) < 2:
            return result
        most = self._search(query, minimum=len(words) - 1)
        return dataclasses.replace(most, relaxed=True, suggestions=result.suggestions) if most.total else result

    def _search(self, query: SearchQuery, *, minimum: int | None = None) -> SearchResult:
        search = (
            _search()
            .query(_text_query(query.text, minimum))
            .filter(Q("bool", filter=_filters(query)))
            .sort(*SORTS[query.effective_sort], {"created_at": "desc"})
            .source(["title", "description"])
            .extra(track_total_hits=True)
            .highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
            .highlight("title", number_of_fragments=0)
            .highlight("description", fragment_size=EXCERPT_LENGTH, number_of_fragments=1)
        )[query.offset : query.offset + query.page_size]
        response = _with_aggregations(search).execute()
        total = response.hits.total.value
        words = _words(query.text)
        return SearchResult(
            product_ids=[int(hit.meta.id) for hit in response.hits],
            total=total,
            backend=NAME,
            highlights={int(hit.meta.id): _highlights(hit, words) for hit in response.hits},
            facets=_facets(response.aggregations) if total else {},
            suggestions=_did_you_mean(query.text) if not total else [],
        )

    def suggest(self, prefix: str, *, limit: int = SUGGESTION_LIMIT) -> list[str]:
        """Titles beginning with what the shopper typed so far (newest first), then titles with a word beginning
        with each typed word; each title once (the server may repeat one despite `skip_duplicates`)."""
        words = _words(prefix)
        if not words:
            return []
        typed = " ".join(words)
        response = (
            _search()
            .query(Q("match", title__prefix={"query": typed, "operator": "and"}))
            .sort({"created_at": "desc"})
            .source(["title"])
            .extra(size=limit * 3)
            .suggest("completion", typed, completion={"field": "suggest", "size": limit * 3, "skip_duplicates": True})
            .execute()
        )
        completed = [option.to_dict()["_source"]["title"] for option in response.suggest.completion[0].options]
        matched = [hit.title for hit in response.hits]
        return list(dict.fromkeys(completed + matched))[:limit]
