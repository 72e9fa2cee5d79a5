"""Writes of the category tree, by operators (DESIGN §3: "Category (tree, operator-managed)").

`Category` is a treebeard materialised-path node with `node_order_by = ["name"]`: nodes are only created
through `add_root`/`add_child` (never `save()` of a new row), children stay sorted by name, and a renamed
category is moved to its sorted place among its siblings (`move(..., "sorted-sibling")`).

Rules:

- Operators only (a superuser or the Operator group): PermissionDenied for anyone else.
- `name` required, at most 80 characters, unique among its siblings (case-insensitive): two "Kopi" under
  the same parent would confuse sellers choosing one.
- `slug` unique in the whole tree (it is the storefront URL `/kategori/<slug>/` and the API filter); blank
  means "made from the name" ("Kopi & Teh" → `kopi-dan-teh`, `-2`… when taken). A slug given explicitly
  must be free and made of lowercase letters, digits and dashes.
- `icon` one of `Category.Icon`.
- Delete only when neither the category nor anything below it has a product (`Product.category` is
  PROTECT): ValidationError (non-field, code "has_products") naming the number of products.
- ValidationError carries every field error at once, and then nothing changed.

Locks: a child is added under the parent row locked `FOR UPDATE`, re-read (treebeard keeps `numchild` and
computes the new path from it, so a stale parent would produce a clashing path); a top-level category is
added with the top-level rows locked. The category row is locked for update and delete.
"""

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import User

from ..models import Category, Product
from ..selectors import user_is_operator
from .slugs import first_free, slug_base

__all__ = ["category_create", "category_delete", "category_product_count", "category_update"]

CATEGORY_SLUG_BASE_MAX_LENGTH = 70  # leaves room for "-<n>" within the 80 characters of Category.slug
CATEGORY_SLUG_FALLBACK = "kategori"
SLUG_REGEX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_TAKEN_MESSAGE = _("Another category already uses this slug.")

Errors = dict[str, list[ValidationError]]


def _add(errors: Errors, field: str, message, code: str, params: dict | None = None) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))


def _require_operator(operator: User) -> None:
    if not user_is_operator(operator):
        raise PermissionDenied(_("Only an operator can manage categories."))


def _category_qs_select_for_update() -> QuerySet[Category]:
    return Category.objects.select_for_update().order_by("pk")


def _siblings(*, parent: Category | None) -> QuerySet[Category]:
    if parent is None:
        return Category.get_root_nodes()
    return parent.get_children()


