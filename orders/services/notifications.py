"""The mails of orders: to the shopper and to the sellers, at every step of an order (DESIGN §4).

Every function here is called by a service INSIDE its transaction, after the change is written: it reads
the fresh rows (the caller's writes are visible) and sends through `django.core.mail`, whose backend is the
outbox, so each mail is an `OutgoingEmail` row in the same transaction, delivered after commit by Celery
and swept again if that fails (`marketplace.core.mail`). A rolled-back change sends nothing.

Wording: each mail is registered in `marketplace.core.emails` under a key; operators may replace its
subject and body in the Wagtail admin (Settings → Email templates), else the default templates in
`orders/templates/orders/emails/` are used. The shopper reads `order.language`; sellers read Indonesian.
The repeated blocks (the lines of a shop's order, the address, the bank transfer instructions) are
rendered here and handed to the templates as text (`summary`, `shipping_address`, `payment_instructions`),
so an operator's template stays short.

Recipients: the order's email for the shopper; for a shop, its members (owner first, then staff) who have
an email and an active account, all on one mail. A shop without such a member gets no mail.
"""

from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from marketplace.core.emails import register_email, render_email
from payments.models import Payment
from shops.models import ShopMember

from ..models import Order, PaymentMethod, ShopOrder, ShopOrderEvent
from ..selectors.orders import order_access_token

EMAIL_DIR = "orders/emails"
SELLER_LANGUAGE = "id"
ORDER_ADDRESS_RELATIONS = ("province", "regency", "district", "village")

# --- The registry of mails ----------------------------------------------------------------------------

_COMMON_SHOPPER_HELP = {
    "order": _("The order: number, email, recipient_name, phone, subtotal, shipping_total, total, created_at."),
    "customer_name": _("The shopper's name (or the recipient's, for a guest order)."),
    "order_url": _("The link to the order page (with the guest's access key when needed)."),
    "site_url": _("The address of the site."),
}
_SUMMARY_HELP = {"summary": _("The lines of the order per shop, with quantities, prices, shipping and totals.")}
_SHIPPING_HELP = {"shipping_address": _("The shipping address, on several lines.")}
_PAYMENT_HELP = {
    "payment_instructions": _("What to pay and where (bank transfer), or empty."),
    "pay_before": _("The payment deadline (a date and time), or empty."),
}
_SHOP_ORDER_HELP = {
    "shop_order": _(
        "The shop's part of the order: number, subtotal, shipping_fee, total, shipping_name, courier, "
        "tracking_number, note_to_seller, cancel_reason."
    ),
    "shop": _("The shop: name."),
}
_SELLER_HELP = {
    "seller_url": _("The link to this order on the seller's order page."),
    "packing_slip_url": _("The link to the packing slip (PDF)."),
    "site_url": _("The address of the site."),
    "order": _("The order: number, recipient_name, phone, payment_method."),
}


def _register(key: str, label, context_help: dict) -> None:
    register_email(
        key,
        label=label,
        default_subject_template=f"{EMAIL_DIR}/{key}_subject.txt",
        default_body_template=f"{EMAIL_DIR}/{key}.txt",
        context_help=context_help,
    )


