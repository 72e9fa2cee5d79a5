"""Checking the rows of an import against the shop's catalogue, and the plan of what importing them does.

The rules are those of `shops.services.products` (through `catalogue_values_check`: title, description cleaned
by `clean_description`, category, weight, price Rp 1…MAX_PRICE, stock 0…MAX_STOCK, SKU form) with the same
messages, plus what only a file can get wrong:

- **SKU** is required on every row (it is how a second import finds the variant again), and unique in the
  file. A SKU the shop already has updates that variant (its product's title and columns too); a new one adds
  a variant.
- **Products**: rows with the same product name (ignoring case and repeated spaces) are one product. Its
  category, weight, description and status are read from whichever of its rows fill them; rows that fill them
  differently are an error. A new product needs a category and a weight; an existing product keeps what the
  file leaves empty. A product name whose rows hold SKUs of two existing products, or an existing product
  reached under two names, is an error (the seller decides which is meant).
- **Status**: `active`/`aktif` publishes (moderation as `product_publish`), `draft`/`draf` or empty keeps a new
  product as a draft and leaves an existing product's status alone.
- **A product is imported whole or not at all**: when one of its rows has an error, its other rows are listed
  too ("another row of this product has an error") and none of them is imported.

Reads the database in a constant number of queries per `SKU_QUERY_CHUNK` SKUs, so 10,000 rows take a few
queries. Messages are rendered in the active language (the tasks use the site's default, Indonesian).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Category, Product, ProductVariant, Shop
from ..services.products import catalogue_values_check
from .parsing import COLUMN_BY_KEY, ParsedFile

SKU_QUERY_CHUNK = 500
PREVIEW_ROWS = 20
MAX_STORED_ERRORS = 500
PROGRESS_EVERY_ROWS = 1_000

# catalogue_values_check's field names → the import's column keys
FIELD_TO_COLUMN = {"name": "variant_name"}
STATUS_VALUES = {
    "draft": Product.Status.DRAFT,
    "draf": Product.Status.DRAFT,
    "active": Product.Status.ACTIVE,
    "aktif": Product.Status.ACTIVE,
}


@dataclass
class RowPlan:
    row: int
    sku: str
    variant_name: str
    price: int
    stock: int
    variant_id: int | None = None  # an existing variant of the shop: updated

    @property
    def action(self) -> str:
        return "update" if self.variant_id else "create"


@dataclass
class ProductPlan:
    """One product of the file: its rows (variants) and the product columns it sets (None = keep)."""

    key: str
    title: str
    first_row: int
    rows: list[RowPlan] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)  # every row of the product, good or bad
    product_id: int | None = None
    category_id: int | None = None
    weight_grams: int | None = None
    description: str | None = None
    status: str | None = None
    filled: set[str] = field(default_factory=set)  # product columns some row wrote something in
    ok: bool = True

    @property
    def action(self) -> str:
        return "update" if self.product_id else "create"


@dataclass
class Validation:
    products: list[ProductPlan]  # in the order of their first row
    errors: list[dict]
    total_rows: int
    valid_rows: int

    @property
    def importable(self) -> list[ProductPlan]:
        return [product for product in self.products if product.ok]

    def summary(self) -> dict:
        importable = self.importable
        rows = [row for product in importable for row in product.rows]
        return {
            "new_products": sum(1 for product in importable if not product.product_id),
            "updated_products": sum(1 for product in importable if product.product_id),
            "new_variants": sum(1 for row in rows if not row.variant_id),
            "updated_variants": sum(1 for row in rows if row.variant_id),
        }

    def preview(self) -> dict:
        rows = []
        for product in self.importable:
            for row in product.rows:
                if len(rows) == PREVIEW_ROWS:
                    break
                rows.append(
                    {
                        "row": row.row,
                        "sku": row.sku,
                        "title": product.title,
                        "variant_name": row.variant_name,
                        "price": row.price,
                        "stock": row.stock,
                        "action": row.action,
                        "product_action": product.action,
                    }
                )
        rows.sort(key=lambda item: item["row"])
        return {"rows": rows, **self.summary()}


def whole_number(value: Any) -> Any:
    """An int from what a seller writes for a whole number: 15000, 15000.0 (a spreadsheet number), "15000",
    "15.000" or "15,000" (thousands), "Rp 15.000". Anything else is returned as it was, for the services'
    checks to refuse with their message."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if not isinstance(value, str):
        return value
    text = re.sub(r"^rp\.?", "", value.strip().lower()).replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text) or re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        return int(re.sub(r"[.,]", "", text))
    match = re.fullmatch(r"(-?\d+)[.,]0+", text)
    if match:
        return int(match.group(1))
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def product_key(title: str) -> str:
    return " ".join(title.split()).casefold()


