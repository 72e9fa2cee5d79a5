"""The small catalogue both search backends' tests run on, so their results can be compared one to one."""

import datetime

from django.utils import timezone

from shops.models import Product
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductFactory,
    ProductVariantFactory,
    ShopFactory,
)


def make_catalogue(*, expired_halal_shop: bool = False) -> dict[str, Product]:
    """Seven public products in two categories (one a child), two districts, three shops; two hidden ones. With
    `expired_halal_shop`, an eighth ("sambal") from a shop whose halal certificate expired yesterday."""
    food = CategoryFactory(name="Makanan", slug="makanan")
    snacks = CategoryFactory(name="Kripik", slug="kripik", parent=food)
    crafts = CategoryFactory(name="Kerajinan", slug="kerajinan")
    kuta, ubud = DistrictFactory(code="51.03.01", name="Kuta"), DistrictFactory(code="51.04.05", name="Ubud")
    now, today = timezone.now(), timezone.localdate()
    komang = ApprovedShopFactory(
        name="Warung Bu Komang",
        slug="bu-komang",
        district=kuta,
        halal_verified_at=now,
        halal_expires_on=today + datetime.timedelta(days=90),
    )
    made = ApprovedShopFactory(name="Dapur Made", slug="dapur-made", district=kuta)
    ayu = ApprovedShopFactory(name="Anyaman Ayu", slug="anyaman-ayu", district=ubud)
    made_at = iter(now - datetime.timedelta(hours=hours) for hours in range(20))

    def product(title, shop, category, price, stock=10, description="Buatan rumahan."):
        made_product = ProductFactory(
            title=title, shop=shop, category=category, description=description, variant=None, created_at=next(made_at)
        )
        ProductVariantFactory(product=made_product, price=price, stock=stock)
        return made_product

    products = {
        "balado": product("Kripik Singkong Balado", komang, snacks, 15_000, description="<p>Pedas manis.</p>"),
        "pisang": product("Kripik Pisang Manis", komang, snacks, 18_000, stock=0),
        "pia": product("Pia Susu Kacang Hijau", made, food, 30_000),
        "kopi": product("Kopi Bubuk Kintamani", made, food, 60_000, description="<p>Kopi arabika Bali.</p>"),
        "tas": product("Tas Anyaman Rotan", ayu, crafts, 275_000),
        "topi": product("Topi Anyaman Pandan", ayu, crafts, 85_000),
        "keranjang": product("Keranjang Rotan Kecil", ayu, crafts, 45_000, description="<p>Untuk kripik.</p>"),
    }
    if expired_halal_shop:
        oma = ApprovedShopFactory(
            name="Dapur Oma",
            slug="dapur-oma",
            district=ubud,
            halal_verified_at=now,
            halal_expires_on=today - datetime.timedelta(days=1),
        )
        products["sambal"] = product("Sambal Roa", oma, food, 25_000)
    hidden_shop = ShopFactory(name="Toko Draf", slug="toko-draf")
    ProductFactory(title="Kripik Draf", shop=hidden_shop, category=snacks)
    ProductFactory(title="Kripik Arsip", shop=komang, category=snacks, status=Product.Status.ARCHIVED)
    return products


def ids(*products: Product) -> list[int]:
    return [product.pk for product in products]
