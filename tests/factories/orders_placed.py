"""Placed orders for tests, with totals that add up as the database's check constraints require.

`OrderFactory()` is an order without shops (totals 0); `ShopOrderFactory(order=order)` adds a shop's part
(its shipping fee counted into the order); `OrderLineFactory(shop_order=shop_order)` adds a line (its total
counted into the shop order and the order). `placed_order(...)` builds a whole order in one call:

    order = placed_order(shops=2, lines_per_shop=2)            # signed-in buyer, bank transfer, awaiting payment
    order = placed_order(buyer=None, language="en")             # a guest's order in English
"""

import factory
from django.db.models import F

from orders.models import Order, OrderLine, PaymentMethod, ShippingOption, ShopOrder
from payments.models import Payment

from .accounts import VerifiedUserFactory
from .shops import ApprovedShopFactory, ProductVariantFactory, VillageFactory


class OrderFactory(factory.django.DjangoModelFactory):
    number = factory.Sequence(lambda n: f"PU-261128-{n:04d}")
    buyer = factory.SubFactory(VerifiedUserFactory)
    email = factory.LazyAttribute(lambda order: order.buyer.email if order.buyer else "tamu@contoh.id")
    payment_method = PaymentMethod.BANK_TRANSFER
    subtotal = 0
    shipping_total = 0
    total = 0
    idempotency_key = factory.Sequence(lambda n: f"test:checkout-{n}")
    language = "id"
    recipient_name = "Putu Pembeli"
    phone = "+6281234567890"
    village = factory.SubFactory(VillageFactory)
    district = factory.LazyAttribute(lambda order: order.village.district)
    regency = factory.LazyAttribute(lambda order: order.district.regency)
    province = factory.LazyAttribute(lambda order: order.regency.province)
    street_address = "Jl. Raya Canggu No. 7"
    postal_code = "80363"

    class Meta:
        model = Order


class ShopOrderFactory(factory.django.DjangoModelFactory):
    """A shop's part of `order`, without lines; its shipping fee is added to the order's totals."""

    order = factory.SubFactory(OrderFactory)
    shop = factory.SubFactory(ApprovedShopFactory)
    number = factory.Sequence(lambda n: f"PU-261128-S{n:04d}")
    status = ShopOrder.Status.AWAITING_PAYMENT
    subtotal = 0
    shipping_fee = 10_000
    total = factory.LazyAttribute(lambda shop_order: shop_order.subtotal + shop_order.shipping_fee)
    shipping_kind = ShippingOption.Kind.FLAT
    shipping_name = "JNE Reguler"

    class Meta:
        model = ShopOrder

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        shop_order = super()._create(model_class, *args, **kwargs)
        Order.objects.filter(pk=shop_order.order_id).update(
            subtotal=F("subtotal") + shop_order.subtotal,
            shipping_total=F("shipping_total") + shop_order.shipping_fee,
            total=F("total") + shop_order.total,
        )
        shop_order.order.refresh_from_db(fields=["subtotal", "shipping_total", "total"])
        return shop_order


class OrderLineFactory(factory.django.DjangoModelFactory):
    """A line of `shop_order` for a variant of its shop; its total is added to the shop order and order."""

    shop_order = factory.SubFactory(ShopOrderFactory)
    variant = factory.LazyAttribute(
        lambda line: ProductVariantFactory(product__shop=line.shop_order.shop, product__variant=None)
    )
    product = factory.LazyAttribute(lambda line: line.variant.product if line.variant else None)
    title = factory.LazyAttribute(lambda line: line.product.title if line.product else "Keripik Pisang")
    variant_name = factory.LazyAttribute(lambda line: line.variant.name if line.variant else "")
    sku = factory.LazyAttribute(lambda line: line.variant.sku if line.variant else "SKU-LAMA")
    unit_price = 15_000
    quantity = 2
    weight_grams = 250
    line_total = factory.LazyAttribute(lambda line: line.unit_price * line.quantity)

    class Meta:
        model = OrderLine

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        line = super()._create(model_class, *args, **kwargs)
        ShopOrder.objects.filter(pk=line.shop_order_id).update(
            subtotal=F("subtotal") + line.line_total, total=F("total") + line.line_total
        )
        Order.objects.filter(pk=line.shop_order.order_id).update(
            subtotal=F("subtotal") + line.line_total, total=F("total") + line.line_total
        )
        line.shop_order.refresh_from_db(fields=["subtotal", "total"])
        line.shop_order.order.refresh_from_db(fields=["subtotal", "shipping_total", "total"])
        return line


class PaymentFactory(factory.django.DjangoModelFactory):
    """A pending bank transfer of `order`: its total plus a unique code."""

    order = factory.SubFactory(OrderFactory)
    provider = PaymentMethod.BANK_TRANSFER
    status = Payment.Status.PENDING
    unique_code = factory.Sequence(lambda n: n % 999 + 1)
    amount = factory.LazyAttribute(lambda payment: payment.order.total + payment.unique_code)
    idempotency_key = factory.Sequence(lambda n: f"test:payment-{n}")

    class Meta:
        model = Payment


def placed_order(
    *,
    buyer=...,  # ... (the default): a new verified user; None: a guest
    shops: int = 1,
    lines_per_shop: int = 1,
    payment_method: str = PaymentMethod.BANK_TRANSFER,
    status: str = ShopOrder.Status.AWAITING_PAYMENT,
    language: str = "id",
    **order_fields,
) -> Order:
    """An order with `shops` shop orders of `lines_per_shop` lines each (2 x Rp 15.000, shipping Rp 10.000
    per shop). `buyer=None` makes a guest order; by default a new verified user buys."""
    if buyer is ...:
        buyer = VerifiedUserFactory()
    order = OrderFactory(buyer=buyer, payment_method=payment_method, language=language, **order_fields)
    for _shop in range(shops):
        shop_order = ShopOrderFactory(order=order, status=status)
        for _line in range(lines_per_shop):
            OrderLineFactory(shop_order=shop_order)
    order.refresh_from_db()
    return order
