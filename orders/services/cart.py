"""The shopping cart: finding it for a request, adding, changing and removing lines, merging on login.

Decisions (issue 6, "Cart"):

- **Whose cart**: a signed-in user has one cart (`Cart.user`); an anonymous browser has the cart whose token is
  in its session (`SESSION_KEY`). On login the anonymous cart's lines move into the user's cart
  (`cart_claim_on_login`, called from `OrdersConfig.ready`'s `user_logged_in` receiver: the one accepted signal
  use, since Django's login is where the session and the user meet). The session keeps the user's cart token
  too, so the header's count costs no query for anybody who never had a cart.
- **A cart reserves nothing**: stock is checked when a line is added or changed (the shopper hears about it at
  once) and again, under locks, when the order is placed (`orders.services.checkout`). A line may come to
  exceed the stock later; `orders.selectors.cart.cart_summary` then names the problem.
- **Prices**: a line remembers the price the shopper saw when adding it (`price_when_added`), so the cart can
  say a price changed; adding more of the same variant refreshes it, as the shopper just saw today's price.
  Checkout always charges the variant's current price.
- **Errors** (the API answers them as the project's exception handler does):
  - `ValidationError` (400, field errors) for a request that is wrong in itself: a quantity that is not a
    whole number from 1 to `MAX_LINE_QUANTITY` (field `quantity`), an unknown variant or one that is not for
    sale (inactive variant, draft or archived or unapproved product, shop not approved; field `variant`).
  - `OutOfStockError` (409 `{"detail"}`) when the stock does not cover the quantity, and `CartError` (409)
    while the shop is on holiday (`Shop.closed_until`): conflicts with the current state that may pass.
  - `Http404` for a line that is not in this cart (another shopper's line id): nothing is changed.
- **Locks**: every change locks the cart row first (`orders.locks.cart_qs_select_for_update`, as checkout
  does), so two requests of one shopper (double click, two tabs) cannot both read "no line yet" and collide on
  the one-line-per-variant constraint. A merge locks both carts in primary key order.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders import locks
from orders.errors import CartError, OutOfStockError, StateConflictError
from orders.models import MAX_LINE_QUANTITY, Cart, CartLine
from shops.models import Product, ProductVariant, Shop

SESSION_KEY = "cart_token"
MAX_DATABASE_ID = 2**63 - 1


# --- Finding the cart -----------------------------------------------------------------------------------------


def session_cart_token(request) -> uuid.UUID | None:
    """The cart token the request's session remembers, or None (no session, no token, a malformed one)."""
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _remember(request, cart: Cart) -> None:
    if request.session.get(SESSION_KEY) != str(cart.token):
        request.session[SESSION_KEY] = str(cart.token)


def cart_get_for_request(request, *, create: bool = False) -> Cart | None:
    """The cart of whoever sends `request`: a signed-in user's own cart, else the anonymous cart whose token
    is in the session (a token of a user's cart never opens it anonymously). None when there is none and
    `create` is False; with `create=True` a cart is made (and its token stored in the session).

    Side effect: the session remembers the cart's token (the header's count reads it). One query to find
    the cart, one more to create it."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            try:
                with transaction.atomic():
                    cart = Cart.objects.create(user=user)
            except IntegrityError:  # another request of this user made it meanwhile
                cart = Cart.objects.get(user=user)
        if cart is not None:
            _remember(request, cart)
        return cart
    token = session_cart_token(request)
    cart = Cart.objects.filter(token=token, user__isnull=True).first() if token else None
    if cart is None and create:
        cart = Cart.objects.create()
        _remember(request, cart)
    return cart


def _cart_lookup(request) -> dict | None:
    """The filter that finds the request's cart (as `cart_get_for_request` does), or None when it has none."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user}
    token = session_cart_token(request)
    return {"token": token, "user__isnull": True} if token else None


# --- Checks -----------------------------------------------------------------------------------------------------


def _quantity_error(message: str, code: str) -> ValidationError:
    return ValidationError({"quantity": ValidationError(message, code=code)})


def _check_quantity(quantity) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise _quantity_error(_("Enter the quantity as a whole number."), "invalid")
    if quantity < 1:
        raise _quantity_error(_("The quantity must be at least 1."), "min_value")
    if quantity > MAX_LINE_QUANTITY:
        raise _quantity_error(
            _("You can buy at most %(max)d of one item in one order.") % {"max": MAX_LINE_QUANTITY}, "max_value"
        )


def variant_unavailable_reason(variant: ProductVariant) -> str:
    """Why this variant cannot be bought at all (translated), or "" when it is for sale. Reads
    `variant.product.shop` (select it along). The shop's holiday is not a reason here: see
    `shop_closed_reason`."""
    product = variant.product
    if (
        not variant.is_active
        or product.status != Product.Status.ACTIVE
        or product.moderation != Product.Moderation.APPROVED
        or product.shop.status != Shop.Status.APPROVED
    ):
        return _("This product is no longer available.")
    return ""


