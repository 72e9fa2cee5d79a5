"""Benchmark of product search: the database backend over a large catalogue (issue target: p99 ≤ 50 ms at 100,000
products on PostgreSQL), and the Elasticsearch backend and a full reindex when a search server is at hand.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pasar_bench_search .venv/bin/python bench/search.py
    DATABASE_URL=... .venv/bin/python bench/search.py --products 100000 --runs 200 --osmem

With DATABASE_URL the database is migrated and bench shops are written into it (`seed_catalog`, additive, so a
second run reuses them): never point it at a real one. Without it a temporary SQLite database is used (no typo
tolerance there, and seeding 100,000 products takes minutes). Decisions:

- **In process, no HTTP**: `DatabaseBackend().search(SearchQuery(...))` is called directly, so the numbers are the
  backend's own (SQL, highlights, facets), not the page's rendering. Each query is run `--warmup` times, then
  `--runs` times; p50 and p99 are reported.
- **Ratio to a trivial query**: a `SELECT 1` round trip is timed just before and just after each query; the query's
  p50 is divided by their mean p50, so a busy machine moves both sides alike (as bench/run.py does with its
  trivial view). Compare ratios between commits.
- **Elasticsearch** (`ELASTICSEARCH_URL`, or `--osmem` for the in-memory OpenSearch-compatible server with standard
  analysis): the full reindex (`search.indexing.rebuild_index`, under the alias `pasar-bench-search`, never the
  site's) is timed once, then the same queries through `search.backends.elasticsearch.ElasticsearchBackend`.

Exit status: 0 all good; 1 a database query's p99 is above the target on PostgreSQL; 2 the Elasticsearch part could
not run (missing module or server); 4 seeding failed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_P99_MS = 50.0
BASELINE_RUNS = 200
BENCH_ALIAS = "pasar-bench-search"


@dataclass(frozen=True)
class Case:
    label: str
    kwargs: dict


def cases(category: str) -> list[Case]:
    """Typical shopper queries over the seeded catalogue (`shops.large_catalogue` titles and descriptions)."""
    return [
        Case("one word", {"text": "kopi"}),
        Case("two words", {"text": "sambal pedas"}),
        Case("typo", {"text": "kripik pisng"}),
        Case("word + category", {"text": "madu", "category": category}),
        Case("word, price low→high", {"text": "sabun", "sort": "price_asc"}),
        Case("two words, page 20", {"text": "kopi arabika", "page": 20}),
        Case("word, newest, page 20", {"text": "kain", "sort": "newest", "page": 20}),
        Case("no words + category", {"category": category}),
        Case("no words, page 1", {}),
    ]


def top_category() -> str:
    """The slug of the top-level category with the most public products (in its subtree)."""
    from shops.models import Category
    from shops.selectors import product_list_public

    roots = Category.get_root_nodes()
    return max(roots, key=lambda root: product_list_public().filter(category__path__startswith=root.path).count()).slug


def configure(workdir: Path) -> None:
    """Environment for Django before setup: bench (production) settings, no broker, data in DATABASE_URL."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.bench",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "REDIS_URL": os.environ.get("REDIS_URL", ""),
            "CACHE_URL": os.environ.get("CACHE_URL", ""),
            "CELERY_BROKER_URL": "",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "MEDIA_ROOT": str(workdir / "media"),
            "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL", ""),
        }
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def seed(products: int) -> None:
    """Migrate, then top the public catalogue up to `products` bench products (100 per shop)."""
    from django.core.management import call_command

    from shops.models import Product

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    have = Product.objects.filter(slug__startswith="katalog-besar-").count()
    if have < products:
        print(f"Seeding {products - have} products ...", flush=True)
        call_command("seed_catalog", products=products, shops=max(1, products // 100), force=True, verbosity=0)
    print(f"Migrated and seeded in {time.perf_counter() - started:.1f}s")


def timed(call: Callable[[], object], *, runs: int, warmup: int) -> list[float]:
    """Milliseconds of `runs` calls after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def select_one() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@dataclass
class Line:
    label: str
    total: int
    p50: float
    p99: float
    ratio: float


def measure(backend, selected: list[Case], *, runs: int, warmup: int) -> tuple[list[Line], list[float]]:
    """Each case timed between two `SELECT 1` runs; returns the lines and every baseline p50."""
    from search.query import SearchQuery

    baselines = [statistics.median(timed(select_one, runs=BASELINE_RUNS, warmup=10))]
    lines = []
    for case in selected:
        query = SearchQuery(**case.kwargs)
        total = backend.search(query).total
        samples = timed(lambda query=query: backend.search(query), runs=runs, warmup=warmup)
        baselines.append(statistics.median(timed(select_one, runs=BASELINE_RUNS, warmup=10)))
        p50 = statistics.median(samples)
        ratio = p50 / ((baselines[-2] + baselines[-1]) / 2)
        lines.append(Line(case.label, total, p50, percentile(samples, 0.99), ratio))
        print(f"  {case.label} ... p50 {p50:.1f} ms", flush=True)
    return lines, baselines


def report(title: str, lines: list[Line], baselines: list[float], *, target: bool) -> bool:
    print(f"\n{title}")
    print(f"{'query':<26} {'found':>7} {'p50 ms':>8} {'p99 ms':>8} {'p50 ÷ SELECT 1':>15}")
    ok = True
    for line in lines:
        slow = target and line.p99 > TARGET_P99_MS
        ok = ok and not slow
        print(
            f"{line.label:<26} {line.total:>7} {line.p50:>8.1f} {line.p99:>8.1f} {line.ratio:>15.0f}"
            f"{'  over target' if slow else ''}"
        )
    print(
        f"SELECT 1 round trip p50: {min(baselines):.3f} to {max(baselines):.3f} ms over {len(baselines)} runs. "
        f"Load average {' '.join(f'{value:.2f}' for value in os.getloadavg())} on {os.cpu_count()} CPUs."
    )
    return ok


def start_osmem():
    """The in-memory OpenSearch-compatible server the tests use, with the settings the tests give it."""
    from django.conf import settings
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=False)
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_NODE_CLASS = "tests.search.osmem.OsmemCompatibleNode"
    settings.SEARCH_ANALYSIS = "standard"
    return server


def elasticsearch_part(selected: list[Case], args) -> bool:
    """Reindex once, then time the Elasticsearch backend. False when it cannot run here."""
    try:
        from search.backends.elasticsearch import ElasticsearchBackend
        from search.indexing import rebuild_index
    except ImportError as error:
        print(f"\nElasticsearch part skipped: {error}")
        return False
    from django.conf import settings

    settings.SEARCH_INDEX_ALIAS = BENCH_ALIAS  # never the site's alias, whatever server ELASTICSEARCH_URL names
    settings.ELASTICSEARCH_TIMEOUT = 60.0  # bulk requests of a full rebuild, not a shopper's search
    started = time.perf_counter()
    rebuild_index()
    print(f"\nFull reindex (search.indexing.rebuild_index): {time.perf_counter() - started:.1f}s")
    lines, baselines = measure(ElasticsearchBackend(), selected, runs=args.runs, warmup=args.warmup)
    report("Elasticsearch backend", lines, baselines, target=False)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000, help="bench products to have (default 100000)")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs per query first (default 10)")
    parser.add_argument("--only", nargs="+", metavar="LABEL", help="only the queries whose label starts so")
    parser.add_argument("--osmem", action="store_true", help="start osmem-server for the Elasticsearch part")
    parser.add_argument(
        "--no-database", action="store_true", help="skip the database backend (time only Elasticsearch)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pasar-bench-search-"))
    server = None
    try:
        configure(workdir)
        from django.db import connection

        from search.backends.database import DatabaseBackend
        from shops.selectors import product_list_public

        try:
            seed(args.products)
        except Exception as error:  # noqa: BLE001 - reported as the seeding failure it is
            print(f"error: seeding failed: {error}")
            return 4
        category = top_category()
        selected = [case for case in cases(category) if not args.only or case.label.startswith(tuple(args.only))]
        print(
            f"Database: {connection.vendor} ({connection.settings_dict['NAME']}), "
            f"{product_list_public().count()} public products; category {category!r}; "
            f"{args.warmup} warm-up and {args.runs} timed runs per query"
        )
        ok = True
        if not args.no_database:
            lines, baselines = measure(DatabaseBackend(), selected, runs=args.runs, warmup=args.warmup)
            postgres = connection.vendor == "postgresql"
            ok = report(f"Database backend ({connection.vendor})", lines, baselines, target=postgres)
            if postgres:
                print(f"Target p99 ≤ {TARGET_P99_MS:.0f} ms: {'met' if ok else 'NOT met'}.")
        elastic_ok = True
        if args.osmem:
            try:
                server = start_osmem()
            except ImportError as error:
                print(f"\nElasticsearch part skipped: {error}")
                return 2
        if args.osmem or os.environ.get("ELASTICSEARCH_URL"):
            elastic_ok = elasticsearch_part(selected, args)
        if not ok:
            return 1
        return 0 if elastic_ok else 2
    finally:
        if server is not None:
            server.close()
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
