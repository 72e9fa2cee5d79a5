"""The status flow of a shop order after placement (DESIGN §3):

    awaiting_payment → paid → processing → shipped → delivered → completed
    (cash on delivery starts at processing; cancelled and refunded end the flow)

Each transition is one function here with its own rules. Every one of them:
- locks the shop order row (`orders.locks`) and re-reads its status, so two transitions racing (a seller
  shipping while the shopper cancels) run one after the other and the second is refused with
  `OrderStateError`;
- checks who asks (`PermissionDenied` for anyone else): sellers are members of the shop, shoppers the order's
  buyer (a guest, `user=None`, only after the caller checked the order's signed link), operators hold
  `payments.confirm_bank_transfer`;
- writes a `ShopOrderEvent` (who, when, why) and the mails (`orders.services.notifications`, outbox rows in the
  same transaction).
"""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shops.selectors import shop_member_role
from shops.services.stock import product_sold_count_add, variant_stock_release

from ..errors import OrderStateError
from ..locks import shop_order_qs_select_for_update
from ..models import Order, OrderLine, ShippingOption, ShopOrder, ShopOrderEvent
from . import notifications

Status = ShopOrder.Status
Actor = ShopOrderEvent.Actor

MAX_REASON_LENGTH = 500
# Before shipping, the shopper and the seller may both cancel.
CANCELLABLE = (Status.AWAITING_PAYMENT, Status.PAID, Status.PROCESSING)
# Shipping options whose parcel needs no courier or tracking number.
HAND_DELIVERED = (ShippingOption.Kind.PICKUP, ShippingOption.Kind.LOCAL_DELIVERY)


def shop_order_accept(*, shop_order: ShopOrder, user) -> ShopOrder:
    """The seller accepts a paid order and starts preparing it: paid → processing. Mails the shopper."""
    with transaction.atomic():
        shop_order = _lock(shop_order)
        _require_seller(shop_order, user)
        _require_status(shop_order, (Status.PAID,))
        shop_order.accepted_at = timezone.now()
        _move(shop_order, Status.PROCESSING, kind="accepted", actor=Actor.SELLER, user=user, fields=["accepted_at"])
        notifications.notify_shop_order_accepted(shop_order=shop_order)
    return shop_order


def shop_order_ship(*, shop_order: ShopOrder, user, courier: str = "", tracking_number: str = "") -> ShopOrder:
    """The seller hands the parcel over: processing → shipped.

    A courier and a tracking number are required unless the shopper picks up or the seller delivers
    (ValidationError naming the field). Starts the auto-complete timer (`ORDER_AUTO_COMPLETE_DAYS`). Mails the
    shopper with the tracking number.
    """
    courier, tracking_number = courier.strip(), tracking_number.strip()
    with transaction.atomic():
        shop_order = _lock(shop_order)
        _require_seller(shop_order, user)
        _require_status(shop_order, (Status.PROCESSING,))
        if shop_order.shipping_kind not in HAND_DELIVERED:
            errors = {}
            if not courier:
                errors["courier"] = _("Enter the courier, for example JNE or J&T.")
            if not tracking_number:
                errors["tracking_number"] = _("Enter the tracking number (resi) so the shopper can follow the parcel.")
            if errors:
                raise ValidationError(errors)
        if len(courier) > 60 or len(tracking_number) > 60:
            raise ValidationError({"tracking_number": _("At most 60 characters.")})
        shop_order.courier, shop_order.tracking_number = courier, tracking_number
        shop_order.shipped_at = timezone.now()
        note = " ".join(part for part in (courier, tracking_number) if part)
        _move(
            shop_order,
            Status.SHIPPED,
            kind="shipped",
            actor=Actor.SELLER,
            user=user,
            note=note,
            fields=["courier", "tracking_number", "shipped_at"],
        )
        notifications.notify_shop_order_shipped(shop_order=shop_order)
    return shop_order


