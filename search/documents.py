"""The product document of the Elasticsearch index (DESIGN §5) and how a product becomes one.

Decisions:

- **One document per public product** (`shops.selectors.product_list_public()`): a product that stops being
  public (unpublished, archived, rejected, its shop suspended, no active variant left) is deleted from the index.
  Everything that changes without a write is stored as a date and compared at query time: the vacation's last
  closed day (`closed_until`) and the halal certificate's expiry (`halal_expires_on`).
- **Analysis is chosen by `SEARCH_ANALYSIS`** when an index is created. The mapping names four analysers
  (`pasar_text`, `pasar_text_search`, `pasar_prefix`, `pasar_prefix_search`) and `index_settings()` defines
  them: "indonesian" adds the Indonesian stop words and stemmer; "standard" (servers without them) only
  lower-cases and folds accents. Synonyms (`SEARCH_SYNONYMS_FILE`) apply at search time, so a document never
  stores them.
- **As-you-type**: `title.prefix` indexes edge n-grams of every word (2 to 20 characters); `suggest` is a
  completion field over the title and each word that begins it, weighted by recency.
- **Numbers**: `price` is the lowest active variant's price (what a card shows first: sorts and price bands),
  `prices` every active variant's (the price filter, like the catalogue's: some variant in range); `rating` is
  the average of the product's reviews (`rating_total / rating_count`, unrounded; 0 without reviews, so unrated
  products sort last), `rating_count` breaks ties between equal averages, `sold_count` is the units sold in
  orders not cancelled. All three are kept on the product by the orders services, which send
  `shops.signals.products_changed`, so the product is reindexed when they move.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from elasticsearch.dsl import Boolean, Completion, Date, Document, Float, Index, Integer, Keyword, Long, Text

from marketplace.core.richtext import rich_text_to_plain
from shops import selectors
from shops.models import Category, ProductVariant

from . import synonyms

ANALYSES = ("indonesian", "standard")
TEXT = {"analyzer": "pasar_text", "search_analyzer": "pasar_text_search"}


class ProductDocument(Document):
    title = Text(
        **TEXT,
        fields={
            "prefix": Text(analyzer="pasar_prefix", search_analyzer="pasar_prefix_search"),
            "raw": Keyword(),
        },
    )
    description = Text(**TEXT)
    category = Keyword()  # slug of the product's category
    category_path = Keyword()  # slugs of the category and all its ancestors: a filter finds the subtree
    category_name = Text(**TEXT)  # names of the category and its ancestors: "kerajinan" finds a basket
    shop_slug = Keyword()
    shop_name = Text(**TEXT, fields={"raw": Keyword()})
    district = Keyword()  # Kemendagri code of the shop's district
    district_name = Keyword()
    regency = Keyword()  # Kemendagri code of the shop's regency
    price = Long()  # the lowest active price: sorts and price bands
    prices = Long()  # every active variant's price: the price range finds a product with any variant in it
    rating = Float()  # the reviews' average, 0 without reviews
    rating_count = Integer()
    sold_count = Integer()
    in_stock = Boolean()  # some active variant has stock
    closed_until = Date()  # the shop's vacation: last closed day (inclusive), absent when open
    badges = Keyword()  # verified legal data: "halal", "pirt", "nib"
    halal_expires_on = Date()  # the halal badge shows only before this day
    created_at = Date()
    suggest = Completion(analyzer="simple", search_analyzer="simple", max_input_length=60)


def index_settings(analysis: str | None = None) -> dict:
    """Index settings: one shard, replicas as the cluster allows, and the analysers the mapping names."""
    analysis = analysis or settings.SEARCH_ANALYSIS
    if analysis not in ANALYSES:
        raise ValueError(f"SEARCH_ANALYSIS must be one of {ANALYSES}, not {analysis!r}")
    language = ["pasar_stop", "pasar_stemmer"] if analysis == "indonesian" else []
    filters = {
        "pasar_synonyms": {"type": "synonym_graph", "synonyms": synonyms.rules(), "lenient": True},
        "pasar_edge": {"type": "edge_ngram", "min_gram": 2, "max_gram": 20},
    }
    if analysis == "indonesian":
        filters["pasar_stop"] = {"type": "stop", "stopwords": "_indonesian_"}
        filters["pasar_stemmer"] = {"type": "stemmer", "language": "indonesian"}
    base = ["lowercase", "asciifolding"]
    return {
        "number_of_shards": 1,
        "auto_expand_replicas": "0-1",
        "analysis": {
            "filter": filters,
            "analyzer": {
                "pasar_text": {"type": "custom", "tokenizer": "standard", "filter": [*base, *language]},
                "pasar_text_search": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": [*base, "pasar_synonyms", *language],
                },
                "pasar_prefix": {"type": "custom", "tokenizer": "standard", "filter": [*base, "pasar_edge"]},
                "pasar_prefix_search": {"type": "custom", "tokenizer": "standard", "filter": base},
            },
        },
    }


def product_index(name: str) -> Index:
    """The (not yet created) index `name` with the product mapping and `index_settings()`."""
    index = Index(name)
    index.settings(**index_settings())
    index.document(ProductDocument)
    return index


def _category_paths() -> dict[int, tuple[str, list[str], list[str]]]:
    """category id → (slug, names and slugs of it and its ancestors), from one query over the (small) tree."""
    categories = list(Category.objects.values_list("pk", "path", "slug", "name"))
    by_path = {path: (slug, name) for _pk, path, slug, name in categories}
    step = Category.steplen
    paths = {pk: [by_path[path[:end]] for end in range(step, len(path) + 1, step)] for pk, path, _s, _n in categories}
    return {
        pk: (slug, [name for _slug, name in paths[pk]], [slug for slug, _name in paths[pk]])
        for pk, _path, slug, _name in categories
    }


def _suggest_inputs(title: str) -> list[str]:
    """The whole title and the title from each later word on, so "kripik" suggests "Keripik Kripik Pedas"."""
    words = title.split()
    return [" ".join(words[index:]) for index in range(min(len(words), 5))]


def _date(value: date | datetime | None):
    return value.isoformat() if value else None


SHOP_FIELDS = (
    "slug",
    "name",
    "district_id",
    "district__name",
    "regency_id",
    "closed_until",
    "halal_verified_at",
    "halal_expires_on",
    "pirt_verified_at",
    "pirt_number",
    "nib_verified_at",
    "nib",
)


def _badges(shop: dict) -> list[str]:
    """The verified badges (`Product.badges` without the expiry, which the query compares with today)."""
    badges = []
    if shop["halal_verified_at"] and shop["halal_expires_on"]:
        badges.append("halal")
    if shop["pirt_verified_at"] and shop["pirt_number"]:
        badges.append("pirt")
    if shop["nib_verified_at"] and shop["nib"]:
        badges.append("nib")
    return badges


def documents_for(product_ids) -> tuple[list[dict], set[int]]:
    """The documents of these products as `_source` dicts with `_id` (public ones), and the ids that are not
    public (or no longer exist) and must be deleted from the index. Three queries, rows read as plain values
    (a rebuild reads 100,000 products)."""
    product_ids = set(product_ids)
    rows = (
        selectors.product_list_public()
        .filter(pk__in=product_ids)
        .prefetch_related(None)
        .order_by()
        .values(
            "pk",
            "title",
            "description",
            "category_id",
            "created_at",
            "sold_count",
            "rating_count",
            "rating_total",
            *(f"shop__{f}" for f in SHOP_FIELDS),
        )
    )
    categories = _category_paths()
    variants: dict[int, list[tuple[int, int]]] = {}
    active = ProductVariant.objects.filter(product_id__in=product_ids, is_active=True)
    for product_id, price, stock in active.values_list("product_id", "price", "stock"):
        variants.setdefault(product_id, []).append((price, stock))
    documents = []
    for row in rows:
        slug, names, path = categories[row["category_id"]]
        shop = {field: row[f"shop__{field}"] for field in SHOP_FIELDS}
        badges = _badges(shop)
        prices = sorted(price for price, _stock in variants.get(row["pk"], ()))
        documents.append(
            {
                "_id": row["pk"],
                "title": row["title"],
                "description": rich_text_to_plain(row["description"]),
                "category": slug,
                "category_path": path,
                "category_name": names,
                "shop_slug": shop["slug"],
                "shop_name": shop["name"],
                "district": shop["district_id"],
                "district_name": shop["district__name"],
                "regency": shop["regency_id"],
                "price": prices[0] if prices else None,
                "prices": prices,
                "rating": row["rating_total"] / row["rating_count"] if row["rating_count"] else 0.0,
                "rating_count": row["rating_count"],
                "sold_count": row["sold_count"],
                "in_stock": any(stock > 0 for _price, stock in variants.get(row["pk"], ())),
                "closed_until": _date(shop["closed_until"]),
                "badges": badges,
                "halal_expires_on": _date(shop["halal_expires_on"]) if "halal" in badges else None,
                "created_at": _date(row["created_at"]),
                "suggest": {"input": _suggest_inputs(row["title"]), "weight": _recency_weight(row["created_at"])},
            }
        )
    found = {document["_id"] for document in documents}
    return documents, product_ids - found


def _recency_weight(created_at: datetime) -> int:
    """Newer products first among equal suggestions: days since 2020, capped to the completion's int range."""
    return max(1, min((created_at.date() - date(2020, 1, 1)).days, 2**31 - 1))


def public_product_ids():
    """Every public product's id, in id order (what a full reindex loads)."""
    return selectors.product_list_public().prefetch_related(None).order_by("pk").values_list("pk", flat=True)
