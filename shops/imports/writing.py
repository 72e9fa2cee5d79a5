"""Writing the planned rows of an import into the catalogue, batch by batch (`shops.imports.services`).

Each batch (about `BATCH_ROWS` rows, never splitting a product) is one transaction: the products it updates
are locked in primary-key order before their variants (the order the product services use), the plan is
checked against the SKUs as they are now, new products get free slugs as `product_create` makes them, rows
are written with bulk inserts and one parameterised UPDATE per table, and the job's progress is written in the
same transaction while the worker still holds its claim.
"""

from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..locks import product_qs_select_for_update, variant_qs_select_for_update
from ..models import Product, ProductVariant, Shop
from ..services.products import PRODUCT_SLUG_BASE_MAX_LENGTH, PRODUCT_SLUG_FALLBACK
from ..services.slugs import first_free, slug_base
from .claims import Claim, LostClaim
from .validation import ProductPlan, stored_errors

BATCH_ROWS = 500
SLUG_QUERY_CHUNK = 100


def batches(products: list[ProductPlan], *, start_after: int):
    """(products, rows covered after them) in file order, about BATCH_ROWS rows each; a product is never split.
    Products with errors count their rows (they are covered) but are not written. Batches covering no more
    than `start_after` rows were committed by an earlier run and are skipped."""
    batch: list[ProductPlan] = []
    rows_in_batch = 0
    covered = 0
    for product in products:
        batch.append(product)
        rows_in_batch += len(product.row_numbers)
        covered += len(product.row_numbers)
        if rows_in_batch >= BATCH_ROWS:
            if covered > start_after:
                yield batch, covered
            batch, rows_in_batch = [], 0
    if batch and covered > start_after:
        yield batch, covered


def apply_batch_with_retry(**kwargs) -> list[dict]:
    try:
        return apply_batch(**kwargs)
    except IntegrityError:
        # A slug or SKU taken by a concurrent request between our read and our write: read again, once. The
        # second time the SKU shows up as "changed while importing" and the slug as taken.
        return apply_batch(**kwargs)


PRODUCT_UPDATE_FIELDS = (
    "title",
    "description",
    "weight_grams",
    "category",
    "status",
    "moderation",
    "moderation_reason",
    "updated_at",
)
CHANGED_MEANWHILE = _("This product changed in your shop while importing; upload the file again for it.")


def apply_batch(
    *, shop: Shop, batch: list[ProductPlan], covered: int, review: bool, claim: Claim, errors: list[dict]
) -> list[dict]:
    """Write one batch in one transaction with its progress; returns the job's errors with this batch's added."""
    now = timezone.now()
    planned = [product for product in batch if product.ok]
    with transaction.atomic():
        existing_ids = sorted({product.product_id for product in planned if product.product_id})
        locked = {
            product.pk: product for product in product_qs_select_for_update().filter(pk__in=existing_ids, shop=shop)
        }
        skus = [row.sku for product in planned for row in product.rows]
        current = {
            sku: (variant_id, product_id)
            for sku, variant_id, product_id in ProductVariant.objects.filter(shop=shop, sku__in=skus).values_list(
                "sku", "pk", "product_id"
            )
        }
        batch_errors = []
        todo = []
        for product in planned:
            changed = bool(product.product_id) and product.product_id not in locked
            for row in product.rows:
                expected = (row.variant_id, product.product_id) if row.variant_id else None
                changed = changed or current.get(row.sku) != expected
            if changed:
                batch_errors += [
                    {"row": row.row, "column": "sku", "code": "changed_meanwhile", "message": str(CHANGED_MEANWHILE)}
                    for row in product.rows
                ]
            else:
                todo.append(product)

        variant_ids = sorted(row.variant_id for product in todo for row in product.rows if row.variant_id)
        variants = {variant.pk: variant for variant in variant_qs_select_for_update().filter(pk__in=variant_ids)}

        updated_products = []
        new_variants = []
        updated_variants = []
        for plan in todo:
            if not plan.product_id:
                continue
            product = locked[plan.product_id]
            product.title = plan.title
            for name in ("description", "weight_grams", "category_id"):
                if getattr(plan, name) is not None:
                    setattr(product, name, getattr(plan, name))
            if plan.status == Product.Status.ACTIVE and product.status != Product.Status.ACTIVE:
                product.status = Product.Status.ACTIVE
                if product.moderation != Product.Moderation.APPROVED:
                    product.moderation = Product.Moderation.PENDING if review else Product.Moderation.APPROVED
                    product.moderation_reason = ""
            product.updated_at = now
            updated_products.append(product)
            for row in plan.rows:
                if row.variant_id:
                    variant = variants[row.variant_id]
                    variant.name, variant.price, variant.stock, variant.updated_at = (
                        row.variant_name,
                        row.price,
                        row.stock,
                        now,
                    )
                    updated_variants.append(variant)
                else:
                    new_variants.append(_new_variant(shop, plan.product_id, row))
        _update_rows(Product, updated_products, PRODUCT_UPDATE_FIELDS)

        new_plans = [plan for plan in todo if not plan.product_id]
        slugs = _free_slugs([plan.title for plan in new_plans])
        new_products = [
            _new_product(shop, plan, slug, review, now) for plan, slug in zip(new_plans, slugs, strict=True)
        ]
        Product.objects.bulk_create(new_products)
        for plan, product in zip(new_plans, new_products, strict=True):
            new_variants += [_new_variant(shop, product.pk, row) for row in plan.rows]
        ProductVariant.objects.bulk_create(new_variants)
        _update_rows(ProductVariant, updated_variants, ["name", "price", "stock", "updated_at"])

        all_errors = sorted(errors + batch_errors, key=lambda error: error["row"]) if batch_errors else errors
        changes = {
            "processed_rows": covered,
            "created_count": F("created_count") + len(new_variants),
            "updated_count": F("updated_count") + len(updated_variants),
            "products_created": F("products_created") + len(new_products),
            "products_updated": F("products_updated") + len(updated_products),
        }
        if batch_errors:
            changes |= {
                "error_count": len(all_errors),
                "errors": stored_errors(all_errors),
                "valid_rows": F("valid_rows") - len(batch_errors),
            }
        if not claim.renew(**changes):
            raise LostClaim  # rolls this batch back
    return all_errors