def shop_order_mark_delivered(*, shop_order: ShopOrder, user) -> ShopOrder:
    """The seller delivered the parcel (own delivery, pickup, or cash on delivery): shipped → delivered.

    For cash on delivery this is also when the seller collected the money: `paid_at` is set and, once every
    shop of the order has collected, the order's payment succeeds. Mails the shopper (confirm and review).
    """
    from payments.services import payment_cod_collected  # payments depends on orders; this call goes back once

    with transaction.atomic():
        shop_order = _lock(shop_order)
        _require_seller(shop_order, user)
        _require_status(shop_order, (Status.SHIPPED,))
        now = timezone.now()
        shop_order.delivered_at = now
        fields = ["delivered_at"]
        order = shop_order.order
        cash = order.payment_method == "cod"
        if cash:
            shop_order.paid_at = now
            fields.append("paid_at")
        _move(shop_order, Status.DELIVERED, kind="delivered", actor=Actor.SELLER, user=user, fields=fields)
        if cash:
            _event(shop_order, kind="cash_collected", actor=Actor.SELLER, user=user)
            payment_cod_collected(order=order, shop_order=shop_order)
        notifications.notify_shop_order_delivered(shop_order=shop_order)
    return shop_order


def shop_order_confirm_received(*, shop_order: ShopOrder, user) -> ShopOrder:
    """The shopper got the parcel: shipped or delivered → completed (the seller's funds become available)."""
    with transaction.atomic():
        shop_order = _lock(shop_order)
        _require_shopper(shop_order, user)
        _require_status(shop_order, (Status.SHIPPED, Status.DELIVERED))
        _complete(shop_order, kind="received", actor=Actor.SHOPPER, user=user)
    return shop_order


def shop_order_report_problem(*, shop_order: ShopOrder, user, problem: str) -> ShopOrder:
    """The shopper reports a problem with a shipped or delivered order (damaged, not arrived...): the order is no
    longer completed automatically; the seller and operators see the problem in the timeline."""
    problem = (problem or "").strip()
    if not problem:
        raise ValidationError({"problem": _("Describe the problem.")})
    if len(problem) > MAX_REASON_LENGTH:
        raise ValidationError({"problem": _("At most 500 characters.")})
    with transaction.atomic():
        shop_order = _lock(shop_order)
        _require_shopper(shop_order, user)
        _require_status(shop_order, (Status.SHIPPED, Status.DELIVERED))
        if shop_order.problem_reported_at:
            raise OrderStateError(_("A problem was already reported for this order."), status=shop_order.status)
        shop_order.problem_reported_at = timezone.now()
        shop_order.problem = problem
        shop_order.save(update_fields=["problem_reported_at", "problem", "updated_at"])
        _event(shop_order, kind="problem", actor=Actor.SHOPPER, user=user, note=problem)
    return shop_order


