"""Reads of orders, with the authorization in the query (DESIGN §4): a buyer loads only their orders, a guest
only the order their signed link names, a seller only their shop's shop orders. Anything else is "not found"."""

from django.core import signing
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from shops.models import ShopMember

from ..models import Order, OrderLine, ShopOrder, ShopOrderEvent

GUEST_LINK_SALT = "orders.guest"
# A guest's link to their order works this long (their mails carry it).
GUEST_LINK_MAX_AGE = 180 * 24 * 3600


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.prefetch_related(
        Prefetch(
            "shop_orders",
            queryset=ShopOrder.objects.select_related("shop").prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.select_related("review")),
                Prefetch("events", queryset=ShopOrderEvent.objects.order_by("created_at", "pk")),
            ),
        ),
        "payments",
    ).select_related("province", "regency", "district", "village")


def order_list_for_buyer(*, user) -> QuerySet[Order]:
    """The user's orders, newest first, with their shop orders (and shops) prefetched."""
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    return Order.objects.filter(buyer=user).prefetch_related(
        Prefetch("shop_orders", queryset=ShopOrder.objects.select_related("shop"))
    )


def order_get_for_buyer(*, user, number: str) -> Order | None:
    if user is None or not user.is_authenticated:
        return None
    return _with_details(Order.objects.filter(buyer=user, number=number)).first()


def order_access_token(order: Order) -> str:
    """A signed token naming the order, for the guest's links (mails, the page after checkout)."""
    return signing.dumps({"order": order.number}, salt=GUEST_LINK_SALT, compress=True)


def order_get_for_guest(*, number: str, token: str) -> Order | None:
    """The guest order `number` when `token` is a valid, unexpired token for it."""
    try:
        data = signing.loads(token or "", salt=GUEST_LINK_SALT, max_age=GUEST_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("order") != number:
        return None
    return _with_details(Order.objects.filter(number=number, buyer__isnull=True)).first()


# The seller's list puts what needs them first: paid orders to accept and orders to ship, then orders still
# waiting for the shopper's payment, then the rest (shipped, done, cancelled); newest first within each.
SELLER_ACTION_STATUSES = (ShopOrder.Status.PAID, ShopOrder.Status.PROCESSING)


def _member_shop_orders(*, user, shop=None) -> QuerySet[ShopOrder]:
    if user is None or not user.is_authenticated:
        return ShopOrder.objects.none()
    shop_orders = ShopOrder.objects.filter(shop_id__in=ShopMember.objects.filter(user=user).values("shop_id"))
    if shop is not None:
        shop_orders = shop_orders.filter(shop=shop)
    return shop_orders


def shop_order_list_for_seller(*, user, status: str | None = None, shop=None) -> QuerySet[ShopOrder]:
    """The shop orders of the shops `user` is a member of (only `shop`'s when given, and only if the user is
    its member): new ones (awaiting the seller's action) first, then awaiting payment, then the rest, newest
    first within each. Order, shop and lines are loaded along (a constant number of queries)."""
    shop_orders = _member_shop_orders(user=user, shop=shop)
    if status:
        shop_orders = shop_orders.filter(status=status)
    priority = Case(
        When(status__in=SELLER_ACTION_STATUSES, then=Value(0)),
        When(status=ShopOrder.Status.AWAITING_PAYMENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        shop_orders.select_related("order", "shop")
        .prefetch_related("lines")
        .annotate(priority=priority)
        .order_by("priority", "-id")
    )


def shop_order_status_counts_for_seller(*, user, shop=None) -> dict[str, int]:
    """{status: number of shop orders} for every status (zeros included) and "all", in one aggregate query."""
    aggregates = {status: Count("id", filter=Q(status=status)) for status in ShopOrder.Status.values}
    counts = _member_shop_orders(user=user, shop=shop).aggregate(all=Count("id"), **aggregates)
    return {key: value or 0 for key, value in counts.items()}


def shop_order_get_for_seller(*, user, number: str) -> ShopOrder | None:
    """The shop order `number` when `user` is a member of its shop, with the order's address, the lines and the
    timeline (events in order, their users) loaded; None for anyone else (answer 404)."""
    return (
        _member_shop_orders(user=user)
        .filter(number=number)
        .select_related("order", "shop", "order__province", "order__regency", "order__district", "order__village")
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=ShopOrderEvent.objects.select_related("user").order_by("created_at", "pk")),
            "order__payments",
        )
        .first()
    )
