"""Output serializers of orders shared by `orders/` (the shopper) and `seller/orders/` (the shop)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Order, PaymentMethod, ShippingOption, ShopOrder, ShopOrderEvent
from ..timeline import event_label


def _phone(value) -> str:
    return value.as_e164 if value else ""


class OrderRegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ShippingAddressOutputSerializer(serializers.Serializer):
    """The order's snapshot of the shipping address."""

    recipient_name = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="E.164, e.g. +6281234567890.")
    street_address = serializers.CharField()
    village = OrderRegionOutputSerializer(allow_null=True)
    district = OrderRegionOutputSerializer()
    regency = OrderRegionOutputSerializer()
    province = OrderRegionOutputSerializer()
    postal_code = serializers.CharField()

    @extend_schema_field(serializers.CharField())
    def get_phone(self, order: Order) -> str:
        return _phone(order.phone)


class OrderShopOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class OrderLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    variant_name = serializers.CharField()
    sku = serializers.CharField()
    product_id = serializers.IntegerField(allow_null=True, help_text="Null once the product was deleted.")
    unit_price = serializers.IntegerField(help_text="Whole rupiah, as charged.")
    quantity = serializers.IntegerField()
    line_total = serializers.IntegerField()


class OrderEventOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text='"placed", "paid", "accepted", "shipped", "cancelled", "problem"…')
    label = serializers.SerializerMethodField(help_text="The kind in words, in the request's language.")
    status = serializers.ChoiceField(choices=ShopOrder.Status.choices, help_text="The status after the event.")
    actor = serializers.ChoiceField(choices=ShopOrderEvent.Actor.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_label(self, event: ShopOrderEvent) -> str:
        return event_label(event)


class ShopOrderOutputSerializer(serializers.Serializer):
    """One shop's part of an order, as both sides see it."""

    number = serializers.CharField()
    shop = OrderShopOutputSerializer()
    status = serializers.ChoiceField(choices=ShopOrder.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    subtotal = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    total = serializers.IntegerField()
    shipping_kind = serializers.ChoiceField(choices=ShippingOption.Kind.choices)
    shipping_name = serializers.CharField()
    courier = serializers.CharField()
    tracking_number = serializers.CharField()
    note_to_seller = serializers.CharField()
    cancel_reason = serializers.CharField()
    problem = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    lines = OrderLineOutputSerializer(source="lines.all", many=True)
    events = OrderEventOutputSerializer(source="events.all", many=True)


class OrderPaymentOutputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(source="provider", choices=PaymentMethod.choices)
    status = serializers.CharField(help_text='"pending", "succeeded", "failed" or "cancelled".')
    amount = serializers.IntegerField(help_text="What to pay in whole rupiah (a transfer includes the unique code).")
    unique_code = serializers.IntegerField(help_text="Bank transfer: the amount's unique code; 0 otherwise.")
    pay_before = serializers.DateTimeField(source="order.pay_before", allow_null=True)


def order_payment(order: Order):
    """The order's latest payment (prefetched `payments`, newest first), or None."""
    payments = list(order.payments.all())
    return payments[0] if payments else None


class OrderShopOrderSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    shop = OrderShopOutputSerializer()
    status = serializers.ChoiceField(choices=ShopOrder.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    total = serializers.IntegerField()


class OrderListOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    created_at = serializers.DateTimeField()
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    subtotal = serializers.IntegerField()
    shipping_total = serializers.IntegerField()
    total = serializers.IntegerField()
    shop_orders = OrderShopOrderSummarySerializer(source="shop_orders.all", many=True)


class OrderDetailOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    created_at = serializers.DateTimeField()
    email = serializers.EmailField()
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    subtotal = serializers.IntegerField()
    shipping_total = serializers.IntegerField()
    total = serializers.IntegerField()
    pay_before = serializers.DateTimeField(allow_null=True)
    shipping_address = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    shop_orders = ShopOrderOutputSerializer(source="shop_orders.all", many=True)

    @extend_schema_field(ShippingAddressOutputSerializer())
    def get_shipping_address(self, order: Order) -> dict:
        return ShippingAddressOutputSerializer(order).data

    @extend_schema_field(OrderPaymentOutputSerializer(allow_null=True))
    def get_payment(self, order: Order) -> dict | None:
        payment = order_payment(order)
        return OrderPaymentOutputSerializer(payment).data if payment is not None else None


class SellerShopOrderListOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    order_number = serializers.CharField(source="order.number")
    created_at = serializers.DateTimeField(source="order.created_at")
    status = serializers.ChoiceField(choices=ShopOrder.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    payment_method = serializers.ChoiceField(source="order.payment_method", choices=PaymentMethod.choices)
    recipient_name = serializers.CharField(source="order.recipient_name")
    subtotal = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    total = serializers.IntegerField()
    shipping_name = serializers.CharField()
    lines = OrderLineOutputSerializer(source="lines.all", many=True)


class SellerShopOrderDetailOutputSerializer(ShopOrderOutputSerializer):
    """The seller's view of their part: the buyer's contact and address, and the order's payment."""

    order_number = serializers.CharField(source="order.number")
    created_at = serializers.DateTimeField(source="order.created_at")
    payment_method = serializers.ChoiceField(source="order.payment_method", choices=PaymentMethod.choices)
    payment_status = serializers.SerializerMethodField(help_text="The order's payment status; null without one.")
    shipping_address = ShippingAddressOutputSerializer(source="order")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_payment_status(self, shop_order: ShopOrder) -> str | None:
        payment = order_payment(shop_order.order)
        return payment.status if payment is not None else None
