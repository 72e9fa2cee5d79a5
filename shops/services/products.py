"""Writes of the catalogue: products, their variants and photos (DESIGN §3, §4).

Who: every service takes `actor`, who must be a member (owner or staff) of the product's shop, else
PermissionDenied — operators included, since they moderate products and do not edit them.
Locks: the product row (`shops.locks.product_qs_select_for_update`) serialises every change to the product,
its variants and its photos, so limits such as "at least one variant" and "at most 8 photos" hold under
concurrent requests; a variant row is locked after its product, never before.
Errors: ValidationError with every field error at once (and then nothing changed), ProductStateError for a
status that does not allow the action. Services return the fresh row; instances passed in are not modified.
Photos are in `shops.services.product_images`, under the same rules.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.core.richtext import clean_rich_text

from ..errors import ProductStateError
from ..locks import product_qs_select_for_update, variant_qs_select_for_update
from ..models import Category, Product, ProductVariant, Shop
from ..models.product import MAX_IMAGES_PER_PRODUCT, MAX_PRICE, MAX_STOCK, MAX_WEIGHT_GRAMS, SKU_REGEX
from ..selectors import shop_member_role
from .slugs import first_free, slug_base, slug_free

__all__ = [
    "CATALOGUE_VALUE_FIELDS",
    "DUPLICATE_SKU_MESSAGE",
    "MAX_IMAGES_PER_PRODUCT",
    "MAX_PRICE",
    "catalogue_values_check",
    "product_archive",
    "product_create",
    "product_publish",
    "product_update",
    "products_need_review",
    "variant_add",
    "variant_remove",
    "variant_set_price",
    "variant_set_stock",
    "variant_update",
]

PRODUCT_SLUG_BASE_MAX_LENGTH = 120  # leaves room for "-<n>" within the 140 characters of Product.slug
PRODUCT_SLUG_FALLBACK = "produk"
SLUG_ATTEMPTS = 5
PRODUCT_FIELDS = frozenset({"title", "description", "category", "weight_grams"})
VARIANT_FIELDS = frozenset({"name", "sku", "price", "stock", "is_active"})

validate_sku = RegexValidator(
    SKU_REGEX,
    _("The SKU may contain only letters, digits, dots, dashes and underscores, and starts with a letter or digit."),
    code="invalid_sku",
)


def _rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


Errors = dict[str, list[ValidationError]]


def _add(errors: Errors, field: str, message, code: str, params: dict | None = None) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))


# --- Who may act and when review is needed ----------------------------------------------------------------


def require_catalogue_member(*, shop: Shop, actor: User) -> None:
    """PermissionDenied unless `actor` is an owner or staff of `shop`; operators too: they moderate, not edit."""
    if shop_member_role(user=actor, shop=shop) is None:
        raise PermissionDenied(_("Only the shop's owner and staff can manage its products."))


def products_need_review(*, shop: Shop) -> bool:
    """Whether a newly published product of `shop` waits for an operator (moderation `pending`): when an
    operator flagged the shop (`Shop.review_new_products`, `shop_set_product_review`), or for every shop when
    `settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW` is on."""
    return shop.review_new_products or settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW


# --- Cleaning ---------------------------------------------------------------------------------------------


def clean_description(text: str | None) -> str:
    """The stored description: sanitised rich text (`marketplace.core.richtext`): plain text from a phone
    becomes paragraphs, HTML keeps only a small allow-list (no links, images, scripts or attributes)."""
    return clean_rich_text(text)


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_title(title: Any, errors: Errors) -> str:
    title = (title or "").strip()
    max_length = Product._meta.get_field("title").max_length
    if not title:
        _add(errors, "title", _("Enter the product title."), "required")
    elif len(title) > max_length:
        _add(errors, "title", _("The title is at most %(max)d characters."), "max_length", {"max": max_length})
    return title


def _check_description(description: Any, errors: Errors) -> str:
    description = clean_description(description)
    max_length = Product._meta.get_field("description").max_length
    if len(description) > max_length:
        _add(
            errors,
            "description",
            _("The description is at most %(max)d characters."),
            "max_length",
            {"max": max_length},
        )
    return description


def _check_category(category: Any, errors: Errors) -> None:
    if not isinstance(category, Category) or category.pk is None:
        _add(errors, "category", _("Choose a category."), "required")


def _check_weight(weight_grams: Any, errors: Errors) -> None:
    if not _whole_number(weight_grams):
        _add(errors, "weight_grams", _("Enter the weight as a whole number of grams."), "invalid")
    elif weight_grams < 1:
        _add(errors, "weight_grams", _("The weight is at least 1 gram."), "min_value")
    elif weight_grams > MAX_WEIGHT_GRAMS:
        _add(
            errors,
            "weight_grams",
            _("The weight is at most %(max)s grams."),
            "max_value",
            {"max": _rupiah(MAX_WEIGHT_GRAMS)},
        )


def _check_price(price: Any, errors: Errors) -> None:
    if not _whole_number(price):
        _add(errors, "price", _("Enter the price as a whole number of rupiah."), "invalid")
    elif price < 1:
        _add(errors, "price", _("The price is at least Rp 1."), "min_value")
    elif price > MAX_PRICE:
        _add(errors, "price", _("The price is at most Rp %(max)s."), "max_value", {"max": _rupiah(MAX_PRICE)})


def _check_stock(stock: Any, errors: Errors) -> None:
    if not _whole_number(stock):
        _add(errors, "stock", _("Enter the stock as a whole number."), "invalid")
    elif stock < 0:
        _add(errors, "stock", _("Stock cannot be negative."), "min_value")
    elif stock > MAX_STOCK:
        _add(errors, "stock", _("Stock is at most %(max)s."), "max_value", {"max": _rupiah(MAX_STOCK)})


def _check_variant_name(name: Any, errors: Errors) -> str:
    name = (name or "").strip()
    max_length = ProductVariant._meta.get_field("name").max_length
    if len(name) > max_length:
        _add(errors, "name", _("The variant name is at most %(max)d characters."), "max_length", {"max": max_length})
    return name


DUPLICATE_SKU_MESSAGE = _("Another variant of your shop already uses this SKU.")


def _check_sku_format(sku: Any, errors: Errors) -> tuple[str, bool]:
    """The stripped SKU and whether its length and characters are valid (a blank SKU is valid here)."""
    sku = (sku or "").strip()
    if not sku:
        return sku, True
    max_length = ProductVariant._meta.get_field("sku").max_length
    if len(sku) > max_length:
        _add(errors, "sku", _("The SKU is at most %(max)d characters."), "max_length", {"max": max_length})
        return sku, False
    try:
        validate_sku(sku)
    except ValidationError as error:
        errors.setdefault("sku", []).extend(error.error_list)
        return sku, False
    return sku, True


def _check_sku(sku: Any, errors: Errors, *, shop_id: int, exclude_variant_id: int | None = None) -> str:
    """A blank SKU is allowed here: the caller generates one."""
    sku, valid = _check_sku_format(sku, errors)
    if not sku or not valid:
        return sku
    taken = ProductVariant.objects.filter(shop_id=shop_id, sku=sku).exclude(pk=exclude_variant_id)
    if taken.exists():
        _add(errors, "sku", DUPLICATE_SKU_MESSAGE, "duplicate_sku")
    return sku


# Public, for writers that check many rows at once (the bulk import, `shops.imports`): the same rules and
# messages as the services above, without the per-row queries.
CATALOGUE_VALUE_FIELDS = ("title", "description", "category", "weight_grams", "name", "sku", "price", "stock")


def catalogue_values_check(values: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """Check any of `CATALOGUE_VALUE_FIELDS` in `values` as `product_create`/`variant_update` do, and return the
    cleaned values (titles, names and SKUs stripped, the description sanitised) with the errors by field.

    Reads nothing from the database: a SKU is checked for its form only (a blank SKU passes), not for being
    unique in the shop: the caller checks that for all its rows at once. Unknown field: TypeError.
    """
    unknown = set(values) - set(CATALOGUE_VALUE_FIELDS)
    if unknown:
        raise TypeError(f"catalogue_values_check() got unknown fields: {', '.join(sorted(unknown))}")
    errors: Errors = {}
    cleaned = dict(values)
    if "title" in values:
        cleaned["title"] = _check_title(values["title"], errors)
    if "description" in values:
        cleaned["description"] = _check_description(values["description"], errors)
    if "category" in values:
        _check_category(values["category"], errors)
    if "weight_grams" in values:
        _check_weight(values["weight_grams"], errors)
    if "name" in values:
        cleaned["name"] = _check_variant_name(values["name"], errors)
    if "sku" in values:
        cleaned["sku"], _valid = _check_sku_format(values["sku"], errors)
    if "price" in values:
        _check_price(values["price"], errors)
    if "stock" in values:
        _check_stock(values["stock"], errors)
    return cleaned, errors


def _generated_sku(*, product: Product) -> str:
    """`P<product id>`, then `P<product id>-2`…: unique in the shop at the time of reading."""
    base = f"P{product.pk}"
    taken = set(
        ProductVariant.objects.filter(shop_id=product.shop_id, sku__startswith=base).values_list("sku", flat=True)
    )
    return first_free(base, taken=taken)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _save_variant(variant: ProductVariant, **save_kwargs) -> None:
    """Save in a savepoint; a SKU taken by a concurrent request becomes the same field error as the check."""
    try:
        with transaction.atomic():
            variant.save(**save_kwargs)
    except IntegrityError:
        if ProductVariant.objects.filter(shop_id=variant.shop_id, sku=variant.sku).exclude(pk=variant.pk).exists():
            raise ValidationError({"sku": ValidationError(DUPLICATE_SKU_MESSAGE, code="duplicate_sku")}) from None
        raise


# --- Products ---------------------------------------------------------------------------------------------


@transaction.atomic
def product_create(
    *,
    shop: Shop,
    actor: User,
    title: str,
    category: Category | None,
    weight_grams: int,
    price: int,
    stock: int = 0,
    description: str = "",
    variant_name: str = "",
    sku: str = "",
) -> Product:
    """Add a draft product to `shop` with its first variant (`variant_name`, `sku`, `price`, `stock`).

    Only the shop's owner or staff (PermissionDenied). The slug is made once from the title (as shop slugs:
    "&" → "dan", "-2"… when taken) and never changes. The description is kept as plain text
    (`clean_description`). A blank SKU is generated (`P<product id>`). Any shop status: the product is only
    public once the shop is approved and the product published (`product_publish`).
    Raises ValidationError with every field error at once (title, description, category, weight_grams,
    name, sku, price, stock); nothing is written then.
    """
    require_catalogue_member(shop=shop, actor=actor)
    errors: Errors = {}
    title = _check_title(title, errors)
    description = _check_description(description, errors)
    _check_category(category, errors)
    _check_weight(weight_grams, errors)
    variant_name = _check_variant_name(variant_name, errors)
    sku = _check_sku(sku, errors, shop_id=shop.pk)
    _check_price(price, errors)
    _check_stock(stock, errors)
    _raise(errors)

    base = slug_base(title, max_length=PRODUCT_SLUG_BASE_MAX_LENGTH, fallback=PRODUCT_SLUG_FALLBACK)
    for _attempt in range(SLUG_ATTEMPTS):
        slug = slug_free(Product, base)
        try:
            with transaction.atomic():
                product = Product.objects.create(
                    shop=shop,
                    title=title,
                    slug=slug,
                    description=description,
                    category=category,
                    weight_grams=weight_grams,
                )
            break
        except IntegrityError:
            # Someone took the same slug between our read and our insert: pick the next free one.
            if not Product.objects.filter(slug=slug).exists():
                raise
    else:
        raise IntegrityError(f"No free product slug for {base!r} after {SLUG_ATTEMPTS} attempts.")

    variant = ProductVariant(
        product=product,
        shop=shop,
        name=variant_name,
        sku=sku or _generated_sku(product=product),
        price=price,
        stock=stock,
    )
    _save_variant(variant)
    return product


@transaction.atomic
def product_update(*, product: Product, actor: User, **fields: Any) -> Product:
    """Change any of `PRODUCT_FIELDS` (title, description, category, weight_grams), in any status.

    Only the shop's owner or staff (PermissionDenied). Locks the product row. The slug never changes, and an
    approved product stays approved. Raises ValidationError with every field error at once and then changes
    nothing. Unknown field: TypeError.
    """
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"product_update() got unknown fields: {', '.join(sorted(unknown))}")
    product = product_qs_select_for_update().select_related("shop").get(pk=product.pk)
    require_catalogue_member(shop=product.shop, actor=actor)
    errors: Errors = {}
    values = dict(fields)
    if "title" in values:
        values["title"] = _check_title(values["title"], errors)
    if "description" in values:
        values["description"] = _check_description(values["description"], errors)
    if "category" in values:
        _check_category(values["category"], errors)
    if "weight_grams" in values:
        _check_weight(values["weight_grams"], errors)
    _raise(errors)
    for key, value in values.items():
        setattr(product, key, value)
    if values:
        product.save(update_fields=[*sorted(values), "updated_at"])
    return product


@transaction.atomic
def product_publish(*, product: Product, actor: User) -> Product:
    """Draft or archived → active. Moderation becomes `approved`, or `pending` when `products_need_review`
    (a product once approved stays approved when it is published again).

    Only the shop's owner or staff (PermissionDenied). Locks the product row. An active product:
    ProductStateError. Needs at least one active variant (ValidationError, non-field, code "no_variant").
    The product is public only while its shop is approved.
    """
    product = product_qs_select_for_update().select_related("shop").get(pk=product.pk)
    require_catalogue_member(shop=product.shop, actor=actor)
    if product.status == Product.Status.ACTIVE:
        raise ProductStateError(_("The product is already published."), status=product.status)
    if not product.variants.filter(is_active=True).exists():
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("Add at least one active variant before publishing."), code="no_variant"
                )
            }
        )
    product.status = Product.Status.ACTIVE
    if product.moderation != Product.Moderation.APPROVED:
        # A product an operator took down always goes back to an operator, whatever the review setting.
        needs_review = product.moderation == Product.Moderation.REJECTED or products_need_review(shop=product.shop)
        product.moderation = Product.Moderation.PENDING if needs_review else Product.Moderation.APPROVED
        product.moderation_reason = ""
    product.save(update_fields=["status", "moderation", "moderation_reason", "updated_at"])
    return product


@transaction.atomic
def product_archive(*, product: Product, actor: User) -> Product:
    """Draft or active → archived: hidden from the storefront, kept for orders and reports.

    Only the shop's owner or staff (PermissionDenied). Locks the product row. Already archived:
    ProductStateError. Publish again with `product_publish`.
    """
    product = product_qs_select_for_update().select_related("shop").get(pk=product.pk)
    require_catalogue_member(shop=product.shop, actor=actor)
    if product.status == Product.Status.ARCHIVED:
        raise ProductStateError(_("The product is already archived."), status=product.status)
    product.status = Product.Status.ARCHIVED
    product.save(update_fields=["status", "updated_at"])
    return product


# --- Variants ---------------------------------------------------------------------------------------------


def _locked_product_and_variant(variant: ProductVariant, actor: User) -> tuple[Product, ProductVariant]:
    product = product_qs_select_for_update().select_related("shop").get(pk=variant.product_id)
    require_catalogue_member(shop=product.shop, actor=actor)
    return product, variant_qs_select_for_update().get(pk=variant.pk)


@transaction.atomic
def variant_add(
    *, product: Product, actor: User, price: int, stock: int = 0, name: str = "", sku: str = ""
) -> ProductVariant:
    """Add a variant (e.g. another size) to `product`. A blank SKU is generated.

    Only the shop's owner or staff (PermissionDenied). Locks the product row. Raises ValidationError with
    every field error at once (name, sku — unique in the shop —, price, stock); nothing is written then.
    """
    product = product_qs_select_for_update().select_related("shop").get(pk=product.pk)
    require_catalogue_member(shop=product.shop, actor=actor)
    errors: Errors = {}
    name = _check_variant_name(name, errors)
    sku = _check_sku(sku, errors, shop_id=product.shop_id)
    _check_price(price, errors)
    _check_stock(stock, errors)
    _raise(errors)
    variant = ProductVariant(
        product=product,
        shop_id=product.shop_id,
        name=name,
        sku=sku or _generated_sku(product=product),
        price=price,
        stock=stock,
    )
    _save_variant(variant)
    return variant


@transaction.atomic
def variant_update(*, variant: ProductVariant, actor: User, **fields: Any) -> ProductVariant:
    """Change any of `VARIANT_FIELDS` (name, sku, price, stock, is_active).

    Only the shop's owner or staff (PermissionDenied). Locks the product row, then the variant row. A blank
    SKU is refused here (code "required"). A published product keeps at least one active variant
    (ValidationError on "is_active", code "last_active_variant"). Raises ValidationError with every field
    error at once and then changes nothing. Unknown field: TypeError.
    """
    unknown = set(fields) - VARIANT_FIELDS
    if unknown:
        raise TypeError(f"variant_update() got unknown fields: {', '.join(sorted(unknown))}")
    product, variant = _locked_product_and_variant(variant, actor)
    errors: Errors = {}
    values = dict(fields)
    if "name" in values:
        values["name"] = _check_variant_name(values["name"], errors)
    if "sku" in values:
        values["sku"] = _check_sku(values["sku"], errors, shop_id=variant.shop_id, exclude_variant_id=variant.pk)
        if not values["sku"]:
            _add(errors, "sku", _("Enter the SKU."), "required")
    if "price" in values:
        _check_price(values["price"], errors)
    if "stock" in values:
        _check_stock(values["stock"], errors)
    if "is_active" in values:
        values["is_active"] = bool(values["is_active"])
        others_active = product.variants.filter(is_active=True).exclude(pk=variant.pk).exists()
        if not values["is_active"] and product.status == Product.Status.ACTIVE and not others_active:
            _add(
                errors,
                "is_active",
                _("A published product needs at least one active variant."),
                "last_active_variant",
            )
    _raise(errors)
    for key, value in values.items():
        setattr(variant, key, value)
    if values:
        _save_variant(variant, update_fields=[*sorted(values), "updated_at"])
    return variant


def variant_set_stock(*, variant: ProductVariant, actor: User, stock: int) -> ProductVariant:
    """Quick edit of the stock from the product list: `variant_update(stock=...)`, same rules."""
    return variant_update(variant=variant, actor=actor, stock=stock)


def variant_set_price(*, variant: ProductVariant, actor: User, price: int) -> ProductVariant:
    """Quick edit of the price from the product list: `variant_update(price=...)`, same rules."""
    return variant_update(variant=variant, actor=actor, price=price)


@transaction.atomic
def variant_remove(*, variant: ProductVariant, actor: User) -> None:
    """Delete a variant. Not the product's last one: every product has at least one variant
    (ValidationError, non-field, code "last_variant"), nor the last active one of a published product
    (code "last_active_variant"). Only the shop's owner or staff (PermissionDenied). Locks the product row.
    """
    product, variant = _locked_product_and_variant(variant, actor)
    others = product.variants.exclude(pk=variant.pk)
    if not others.exists():
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("A product needs at least one variant; add another before removing this one."),
                    code="last_variant",
                )
            }
        )
    if product.status == Product.Status.ACTIVE and not others.filter(is_active=True).exists():
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    _("A published product needs at least one active variant."), code="last_active_variant"
                )
            }
        )
    variant.delete()
