"""Checkout: one cart becomes one `Order` with one `ShopOrder` per shop (DESIGN §3, §4).

`order_place` is the only way an order comes to exist. Its transaction is short and makes no network call:

1. lock the cart row (two checkouts of one cart run one after the other; the second finds the first's order by
   its idempotency key, or an empty cart);
2. re-read the lines with today's prices and re-check that everything is still for sale;
3. reserve stock with one conditional update per variant, in primary-key order
   (`shops.services.stock.variant_stock_reserve`): a variant with too few units rolls everything back;
4. write the order, shop orders, lines, timeline, the pending payment and the mails (outbox rows);
5. empty the cart of what was ordered.

The payment provider is asked what the shopper does next (`initiate`) only after the commit.
"""

import dataclasses
import secrets
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from payments.providers import NextAction, available_payment_methods, get_provider
from payments.services import payment_create_for_order
from shops.models import Product, Shop
from shops.selectors import commission_rates
from shops.services.stock import product_sold_count_add, variant_stock_reserve

from ..errors import CartError, OutOfStockError
from ..locks import cart_qs_select_for_update
from ..models import Cart, CartLine, Order, OrderLine, ShippingOption, ShopOrder, ShopOrderEvent
from ..selectors.shipping import shipping_options_for_shops
from ..shipping import ShippingUnavailable, shipping_fee
from . import notifications
from .addresses import ADDRESS_FIELDS, REQUIRED_FIELDS

MAX_NOTE_LENGTH = 500
MAX_IDEMPOTENCY_KEY_LENGTH = 100
# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out over the phone.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_ATTEMPTS = 10


@dataclasses.dataclass
class PlacedOrder:
    order: Order
    created: bool
    next_action: NextAction | None = None


@dataclasses.dataclass
class ShopQuote:
    shop: Shop
    lines: list[CartLine]
    subtotal: int
    weight_grams: int
    # (option, fee or None, reason it is unavailable or "")
    options: list[tuple[ShippingOption, int | None, str]]
    chosen: ShippingOption | None
    shipping_fee: int | None


@dataclasses.dataclass
class CheckoutQuote:
    shops: list[ShopQuote]
    payment_methods: list[str]
    subtotal: int
    shipping_total: int | None  # None until every shop has a usable option chosen
    total: int | None
    problems: list[str]
    # Variants with fewer units in stock than the cart asks for (also described in `problems`).
    short_variant_ids: list[int] = dataclasses.field(default_factory=list)


# --- Reading the cart ---------------------------------------------------------------------------------


def _cart_lines(cart: Cart) -> list[CartLine]:
    return list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__shop", "variant__product__category")
        .order_by("variant__shop_id", "variant_id")
    )


def _line_problem(line: CartLine, today) -> str:
    variant = line.variant
    product, shop = variant.product, variant.product.shop
    if shop.status != Shop.Status.APPROVED:
        return _("%(shop)s is not selling at the moment.") % {"shop": shop.name}
    if shop.is_closed_on(today):
        return _("%(shop)s is on holiday until %(date)s.") % {
            "shop": shop.name,
            "date": shop.closed_until.strftime("%d-%m-%Y"),
        }
    if (
        product.status != Product.Status.ACTIVE
        or product.moderation != Product.Moderation.APPROVED
        or not variant.is_active
    ):
        return _("%(product)s is no longer for sale.") % {"product": product.title}
    if variant.stock < line.quantity:
        return _("Only %(stock)s of %(product)s left in stock.") % {"stock": variant.stock, "product": product.title}
    return ""


def _group(lines: list[CartLine]) -> dict[int, list[CartLine]]:
    groups: dict[int, list[CartLine]] = defaultdict(list)
    for line in lines:
        groups[line.variant.shop_id].append(line)
    return groups


