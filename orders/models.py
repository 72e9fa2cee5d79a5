"""Cart, checkout and orders split per shop (DESIGN §3, §4).

- **Cart**: one per signed-in user, or one per anonymous browser (its `token` lives in the session). Lines
  point at variants and remember the price when they were added, so the cart can say a price changed;
  checkout always charges the variant's current price.
- **Order**: what the shopper placed in one checkout: contact, a snapshot of the shipping address, the
  payment method and the totals (whole rupiah). It holds one `ShopOrder` per shop; each shop fulfils its own.
  `idempotency_key` is unique: placing the same checkout twice finds the first order instead of a second.
- **ShopOrder**: the part of an order a shop fulfils, with its own status flow (`STATUS_FLOW`), shipping
  choice and fee, and a timeline of `ShopOrderEvent`s (who, when, why). Only `orders.services` changes the
  status, under a row lock.
- **OrderLine**: a snapshot of what was bought (title, variant, SKU, unit price, quantity, weight), so
  later edits or deletions of the product change nothing in the order.
- **ShippingOption**: what a shop offers (flat rate, weight bands, local pickup, own delivery in named
  districts), each optionally free above an amount. Fees are computed by `orders.shipping`.
- **Address**: a signed-in shopper's address book, in the Indonesian hierarchy (province > regency >
  district > village).
- **Review**: one per order line, after delivery; the seller may reply once.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts.phone import validate_indonesian_phone
from shops.models import District, Product, ProductVariant, Province, Regency, Shop, Village
from shops.models.shop import POSTAL_CODE_REGEX, validate_postal_code

MAX_LINE_QUANTITY = 999
MAX_SHIPPING_FEE = 10_000_000


# --- Cart ---------------------------------------------------------------------------------------------


class Cart(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
        verbose_name=_("user"),
    )
    # An anonymous cart is found through this token, kept in the browser's session.
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        indexes = [models.Index(fields=["updated_at"], name="orders_cart_updated")]

    def __str__(self) -> str:
        return f"cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cart"))
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="+", verbose_name=_("variant"))
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_LINE_QUANTITY)]
    )
    # The price the shopper saw when adding the line; the cart shows a change, checkout uses today's price.
    price_when_added = models.PositiveBigIntegerField(_("price when added"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="orders_cartline_one_per_variant"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="orders_cartline_quantity_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"


# --- Addresses ----------------------------------------------------------------------------------------


class AddressFields(models.Model):
    """The parts of an Indonesian postal address, shared by the address book and the order snapshot."""

    recipient_name = models.CharField(_("recipient name"), max_length=150)
    phone = PhoneNumberField(_("phone / WhatsApp"), region="ID", validators=[validate_indonesian_phone])
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="+", verbose_name=_("regency or city"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    street_address = models.CharField(_("street address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=5, validators=[validate_postal_code])

    class Meta:
        abstract = True


class Address(AddressFields):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user")
    )
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("For example Home or Office."))
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-is_default", "-created_at", "-pk"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="orders_address_one_default"),
            models.CheckConstraint(
                condition=Q(postal_code__regex=POSTAL_CODE_REGEX), name="orders_address_postal_code_5_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.recipient_name}, {self.street_address}"


# --- Shipping options ---------------------------------------------------------------------------------


class ShippingOption(models.Model):
    class Kind(models.TextChoices):
        FLAT = "flat", _("Flat rate per order")
        WEIGHT = "weight", _("Rate by weight")
        PICKUP = "pickup", _("Pick up at the shop")
        LOCAL_DELIVERY = "local_delivery", _("Delivery by the seller")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="shipping_options", verbose_name=_("shop"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80, help_text=_("What shoppers see, for example JNE Reguler."))
    # Flat and local delivery: the fee per order.
    fee = models.PositiveBigIntegerField(_("fee (rupiah)"), default=0, validators=[MaxValueValidator(MAX_SHIPPING_FEE)])
    # Weight: [{"up_to_grams": 1000, "fee": 10000}, ...] ascending; heavier than the last band is refused.
    weight_bands = models.JSONField(_("weight bands"), default=list, blank=True)
    # Any kind: no fee when the shop's subtotal reaches this amount.
    free_above = models.PositiveBigIntegerField(_("free above (rupiah)"), null=True, blank=True)
    # Local delivery: the districts the seller delivers to.
    districts = models.ManyToManyField(District, blank=True, related_name="+", verbose_name=_("districts"))
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("shipping option")
        verbose_name_plural = _("shipping options")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["flat", "weight", "pickup", "local_delivery"]),
                name="orders_shippingoption_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} · {self.name}"


# --- Orders -------------------------------------------------------------------------------------------


class PaymentMethod(models.TextChoices):
    """Codes of the providers in `payments.providers`; stored on the order."""

    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    COD = "cod", _("Cash on delivery")
    STRIPE = "stripe", _("Card or e-wallet")


class Order(AddressFields):
    number = models.CharField(_("order number"), max_length=20, unique=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("buyer"),
    )
    email = models.EmailField(_("email"))
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    subtotal = models.PositiveBigIntegerField(_("subtotal"))
    shipping_total = models.PositiveBigIntegerField(_("shipping"))
    total = models.PositiveBigIntegerField(_("total"))
    # "<who>:<key>": the buyer's id (or "guest") and the key from the form or the `Idempotency-Key` header.
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    # Unpaid orders are cancelled and their stock released after this moment (null once paid or not needed).
    pay_before = models.DateTimeField(_("pay before"), null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="id")
    created_at = models.DateTimeField(_("placed at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="orders_order_buyer_created"),
            models.Index(fields=["pay_before"], name="orders_order_pay_before", condition=Q(pay_before__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping_total")), name="orders_order_total_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ShopOrder(models.Model):
    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        PROCESSING = "processing", _("Processing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shop_orders", verbose_name=_("order"))
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders", verbose_name=_("shop"))
    number = models.CharField(_("number"), max_length=24, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    subtotal = models.PositiveBigIntegerField(_("subtotal"))
    shipping_fee = models.PositiveBigIntegerField(_("shipping fee"))
    total = models.PositiveBigIntegerField(_("total"))
    # A snapshot of the shipping option chosen at checkout.
    shipping_option = models.ForeignKey(
        ShippingOption, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("shipping")
    )
    shipping_kind = models.CharField(_("shipping kind"), max_length=20, choices=ShippingOption.Kind.choices)
    shipping_name = models.CharField(_("shipping"), max_length=80)
    note_to_seller = models.TextField(_("note to the seller"), max_length=500, blank=True)
    courier = models.CharField(_("courier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    # The shopper reported a problem with a shipped order: it is not completed automatically.
    problem_reported_at = models.DateTimeField(_("problem reported at"), null=True, blank=True)
    problem = models.TextField(_("problem"), blank=True)
    # True while the order's units are taken from stock; set False when they are put back (once).
    stock_reserved = models.BooleanField(_("stock reserved"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")
        indexes = [
            models.Index(fields=["shop", "status", "-id"], name="orders_shoporder_shop_status"),
            models.Index(fields=["status", "shipped_at"], name="orders_shoporder_status_ship"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "awaiting_payment",
                        "paid",
                        "processing",
                        "shipped",
                        "delivered",
                        "completed",
                        "cancelled",
                        "refunded",
                    ]
                ),
                name="orders_shoporder_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(total=models.F("subtotal") + models.F("shipping_fee")),
                name="orders_shoporder_total_adds_up",
            ),
            models.UniqueConstraint(fields=["order", "shop"], name="orders_shoporder_one_per_shop"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETED, self.Status.CANCELLED, self.Status.REFUNDED)


class OrderLine(models.Model):
    shop_order = models.ForeignKey(
        ShopOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shop order")
    )
    variant = models.ForeignKey(
        ProductVariant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("variant")
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    title = models.CharField(_("title"), max_length=120)
    variant_name = models.CharField(_("variant"), max_length=80, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    unit_price = models.PositiveBigIntegerField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    weight_grams = models.PositiveIntegerField(_("weight per unit (grams)"))
    line_total = models.PositiveBigIntegerField(_("line total"))
    # The platform's commission rate when the order was placed (basis points), frozen: later rate changes never
    # touch placed orders. The fee is `marketplace.core.money.basis_points_of(line_total, rate)`.
    commission_basis_points = models.PositiveIntegerField(_("commission (basis points)"), default=0)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(line_total=models.F("unit_price") * models.F("quantity")), name="orders_line_total_adds_up"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"


class ShopOrderEvent(models.Model):
    """One entry of a shop order's timeline: a status change or a note (who, when, why)."""

    class Actor(models.TextChoices):
        SHOPPER = "shopper", _("Shopper")
        SELLER = "seller", _("Seller")
        OPERATOR = "operator", _("Operator")
        SYSTEM = "system", _("System")

    shop_order = models.ForeignKey(
        ShopOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("shop order")
    )
    status = models.CharField(_("status"), max_length=20, choices=ShopOrder.Status.choices)
    # "placed", "paid", "accepted", "shipped", "delivered", "completed", "cancelled", "expired", "problem"...
    kind = models.CharField(_("event"), max_length=30)
    actor = models.CharField(_("by"), max_length=10, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.shop_order_id} {self.kind}"


class Review(models.Model):
    order_line = models.OneToOneField(
        OrderLine, on_delete=models.CASCADE, related_name="review", verbose_name=_("order line")
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product"))
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("shop"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reviews", verbose_name=_("author")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("review"), max_length=2000, blank=True)
    reply = models.TextField(_("seller's reply"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["product", "-created_at"], name="orders_review_product"),
            models.Index(fields=["shop", "-created_at"], name="orders_review_shop"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="orders_review_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ★{self.rating}"