_register(
    "order_placed_shopper",
    _("Order placed (to the shopper)"),
    {**_COMMON_SHOPPER_HELP, **_SUMMARY_HELP, **_SHIPPING_HELP, **_PAYMENT_HELP},
)
_register(
    "order_placed_seller",
    _("New order (to the seller)"),
    {**_SELLER_HELP, **_SHOP_ORDER_HELP, **_SUMMARY_HELP, **_SHIPPING_HELP},
)
_register("order_paid_shopper", _("Payment received (to the shopper)"), {**_COMMON_SHOPPER_HELP, **_SUMMARY_HELP})
_register(
    "order_paid_seller",
    _("Order paid, ready to process (to the seller)"),
    {**_SELLER_HELP, **_SHOP_ORDER_HELP, **_SUMMARY_HELP, **_SHIPPING_HELP},
)
_register(
    "shop_order_accepted",
    _("Order being prepared (to the shopper)"),
    {**_COMMON_SHOPPER_HELP, **_SHOP_ORDER_HELP, **_SUMMARY_HELP},
)
_register(
    "shop_order_shipped",
    _("Order shipped (to the shopper)"),
    {**_COMMON_SHOPPER_HELP, **_SHOP_ORDER_HELP, **_SUMMARY_HELP, **_SHIPPING_HELP},
)
_register(
    "shop_order_delivered",
    _("Order delivered (to the shopper)"),
    {**_COMMON_SHOPPER_HELP, **_SHOP_ORDER_HELP, **_SUMMARY_HELP},
)
_register(
    "shop_order_cancelled_shopper",
    _("Order cancelled (to the shopper)"),
    {
        **_COMMON_SHOPPER_HELP,
        **_SHOP_ORDER_HELP,
        **_SUMMARY_HELP,
        "cancelled_by": _("Who cancelled: Shopper, Seller, Operator or System."),
        "was_paid": _("True when the shopper had already paid this part."),
    },
)
_register(
    "shop_order_cancelled_seller",
    _("Order cancelled (to the seller)"),
    {
        **_SELLER_HELP,
        **_SHOP_ORDER_HELP,
        **_SUMMARY_HELP,
        "cancelled_by": _("Who cancelled: Shopper, Seller, Operator or System."),
    },
)
_register(
    "shop_order_refunded",
    _("Refund made (to the shopper)"),
    {
        **_COMMON_SHOPPER_HELP,
        **_SHOP_ORDER_HELP,
        "amount": _("The amount refunded this time (rupiah)."),
        "reason": _("Why it was refunded."),
        "by_card": _("True when the money goes back to the card."),
        "how": _("How the money was paid back (a manual refund)."),
    },
)
_register(
    "payment_expiring",
    _("Payment deadline is near (to the shopper)"),
    {**_COMMON_SHOPPER_HELP, **_SUMMARY_HELP, **_PAYMENT_HELP},
)
_register(
    "order_expired",
    _("Unpaid order cancelled (to the shopper)"),
    {**_COMMON_SHOPPER_HELP, **_SUMMARY_HELP},
)


# --- Public functions (the contract) ------------------------------------------------------------------


def notify_order_placed(*, order: Order) -> None:
    """Mails the shopper the summary of the order and what to do next (the bank transfer instructions of the
    order's pending bank-transfer payment, if any), and each shop's members their part of it.
    Call inside the transaction that placed the order. Writes 1 + (shops with a member email) outbox rows."""
    order = _load_order(order)
    shop_orders = _load_shop_orders(order=order)
    payment = _pending_bank_transfer(order)
    _mail_shopper(
        "order_placed_shopper",
        order=order,
        shop_orders=shop_orders,
        whole_order=True,
        extra={"payment_instructions": _payment_instructions(order, payment), "pay_before": order.pay_before},
    )
    for shop_order in shop_orders:
        _mail_shop("order_placed_seller", order=order, shop_order=shop_order)


def notify_order_paid(*, order: Order, shop_orders: Sequence[ShopOrder]) -> None:
    """Mails the shopper that the payment of `shop_orders` (the parts of `order` that just became paid) was
    received, and each of those shops that its part is paid and can be prepared."""
    order = _load_order(order)
    paid = _load_shop_orders(order=order, shop_order_ids=[shop_order.pk for shop_order in shop_orders])
    if not paid:
        return
    _mail_shopper("order_paid_shopper", order=order, shop_orders=paid)
    for shop_order in paid:
        _mail_shop("order_paid_seller", order=order, shop_order=shop_order)


def notify_shop_order_accepted(*, shop_order: ShopOrder) -> None:
    """Mails the shopper that the shop accepted its part and is preparing it."""
    _mail_shopper_about_shop_order("shop_order_accepted", shop_order=shop_order)


def notify_shop_order_shipped(*, shop_order: ShopOrder) -> None:
    """Mails the shopper that the shop's part is on its way, with the courier and tracking number."""
    _mail_shopper_about_shop_order("shop_order_shipped", shop_order=shop_order)


def notify_shop_order_delivered(*, shop_order: ShopOrder) -> None:
    """Mails the shopper that the shop's part was delivered: confirm receipt, or report a problem."""
    _mail_shopper_about_shop_order("shop_order_delivered", shop_order=shop_order)


