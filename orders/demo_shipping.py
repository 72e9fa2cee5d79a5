"""Demo shipping options for the demo shops (`seed_shipping_options`). Safe to run again: a shop that already has
shipping options is left as it is, so sellers' own changes survive a second run."""

from collections.abc import Iterable

from django.db import transaction

from shops.models import Shop

from .models import ShippingOption

# JNE-like rates from Bali, by weight (grams → rupiah).
JNE_BANDS = [
    {"up_to_grams": 1000, "fee": 11_000},
    {"up_to_grams": 3000, "fee": 22_000},
    {"up_to_grams": 5000, "fee": 33_000},
    {"up_to_grams": 10_000, "fee": 60_000},
    {"up_to_grams": 20_000, "fee": 110_000},
]
FREE_ABOVE = 200_000
LOCAL_DELIVERY_FEE = 10_000


@transaction.atomic
def seed_shipping_options(shops: Iterable[Shop]) -> int:
    """Give each shop without shipping options two or three of them, and cash on delivery to every other shop.

    Every shop: "JNE Reguler" by weight (free above Rp 200.000 on every third shop). Every other shop:
    "Ambil di toko" (pickup). Shops with a district: "Antar sendiri", delivery by the seller in their own district.
    Returns the number of options created.
    """
    created = 0
    for index, shop in enumerate(sorted(shops, key=lambda shop: shop.pk)):
        if ShippingOption.objects.filter(shop=shop).exists():
            continue
        options = [
            ShippingOption(
                shop=shop,
                kind=ShippingOption.Kind.WEIGHT,
                name="JNE Reguler",
                weight_bands=JNE_BANDS,
                free_above=FREE_ABOVE if index % 3 == 0 else None,
                position=0,
            )
        ]
        if index % 2 == 0:
            options.append(ShippingOption(shop=shop, kind=ShippingOption.Kind.PICKUP, name="Ambil di toko", position=1))
        local = None
        if shop.district_id:
            local = ShippingOption(
                shop=shop,
                kind=ShippingOption.Kind.LOCAL_DELIVERY,
                name="Antar sendiri",
                fee=LOCAL_DELIVERY_FEE,
                position=2,
            )
            options.append(local)
        ShippingOption.objects.bulk_create(options)
        if local is not None:
            local.districts.set([shop.district_id])
        created += len(options)
        accepts = index % 2 == 0
        if shop.accepts_cash_on_delivery != accepts:
            Shop.objects.filter(pk=shop.pk).update(accepts_cash_on_delivery=accepts)
            shop.accepts_cash_on_delivery = accepts
    return created