class _Collector:
    def __init__(self, headers: dict[str, str]):
        self.headers = headers
        self.errors: list[dict] = []
        self.bad_rows: set[int] = set()

    def add(self, row: int, column: str, code: str, message) -> None:
        header = self.headers.get(column) or (COLUMN_BY_KEY[column].header if column in COLUMN_BY_KEY else column)
        self.errors.append({"row": row, "column": header, "code": code, "message": str(message)})
        self.bad_rows.add(row)

    def add_validation_errors(self, row: int, errors: dict[str, list[ValidationError]]) -> None:
        for field_name, field_errors in errors.items():
            column = FIELD_TO_COLUMN.get(field_name, field_name)
            for error in field_errors:
                message = error.message % error.params if error.params else error.message
                self.add(row, column, error.code or "invalid", message)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_variants(shop: Shop, skus: list[str]) -> dict[str, tuple[int, int]]:
    """SKU → (variant id, product id) for the shop's variants with these SKUs."""
    found: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(sorted(set(skus)), SKU_QUERY_CHUNK):
        for sku, variant_id, product_id in ProductVariant.objects.filter(shop=shop, sku__in=chunk).values_list(
            "sku", "pk", "product_id"
        ):
            found[sku] = (variant_id, product_id)
    return found


def _categories() -> tuple[dict[str, int], dict[str, int]]:
    by_slug: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for pk, slug, name in Category.objects.values_list("pk", "slug", "name"):
        by_slug[slug.casefold()] = pk
        by_name.setdefault(product_key(name), []).append(pk)
    # A name shared by two categories is ambiguous: only the slug finds those.
    return by_slug, {name: pks[0] for name, pks in by_name.items() if len(pks) == 1}


def validate(*, shop: Shop, parsed: ParsedFile, progress: Callable[[int], None] | None = None) -> Validation:
    """Check every row of `parsed` for `shop` and plan the import (see the module's docstring). Reads only.
    `progress(rows_checked)` is called every `PROGRESS_EVERY_ROWS` rows (it may raise to stop)."""
    collector = _Collector(parsed.headers)
    by_slug, by_name = _categories()
    first_row_of_sku: dict[str, int] = {}
    products: dict[str, ProductPlan] = {}
    # Rows whose product cannot be told (no title): their own errors only.
    loose_rows: list[int] = []
    # Per product: column → (first row that filled it, raw text, value)
    product_values: dict[str, dict[str, tuple[int, str, Any]]] = {}

    checked_rows: list[tuple[int, ProductPlan | None, dict[str, Any]]] = []
    for index, (row_number, values) in enumerate(parsed.rows, start=1):
        if progress is not None and index % PROGRESS_EVERY_ROWS == 0:
            progress(index)
        cleaned, errors = catalogue_values_check(
            {
                "title": _text(values.get("title")),
                "name": _text(values.get("variant_name")),
                "sku": _text(values.get("sku")),
                "price": whole_number(values.get("price")),
                "stock": whole_number(values.get("stock")),
            }
        )
        collector.add_validation_errors(row_number, errors)
        sku = cleaned["sku"]
        if not sku and "sku" not in errors:
            collector.add(row_number, "sku", "required", _("Enter the SKU."))
        elif sku and "sku" not in errors:
            if sku in first_row_of_sku:
                collector.add(
                    row_number,
                    "sku",
                    "duplicate_in_file",
                    _("This SKU is already used in row %(row)s of the file.") % {"row": first_row_of_sku[sku]},
                )
            else:
                first_row_of_sku[sku] = row_number
        product = None
        if cleaned["title"] and "title" not in errors:
            key = product_key(cleaned["title"])
            product = products.get(key)
            if product is None:
                product = products[key] = ProductPlan(key=key, title=cleaned["title"], first_row=row_number)
                product_values[key] = {}
            product.row_numbers.append(row_number)
            _collect_product_values(collector, product, product_values[key], row_number, values, by_slug, by_name)
        else:
            loose_rows.append(row_number)
        checked_rows.append((row_number, product, cleaned))

    existing = _existing_variants(shop, list(first_row_of_sku))
    for row_number, product, cleaned in checked_rows:
        if product is None or row_number in collector.bad_rows:
            continue
        variant = existing.get(cleaned["sku"])
        plan = RowPlan(
            row=row_number,
            sku=cleaned["sku"],
            variant_name=cleaned["name"],
            price=cleaned["price"],
            stock=cleaned["stock"],
            variant_id=variant[0] if variant else None,
        )
        product.rows.append(plan)

    _resolve_products(collector, list(products.values()), existing, shop)
    _finish_products(collector, products, product_values)

    # A product is imported whole or not at all.
    ordered = sorted(products.values(), key=lambda product: product.first_row)
    for product in ordered:
        bad = [row for row in product.row_numbers if row in collector.bad_rows]
        if bad:
            product.ok = False
            for row in product.row_numbers:
                if row not in collector.bad_rows:
                    collector.add(
                        row,
                        "title",
                        "product_has_errors",
                        _("Not imported: another row of this product has an error (row %(row)s).") % {"row": bad[0]},
                    )
    errors = sorted(collector.errors, key=lambda error: error["row"])
    valid_rows = sum(len(product.rows) for product in ordered if product.ok)
    return Validation(products=ordered, errors=errors, total_rows=len(parsed.rows), valid_rows=valid_rows)


