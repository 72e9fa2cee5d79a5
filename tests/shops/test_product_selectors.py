"""Catalogue reads: what the storefront may show, and what a shop's members see."""

import pytest

from shops.selectors import (
    product_get_for_member,
    product_get_public,
    product_list_for_shop,
    product_list_public,
)
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import (
    ApprovedShopFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
    ShopMemberFactory,
)


@pytest.mark.django_db
def test_public_list_shows_only_active_approved_products_of_approved_shops():
    shown = ProductFactory(title="Tampil")
    ProductFactory(status="draft", moderation="none")
    ProductFactory(status="archived")
    ProductFactory(moderation="pending")
    ProductFactory(moderation="rejected")
    ProductFactory(variant__is_active=False)
    for shop_status in ("draft", "submitted", "rejected", "suspended"):
        ProductFactory(shop=ShopFactory(status=shop_status))

    assert [product.pk for product in product_list_public()] == [shown.pk]


@pytest.mark.django_db
def test_public_product_by_slug_hides_what_the_storefront_may_not_show():
    shown = ProductFactory(slug="keripik-tampil")
    ProductFactory(slug="keripik-draf", status="draft")
    ProductFactory(slug="keripik-skors", shop=ShopFactory(status="suspended"))

    assert product_get_public(slug="keripik-tampil") == shown
    assert product_get_public(slug="keripik-draf") is None
    assert product_get_public(slug="keripik-skors") is None
    assert product_get_public(slug="tidak-ada") is None


@pytest.mark.django_db
def test_public_list_carries_the_cheapest_active_variant_first_and_the_main_photo():
    product = ProductFactory(variant__price=20_000, variant__sku="B")
    cheaper = ProductVariantFactory(product=product, price=12_000, sku="A")
    ProductVariantFactory(product=product, price=5_000, sku="C", is_active=False)
    main = ProductImageFactory(product=product, position=1, is_main=True)
    ProductImageFactory(product=product, position=0)

    listed = product_list_public().get()

    assert [variant.price for variant in listed.active_variants] == [12_000, 20_000]
    assert listed.active_variants[0] == cheaper
    assert listed.main_images == [main]


def make_public_products(count: int) -> None:
    shops = [ApprovedShopFactory(), ApprovedShopFactory()]
    for number in range(count):
        product = ProductFactory(shop=shops[number % 2])
        ProductVariantFactory(product=product)
        ProductImageFactory(product=product, position=0, is_main=True)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 12])
def test_public_list_costs_three_queries_whatever_its_length(count, django_assert_num_queries):
    make_public_products(count)

    with django_assert_num_queries(3):
        rows = [
            (product.shop.name, product.category.name, len(product.active_variants), len(product.main_images))
            for product in product_list_public()
        ]

    assert len(rows) == count
    assert {row[2:] for row in rows} == {(2, 1)}


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 12])
def test_seller_product_list_costs_three_queries_whatever_its_length(count, django_assert_num_queries):
    shop = ApprovedShopFactory()
    owner = shop.members.get().user
    for number in range(count):
        product = ProductFactory(shop=shop, status=("draft", "active", "archived")[number % 3])
        ProductImageFactory(product=product, position=0, is_main=True)
    ProductFactory()  # another shop's product

    with django_assert_num_queries(3):
        rows = [
            (product.category.name, [variant.sku for variant in product.variants.all()], len(product.main_images))
            for product in product_list_for_shop(user=owner, shop_id=shop.pk)
        ]

    assert len(rows) == count
    assert {(len(skus), images) for _category, skus, images in rows} == {(1, 1)}


@pytest.mark.django_db
def test_seller_product_list_is_for_the_shops_members_only():
    product = ProductFactory(status="draft")
    shop = product.shop
    staff = ShopMemberFactory(shop=shop).user
    outsiders = [ShopFactory().members.get().user, VerifiedUserFactory(), SuperuserFactory()]

    assert list(product_list_for_shop(user=shop.members.get(role="owner").user, shop_id=shop.pk)) == [product]
    assert list(product_list_for_shop(user=staff, shop_id=shop.pk)) == [product]
    assert [list(product_list_for_shop(user=user, shop_id=shop.pk)) for user in outsiders] == [[], [], []]


@pytest.mark.django_db
def test_member_gets_their_shops_product_in_any_status_and_others_get_none():
    product = ProductFactory(status="archived")
    owner = product.shop.members.get().user
    ProductImageFactory(product=product, position=1)
    ProductImageFactory(product=product, position=0, is_main=True)

    loaded = product_get_for_member(user=owner, product_id=product.pk)

    assert loaded == product
    assert [image.position for image in loaded.ordered_images] == [0, 1]
    assert product_get_for_member(user=ShopFactory().members.get().user, product_id=product.pk) is None
    assert product_get_for_member(user=SuperuserFactory(), product_id=product.pk) is None