def notify_shop_order_cancelled(*, shop_order: ShopOrder, by: str) -> None:
    """Mails the shopper and the shop's members that the shop's part was cancelled, by whom (`by`, a
    `ShopOrderEvent.Actor` value) and why (`shop_order.cancel_reason`)."""
    order = _load_order(shop_order.order)
    (shop_order,) = _load_shop_orders(order=order, shop_order_ids=[shop_order.pk])
    cancelled_by = ShopOrderEvent.Actor(by).label
    _mail_shopper(
        "shop_order_cancelled_shopper",
        order=order,
        shop_orders=[shop_order],
        extra={
            "shop_order": shop_order,
            "shop": shop_order.shop,
            "cancelled_by": cancelled_by,
            "was_paid": shop_order.paid_at is not None,
        },
    )
    _mail_shop("shop_order_cancelled_seller", order=order, shop_order=shop_order, extra={"cancelled_by": cancelled_by})


def notify_shop_order_refunded(*, shop_order: ShopOrder, amount: int, reason: str, by_card: bool, how: str) -> None:
    """Mails the shopper that `amount` of the shop's part went back to them, and how."""
    order = _load_order(shop_order.order)
    (shop_order,) = _load_shop_orders(order=order, shop_order_ids=[shop_order.pk])
    _mail_shopper(
        "shop_order_refunded",
        order=order,
        shop_orders=[shop_order],
        extra={
            "shop_order": shop_order,
            "shop": shop_order.shop,
            "amount": amount,
            "reason": reason,
            "by_card": by_card,
            "how": how,
        },
    )


def notify_payment_expiring(*, order: Order) -> None:
    """Mails the shopper of an unpaid order that its payment deadline (`order.pay_before`) is near, with
    what to pay again."""
    order = _load_order(order)
    shop_orders = _load_shop_orders(order=order)
    payment = _pending_bank_transfer(order)
    _mail_shopper(
        "payment_expiring",
        order=order,
        shop_orders=shop_orders,
        whole_order=True,
        extra={"payment_instructions": _payment_instructions(order, payment), "pay_before": order.pay_before},
    )


def notify_order_expired(*, order: Order) -> None:
    """Mails the shopper that the unpaid order was cancelled at its deadline and its items put back."""
    order = _load_order(order)
    _mail_shopper("order_expired", order=order, shop_orders=_load_shop_orders(order=order), whole_order=True)


# --- Links --------------------------------------------------------------------------------------------


def shopper_order_url(order: Order, *, language: str) -> str:
    """The absolute link to the order page (`/pesanan/<number>/`, under `/en/` in English); a guest's link
    carries the order's signed key (`?t=`)."""
    with translation.override(language):
        url = settings.SITE_URL + reverse("orders_my_orders:detail", args=[order.number])
    if order.buyer_id is None:
        url += f"?t={order_access_token(order)}"
    return url


def seller_order_url(shop_order: ShopOrder) -> str:
    """The absolute link to the shop order on the seller's pages (`/penjual/pesanan/<number>/`)."""
    with translation.override(SELLER_LANGUAGE):
        return settings.SITE_URL + reverse("orders_seller_orders:detail", args=[shop_order.number])


def _document_url(name: str, shop_order: ShopOrder, *, language: str, token: str = "") -> str:
    with translation.override(language):
        path = reverse(f"orders_documents:{name}", args=[shop_order.number])
    return settings.SITE_URL + path + (f"?t={token}" if token else "")


# --- Building and sending -----------------------------------------------------------------------------


def _load_order(order: Order) -> Order:
    return Order.objects.select_related("buyer", *ORDER_ADDRESS_RELATIONS).get(pk=order.pk)


def _load_shop_orders(*, order: Order, shop_order_ids: Iterable[int] | None = None) -> list[ShopOrder]:
    """The shop orders of `order` (all, or those of `shop_order_ids`) with their shop, lines and members."""
    queryset = (
        ShopOrder.objects.filter(order=order)
        .select_related("shop")
        .prefetch_related(
            "lines",
            Prefetch(
                "shop__members",
                queryset=ShopMember.objects.select_related("user")
                .annotate(
                    owner_first=Case(
                        When(role=ShopMember.Role.OWNER, then=Value(0)), default=Value(1), output_field=IntegerField()
                    )
                )
                .order_by("owner_first", "pk"),
                to_attr="mail_members",
            ),
        )
        .order_by("pk")
    )
    if shop_order_ids is not None:
        queryset = queryset.filter(pk__in=list(shop_order_ids))
    shop_orders = list(queryset)
    for shop_order in shop_orders:
        shop_order.order = order  # the loaded order, with its address regions
    return shop_orders


