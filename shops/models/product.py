"""The catalogue: a product (produk) of a shop, its variants (varian) and its photos.

Decisions (DESIGN §3, §4):

- **Description** is sanitised rich text (`marketplace.core.richtext`, nh3 with a small allow-list): plain
  text from a phone becomes paragraphs; templates show it with the `rich_text` filter, which sanitises again.
- **Moderation**: `moderation` is `none` until the product is first published; publishing makes it `approved`
  at once, or `pending` when the shop's new products must wait for an operator (see
  `shops.services.products.products_need_review`). The storefront shows only active and approved products.
- **Badges** (halal, PIRT, NIB) are computed from the shop's legal data verified by an operator, never stored,
  so an expired halal certificate drops its badge without any write.
- **Variants**: every product has at least one (the services refuse to remove the last). `name` is a plain
  label of the options ("250 g", "Merah · XL"), blank for a product with a single variant. The shop is
  denormalised on the variant so that the database itself keeps SKUs unique per shop.
- **Money** is whole rupiah (`PositiveBigIntegerField`) between Rp 1 and `MAX_PRICE`.
- **Photos**: at most `MAX_IMAGES_PER_PRODUCT` (service-enforced), ordered by `position`, at most one main
  (a conditional unique constraint). `original` is the normalised WebP; the renditions are filled by the
  Celery task `shops.tasks.make_product_image_renditions` after the upload commits.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .category import Category
from .shop import Shop

MAX_PRICE = 100_000_000  # Rp 100.000.000: above this a price is a typo, not a product of a small business
MAX_STOCK = 1_000_000
MAX_WEIGHT_GRAMS = 1_000_000  # one tonne
MAX_IMAGES_PER_PRODUCT = 8
SKU_REGEX = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    class Moderation(models.TextChoices):
        NONE = "none", _("Not published yet")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products", verbose_name=_("shop"))
    title = models.CharField(_("title"), max_length=120)
    # Made once from the title by the services; it stays when the title changes, so links last.
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    moderation = models.CharField(_("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.NONE)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (grams)"))
    # Aggregates kept by `orders.services` with F() updates in the transaction that changes them: units sold
    # in orders not cancelled, and the count and sum of review ratings (the average is their quotient).
    sold_count = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0, editable=False)
    rating_total = models.PositiveIntegerField(_("sum of ratings"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "moderation", "-created_at"], name="shops_product_public"),
            # Category pages count and list the public products of a few categories (a node and its subtree).
            models.Index(fields=["status", "moderation", "category", "-created_at"], name="shops_product_public_cat"),
            models.Index(fields=["shop", "-updated_at"], name="shops_product_shop_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "archived"]), name="shops_product_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(moderation__in=["none", "pending", "approved", "rejected"]),
                name="shops_product_moderation_valid",
            ),
            models.CheckConstraint(
                condition=Q(weight_grams__gte=1) & Q(weight_grams__lte=MAX_WEIGHT_GRAMS),
                name="shops_product_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def badges(self) -> list[str]:
        """Badge codes shown to shoppers ("halal", "pirt", "nib"): only the shop's legal data an operator
        verified, and a halal certificate only until it expires. Reads the shop (select it along)."""
        shop = self.shop
        badges = []
        if shop.halal_verified_at and shop.halal_expires_on and shop.halal_expires_on > timezone.localdate():
            badges.append("halal")
        if shop.pirt_verified_at and shop.pirt_number:
            badges.append("pirt")
        if shop.nib_verified_at and shop.nib:
            badges.append("nib")
        return badges

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_total / self.rating_count, 1) if self.rating_count else None


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product"))
    # Always product.shop (set by the services): lets the database keep SKUs unique per shop.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", verbose_name=_("shop"))
    name = models.CharField(_("variant"), max_length=80, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    price = models.PositiveBigIntegerField(_("price (rupiah)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="shops_variant_sku_unique_per_shop"),
            models.CheckConstraint(
                condition=Q(price__gte=1) & Q(price__lte=MAX_PRICE), name="shops_variant_price_in_range"
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=0) & Q(stock__lte=MAX_STOCK), name="shops_variant_stock_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.name or self.sku}"


ALT_TEXT_MAX_LENGTH = 200


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product"))
    original = models.ImageField(_("photo"), upload_to="products/originals/")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_main = models.BooleanField(_("main photo"), default=False)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumbnail = models.ImageField(_("thumbnail"), upload_to="products/renditions/", blank=True)
    card = models.ImageField(_("card image"), upload_to="products/renditions/", blank=True)
    detail = models.ImageField(_("detail image"), upload_to="products/renditions/", blank=True)
    # What the photo shows, in the seller's words, for shoppers who cannot see it (the `alt` text); the
    # storefront falls back to the product's title when it is empty.
    alt_text = models.CharField(_("photo description"), max_length=ALT_TEXT_MAX_LENGTH, blank=True)
    # Codes of shops.photo_coach advice ("dark", "blurred"...), shown to the seller, never to shoppers.
    coach_advice = models.JSONField(_("photo advice"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    RENDITION_FIELDS = ("thumbnail", "card", "detail")

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_main=True), name="shops_image_one_main"),
        ]
        indexes = [models.Index(fields=["product", "position"], name="shops_image_product_position")]

    def __str__(self) -> str:
        return f"{self.product_id} #{self.position}"

    @property
    def renditions_ready(self) -> bool:
        return all(getattr(self, name) for name in self.RENDITION_FIELDS)
