"""Timers of the order flow (beat, DESIGN §4). Each task reads ids from the database, then calls one service per
order, which re-checks the state under a lock: running a task twice, or two workers at once, changes nothing twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Cart, Order, ShopOrder
from .services import fulfilment, notifications

logger = logging.getLogger(__name__)
BATCH = 200


@shared_task(acks_late=True, ignore_result=True)
def expire_unpaid_orders() -> int:
    """Cancel orders whose payment deadline passed and release their stock. Returns how many expired."""
    due = Order.objects.filter(
        pay_before__lte=timezone.now(), shop_orders__status=ShopOrder.Status.AWAITING_PAYMENT
    ).distinct()
    expired = 0
    for order in due.order_by("pay_before")[:BATCH]:
        if fulfilment.order_expire(order=order):
            expired += 1
    if expired:
        logger.info("Expired %d unpaid orders.", expired)
    return expired


@shared_task(acks_late=True, ignore_result=True)
def remind_unpaid_orders() -> int:
    """Mail shoppers whose order expires within `ORDER_PAYMENT_REMINDER_HOURS`, once per order."""
    now = timezone.now()
    due = Order.objects.filter(
        pay_before__gt=now,
        pay_before__lte=now + timedelta(hours=settings.ORDER_PAYMENT_REMINDER_HOURS),
        expiry_reminded_at__isnull=True,
        shop_orders__status=ShopOrder.Status.AWAITING_PAYMENT,
    ).distinct()
    reminded = 0
    for order_id in list(due.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            # The conditional update claims the reminder: a second run (or worker) finds nothing to claim.
            claimed = Order.objects.filter(pk=order_id, expiry_reminded_at__isnull=True).update(expiry_reminded_at=now)
            if claimed:
                notifications.notify_payment_expiring(order=Order.objects.get(pk=order_id))
                reminded += 1
    return reminded


@shared_task(acks_late=True, ignore_result=True)
def complete_shipped_orders() -> int:
    """Complete shop orders shipped more than `ORDER_AUTO_COMPLETE_DAYS` ago without a reported problem."""
    shipped_before = timezone.now() - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS)
    due = ShopOrder.objects.filter(
        status__in=(ShopOrder.Status.SHIPPED, ShopOrder.Status.DELIVERED),
        shipped_at__lte=shipped_before,
        problem_reported_at__isnull=True,
    ).order_by("shipped_at")[:BATCH]
    completed = 0
    for shop_order in due:
        if fulfilment.shop_order_auto_complete(shop_order=shop_order, shipped_before=shipped_before):
            completed += 1
    return completed


@shared_task(acks_late=True, ignore_result=True)
def delete_abandoned_carts() -> int:
    """Delete anonymous carts nobody touched for longer than a session lives (`SESSION_COOKIE_AGE`): no session
    can name them any more. Signed-in users' carts stay. Daily; idempotent. Returns how many went."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted = 0
    while True:
        ids = list(Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).values_list("pk", flat=True)[:1000])
        if not ids:
            return deleted
        # The lines go with their cart (CASCADE); a cart touched meanwhile is kept by the second condition.
        _total, per_model = Cart.objects.filter(pk__in=ids, updated_at__lt=cutoff).delete()
        deleted += per_model.get(Cart._meta.label, 0)