def shop_order_cancel(*, shop_order: ShopOrder, user, reason: str, actor: str) -> ShopOrder:
    """Cancel before shipping (awaiting payment, paid or processing), by the shopper or the seller (a reason is
    required from the seller) or an operator. Puts the units back in stock exactly once. When no shop order of
    the order is left, the pending payment is cancelled (freeing a transfer's unique amount).
    A cancelled order that had been paid is refunded in full (`payments.services.refunds.refund_for_cancelled`:
    a card refund is sent after the commit; a bank transfer waits for an operator to pay it back). Mails the
    shopper and the seller.
    """
    reason = (reason or "").strip()
    if actor == Actor.SELLER and not reason:
        raise ValidationError({"reason": _("Tell the shopper why the order is cancelled.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": _("At most 500 characters.")})
    with transaction.atomic():
        shop_order = _lock(shop_order)
        _require_actor(shop_order, user, actor)
        _require_status(shop_order, CANCELLABLE)
        _cancel(shop_order, kind="cancelled", actor=actor, user=user, reason=reason)
        notifications.notify_shop_order_cancelled(shop_order=shop_order, by=actor)
    return shop_order


def order_mark_paid(*, order: Order, user=None, actor: str = Actor.SYSTEM) -> list[ShopOrder]:
    """The whole order was paid (a confirmed bank transfer, a card payment): every shop order awaiting payment
    becomes `paid`. Called by `payments` inside its transaction. Refuses (OrderStateError) when none is awaiting
    payment any more — the order expired or was cancelled meanwhile, and the money must go back instead.
    Clears the payment deadline. Mails the shopper and each seller.
    """
    with transaction.atomic():
        shop_orders = list(
            shop_order_qs_select_for_update()
            .filter(order=order, status=Status.AWAITING_PAYMENT)
            .select_related("order")
        )
        if not shop_orders:
            raise OrderStateError(_("This order no longer waits for payment (it was cancelled or expired)."))
        now = timezone.now()
        for shop_order in shop_orders:
            shop_order.paid_at = now
            _move(shop_order, Status.PAID, kind="paid", actor=actor, user=user, fields=["paid_at"])
        Order.objects.filter(pk=order.pk).update(pay_before=None)
        notifications.notify_order_paid(order=shop_orders[0].order, shop_orders=shop_orders)
    return shop_orders


# A shop order fully refunded from one of these statuses ends as `refunded`.
REFUNDABLE_TO_END = (Status.CANCELLED, Status.SHIPPED, Status.DELIVERED, Status.COMPLETED)


def shop_order_record_refund(
    *, shop_order: ShopOrder, amount: int, fully: bool, reason: str, by_card: bool, how: str, actor: str, user
) -> ShopOrder:
    """A refund of `amount` for this shop order succeeded (`payments.services.refunds`, inside its transaction,
    with this shop order locked first). The timeline records it and the shopper is mailed; when nothing paid
    is left (`fully`) and the order is cancelled or already sent, it ends as `refunded`."""
    shop_order = _lock(shop_order)
    note = f"{amount}: {reason}" if reason else str(amount)
    if fully and shop_order.status in REFUNDABLE_TO_END:
        _move(shop_order, Status.REFUNDED, kind="refunded", actor=actor, user=user, note=note)
    else:
        _event(shop_order, kind="refund", actor=actor, user=user, note=note)
    notifications.notify_shop_order_refunded(
        shop_order=shop_order, amount=amount, reason=reason, by_card=by_card, how=how
    )
    return shop_order


def order_change_payment_method(*, order: Order, method: str) -> None:
    """The shopper pays with another method after a failed attempt (`payments.services.payment_restart`, inside
    its transaction, with the order locked). The shop orders keep waiting for payment."""
    Order.objects.filter(pk=order.pk).update(payment_method=method)
    for shop_order in order.shop_orders.filter(status=Status.AWAITING_PAYMENT):
        _event(shop_order, kind="payment_method", actor=Actor.SHOPPER, user=order.buyer, note=method)


def order_expire(*, order: Order) -> list[ShopOrder]:
    """The payment deadline passed: every shop order still awaiting payment is cancelled and its stock released.
    Idempotent (does nothing when nothing is awaiting payment, or the deadline moved). Mails the shopper once."""
    with transaction.atomic():
        shop_orders = list(
            shop_order_qs_select_for_update()
            .filter(order=order, status=Status.AWAITING_PAYMENT)
            .select_related("order")
        )
        order = Order.objects.get(pk=order.pk)
        if not shop_orders or order.pay_before is None or order.pay_before > timezone.now():
            return []
        for shop_order in shop_orders:
            _cancel(
                shop_order,
                kind="expired",
                actor=Actor.SYSTEM,
                user=None,
                reason=_("Not paid in time."),
            )
        notifications.notify_order_expired(order=order)
    return shop_orders


def shop_order_auto_complete(*, shop_order: ShopOrder, shipped_before) -> bool:
    """Complete a shipped or delivered order whose shopper neither confirmed nor reported a problem since
    `shipped_before`. Idempotent; returns whether it completed the order."""
    with transaction.atomic():
        shop_order = _lock(shop_order)
        if (
            shop_order.status not in (Status.SHIPPED, Status.DELIVERED)
            or shop_order.problem_reported_at
            or shop_order.shipped_at is None
            or shop_order.shipped_at > shipped_before
        ):
            return False
        _complete(shop_order, kind="auto_completed", actor=Actor.SYSTEM, user=None)
    return True


# --- Helpers ------------------------------------------------------------------------------------------


def _lock(shop_order: ShopOrder) -> ShopOrder:
    return shop_order_qs_select_for_update().select_related("order", "shop").get(pk=shop_order.pk)


def _require_status(shop_order: ShopOrder, allowed) -> None:
    if shop_order.status not in allowed:
        raise OrderStateError(
            _("This cannot be done while the order is %(status)s.") % {"status": shop_order.get_status_display()},
            status=shop_order.status,
        )


def _require_seller(shop_order: ShopOrder, user) -> None:
    if user is None or not user.is_authenticated or shop_member_role(user=user, shop=shop_order.shop) is None:
        raise PermissionDenied


def _require_shopper(shop_order: ShopOrder, user) -> None:
    """The buyer; or, for a guest order, `user=None` after the caller checked the order's signed link."""
    buyer_id = shop_order.order.buyer_id
    if buyer_id is None:
        if user is not None and user.is_authenticated:
            raise PermissionDenied
        return
    if user is None or user.pk != buyer_id:
        raise PermissionDenied


def _require_actor(shop_order: ShopOrder, user, actor: str) -> None:
    if actor == Actor.SELLER:
        _require_seller(shop_order, user)
    elif actor == Actor.SHOPPER:
        _require_shopper(shop_order, user)
    elif actor == Actor.OPERATOR:
        if user is None or not user.has_perm("payments.confirm_bank_transfer"):
            raise PermissionDenied
    else:
        raise PermissionDenied


def _event(shop_order: ShopOrder, *, kind: str, actor: str, user, note: str = "") -> ShopOrderEvent:
    return ShopOrderEvent.objects.create(
        shop_order=shop_order,
        status=shop_order.status,
        kind=kind,
        actor=actor,
        user=user if user is not None and user.is_authenticated else None,
        note=note,
    )


def _move(shop_order: ShopOrder, status: str, *, kind: str, actor: str, user, note: str = "", fields=()) -> None:
    shop_order.status = status
    shop_order.save(update_fields=["status", "updated_at", *fields])
    _event(shop_order, kind=kind, actor=actor, user=user, note=note)


def _complete(shop_order: ShopOrder, *, kind: str, actor: str, user) -> None:
    """Completed now; a parcel nobody marked delivered counts as delivered at the same moment."""
    now = timezone.now()
    fields = ["completed_at"]
    if shop_order.delivered_at is None:
        shop_order.delivered_at = now
        fields.append("delivered_at")
    shop_order.completed_at = now
    _move(shop_order, Status.COMPLETED, kind=kind, actor=actor, user=user, fields=fields)


def _cancel(shop_order: ShopOrder, *, kind: str, actor: str, user, reason: str) -> None:
    """Cancelled, stock and sold counts put back once (`stock_reserved`), the payment cancelled when nothing of
    the order awaits payment any more. Inside the caller's transaction, with the shop order locked."""
    from payments.services import payment_cancel_for_order, payment_reprice_for_order  # see module docstring
    from payments.services.refunds import refund_for_cancelled

    was_awaiting_payment = shop_order.status == Status.AWAITING_PAYMENT

    lines = list(OrderLine.objects.filter(shop_order=shop_order).values_list("variant_id", "product_id", "quantity"))
    if shop_order.stock_reserved:
        variants, products = Counter(), Counter()
        for variant_id, product_id, quantity in lines:
            if variant_id:
                variants[variant_id] += quantity
            if product_id:
                products[product_id] -= quantity
        variant_stock_release(quantities=variants)
        product_sold_count_add(quantities=products)
        shop_order.stock_reserved = False
    shop_order.cancelled_at = timezone.now()
    shop_order.cancel_reason = reason
    _move(
        shop_order,
        Status.CANCELLED,
        kind=kind,
        actor=actor,
        user=user,
        note=reason,
        fields=["cancelled_at", "cancel_reason", "stock_reserved"],
    )
    # Money already paid for this part goes back (a card refund, or a transfer back by an operator).
    refund_for_cancelled(shop_order=shop_order, user=user, actor=actor)
    # The pending payment is for the whole order; it is cancelled once nothing of the order is left to pay for,
    # and asks less when only a part was cancelled before payment.
    if not ShopOrder.objects.filter(order_id=shop_order.order_id).exclude(status=Status.CANCELLED).exists():
        payment_cancel_for_order(order=shop_order.order)
    elif was_awaiting_payment and kind != "expired":
        payment_reprice_for_order(order=shop_order.order)