def checkout_quote(
    *, cart: Cart | None, district_code: str | None, shipping: dict[int, int] | None = None
) -> CheckoutQuote:
    """What the checkout page shows: per shop its lines, subtotal, weight, the shipping options with their fee
    for `district_code` (or why each is unavailable), the chosen option (`shipping` {shop id: option id}, or the
    cheapest usable one), the payment methods every shop accepts, and totals. Reads only; a fixed number of
    queries whatever the number of lines and shops."""
    shipping = shipping or {}
    lines = _cart_lines(cart) if cart is not None else []
    for line in lines:
        line.line_total = line.variant.price * line.quantity  # today's price, for the page
    today = timezone.localdate()
    problems = [problem for line in lines if (problem := _line_problem(line, today))]
    short = [line.variant_id for line in lines if line.variant.stock < line.quantity]
    groups = _group(lines)
    options_by_shop = shipping_options_for_shops(shop_ids=list(groups))
    shop_quotes = []
    for shop_id, shop_lines in groups.items():
        subtotal = sum(line.variant.price * line.quantity for line in shop_lines)
        weight = sum(line.variant.product.weight_grams * line.quantity for line in shop_lines)
        options = []
        for option in options_by_shop.get(shop_id, []):
            try:
                fee = shipping_fee(
                    option=option, weight_grams=weight, subtotal=subtotal, district_code=district_code or ""
                )
                options.append((option, fee, ""))
            except ShippingUnavailable as error:
                options.append((option, None, str(error.message)))
        usable = [(option, fee) for option, fee, _reason in options if fee is not None]
        chosen = next(((option, fee) for option, fee in usable if option.pk == shipping.get(shop_id)), None)
        if chosen is None and shop_id not in shipping and usable:
            chosen = min(usable, key=lambda pair: (pair[1], pair[0].position, pair[0].pk))
        shop = shop_lines[0].variant.product.shop
        if not options:
            problems.append(_("%(shop)s has not set up shipping yet.") % {"shop": shop.name})
        shop_quotes.append(
            ShopQuote(
                shop=shop,
                lines=shop_lines,
                subtotal=subtotal,
                weight_grams=weight,
                options=options,
                chosen=chosen[0] if chosen else None,
                shipping_fee=chosen[1] if chosen else None,
            )
        )
    subtotal = sum(quote.subtotal for quote in shop_quotes)
    fees = [quote.shipping_fee for quote in shop_quotes]
    shipping_total = sum(fees) if fees and None not in fees else None
    return CheckoutQuote(
        shops=shop_quotes,
        payment_methods=available_payment_methods(shops=[quote.shop for quote in shop_quotes]) if shop_quotes else [],
        subtotal=subtotal,
        shipping_total=shipping_total,
        total=subtotal + shipping_total if shipping_total is not None else None,
        problems=problems,
        short_variant_ids=short,
    )


# --- Placing ------------------------------------------------------------------------------------------


def order_place(
    *,
    cart: Cart,
    buyer,
    email: str,
    address: dict,
    shipping: dict[int, int],
    notes: dict[int, str] | None = None,
    payment_method: str,
    idempotency_key: str,
    language: str = "id",
) -> PlacedOrder:
    """Place the cart as one order with one shop order per shop; see the module docstring for the steps.

    `address` holds `AddressForm.cleaned_data` (model instances for the regions), `shipping` the chosen
    option per shop id, `notes` an optional note per shop id. `idempotency_key` (from the form or the API's
    `Idempotency-Key` header) is scoped to the buyer: the same key gives back the same order, `created=False`.

    Raises ValidationError (email, address parts, notes, shipping or payment method not offered), CartError (an
    empty cart, something no longer for sale, a shop on holiday), OutOfStockError (too few units; nothing is
    reserved then). Side effects: the order's mails (outbox rows, same transaction); stock and sold counts
    move; the cart loses the ordered lines.
    """
    try:
        notes = {int(shop_id): (note or "").strip() for shop_id, note in (notes or {}).items()}
        shipping = {int(shop_id): int(option_id) for shop_id, option_id in (shipping or {}).items()}
    except (TypeError, ValueError):
        raise ValidationError({"shipping": _("Choose a shipping option for each shop.")}) from None
    key = _scoped_key(buyer, idempotency_key)
    existing = Order.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return PlacedOrder(order=existing, created=False, next_action=_next_action(existing))
    _validate_contact(email=email, address=address, notes=notes)

    try:
        with transaction.atomic():
            locked_cart = cart_qs_select_for_update().filter(pk=cart.pk).first()
            existing = Order.objects.filter(idempotency_key=key).first()
            if existing is not None:
                raise _DuplicateKey  # answered after the lock is released: the provider may call the network
            if locked_cart is None:
                raise CartError(_("Your cart is empty."))
            order = _place_locked(
                cart=locked_cart,
                buyer=buyer,
                email=email,
                address=address,
                shipping=shipping,
                notes=notes,
                payment_method=payment_method,
                key=key,
                language=language,
            )
    except _DuplicateKey:
        existing = Order.objects.get(idempotency_key=key)
        return PlacedOrder(order=existing, created=False, next_action=_next_action(existing))
    return PlacedOrder(order=order, created=True, next_action=_next_action(order))


