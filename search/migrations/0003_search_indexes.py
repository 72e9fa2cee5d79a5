"""Indexes of the database search backend (PostgreSQL only; nothing on SQLite, where the demo searches with LIKE).

Measured at 100,000 products (bench/search.py, bench/README.md "Search"); without them every search was sequential
scans computing three `to_tsvector` and a word similarity per product, several seconds a query.

- `shops_product.search_document`: a stored generated `tsvector` of the title (weight A) and the description
  (weight C), with its GIN index. Stored, not an expression index, because the ranking reads the vector of every
  matched product (thousands for a common word) and rechecks it after a bitmap OR with the trigram index; computing
  `to_tsvector` there cost 30 µs a row, five times the rest of the query. The column is added here, not declared on
  `shops.Product`: it exists on PostgreSQL only (a generated `tsvector` cannot be expressed on SQLite), and the
  backend reads it by name (`search.backends.database.DOCUMENT_SQL`). PostgreSQL refuses to change the type of a
  column a generated column reads: a migration that alters `title` or `description` must drop the column first
  and run this one's SQL again after.
- `shops_product_title_trgm`: GIN trigram index on the title, for the typo tolerance (`title %> word`).
- `shops_shop_name_search`: the shop's name as `tsvector` (GIN), for the shop-name match the backend resolves first.
- `shops_variant_active_product`: the active variants by product, with their price (partial). "Has an active variant"
  (every public product) and the lowest price become index-only lookups: without it the planner hashed all the
  variants of the catalogue for a few thousand matched products (90 of the 130 ms of a one-word match).

Not atomic: the indexes are built `CONCURRENTLY`, so a live catalogue keeps taking writes (the column itself
rewrites the table once, under a short exclusive lock: seconds at 100,000 products).
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('indonesian'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('indonesian'::regconfig, COALESCE(description, '')), 'C')"
)
FORWARD = [
    "ALTER TABLE shops_product ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS shops_product_search_document ON shops_product "
    "USING gin (search_document)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS shops_product_title_trgm ON shops_product USING gin (title gin_trgm_ops)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS shops_shop_name_search ON shops_shop "
    "USING gin (to_tsvector('indonesian'::regconfig, COALESCE(name, '')))",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS shops_variant_active_product ON shops_productvariant "
    "(product_id, price) WHERE is_active",
    "ANALYZE shops_product",
    "ANALYZE shops_productvariant",
]
BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS shops_variant_active_product",
    "DROP INDEX CONCURRENTLY IF EXISTS shops_shop_name_search",
    "DROP INDEX CONCURRENTLY IF EXISTS shops_product_title_trgm",
    "DROP INDEX CONCURRENTLY IF EXISTS shops_product_search_document",
    "ALTER TABLE shops_product DROP COLUMN IF EXISTS search_document",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0002_sync"), ("shops", "0008_product_image_alt_text")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
