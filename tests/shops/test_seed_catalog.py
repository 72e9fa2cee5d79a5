"""`manage.py seed_catalog`: a large public catalogue for benchmarks, additive and repeatable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shops.models import Product, ProductImage, ProductVariant, Shop
from shops.selectors import product_list_public, shop_list_public

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_catalog", stdout=out, force=True, photos=2, **options)
    return out.getvalue()


def test_seed_catalog_makes_public_shops_and_products_with_variants_and_photos():
    output = seed(products=45, shops=4)

    assert "4 shops, 45 products" in output
    assert shop_list_public().filter(slug__startswith="katalog-besar-").count() == 4
    products = Product.objects.filter(shop__slug__startswith="katalog-besar-")
    assert products.count() == 45
    assert product_list_public().filter(pk__in=products).count() == 45
    # Spread evenly, every product with at least one variant and a main photo with its renditions.
    counts = [shop.products.count() for shop in Shop.objects.filter(slug__startswith="katalog-besar-")]
    assert sorted(counts) == [11, 11, 11, 12]
    assert not products.filter(variants__isnull=True).exists()
    images = ProductImage.objects.filter(product__in=products)
    assert images.count() == 45
    assert all(image.is_main and image.renditions_ready for image in images)
    # SKUs unique per shop (the database constraint would have refused otherwise), prices within the limits.
    prices = ProductVariant.objects.filter(product__in=products).values_list("price", flat=True)
    assert min(prices) >= 5_000
    assert max(prices) <= 1_000_000


def test_seed_catalog_again_adds_only_the_difference():
    seed(products=20, shops=2)

    output = seed(products=30, shops=3)

    assert "1 shops, 10 products" in output
    assert Product.objects.filter(shop__slug__startswith="katalog-besar-").count() == 30
    assert "0 shops, 0 products" in seed(products=30, shops=3)


def test_seed_catalog_refuses_nonsense_and_a_production_site(settings):
    with pytest.raises(CommandError):
        call_command("seed_catalog", shops=0, force=True, stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_catalog", stdout=StringIO())
    assert not Shop.objects.exists()
