"""The per-shop status flow: each transition's rules, who may do it, the timeline, stock put back once, the
bank transfer confirmation and cash on delivery, and the beat timers."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from orders import tasks
from orders.errors import OrderStateError
from orders.models import Order, ShopOrder, ShopOrderEvent
from orders.services import fulfilment
from payments.errors import PaymentStateError
from payments.models import Payment
from payments.services import bank_transfer_confirm
from shops.models import Product, ProductVariant
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ShopMemberFactory

from .builders import shop_with_shipping, two_shop_order, variant_of

pytestmark = pytest.mark.django_db
Status = ShopOrder.Status


@pytest.fixture
def operator(django_user_model):
    from django.contrib.auth.models import Permission

    user = VerifiedUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="confirm_bank_transfer"))
    return django_user_model.objects.get(pk=user.pk)


def _seller(shop):
    return shop.members.get(role="owner").user


def _events(shop_order):
    return list(ShopOrderEvent.objects.filter(shop_order=shop_order).values_list("kind", "actor"))


def _paid_order(operator):
    placed, shops, variants = two_shop_order()
    bank_transfer_confirm(payment=Payment.objects.get(order=placed.order), operator=operator)
    return placed.order, shops, variants


def test_operator_confirming_a_transfer_marks_every_shop_order_paid(operator):
    order, _shops, _variants = _paid_order(operator)
    assert {so.status for so in order.shop_orders.all()} == {Status.PAID}
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.confirmed_by == operator
    assert Order.objects.get(pk=order.pk).pay_before is None
    assert all(("paid", "operator") in _events(so) for so in order.shop_orders.all())


def test_confirming_twice_moves_money_once(operator):
    order, _shops, _variants = _paid_order(operator)
    with pytest.raises(PaymentStateError):
        bank_transfer_confirm(payment=Payment.objects.get(order=order), operator=operator)
    assert ShopOrderEvent.objects.filter(kind="paid").count() == 2


def test_only_operators_confirm_transfers():
    placed, _shops, _variants = two_shop_order()
    payment = Payment.objects.get(order=placed.order)
    with pytest.raises(PermissionDenied):
        bank_transfer_confirm(payment=payment, operator=VerifiedUserFactory())
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING
    assert {so.status for so in placed.order.shop_orders.all()} == {Status.AWAITING_PAYMENT}


def test_the_happy_path_to_completed(operator):
    order, (shop_a, _shop_b), _variants = _paid_order(operator)
    shop_order = order.shop_orders.get(shop=shop_a)
    seller = _seller(shop_a)
    fulfilment.shop_order_accept(shop_order=shop_order, user=seller)
    fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="JNE123")
    shop_order.refresh_from_db()
    assert (shop_order.status, shop_order.courier, shop_order.tracking_number) == (Status.SHIPPED, "JNE", "JNE123")
    fulfilment.shop_order_confirm_received(shop_order=shop_order, user=order.buyer)
    shop_order.refresh_from_db()
    assert shop_order.status == Status.COMPLETED
    assert shop_order.delivered_at is not None
    assert shop_order.completed_at is not None
    assert [kind for kind, _actor in _events(shop_order)] == ["placed", "paid", "accepted", "shipped", "received"]


def test_shipping_by_courier_needs_courier_and_tracking_number(operator):
    order, (shop_a, _shop_b), _variants = _paid_order(operator)
    shop_order = order.shop_orders.get(shop=shop_a)
    seller = _seller(shop_a)
    fulfilment.shop_order_accept(shop_order=shop_order, user=seller)
    with pytest.raises(ValidationError) as error:
        fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier=" ", tracking_number="")
    assert set(error.value.message_dict) == {"courier", "tracking_number"}
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.PROCESSING


def test_a_seller_cannot_touch_another_shops_order(operator):
    order, (shop_a, shop_b), _variants = _paid_order(operator)
    shop_order = order.shop_orders.get(shop=shop_a)
    for intruder in (_seller(shop_b), order.buyer, VerifiedUserFactory()):
        with pytest.raises(PermissionDenied):
            fulfilment.shop_order_accept(shop_order=shop_order, user=intruder)
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.PAID


def test_staff_of_the_shop_may_fulfil(operator):
    order, (shop_a, _shop_b), _variants = _paid_order(operator)
    staff = ShopMemberFactory(shop=shop_a).user
    fulfilment.shop_order_accept(shop_order=order.shop_orders.get(shop=shop_a), user=staff)
    assert order.shop_orders.get(shop=shop_a).status == Status.PROCESSING


def test_transitions_out_of_order_are_refused(operator):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    shop_order = placed.order.shop_orders.get(shop=shop_a)
    seller = _seller(shop_a)
    with pytest.raises(OrderStateError):
        fulfilment.shop_order_accept(shop_order=shop_order, user=seller)  # not paid yet
    with pytest.raises(OrderStateError):
        fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="1")
    with pytest.raises(OrderStateError):
        fulfilment.shop_order_confirm_received(shop_order=shop_order, user=placed.order.buyer)
    assert _events(shop_order) == [("placed", "shopper")]


def test_seller_cancel_needs_a_reason_and_puts_stock_back_once(operator):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = _paid_order(operator)
    shop_order = order.shop_orders.get(shop=shop_a)
    seller = _seller(shop_a)
    with pytest.raises(ValidationError):
        fulfilment.shop_order_cancel(shop_order=shop_order, user=seller, reason="", actor="seller")
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == 8
    fulfilment.shop_order_cancel(shop_order=shop_order, user=seller, reason="Stok habis terbakar", actor="seller")
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == 10
    assert Product.objects.get(pk=variant_a.product_id).sold_count == 0
    with pytest.raises(OrderStateError):
        fulfilment.shop_order_cancel(shop_order=shop_order, user=order.buyer, reason="", actor="shopper")
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == 10
    shop_order.refresh_from_db()
    assert (shop_order.status, shop_order.cancel_reason) == (Status.CANCELLED, "Stok habis terbakar")


def test_shopper_cannot_cancel_after_shipping(operator):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = _paid_order(operator)
    shop_order = order.shop_orders.get(shop=shop_a)
    seller = _seller(shop_a)
    fulfilment.shop_order_accept(shop_order=shop_order, user=seller)
    fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="X1")
    with pytest.raises(OrderStateError):
        fulfilment.shop_order_cancel(shop_order=shop_order, user=order.buyer, reason="", actor="shopper")
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.SHIPPED
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == 8


def test_another_shopper_cannot_cancel_or_confirm():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    shop_order = placed.order.shop_orders.get(shop=shop_a)
    with pytest.raises(PermissionDenied):
        fulfilment.shop_order_cancel(shop_order=shop_order, user=VerifiedUserFactory(), reason="", actor="shopper")
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.AWAITING_PAYMENT


def test_cancelling_every_part_cancels_the_pending_transfer():
    placed, _shops, _variants = two_shop_order()
    for shop_order in placed.order.shop_orders.all():
        fulfilment.shop_order_cancel(shop_order=shop_order, user=placed.order.buyer, reason="", actor="shopper")
    assert Payment.objects.get(order=placed.order).status == Payment.Status.CANCELLED


def test_cash_on_delivery_is_paid_when_the_seller_delivers():
    placed, (shop_a, shop_b), _variants = two_shop_order(payment_method="cod")
    payment = Payment.objects.get(order=placed.order)
    for shop in (shop_a, shop_b):
        shop_order = placed.order.shop_orders.get(shop=shop)
        seller = _seller(shop)
        fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="Kurir toko", tracking_number="-")
        fulfilment.shop_order_mark_delivered(shop_order=shop_order, user=seller)
        shop_order.refresh_from_db()
        assert shop_order.status == Status.DELIVERED
        assert shop_order.paid_at is not None
        assert ("cash_collected", "seller") in _events(shop_order)
        payment.refresh_from_db()
        assert payment.status == (Payment.Status.SUCCEEDED if shop is shop_b else Payment.Status.PENDING)


def test_problem_report_stops_auto_complete(operator, settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    order, (shop_a, shop_b), _variants = _paid_order(operator)
    for shop in (shop_a, shop_b):
        shop_order = order.shop_orders.get(shop=shop)
        fulfilment.shop_order_accept(shop_order=shop_order, user=_seller(shop))
        fulfilment.shop_order_ship(shop_order=shop_order, user=_seller(shop), courier="JNE", tracking_number="R1")
    ShopOrder.objects.filter(order=order).update(shipped_at=timezone.now() - timedelta(days=8))
    problem = order.shop_orders.get(shop=shop_b)
    fulfilment.shop_order_report_problem(shop_order=problem, user=order.buyer, problem="Paket belum sampai")
    assert tasks.complete_shipped_orders() == 1
    assert tasks.complete_shipped_orders() == 0
    assert order.shop_orders.get(shop=shop_a).status == Status.COMPLETED
    assert order.shop_orders.get(shop=shop_b).status == Status.SHIPPED
    assert ("auto_completed", "system") in _events(order.shop_orders.get(shop=shop_a))


def test_recently_shipped_orders_are_not_auto_completed(operator, settings):
    settings.ORDER_AUTO_COMPLETE_DAYS = 7
    order, (shop_a, _shop_b), _variants = _paid_order(operator)
    shop_order = order.shop_orders.get(shop=shop_a)
    fulfilment.shop_order_accept(shop_order=shop_order, user=_seller(shop_a))
    fulfilment.shop_order_ship(shop_order=shop_order, user=_seller(shop_a), courier="JNE", tracking_number="R1")
    ShopOrder.objects.filter(pk=shop_order.pk).update(shipped_at=timezone.now() - timedelta(days=6))
    assert tasks.complete_shipped_orders() == 0


def test_unpaid_orders_expire_and_release_stock_once():
    placed, _shops, (variant_a, variant_b) = two_shop_order()
    Order.objects.filter(pk=placed.order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    assert tasks.expire_unpaid_orders() == 1
    assert tasks.expire_unpaid_orders() == 0
    assert {so.status for so in placed.order.shop_orders.all()} == {Status.CANCELLED}
    assert [ProductVariant.objects.get(pk=v.pk).stock for v in (variant_a, variant_b)] == [10, 10]
    assert Payment.objects.get(order=placed.order).status == Payment.Status.CANCELLED
    assert ShopOrderEvent.objects.filter(kind="expired", actor="system").count() == 2


def test_orders_before_their_deadline_do_not_expire():
    placed, _shops, _variants = two_shop_order()
    assert tasks.expire_unpaid_orders() == 0
    assert {so.status for so in placed.order.shop_orders.all()} == {Status.AWAITING_PAYMENT}


def test_a_transfer_confirmed_after_expiry_is_refused(operator):
    placed, _shops, _variants = two_shop_order()
    Order.objects.filter(pk=placed.order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    tasks.expire_unpaid_orders()
    payment = Payment.objects.get(order=placed.order)
    with pytest.raises(PaymentStateError):
        bank_transfer_confirm(payment=payment, operator=operator)
    assert {so.status for so in placed.order.shop_orders.all()} == {Status.CANCELLED}


def test_shoppers_are_reminded_once_before_expiry(settings, mailoutbox):
    settings.ORDER_PAYMENT_REMINDER_HOURS = 6
    placed, _shops, _variants = two_shop_order()
    Order.objects.filter(pk=placed.order.pk).update(pay_before=timezone.now() + timedelta(hours=2))
    mailoutbox.clear()
    assert tasks.remind_unpaid_orders() == 1
    assert tasks.remind_unpaid_orders() == 0
    assert [message.to for message in mailoutbox] == [[placed.order.email]]


def test_abandoned_anonymous_carts_are_deleted_but_users_carts_and_recent_ones_stay(settings):
    from orders.models import Cart, CartLine

    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    old = timezone.now() - timedelta(days=15)
    abandoned = Cart.objects.create()
    CartLine.objects.create(cart=abandoned, variant=variant_of(shop_with_shipping()[0]), quantity=1, price_when_added=1)
    recent = Cart.objects.create()
    users = Cart.objects.create(user=VerifiedUserFactory())
    Cart.objects.filter(pk__in=[abandoned.pk, users.pk]).update(updated_at=old)

    assert tasks.delete_abandoned_carts() == 1
    assert tasks.delete_abandoned_carts() == 0
    assert set(Cart.objects.values_list("pk", flat=True)) == {recent.pk, users.pk}
    assert not CartLine.objects.filter(cart_id=abandoned.pk).exists()