def _pending_bank_transfer(order: Order) -> Payment | None:
    return (
        Payment.objects.filter(order=order, provider=PaymentMethod.BANK_TRANSFER, status=Payment.Status.PENDING)
        .order_by("-created_at", "-pk")
        .first()
    )


def _shopper_language(order: Order) -> str:
    return order.language if order.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _customer_name(order: Order) -> str:
    if order.buyer is not None and order.buyer.full_name:
        return order.buyer.get_short_name()
    return order.recipient_name


def _in_language(language: str):
    """Blocks rendered here read as the mail around them: same language, the site's time zone."""
    return translation.override(language), timezone.override(ZoneInfo(settings.TIME_ZONE))


def _render_block(template: str, context: dict, *, language: str) -> str:
    language_override, timezone_override = _in_language(language)
    with language_override, timezone_override:
        return render_to_string(f"{EMAIL_DIR}/{template}", context).strip("\n")


def _summary(shop_orders: Sequence[ShopOrder], *, language: str, order: Order | None = None) -> str:
    return _render_block("_summary.txt", {"shop_orders": shop_orders, "order": order}, language=language)


def _shipping_address(order: Order, *, language: str) -> str:
    return _render_block("_shipping_address.txt", {"order": order}, language=language)


def _payment_instructions(order: Order, payment: Payment | None) -> str:
    if payment is None:
        return ""
    return _render_block(
        "_bank_transfer.txt",
        {
            "order": order,
            "payment": payment,
            "bank_accounts": settings.BANK_TRANSFER_ACCOUNTS,
            "pay_before": order.pay_before,
        },
        language=_shopper_language(order),
    )


def _mail_shopper(
    key: str, *, order: Order, shop_orders: Sequence[ShopOrder], extra: dict | None = None, whole_order: bool = False
) -> None:
    """One mail to the order's email in the shopper's language, `extra` added to the context. With
    `whole_order` (`shop_orders` are all of the order's), the summary ends with the order's totals."""
    if not order.email:
        return
    language = _shopper_language(order)
    guest_token = order_access_token(order) if order.buyer_id is None else ""
    context = {
        "order": order,
        "shop_orders": shop_orders,
        "customer_name": _customer_name(order),
        "order_url": shopper_order_url(order, language=language),
        "site_url": settings.SITE_URL,
        "invoice_urls": [
            _document_url("invoice", shop_order, language=language, token=guest_token) for shop_order in shop_orders
        ],
        "summary": _summary(
            shop_orders, language=language, order=order if whole_order and len(shop_orders) > 1 else None
        ),
        "shipping_address": _shipping_address(order, language=language),
        **(extra or {}),
    }
    subject, body = render_email(key, context, language=language)
    send_mail(subject, body, None, [order.email])


def _mail_shopper_about_shop_order(key: str, *, shop_order: ShopOrder) -> None:
    order = _load_order(shop_order.order)
    (shop_order,) = _load_shop_orders(order=order, shop_order_ids=[shop_order.pk])
    _mail_shopper(
        key,
        order=order,
        shop_orders=[shop_order],
        extra={"shop_order": shop_order, "shop": shop_order.shop},
    )


def _seller_recipients(shop_order: ShopOrder) -> list[str]:
    recipients: list[str] = []
    for member in shop_order.shop.mail_members:
        email = member.user.email
        if email and member.user.is_active and email not in recipients:
            recipients.append(email)
    return recipients


def _mail_shop(key: str, *, order: Order, shop_order: ShopOrder, extra: dict | None = None) -> None:
    """One mail to the members of the shop of `shop_order`, in Indonesian."""
    recipients = _seller_recipients(shop_order)
    if not recipients:
        return
    context = {
        "order": order,
        "shop_order": shop_order,
        "shop": shop_order.shop,
        "site_url": settings.SITE_URL,
        "seller_url": seller_order_url(shop_order),
        "packing_slip_url": _document_url("packing_slip", shop_order, language=SELLER_LANGUAGE),
        "summary": _summary([shop_order], language=SELLER_LANGUAGE),
        "shipping_address": _shipping_address(order, language=SELLER_LANGUAGE),
        **(extra or {}),
    }
    subject, body = render_email(key, context, language=SELLER_LANGUAGE)
    send_mail(subject, body, None, recipients)
