"""`GET /api/v1/search/` as a client uses it: results with highlights, facets, pages, the backend's name, and
bad parameters refused with field errors in the client's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    snacks = CategoryFactory(name="Kripik", slug="kripik")
    shop = ApprovedShopFactory(name="Warung Bu Komang", slug="bu-komang")
    products = []
    for number in range(30):
        product = ProductFactory(
            title=f"Kripik Pisang {number:02d}",
            slug=f"kripik-pisang-{number:02d}",
            shop=shop,
            category=snacks,
            variant=None,
        )
        ProductVariantFactory(product=product, price=10_000 + number * 1_000)
        products.append(product)
    ProductFactory(title="Kopi Bubuk", slug="kopi-bubuk", shop=shop, category=CategoryFactory(slug="kopi"))
    return products


def test_search_answers_products_with_highlights_facets_pages_and_the_backend(catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = APIClient().get("/api/v1/search/", {"q": "pisang", "sort": "price_asc"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 30
    assert body["backend"] == "database"
    assert [hit["slug"] for hit in body["results"]] == [f"kripik-pisang-{number:02d}" for number in range(24)]
    assert body["results"][0]["highlights"]["title"] == "Kripik <mark>Pisang</mark> 00"
    assert body["results"][0]["price_min"] == 10_000
    assert body["next"].endswith("/api/v1/search/?q=pisang&sort=price_asc&page=2")
    assert body["previous"] is None
    assert body["facets"]["category"] == [{"key": "kripik", "label": "Kripik", "count": 30}]
    assert body["suggestions"] == []

    second = APIClient().get(body["next"]).json()
    assert [hit["slug"] for hit in second["results"]] == [f"kripik-pisang-{number:02d}" for number in range(24, 30)]
    assert second["next"] is None


def test_the_query_count_is_the_same_for_one_or_a_full_page(catalogue):
    client = APIClient()
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/search/", {"q": "kopi"}).json()["count"] == 1
    with CaptureQueriesContext(connection) as full_page:
        assert len(client.get("/api/v1/search/", {"q": "pisang"}).json()["results"]) == 24

    assert len(one.captured_queries) == len(full_page.captured_queries) <= 12


def test_bad_parameters_are_refused_with_field_errors_in_the_clients_language(catalogue):
    client = APIClient()

    indonesian = client.get("/api/v1/search/", {"page": "500", "sort": "murah", "min_price": "90000", "max_price": "1"})
    english = client.get("/api/v1/search/", {"page": "0"}, HTTP_ACCEPT_LANGUAGE="en")

    assert indonesian.status_code == 400
    assert indonesian.json()["page"] == ["Pilih halaman dari 1 sampai 100."]
    assert "sort" in indonesian.json()
    assert indonesian.json()["max_price"] == ["Harga tertinggi harus sama dengan atau lebih dari harga terendah."]
    assert english.json() == {"page": ["Choose a page from 1 to 100."]}


def test_search_is_in_the_openapi_schema():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "/api/v1/search/" in schema


def test_suggest_answers_titles_with_a_word_starting_as_typed_each_once(catalogue):
    client = APIClient()

    typed = client.get("/api/v1/search/suggest/", {"q": "kripik pis"}).json()
    one_word = client.get("/api/v1/search/suggest/", {"q": "bub"}).json()
    nothing = client.get("/api/v1/search/suggest/", {"q": "  "}).json()

    assert typed["backend"] == "database"
    assert typed["suggestions"] == [f"Kripik Pisang {number:02d}" for number in range(29, 21, -1)]  # newest 8
    assert one_word["suggestions"] == ["Kopi Bubuk"]
    assert nothing["suggestions"] == []