class _DuplicateKey(Exception):
    """Another transaction placed an order with this idempotency key first (it committed while we waited)."""


def _place_locked(*, cart, buyer, email, address, shipping, notes, payment_method, key, language) -> Order:
    quote = checkout_quote(cart=cart, district_code=address["district"].code, shipping=shipping)
    if not quote.shops:
        raise CartError(_("Your cart is empty."))
    if quote.short_variant_ids and len(quote.short_variant_ids) == len(quote.problems):
        raise OutOfStockError(" ".join(quote.problems), variant_ids=tuple(quote.short_variant_ids))
    if quote.problems:
        raise CartError(" ".join(str(problem) for problem in quote.problems))
    errors = {}
    for shop_quote in quote.shops:
        chosen_id = shipping.get(shop_quote.shop.pk)
        if shop_quote.chosen is None or shop_quote.chosen.pk != chosen_id:
            reason = next((reason for option, _fee, reason in shop_quote.options if option.pk == chosen_id), "")
            errors.setdefault("shipping", []).append(
                reason or _("Choose how %(shop)s ships your order.") % {"shop": shop_quote.shop.name}
            )
    unknown_notes = set(notes) - {shop_quote.shop.pk for shop_quote in quote.shops}
    if unknown_notes:
        errors["notes"] = _("A note is for a shop that is not in your cart.")
    if payment_method not in quote.payment_methods:
        errors["payment_method"] = _("Choose a payment method every shop in your cart accepts.")
    if errors:
        raise ValidationError(errors)

    quantities = Counter()
    products = Counter()
    for shop_quote in quote.shops:
        for line in shop_quote.lines:
            quantities[line.variant_id] += line.quantity
            products[line.variant.product_id] += line.quantity
    short = variant_stock_reserve(quantities=quantities)
    if short:
        raise OutOfStockError(variant_ids=tuple(short))
    product_sold_count_add(quantities=products)

    provider = get_provider(payment_method)
    status = provider.initial_status()
    pay_before = (
        timezone.now() + timedelta(hours=settings.ORDER_PAYMENT_WINDOW_HOURS)
        if status == ShopOrder.Status.AWAITING_PAYMENT
        else None
    )
    order = _create_order(
        buyer=buyer,
        email=email,
        address=address,
        payment_method=payment_method,
        subtotal=quote.subtotal,
        shipping_total=quote.shipping_total,
        key=key,
        pay_before=pay_before,
        language=language,
    )
    now = timezone.now()
    shop_orders, order_lines = [], []
    for index, shop_quote in enumerate(quote.shops, start=1):
        shop_order = ShopOrder(
            order=order,
            shop=shop_quote.shop,
            number=f"{order.number}-{index}",
            status=status,
            subtotal=shop_quote.subtotal,
            shipping_fee=shop_quote.shipping_fee,
            total=shop_quote.subtotal + shop_quote.shipping_fee,
            shipping_option=shop_quote.chosen,
            shipping_kind=shop_quote.chosen.kind,
            shipping_name=shop_quote.chosen.name,
            note_to_seller=notes.get(shop_quote.shop.pk, ""),
            accepted_at=now if status == ShopOrder.Status.PROCESSING else None,
        )
        shop_orders.append(shop_order)
    ShopOrder.objects.bulk_create(shop_orders)
    for shop_order, shop_quote in zip(shop_orders, quote.shops, strict=True):
        rates = commission_rates(
            shop=shop_quote.shop, categories={line.variant.product.category for line in shop_quote.lines}
        )
        for line in shop_quote.lines:
            variant, product = line.variant, line.variant.product
            order_lines.append(
                OrderLine(
                    shop_order=shop_order,
                    variant=variant,
                    product=product,
                    title=product.title,
                    variant_name=variant.name,
                    sku=variant.sku,
                    unit_price=variant.price,
                    quantity=line.quantity,
                    weight_grams=product.weight_grams,
                    line_total=variant.price * line.quantity,
                    commission_basis_points=rates[product.category_id],
                )
            )
    OrderLine.objects.bulk_create(order_lines)
    ShopOrderEvent.objects.bulk_create(
        ShopOrderEvent(
            shop_order=shop_order,
            status=status,
            kind="placed",
            actor=ShopOrderEvent.Actor.SHOPPER,
            user=buyer if buyer is not None and buyer.is_authenticated else None,
            note=shop_order.note_to_seller,
        )
        for shop_order in shop_orders
    )
    payment_create_for_order(order=order)
    CartLine.objects.filter(cart=cart, variant_id__in=list(quantities)).delete()
    notifications.notify_order_placed(order=order)
    return order