def _check_name(name: Any, errors: Errors, *, siblings: QuerySet[Category], exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    max_length = Category._meta.get_field("name").max_length
    if not name:
        _add(errors, "name", _("Enter the category name."), "required")
    elif len(name) > max_length:
        _add(errors, "name", _("The name is at most %(max)d characters."), "max_length", {"max": max_length})
    elif siblings.annotate(lower_name=Lower("name")).filter(lower_name=name.lower()).exclude(pk=exclude_pk).exists():
        _add(errors, "name", _("There is already a category with this name at this level."), "duplicate_name")
    return name


def _check_slug(slug: Any, errors: Errors, *, name: str, exclude_pk: int | None = None) -> str:
    """The given slug checked, or one made from the name when blank ("" if the name is missing too)."""
    slug = (slug or "").strip().lower()
    max_length = Category._meta.get_field("slug").max_length
    if not slug:
        if not name:
            return ""
        base = _base_for(name)
        taken = Category.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
        return first_free(base, taken=set(taken))
    if len(slug) > max_length:
        _add(errors, "slug", _("The slug is at most %(max)d characters."), "max_length", {"max": max_length})
    elif not SLUG_REGEX.match(slug):
        _add(
            errors,
            "slug",
            _("Use only lowercase letters, digits and dashes, for example “kopi-dan-teh”."),
            "invalid",
        )
    elif Category.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        _add(errors, "slug", SLUG_TAKEN_MESSAGE, "duplicate_slug")
    return slug


def _check_icon(icon: Any, errors: Errors) -> str:
    icon = icon or Category.Icon.OTHER
    if icon not in Category.Icon.values:
        _add(errors, "icon", _("Choose one of the icons."), "invalid_choice")
    return icon


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _slug_taken_error() -> ValidationError:
    return ValidationError({"slug": ValidationError(SLUG_TAKEN_MESSAGE, code="duplicate_slug")})


@transaction.atomic
def category_create(
    *, operator: User, name: str, slug: str = "", icon: str = Category.Icon.OTHER, parent: Category | None = None
) -> Category:
    """Add a category: a top-level one, or a child of `parent`, in its sorted place among its siblings.

    Operators only (PermissionDenied). A blank slug is made from the name. Raises ValidationError (name,
    slug, icon) with every error at once; nothing is written then. Locks the parent row.
    """
    _require_operator(operator)
    if parent is not None:
        parent = _category_qs_select_for_update().get(pk=parent.pk)
    else:
        # add_root takes the path after the last root: lock the roots so two new ones do not take the same.
        list(_category_qs_select_for_update().filter(depth=1).values_list("pk", flat=True))
    errors: Errors = {}
    name = _check_name(name, errors, siblings=_siblings(parent=parent))
    slug = _check_slug(slug, errors, name=name)
    icon = _check_icon(icon, errors)
    _raise(errors)
    try:
        with transaction.atomic():
            if parent is None:
                return Category.add_root(name=name, slug=slug, icon=icon)
            return parent.add_child(name=name, slug=slug, icon=icon)
    except IntegrityError:
        # Another operator took the slug between our check and our insert.
        if Category.objects.filter(slug=slug).exists():
            raise _slug_taken_error() from None
        raise


@transaction.atomic
def category_update(*, category: Category, operator: User, **fields: Any) -> Category:
    """Change any of name, slug and icon. A renamed category moves to its sorted place among its siblings
    (with everything below it); its products stay in it.

    Operators only (PermissionDenied). Locks the category row. A blank slug is made from the (new) name.
    Raises ValidationError with every field error at once and then changes nothing. Unknown field: TypeError.
    """
    unknown = set(fields) - {"name", "slug", "icon"}
    if unknown:
        raise TypeError(f"category_update() got unknown fields: {', '.join(sorted(unknown))}")
    _require_operator(operator)
    category = _category_qs_select_for_update().get(pk=category.pk)
    errors: Errors = {}
    values: dict[str, Any] = {}
    if "name" in fields:
        siblings = _siblings(parent=category.get_parent())
        values["name"] = _check_name(fields["name"], errors, siblings=siblings, exclude_pk=category.pk)
    if "slug" in fields:
        name = values.get("name", category.name)
        values["slug"] = _check_slug(fields["slug"], errors, name=name, exclude_pk=category.pk)
    if "icon" in fields:
        values["icon"] = _check_icon(fields["icon"], errors)
    _raise(errors)
    changed = {key: value for key, value in values.items() if getattr(category, key) != value}
    if not changed:
        return category
    for key, value in changed.items():
        setattr(category, key, value)
    try:
        with transaction.atomic():
            category.save(update_fields=sorted(changed))
    except IntegrityError:
        if "slug" in changed and Category.objects.filter(slug=changed["slug"]).exclude(pk=category.pk).exists():
            raise _slug_taken_error() from None
        raise
    if "name" in changed:
        # node_order_by sorts only on insert: move the renamed node (and its subtree) to its sorted place.
        category.move(category, "sorted-sibling")
        category = Category.objects.get(pk=category.pk)
    return category


def _base_for(name: str) -> str:
    return slug_base(name, max_length=CATEGORY_SLUG_BASE_MAX_LENGTH, fallback=CATEGORY_SLUG_FALLBACK)


def category_product_count(*, category: Category) -> int:
    """How many products (in any status) are in the category or anything below it."""
    return Product.objects.filter(category__path__startswith=category.path).count()


@transaction.atomic
def category_delete(*, category: Category, operator: User) -> None:
    """Delete a category and everything below it, only when none of them has a product.

    Operators only (PermissionDenied). Locks the category row. Products in the category or below it:
    ValidationError (non-field, code "has_products"), nothing deleted; move or delete those products first.
    """
    _require_operator(operator)
    category = _category_qs_select_for_update().get(pk=category.pk)
    count = category_product_count(category=category)
    if count:
        raise _has_products_error(count)
    try:
        with transaction.atomic():
            category.delete()
    except (ProtectedError, IntegrityError):
        # A product was put in it between our count and the delete.
        raise _has_products_error(category_product_count(category=category)) from None


def _has_products_error(count: int) -> ValidationError:
    message = ngettext_lazy(
        "This category (or a category below it) has %(count)s product; it cannot be deleted. Move the "
        "product to another category first.",
        "This category (or a category below it) has %(count)s products; it cannot be deleted. Move the "
        "products to another category first.",
        "count",
    )
    return ValidationError({NON_FIELD_ERRORS: ValidationError(message, code="has_products", params={"count": count})})


MAX_COMMISSION_BASIS_POINTS = 10_000


def category_set_commission(*, category: Category, basis_points: int | None) -> Category:
    """The category's commission rate in basis points (None: the parent's, else the platform default). Called
    by the operators' category screen right after `category_create`/`category_update`, inside its transaction,
    for an operator it already checked. Orders placed before keep the rate frozen on their lines."""
    if basis_points is not None and not 0 <= basis_points <= MAX_COMMISSION_BASIS_POINTS:
        raise ValidationError({"commission_basis_points": _("Enter a rate from 0 to 10000 basis points.")})
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.commission_basis_points != basis_points:
        category.commission_basis_points = basis_points
        category.save(update_fields=["commission_basis_points"])
    return category
