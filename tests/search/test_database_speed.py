"""What keeps the database search backend fast at 100,000 products (search/migrations/0003, bench/search.py):
the indexes exist and a typical query's plan reads them, the stored document follows the product, and a search
costs the same number of queries whatever the page size, sort or page. The timings themselves are in the bench,
not here: a test run's tiny catalogue says nothing about them."""

import pytest
from django.db import connection, transaction

from search.backends import database
from search.backends.database import DatabaseBackend
from search.query import SearchQuery
from shops.models import Product, ProductVariant
from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db

INDEXES = {
    "shops_product_search_document",
    "shops_product_title_trgm",
    "shops_shop_name_search",
    "shops_variant_active_product",
}


@pytest.fixture
def catalogue():
    """Thirty public coffees and snacks over two shops, with one variant each."""
    food = CategoryFactory(name="Makanan", slug="makanan")
    shops = [ApprovedShopFactory(name="Warung Made"), ApprovedShopFactory(name="Dapur Ayu")]
    for number in range(30):
        product = ProductFactory(
            title=f"{'Kopi Arabika' if number % 2 else 'Kripik Pisang'} {number}",
            description="<p>Buatan rumahan dari Bali.</p>",
            shop=shops[number % 2],
            category=food,
            variant=None,
        )
        ProductVariantFactory(product=product, price=10_000 + 1_000 * number)


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_postgres_has_the_search_indexes_and_the_stored_document(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(INDEXES)])
        found = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'shops_product' AND column_name = 'search_document'"
        )
        generated = cursor.fetchone()

    assert found == INDEXES
    assert generated == ("ALWAYS",)


@pytest.fixture
def many_products():
    """Two thousand public snacks and one durian cake, written in bulk and analysed, so the planner sees a
    catalogue where a rare word is worth an index lookup."""
    food = CategoryFactory(name="Makanan", slug="makanan")
    shop = ApprovedShopFactory(name="Warung Made")
    titles = [f"Kripik Pisang {number}" for number in range(2000)] + ["Dodol Durian Medan"]
    products = Product.objects.bulk_create(
        Product(
            shop=shop,
            category=food,
            title=title,
            slug=f"produk-{number}",
            description="<p>Buatan rumahan.</p>",
            status=Product.Status.ACTIVE,
            moderation=Product.Moderation.APPROVED,
            weight_grams=250,
        )
        for number, title in enumerate(titles)
    )
    ProductVariant.objects.bulk_create(
        ProductVariant(product=product, shop=shop, sku=f"SKU-{product.pk}", price=10_000, stock=5)
        for product in products
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shops_product")
        cursor.execute("ANALYZE shops_productvariant")


@pytest.mark.parametrize(("text", "index"), [("durian", "search_document"), ("dodol durain", "title_trgm")])
def test_postgres_a_typical_query_reads_the_gin_indexes(postgres, many_products, text, index):
    query = SearchQuery(text=text)
    # The words' match alone (without the public filters, which have B-tree indexes of their own): every branch of
    # it must be an index condition, or the whole catalogue is read.
    sql, params = database._match_query(Product.objects.all(), text, ranked=True).query.sql_with_params()
    with transaction.atomic():
        database._set_word_similarity(database.TYPO_SIMILARITY)
        with connection.cursor() as cursor:  # small enough to read whole
            cursor.execute("SET LOCAL enable_seqscan = off")
        explained = plan(sql, params)
    found = DatabaseBackend().search(query)

    assert "BitmapOr" in explained
    assert f"Bitmap Index Scan on shops_product_{index}" in explained
    assert "Seq Scan on shops_product " not in explained
    assert list(Product.objects.filter(pk__in=found.product_ids).values_list("title", flat=True)) == [
        "Dodol Durian Medan"
    ]


def test_postgres_the_stored_document_follows_the_title(postgres, catalogue):
    product = Product.objects.filter(title__startswith="Kripik").first()
    Product.objects.filter(pk=product.pk).update(title="Dodol Durian")

    assert DatabaseBackend().search(SearchQuery(text="durian")).product_ids == [product.pk]
    assert product.pk not in DatabaseBackend().search(SearchQuery(text="kripik")).product_ids


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "kopi", "page_size": 1},
        {"text": "kopi", "page_size": 24},
        {"text": "kopi arabika", "page": 3, "page_size": 4},
        {"text": "kopi", "sort": "price_asc", "page_size": 24},
        {"text": "kripik", "sort": "newest", "page_size": 2},
    ],
)
def test_a_search_costs_the_same_queries_whatever_the_page_size_sort_or_page(
    catalogue, kwargs, django_assert_num_queries
):
    # PostgreSQL: the typo threshold, the one match (facet columns included), the page's texts, the category names
    # and the matched shops. SQLite: the grouped facet counts (their sum is the total), the page, the category
    # names and the matched shops.
    expected = 5 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(expected):
        result = DatabaseBackend().search(SearchQuery(**kwargs))

    assert result.total == 15
    assert 0 < len(result.product_ids) <= kwargs["page_size"]
    assert set(result.facets) == {"category", "district", "price", "badge", "shop"}