def _create_order(
    *, buyer, email, address, payment_method, subtotal, shipping_total, key, pay_before, language
) -> Order:
    """The order row, first thing written: its unique idempotency key is the guard against a twin checkout, its
    unique number is drawn again on the rare clash. Savepoints keep the surrounding transaction usable."""
    fields = {name: address.get(name) or ("" if name not in ("village",) else None) for name in ADDRESS_FIELDS}
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return Order.objects.create(
                    number=_new_number(),
                    buyer=buyer if buyer is not None and buyer.is_authenticated else None,
                    email=email.strip().lower(),
                    payment_method=payment_method,
                    subtotal=subtotal,
                    shipping_total=shipping_total,
                    total=subtotal + shipping_total,
                    idempotency_key=key,
                    pay_before=pay_before,
                    language=language,
                    **fields,
                )
        except IntegrityError:
            if Order.objects.filter(idempotency_key=key).exists():
                raise _DuplicateKey from None
    raise IntegrityError("could not draw a free order number")


def _new_number() -> str:
    """ "PU-261128-7K3QX": the date (Makassar) for people, five random characters for uniqueness."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(5))
    return f"PU-{timezone.localdate():%y%m%d}-{suffix}"


def _scoped_key(buyer, idempotency_key: str) -> str:
    idempotency_key = (idempotency_key or "").strip()
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValidationError(
            {"idempotency_key": _("The checkout form expired. Please reload the page and try again.")}
        )
    who = str(buyer.pk) if buyer is not None and buyer.is_authenticated else "guest"
    return f"{who}:{idempotency_key}"


def _validate_contact(*, email: str, address: dict, notes: dict[int, str]) -> None:
    errors = {}
    try:
        validate_email((email or "").strip())
    except ValidationError:
        errors["email"] = _("Enter a valid email address.")
    missing = [name for name in REQUIRED_FIELDS if not address.get(name)]
    if missing:
        errors["address"] = _("The address is missing: %(parts)s.") % {
            "parts": ", ".join(str(Order._meta.get_field(name).verbose_name) for name in missing)
        }
    if any(len(note) > MAX_NOTE_LENGTH for note in notes.values()):
        errors["notes"] = _("A note to a seller has at most 500 characters.")
    if errors:
        raise ValidationError(errors)


def _next_action(order: Order) -> NextAction | None:
    """Asked of the provider after the commit (never inside the stock transaction). A provider that refuses or
    cannot be reached (Stripe down) does not fail the placed order: there is no next action, and the order
    page offers "Pay now" (`payments:pay`)."""
    import logging

    from payments.errors import ProviderError

    payment = order.payments.order_by("-pk").first()
    if payment is None or payment.status != payment.Status.PENDING:
        return None
    try:
        return get_provider(payment.provider).initiate(payment=payment)
    except ProviderError:
        logging.getLogger(__name__).warning(
            "The payment of order %s could not be started; the shopper can pay from the order page.",
            order.number,
            exc_info=True,
        )
        return None
