"""The "rating" and "best_selling" sorts on both search backends and the catalogue pages' selector: by the
reviews' average (unrated last, ties by the number of reviews) and by units sold, the newest first among equals;
and the search documents carrying those numbers."""

import pytest

from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import documents_for
from search.indexing import rebuild_index
from search.query import SearchQuery
from shops.models import Product
from shops.selectors import product_list_public_filtered
from tests.search.catalogue import ids, make_catalogue

pytestmark = pytest.mark.django_db

# (rating_count, rating_total, sold_count)
NUMBERS = {
    "pia": (1, 5, 0),  # 5.0
    "tas": (4, 18, 12),  # 4.5 from four reviews
    "kopi": (2, 9, 0),  # 4.5 from two: after tas
    "topi": (3, 10, 0),  # 3.33
    "keranjang": (0, 0, 30),
    "pisang": (0, 0, 12),  # as many sold as tas, and newer
    "balado": (0, 0, 1),
}
# The catalogue's products were made newest first: balado, pisang, pia, kopi, tas, topi, keranjang, sambal.
BY_RATING = ["pia", "tas", "kopi", "topi", "balado", "pisang", "keranjang", "sambal"]
BY_SOLD = ["keranjang", "pisang", "tas", "balado", "pia", "kopi", "topi", "sambal"]


def rate(products: dict[str, Product]) -> None:
    for name, (count, total, sold) in NUMBERS.items():
        Product.objects.filter(pk=products[name].pk).update(rating_count=count, rating_total=total, sold_count=sold)


@pytest.fixture
def catalogue():
    products = make_catalogue(expired_halal_shop=True)
    rate(products)
    return products


@pytest.fixture
def indexed(search_server, catalogue):
    rebuild_index()
    return catalogue


def names(products, product_ids) -> list[str]:
    by_id = {product.pk: name for name, product in products.items()}
    return [by_id[pk] for pk in product_ids]


@pytest.mark.parametrize(("sort", "expected"), [("rating", BY_RATING), ("best_selling", BY_SOLD)])
def test_the_database_backend_sorts_by_rating_and_by_units_sold(catalogue, sort, expected):
    result = DatabaseBackend().search(SearchQuery(sort=sort))

    assert names(catalogue, result.product_ids) == expected


@pytest.mark.parametrize(
    ("sort", "expected"), [("rating", ["tas", "topi", "keranjang"]), ("best_selling", ["keranjang", "tas", "topi"])]
)
def test_the_database_backend_sorts_what_the_words_found(catalogue, sort, expected):
    # "anyaman": two titles and the shop Anyaman Ayu (the basket). On PostgreSQL the match's rows are sorted.
    result = DatabaseBackend().search(SearchQuery(text="anyaman", sort=sort))

    assert names(catalogue, result.product_ids) == expected


@pytest.mark.parametrize(("sort", "expected"), [("rating", BY_RATING), ("best_selling", BY_SOLD)])
def test_the_elasticsearch_backend_sorts_by_rating_and_by_units_sold(indexed, sort, expected):
    result = ElasticsearchBackend().search(SearchQuery(sort=sort))

    assert names(indexed, result.product_ids) == expected
    assert result.product_ids == DatabaseBackend().search(SearchQuery(sort=sort)).product_ids


@pytest.mark.parametrize(
    ("sort", "expected"), [("rating", ["tas", "topi", "keranjang"]), ("best_selling", ["keranjang", "tas", "topi"])]
)
def test_the_elasticsearch_backend_sorts_what_the_words_found(indexed, sort, expected):
    result = ElasticsearchBackend().search(SearchQuery(text="anyaman", sort=sort))

    assert names(indexed, result.product_ids) == expected


@pytest.mark.parametrize(("sort", "expected"), [("rating", BY_RATING), ("best_selling", BY_SOLD)])
def test_the_catalogue_pages_sort_by_rating_and_by_units_sold(catalogue, sort, expected):
    products = product_list_public_filtered(sort=sort)

    assert names(catalogue, list(products.values_list("pk", flat=True))) == expected


def test_the_category_page_offers_highest_rated(client, catalogue):
    html = client.get("/en/kategori/kerajinan/", {"sort": "rating"}).content.decode()

    assert '<option value="rating" selected>Highest rated</option>' in html
    assert html.index("Tas Anyaman Rotan") < html.index("Topi Anyaman Pandan") < html.index("Keranjang Rotan Kecil")


def test_documents_carry_the_average_the_number_of_reviews_and_units_sold(catalogue):
    documents, _gone = documents_for(ids(catalogue["topi"], catalogue["keranjang"]))

    by_id = {document["_id"]: document for document in documents}
    topi, keranjang = by_id[catalogue["topi"].pk], by_id[catalogue["keranjang"].pk]
    assert (topi["rating"], topi["rating_count"], topi["sold_count"]) == (10 / 3, 3, 0)
    assert (keranjang["rating"], keranjang["rating_count"], keranjang["sold_count"]) == (0.0, 0, 30)