def _update_rows(model, objects: list, field_names: list[str]) -> None:
    """Write `field_names` of each of `objects` with one parameterised UPDATE run for all rows (executemany).

    What `QuerySet.bulk_update` does, without its CASE/WHEN expression per row, which costs seconds per batch of
    a few hundred rows. Values are converted by the fields themselves, as `save()` would."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only quoted table and column names from the model's own metadata are interpolated; values are parameters.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    parameters = [
        [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields] + [instance.pk]
        for instance in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, parameters)


def _new_product(shop: Shop, plan: ProductPlan, slug: str, review: bool, now) -> Product:
    active = plan.status == Product.Status.ACTIVE
    if active:
        moderation = Product.Moderation.PENDING if review else Product.Moderation.APPROVED
    else:
        moderation = Product.Moderation.NONE
    return Product(
        shop=shop,
        title=plan.title,
        slug=slug,
        description=plan.description or "",
        category_id=plan.category_id,
        weight_grams=plan.weight_grams,
        status=Product.Status.ACTIVE if active else Product.Status.DRAFT,
        moderation=moderation,
        created_at=now,
    )


def _new_variant(shop: Shop, product_id: int, row) -> ProductVariant:
    return ProductVariant(
        product_id=product_id, shop=shop, name=row.variant_name, sku=row.sku, price=row.price, stock=row.stock
    )


def _free_slugs(titles: list[str]) -> list[str]:
    """One unused product slug per title, as `product_create` makes them ("-2"… when taken), in one query for a
    batch of new names plus one per `SLUG_QUERY_CHUNK` names whose plain slug is already taken."""
    bases = [
        slug_base(title, max_length=PRODUCT_SLUG_BASE_MAX_LENGTH, fallback=PRODUCT_SLUG_FALLBACK) for title in titles
    ]
    taken = set(Product.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    clashing = sorted({base for base in bases if base in taken})
    for start in range(0, len(clashing), SLUG_QUERY_CHUNK):
        condition = Q()
        for base in clashing[start : start + SLUG_QUERY_CHUNK]:
            condition |= _slug_prefix(f"{base}-")
        taken |= set(Product.objects.filter(condition).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug = first_free(base, taken=taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _slug_prefix(prefix: str) -> Q:
    """Slugs starting with `prefix`, through the slug's index: PostgreSQL has a pattern index for LIKE 'x%';
    SQLite's LIKE ignores case and skips the index, but its binary order makes the prefix a range (slugs are
    ASCII, and "." follows "-")."""
    if connections[router.db_for_read(Product)].vendor == "sqlite" and prefix.endswith("-"):
        return Q(slug__gte=prefix, slug__lt=f"{prefix[:-1]}.")
    return Q(slug__startswith=prefix)