def shop_closed_reason(shop: Shop, today=None) -> str:
    """ "The shop is on holiday until <date>." (translated) while the shop is closed, else ""."""
    today = today or timezone.localdate()
    if shop.is_closed_on(today):
        return _("The shop is on holiday until %(date)s.") % {"date": date_format(shop.closed_until, "j F Y")}
    return ""


def _buyable_variant(variant_id) -> ProductVariant:
    """The variant with this id if it can be bought today, with its product and shop; else raises."""
    variant = None
    if isinstance(variant_id, int) and not isinstance(variant_id, bool) and 0 < variant_id <= MAX_DATABASE_ID:
        variant = ProductVariant.objects.select_related("product__shop").filter(pk=variant_id).first()
    if variant is None:
        raise ValidationError({"variant": ValidationError(_("There is no such product."), code="does_not_exist")})
    reason = variant_unavailable_reason(variant)
    if reason:
        raise ValidationError({"variant": ValidationError(reason, code="unavailable")})
    reason = shop_closed_reason(variant.product.shop)
    if reason:
        raise CartError(reason + " " + _("You can buy from it again after that."))
    return variant


def _check_stock(variant: ProductVariant, *, total: int, in_cart: int) -> None:
    if variant.stock <= 0:
        raise OutOfStockError(_("Sorry, this item is out of stock."), variant_ids=(variant.pk,))
    if total > variant.stock:
        if in_cart:
            message = ngettext(
                "Only %(stock)d left in stock, and your cart already holds %(in_cart)d.",
                "Only %(stock)d left in stock, and your cart already holds %(in_cart)d.",
                variant.stock,
            ) % {"stock": variant.stock, "in_cart": in_cart}
        else:
            message = ngettext("Only %(stock)d left in stock.", "Only %(stock)d left in stock.", variant.stock) % {
                "stock": variant.stock
            }
        raise OutOfStockError(message, variant_ids=(variant.pk,))


# `Cart.updated_at` only tells abandoned carts (untouched for weeks) from live ones: an hour's precision is
# plenty, and an active shopper's adds skip the write.
TOUCH_INTERVAL = datetime.timedelta(hours=1)


def _touch(cart: Cart) -> None:
    if cart.updated_at is None or cart.updated_at < timezone.now() - TOUCH_INTERVAL:
        cart.save(update_fields=["updated_at"])


def _lock(cart: Cart) -> Cart:
    locked = locks.cart_qs_select_for_update().filter(pk=cart.pk).first()
    if locked is None:  # merged into the user's cart (and deleted) by a login meanwhile
        raise CartError(_("Your cart has just changed. Please try again."))
    return locked


def _line_in_cart(cart: Cart, line_id) -> CartLine:
    line = None
    if isinstance(line_id, int) and not isinstance(line_id, bool) and 0 < line_id <= MAX_DATABASE_ID:
        line = CartLine.objects.select_related("variant__product__shop").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise Http404("No such line in this cart.")
    return line


# --- Changing lines ---------------------------------------------------------------------------------------------


def cart_add_line(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Adds `quantity` units of the variant: to its existing line (one line per variant) or as a new line
    remembering today's price (an existing line's `price_when_added` is refreshed too).

    Refuses, changing nothing: a quantity that is not a whole number from 1, or a total above
    `MAX_LINE_QUANTITY` (`ValidationError` on "quantity"); an unknown variant or one not for sale
    (`ValidationError` on "variant"); a shop on holiday (`CartError`, 409); a total above the stock
    (`OutOfStockError`, 409). Locks the cart row for the transaction."""
    _check_quantity(quantity)
    with transaction.atomic():
        return _add_to_locked_cart(cart=_lock(cart), variant_id=variant_id, quantity=quantity)


def _add_to_locked_cart(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """The body of `cart_add_line`, inside the caller's transaction, with the cart row locked."""
    variant = _buyable_variant(variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    in_cart = line.quantity if line else 0
    total = in_cart + quantity
    if total > MAX_LINE_QUANTITY:
        raise _quantity_error(
            _("You can buy at most %(max)d of one item in one order; your cart already holds %(in_cart)d.")
            % {"max": MAX_LINE_QUANTITY, "in_cart": in_cart},
            "max_value",
        )
    _check_stock(variant, total=total, in_cart=in_cart)
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=total, price_when_added=variant.price)
    else:
        line.quantity, line.price_when_added = total, variant.price
        line.save(update_fields=["quantity", "price_when_added"])
    _touch(cart)
    line.cart, line.variant = cart, variant
    return line


def cart_add_line_for_request(request, *, variant_id: int, quantity: int) -> CartLine:
    """`cart_add_line` on the cart of whoever sends `request`, making the cart only when the line is added: a
    refused first add leaves no empty cart behind (and no token in the session). Raises as `cart_add_line`."""
    _check_quantity(quantity)
    lookup = _cart_lookup(request)
    if lookup is not None:
        # Found and locked in one query (the cart of a returning visitor, the most frequent add after the first).
        with transaction.atomic():
            cart = locks.cart_qs_select_for_update().filter(**lookup).first()
            if cart is not None:
                _remember(request, cart)
                return _add_to_locked_cart(cart=cart, variant_id=variant_id, quantity=quantity)
    try:
        with transaction.atomic():
            cart = cart_get_for_request(request, create=True)
            return _add_to_new_cart(cart=cart, variant_id=variant_id, quantity=quantity)
    except (ValidationError, StateConflictError):
        request.session.pop(SESSION_KEY, None)
        raise