def _collect_product_values(collector, product, seen, row_number, values, by_slug, by_name) -> None:
    """Check the product columns of one row and remember the first value of each for its product."""
    for column in ("category", "weight_grams", "description", "status"):
        raw = values.get(column)
        text = _text(raw)
        if not text:
            continue
        product.filled.add(column)
        if column == "category":
            value = by_slug.get(text.casefold()) or by_name.get(product_key(text))
            if value is None:
                collector.add(
                    row_number,
                    column,
                    "unknown_category",
                    _("Unknown category “%(value)s”. Use a code from the Categories sheet.") % {"value": text},
                )
                continue
        elif column == "weight_grams":
            value = whole_number(raw)
            _cleaned, errors = catalogue_values_check({"weight_grams": value})
            if errors:
                collector.add_validation_errors(row_number, errors)
                continue
        elif column == "description":
            cleaned, errors = catalogue_values_check({"description": text})
            if errors:
                collector.add_validation_errors(row_number, errors)
                continue
            value = cleaned["description"]
        else:
            value = STATUS_VALUES.get(text.casefold())
            if value is None:
                collector.add(row_number, column, "invalid_status", _('Write "active" or "draft".'))
                continue
        if column not in seen:
            seen[column] = (row_number, text, value)
        elif seen[column][2] != value:
            collector.add(
                row_number,
                column,
                "inconsistent",
                _("Differs from row %(row)s of the same product; write the same value or leave it empty.")
                % {"row": seen[column][0]},
            )


def _resolve_products(collector, products: list[ProductPlan], existing, shop: Shop) -> None:
    """Which existing product each product of the file is, if any."""
    owner_of: dict[int, ProductPlan] = {}
    for product in sorted(products, key=lambda product: product.first_row):
        product_ids = []
        for row in product.rows:
            if row.variant_id:
                product_id = existing[row.sku][1]
                if product_id not in product_ids:
                    product_ids.append(product_id)
        if not product_ids:
            continue
        product.product_id = product_ids[0]
        if len(product_ids) > 1:
            titles = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "title"))
            for row in product.rows:
                if row.variant_id and existing[row.sku][1] != product.product_id:
                    collector.add(
                        row.row,
                        "sku",
                        "sku_of_other_product",
                        _("This SKU belongs to another product (%(title)s). Give it that product's name.")
                        % {"title": titles.get(existing[row.sku][1], "")},
                    )
        if product.product_id in owner_of:
            other = owner_of[product.product_id]
            for row in product.rows:
                if row.variant_id:
                    collector.add(
                        row.row,
                        "title",
                        "product_under_two_names",
                        _("This SKU's product already appears under another name in row %(row)s.")
                        % {"row": other.first_row},
                    )
        else:
            owner_of[product.product_id] = product


def _finish_products(collector, products: dict[str, ProductPlan], product_values) -> None:
    """Required product columns of new products, and publishing needs an active variant."""
    needs_variant_check = []
    for key, product in products.items():
        values = product_values[key]
        for column in ("category", "weight_grams", "description", "status"):
            if column in values:
                setattr(product, "category_id" if column == "category" else column, values[column][2])
        if not product.product_id:
            missing = {}
            if "category" not in product.filled:
                missing["category"] = None
            if "weight_grams" not in product.filled:
                missing["weight_grams"] = None
            if missing:
                _cleaned, errors = catalogue_values_check(missing)
                for field_name in missing:
                    collector.add_validation_errors(product.first_row, {field_name: errors[field_name]})
        elif product.status == Product.Status.ACTIVE and all(row.variant_id for row in product.rows):
            needs_variant_check.append(product)
    if needs_variant_check:
        ids = [product.product_id for product in needs_variant_check]
        rows = Product.objects.filter(pk__in=ids).values_list("pk", "status")
        not_active = {pk for pk, status in rows if status != Product.Status.ACTIVE}
        with_active_variant = set(
            ProductVariant.objects.filter(product_id__in=not_active, is_active=True).values_list(
                "product_id", flat=True
            )
        )
        for product in needs_variant_check:
            if product.product_id in not_active and product.product_id not in with_active_variant:
                collector.add(
                    product.first_row, "status", "no_variant", _("Add at least one active variant before publishing.")
                )


def stored_errors(errors: list[dict]) -> list[dict]:
    """The errors kept on the job: the first `MAX_STORED_ERRORS` (the job counts them all)."""
    return errors[:MAX_STORED_ERRORS]
