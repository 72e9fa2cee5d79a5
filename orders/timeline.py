"""What shoppers and sellers read about an order beside its data: the timeline's labels, the WhatsApp link to
a shop, and which actions a shop order's status allows (the services decide; this only hides buttons that
would be refused)."""

from urllib.parse import quote

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ShopOrder, ShopOrderEvent
from .services.fulfilment import CANCELLABLE, HAND_DELIVERED

Status = ShopOrder.Status

EVENT_LABELS = {
    "placed": _("Order placed"),
    "paid": _("Payment received"),
    "accepted": _("Accepted by the seller"),
    "shipped": _("Shipped"),
    "delivered": _("Delivered"),
    "cash_collected": _("Cash collected by the seller"),
    "received": _("Receipt confirmed by the shopper"),
    "auto_completed": _("Completed automatically"),
    "problem": _("Problem reported"),
    "cancelled": _("Cancelled"),
    "expired": _("Cancelled: not paid in time"),
    "refunded": _("Refunded"),
    "refund": _("Partly refunded"),
    "payment_method": _("Payment method changed"),
}

RECEIVABLE = (Status.SHIPPED, Status.DELIVERED)


def event_label(event: ShopOrderEvent) -> str:
    """The event's kind in words; an unknown kind shows its status instead."""
    label = EVENT_LABELS.get(event.kind)
    if label is None:
        return str(ShopOrder.Status(event.status).label) if event.status in Status.values else event.kind
    return str(label)


def whatsapp_url(*, shop, order_number: str) -> str:
    """`https://wa.me/<digits>?text=…` asking the shop about the order; empty when the shop has no number."""
    phone = getattr(shop, "whatsapp", None)
    digits = "".join(ch for ch in (phone.as_e164 if phone else "") if ch.isdigit())
    if not digits:
        return ""
    text = gettext("Hello %(shop)s, I have a question about order %(number)s") % {
        "shop": shop.name,
        "number": order_number,
    }
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def shopper_actions(shop_order: ShopOrder) -> dict[str, bool]:
    receivable = shop_order.status in RECEIVABLE
    return {
        "can_cancel": shop_order.status in CANCELLABLE,
        "can_confirm": receivable,
        "can_report": receivable and shop_order.problem_reported_at is None,
    }


def seller_actions(shop_order: ShopOrder) -> dict[str, bool]:
    return {
        "can_accept": shop_order.status == Status.PAID,
        "can_ship": shop_order.status == Status.PROCESSING,
        "can_deliver": shop_order.status == Status.SHIPPED,
        "can_cancel": shop_order.status in CANCELLABLE,
        "tracking_required": shop_order.shipping_kind not in HAND_DELIVERED,
    }