def _add_to_new_cart(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """`cart_add_line` for a cart made in the caller's transaction: nobody else can see it yet and it has no
    lines, so there is nothing to lock or look up (a new visitor's first add is the most frequent one)."""
    _check_quantity(quantity)
    variant = _buyable_variant(variant_id)
    _check_stock(variant, total=quantity, in_cart=0)
    line = CartLine.objects.create(cart=cart, variant=variant, quantity=quantity, price_when_added=variant.price)
    line.cart, line.variant = cart, variant
    return line


def cart_update_line(*, cart: Cart, line_id: int, quantity: int) -> CartLine:
    """Sets the quantity of a line of this cart. Lowering a quantity is always allowed (it only helps a line
    that lost its stock or its shop); raising it checks the variant like `cart_add_line` (for sale: 400 on
    "variant"; shop open: `CartError`; stock covers the new quantity: `OutOfStockError`).

    Raises `ValidationError` on "quantity" for anything but a whole number from 1 to `MAX_LINE_QUANTITY`
    (removing is `cart_remove_line`), `Http404` for a line not in this cart. Nothing changes on error.
    Locks the cart row."""
    _check_quantity(quantity)
    with transaction.atomic():
        cart = _lock(cart)
        line = _line_in_cart(cart, line_id)
        if quantity > line.quantity:
            variant = _buyable_variant(line.variant_id)
            _check_stock(variant, total=quantity, in_cart=0)
            line.variant = variant
        if quantity != line.quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
            _touch(cart)
    return line


def cart_remove_line(*, cart: Cart, line_id: int) -> None:
    """Removes a line of this cart. `Http404` for a line not in this cart (nothing is removed). Locks the cart
    row."""
    with transaction.atomic():
        cart = _lock(cart)
        line = _line_in_cart(cart, line_id)
        line.delete()
        _touch(cart)


def cart_remove_variants(*, cart: Cart, variant_ids) -> int:
    """Removes the lines of these variants (checkout calls it once the order is placed). Returns how many lines
    went. No lock: deleting rows needs none, and a line added meanwhile for another variant stays."""
    deleted, _per_model = CartLine.objects.filter(cart=cart, variant_id__in=list(variant_ids)).delete()
    return deleted


def cart_merge(*, source: Cart, target: Cart) -> None:
    """Moves the lines of `source` (an anonymous cart) into `target` (the user's cart), then deletes `source`.

    A variant in both carts gets the sum of the quantities, capped at the variant's stock and at
    `MAX_LINE_QUANTITY`, and keeps the target's `price_when_added`. A line whose variant has no stock left is
    kept as it is (the cart shows it as out of stock rather than dropping it silently). Lines of products no
    longer for sale move as well; the cart names their problem. Locks both carts, in primary key order."""
    if source.pk == target.pk:
        return
    with transaction.atomic():
        locked = {cart.pk: cart for cart in locks.cart_qs_select_for_update().filter(pk__in=[source.pk, target.pk])}
        if source.pk not in locked or target.pk not in locked:
            return  # merged (and deleted) by a concurrent login meanwhile
        existing = {line.variant_id: line for line in CartLine.objects.filter(cart_id=target.pk)}
        for line in CartLine.objects.filter(cart_id=source.pk).select_related("variant"):
            stock = line.variant.stock
            kept = existing.get(line.variant_id)
            if kept is None:
                quantity = min(line.quantity, stock) if stock > 0 else line.quantity
                CartLine.objects.filter(pk=line.pk).update(cart_id=target.pk, quantity=quantity)
                continue
            if stock > 0:
                quantity = min(kept.quantity + line.quantity, stock, MAX_LINE_QUANTITY)
                if quantity != kept.quantity:
                    kept.quantity = quantity
                    kept.save(update_fields=["quantity"])
        Cart.objects.filter(pk=source.pk).delete()
        Cart.objects.filter(pk=target.pk).update(updated_at=timezone.now())


def cart_claim_on_login(*, request, user) -> Cart | None:
    """On login: the anonymous cart of the session (if any) is merged into the user's cart (made if needed),
    and the session then remembers the user's cart. Called by the `user_logged_in` receiver of
    `OrdersConfig.ready`. Returns the user's cart, or None when the user has none and brought none."""
    if request is None or getattr(request, "session", None) is None:
        return None
    token = session_cart_token(request)
    source = Cart.objects.filter(token=token, user__isnull=True).first() if token else None
    target = Cart.objects.filter(user=user).first()
    if source is not None and target is None:
        try:
            with transaction.atomic():
                target = Cart.objects.create(user=user)
        except IntegrityError:
            target = Cart.objects.get(user=user)
    if source is not None:
        cart_merge(source=source, target=target)
    if target is not None:
        _remember(request, target)
    else:
        request.session.pop(SESSION_KEY, None)
    return target
