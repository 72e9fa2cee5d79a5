"""Orders in each status, placed and moved through the real services, for the order pages and API tests."""

from django.contrib.auth.models import Permission

from orders.models import ShopOrder, ShopOrderEvent
from orders.services import fulfilment
from payments.models import Payment
from payments.services import bank_transfer_confirm
from shops.models import ProductVariant
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ShopMemberFactory

from .builders import cart_with, place, shop_with_shipping, two_shop_order, variant_of

Status = ShopOrder.Status


def owner_of(shop):
    return shop.members.get(role="owner").user


def staff_of(shop):
    return ShopMemberFactory(shop=shop).user


def operator():
    user = VerifiedUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="confirm_bank_transfer"))
    return type(user).objects.get(pk=user.pk)


def guest_order(*, payment_method="bank_transfer"):
    """A guest's placed order from one shop; returns (order, shop, variant)."""
    shop, flat, _pickup = shop_with_shipping(cash_on_delivery=True)
    variant = variant_of(shop, price=20_000)
    cart = cart_with([(variant, 2)])
    placed = place(cart, buyer=None, shipping={shop.pk: flat.pk}, payment_method=payment_method)
    return placed.order, shop, variant


def pay(order) -> None:
    bank_transfer_confirm(payment=Payment.objects.get(order=order), operator=operator())


def move_to(shop_order: ShopOrder, status: str) -> ShopOrder:
    """Move a bank-transfer shop order (awaiting payment) on to `status` through the services."""
    seller = owner_of(shop_order.shop)
    if status == Status.CANCELLED:
        fulfilment.shop_order_cancel(shop_order=shop_order, user=seller, reason="Stok habis", actor="seller")
        return ShopOrder.objects.get(pk=shop_order.pk)
    for _step in range(4):
        shop_order = ShopOrder.objects.get(pk=shop_order.pk)
        if shop_order.status == status:
            break
        if shop_order.status == Status.AWAITING_PAYMENT:
            fulfilment.order_mark_paid(order=shop_order.order)
        elif shop_order.status == Status.PAID:
            fulfilment.shop_order_accept(shop_order=shop_order, user=seller)
        elif shop_order.status == Status.PROCESSING:
            fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="JN123")
        elif shop_order.status == Status.SHIPPED:
            fulfilment.shop_order_mark_delivered(shop_order=shop_order, user=seller)
    return ShopOrder.objects.get(pk=shop_order.pk)


def snapshot(shop_order: ShopOrder) -> tuple:
    """What a refused request must leave unchanged: status, timeline length, stock of the lines' variants."""
    shop_order = ShopOrder.objects.get(pk=shop_order.pk)
    variant_ids = list(shop_order.lines.values_list("variant_id", flat=True))
    stock = sorted(ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", "stock"))
    return (
        shop_order.status,
        ShopOrderEvent.objects.filter(shop_order=shop_order).count(),
        shop_order.tracking_number,
        shop_order.problem,
        stock,
    )


__all__ = ["guest_order", "move_to", "owner_of", "pay", "snapshot", "staff_of", "two_shop_order"]
