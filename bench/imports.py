"""Benchmark of the bulk product import: a 10,000-row file, checked and imported through the real services and
Celery tasks (run eagerly), as CSV and as XLSX. Target (issue 3): 10,000 rows in under 60 s.

Run from the repository root:

    .venv/bin/python bench/imports.py                 # SQLite in a temporary folder (migrated first)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pasar_bench_imports .venv/bin/python bench/imports.py

With DATABASE_URL the database is migrated and a bench shop is written into it: never point it at a real one.
For each format it uses a fresh shop and measures, for the first import (every row creates a variant) and then
for the same file imported again (every row updates by SKU): upload (`product_import_create`: the file's
bytes judged and stored), check (`validate_product_import`: read, check every row, plan) and import
(`product_import_confirm` → `apply_product_import`: check again, then write in batches). It prints seconds and
rows per second per phase and exits 1 when a first import (check + import) takes 60 s or more, or when the
catalogue does not hold exactly what the file says. See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0
VARIANTS_PER_PRODUCT = (1, 2, 3, 4)  # cycled: 10,000 rows make 4,000 products


def configure(workdir: Path) -> None:
    """Environment for Django before setup: eager tasks, no broker, files and (by default) SQLite in `workdir`."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
            "DJANGO_DEBUG": "0",  # DEBUG keeps every query in memory, which is not what production pays
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "CELERY_BROKER_URL": "",
            "REDIS_URL": "",
            "CACHE_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "MEDIA_ROOT": str(workdir / "media"),
            "ELASTICSEARCH_URL": "",
        }
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def make_rows(count: int, categories: list[str]) -> list[list]:
    rows = []
    product = 0
    while len(rows) < count:
        variants = VARIANTS_PER_PRODUCT[product % len(VARIANTS_PER_PRODUCT)]
        title = f"Keripik Pisang Bench {product:05d}"
        for variant in range(min(variants, count - len(rows))):
            first = variant == 0
            rows.append(
                [
                    f"BENCH-{product:05d}-{variant}",
                    title,
                    f"{250 * (variant + 1)} g" if variants > 1 else "",
                    15_000 + 500 * variant + product % 1000,
                    (product * 7 + variant) % 200,
                    categories[product % len(categories)] if first else "",
                    250 * (variant + 1) if first else "",
                    "Renyah, manis gurih.\nTanpa pengawet." if first else "",
                    ("active" if product % 2 else "draft") if first else "",
                ]
            )
        product += 1
    return rows


def csv_bytes(rows: list[list]) -> bytes:
    import csv

    from shops.imports.parsing import COLUMNS

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    from shops.imports.parsing import COLUMNS, DATA_SHEET

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def setup_data(label: str):
    """A bench owner with a fresh shop, and the category codes to use."""
    from django.utils.crypto import get_random_string

    from accounts.models import User
    from shops.models import Category, Shop, ShopMember

    suffix = get_random_string(6).lower()
    user = User.objects.create_user(email=f"bench-import-{suffix}@pasarumkm.test", password=None)
    shop = Shop.objects.create(name=f"Bench Impor {label} {suffix}", slug=f"bench-impor-{label}-{suffix}")
    ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.OWNER)
    slugs = list(Category.objects.values_list("slug", flat=True)[:5])
    if not slugs:
        for number in range(5):
            Category.add_root(name=f"Bench {number}", slug=f"bench-{suffix}-{number}")
        slugs = list(Category.objects.values_list("slug", flat=True)[:5])
    return user, shop, slugs


def run_import(shop, user, content: bytes, name: str) -> dict[str, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from shops.imports import services, tasks
    from shops.models import ProductImport

    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        # Queue the check only after timing the upload: the upload is what the web request pays.
        product_import = services.product_import_create(
            shop=shop, actor=user, uploaded_file=SimpleUploadedFile(name, content)
        )
        timings["upload"] = time.perf_counter() - started
        started = time.perf_counter()
    # Leaving the block ran the queued check eagerly (enqueue_on_commit → validate_product_import).
    product_import.refresh_from_db()
    if product_import.status == ProductImport.Status.UPLOADED:  # a broker was configured after all
        tasks.validate_product_import(product_import.pk)
        product_import.refresh_from_db()
    timings["check"] = time.perf_counter() - started
    if product_import.status != ProductImport.Status.VALIDATED or product_import.error_count:
        raise SystemExit(f"check failed: {product_import.status}, errors {product_import.errors[:5]}")

    started = time.perf_counter()
    services.product_import_confirm(product_import=product_import, actor=user)  # queues apply after commit
    product_import.refresh_from_db()
    timings["import"] = time.perf_counter() - started
    if product_import.status != ProductImport.Status.DONE:
        raise SystemExit(f"import failed: {product_import.status} {product_import.failure}")
    timings["result"] = (
        product_import.products_created,
        product_import.products_updated,
        product_import.created_count,
        product_import.updated_count,
    )
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per file (default 10000, the limit)")
    parser.add_argument("--formats", nargs="+", choices=["csv", "xlsx"], default=["csv", "xlsx"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pasar-bench-imports-"))
    try:
        configure(workdir)
        from django.core.management import call_command
        from django.db import connection

        from shops.models import ProductVariant

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(
            f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), migrated in "
            f"{time.perf_counter() - started:.1f}s; {os.cpu_count()} CPUs, load average "
            f"{' '.join(f'{value:.2f}' for value in os.getloadavg())}"
        )
        ok = True
        lines = []
        for file_format in args.formats:
            user, shop, categories = setup_data(file_format)
            rows = make_rows(args.rows, categories)
            started = time.perf_counter()
            content = csv_bytes(rows) if file_format == "csv" else xlsx_bytes(rows)
            print(
                f"{file_format}: {len(rows)} rows, {len(content) / 1024 / 1024:.2f} MB, "
                f"written in {time.perf_counter() - started:.1f}s"
            )
            expected_products = len({row[1] for row in rows})
            for run in ("first", "again"):
                timings = run_import(shop, user, content, f"bench.{file_format}")
                created, updated, variants_created, variants_updated = timings.pop("result")
                if run == "first":
                    good = (created, variants_created) == (expected_products, len(rows))
                else:
                    good = (updated, variants_updated, created, variants_created) == (
                        expected_products,
                        len(rows),
                        0,
                        0,
                    )
                good = good and ProductVariant.objects.filter(shop=shop).count() == len(rows)
                total = timings["check"] + timings["import"]
                if run == "first" and total >= TARGET_SECONDS:
                    good = False
                ok = ok and good
                lines.append(
                    (
                        file_format,
                        run,
                        timings["upload"],
                        timings["check"],
                        timings["import"],
                        total,
                        len(rows) / total,
                        "ok" if good else "NOT OK",
                    )
                )
        print()
        header = ("format", "run", "upload s", "check s", "import s", "check+import s", "rows/s", "")
        print("{:<7} {:<6} {:>9} {:>8} {:>9} {:>15} {:>8}  {}".format(*header))
        for line in lines:
            print("{:<7} {:<6} {:>9.2f} {:>8.2f} {:>9.2f} {:>15.2f} {:>8.0f}  {}".format(*line))
        print(
            f"\nTarget: a first import of {args.rows} rows (check + import) under {TARGET_SECONDS:.0f} s: "
            f"{'met' if ok else 'NOT met (or wrong counts)'}."
        )
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
