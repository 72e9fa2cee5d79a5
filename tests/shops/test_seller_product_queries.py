"""Query budgets of the seller's product list: the same number of queries for 3 products as for 15, with or
without search and filters, and for the htmx row answer of the quick edit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shops.models import ShopMember
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)

LIST = "/penjual/produk/"
# Session, user, verified email, membership, category tree (the filter's select), count, products, variants,
# main photos, and the header's two permission reads; a category filter reads the category's tree path too.
LIST_QUERIES = 11


def add_products(shop, category, count: int) -> None:
    for _ in range(count):
        product = ProductFactory(shop=shop, category=category, title="Keripik Pisang")
        ProductVariantFactory(product=product, name="500 g", price=27_000, stock=2)
        ProductImageFactory(product=product, position=0, is_main=True)
        ProductImageFactory(product=product, position=1, is_main=False)


@pytest.fixture
def shop(db):
    return ApprovedShopFactory()


@pytest.fixture
def category(db):
    parent = CategoryFactory(slug="makanan")
    return CategoryFactory(slug="keripik", parent=parent)


@pytest.fixture(params=["owner", "staff"])
def seller(request, shop, client):
    if request.param == "owner":
        user = shop.members.get(role=ShopMember.Role.OWNER).user
    else:
        user = VerifiedUserFactory()
        ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ({}, LIST_QUERIES),
        ({"q": "pisang"}, LIST_QUERIES),
        ({"status": "active", "category": "makanan", "stock": "low"}, LIST_QUERIES + 1),
        ({"q": "SKU", "page": "1"}, LIST_QUERIES),
    ],
)
def test_list_costs_the_same_queries_for_3_and_15_products(
    client, seller, shop, category, query, queries, django_assert_num_queries
):
    add_products(shop, category, 3)
    with django_assert_num_queries(queries):
        response = client.get(LIST, query)
    assert len(response.context["products"]) == 3

    add_products(shop, category, 12)
    with django_assert_num_queries(queries):
        response = client.get(LIST, query)
    assert len(response.context["products"]) == 15
    assert sum(len(product.variants.all()) for product in response.context["products"]) == 30


@pytest.mark.django_db
def test_a_full_page_of_twenty_costs_the_same_as_three(client, seller, shop, category, django_assert_num_queries):
    add_products(shop, category, 45)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"page": "2"})

    assert len(response.context["products"]) == 20


@pytest.mark.django_db
def test_htmx_quick_edit_answer_costs_the_same_whatever_the_number_of_variants(client, seller, shop, category):
    add_products(shop, category, 1)
    product = shop.products.get()
    variant = product.variants.first()

    def quick_edit_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/penjual/produk/{product.pk}/varian/{variant.pk}/cepat/",
                {"price": "16000", "stock": "3"},
                headers={"HX-Request": "true"},
            )
        assert response.status_code == 200
        return len(captured)

    few = quick_edit_queries()
    for index in range(6):
        ProductVariantFactory(product=product, name=f"varian {index}")
    assert quick_edit_queries() == few
