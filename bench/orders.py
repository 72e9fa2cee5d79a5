"""Load benchmark of the shopper's two writes (issue 6): adding to the cart and placing an order, under production
settings, as ratios to the trivial view. Goal: cart add ≥ 0.05 of the trivial view.

Run from the repository root:

    .venv/bin/python bench/orders.py [--duration 10] [--connections 16] [--workers 2]
    .venv/bin/python bench/orders.py --database postgres://postgres@127.0.0.1:5432/pasar_bench_orders

It prepares a throwaway database and static files as bench/run.py does (migrate, seed_demo, collectstatic), then
gives a few demo variants a stock of 1,000,000 and their shops a flat-rate shipping option, makes `--sessions`
anonymous carts with a session each (returning visitors), starts gunicorn with `marketplace.settings.bench` and
measures, each between two runs of the trivial view with the same load generator:

- with wrk (`bench/cart_add.lua`): `POST /api/v1/cart/lines/` as a new visitor (no cookie: session, cart and line
  are created) and as a returning visitor (the cookie of one of the existing carts, round-robin);
- with a Python load driver (one thread and one keep-alive `http.client` connection per `--connections`), because
  every order needs a fresh cart: a new visitor's `POST /api/v1/cart/lines/`, then `POST /api/v1/checkout/` with its
  session cookie and a unique `Idempotency-Key`; and, for comparison, the cart add alone and the trivial view
  through the same driver.

Every response must be 201 (200 for the trivial view); anything else or a socket error marks the row with `!`.
At the end the orders in the database are counted: there must be one per 201 checkout. The temporary SQLite database
is opened with IMMEDIATE transactions (SQLITE_OPTIONS), without which concurrent cart adds fail with "database is
locked". See bench/README.md.

Exit status: 0 all good; 1 a non-2xx (or unexpected) answer, a socket error or an order count that does not match;
2 the environment is not ready (wrk missing, bad arguments, database not reachable); 3 gunicorn did not start;
4 seeding failed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    BENCH_DIR,
    EXIT_ENVIRONMENT,
    EXIT_NON_2XX,
    EXIT_OK,
    EXIT_SEED,
    HOST,
    REPO,
    SETTINGS_MODULE,
    TRIVIAL_PATH,
    BenchError,
    Gunicorn,
    Measurement,
    _public,
    bench_env,
    combine,
    free_port,
    machine_info,
    require_wrk,
    run_in_workdir,
    run_wrk,
    seed,
    status_text,
    table,
    write_results,
    wrk_version,
)

CART_LINES_PATH = "/api/v1/cart/lines/"
CHECKOUT_PATH = "/api/v1/checkout/"
CART_LUA_SCRIPT = BENCH_DIR / "cart_add.lua"
GOAL_CART_ADD = 0.05
STOCK = 1_000_000
BENCH_EMAIL = "bench-orders@example.com"
SQLITE_OPTIONS = "?transaction_mode=IMMEDIATE&timeout=20"
MAX_QUANTITY_CYCLE = 9  # orders ask 1 to 9 units, so totals (and bank transfer amounts) vary

# Run by `manage.py shell` with the bench environment: gives demo variants a huge stock and their shops a flat-rate
# option, makes anonymous carts with a session each, and prints what the load needs as one JSON line. Idempotent
# except for the carts (a reused database gains SESSIONS more).
SEED_SCRIPT = """
import json
from importlib import import_module

from django.conf import settings
from django.db import transaction

from orders.models import Cart, CartLine, Order, ShippingOption
from orders.services.cart import SESSION_KEY
from payments.models import Payment
from shops.models import ProductVariant, Shop
from shops.models.regions import Village
from shops.selectors import product_list_public

SHOPS, PER_SHOP, SESSIONS, STOCK, EMAIL = {params}

shops = list(Shop.objects.filter(status=Shop.Status.APPROVED, closed_until__isnull=True).order_by("pk"))
variants, shipping = [], {{}}
for shop in shops:
    if len(shipping) == SHOPS:
        break
    chosen = list(
        ProductVariant.objects.filter(product__in=product_list_public().filter(shop=shop), is_active=True)
        .select_related("product")
        .order_by("pk")[:PER_SHOP]
    )
    if not chosen:
        continue
    option = ShippingOption.objects.filter(shop=shop, kind="flat", is_active=True).order_by("position", "pk").first()
    if option is None:
        option = ShippingOption.objects.create(shop=shop, kind="flat", name="Bench Reguler", fee=10_000, position=0)
    shipping[str(shop.pk)] = option.pk
    variants += chosen
if not variants:
    raise SystemExit("no approved shop with a public product: did seed_demo run?")
ProductVariant.objects.filter(pk__in=[v.pk for v in variants]).update(stock=STOCK)

village = Village.objects.exclude(postal_code="").select_related("district__regency__province").order_by("code").first()
district = village.district
address = {{
    "recipient_name": "Pembeli Bench",
    "phone": "081234567001",
    "province": district.regency.province.code,
    "regency": district.regency.code,
    "district": district.code,
    "village": village.code,
    "street_address": "Jl. Bench No. 1",
    "postal_code": village.postal_code,
}}

store_class = import_module(settings.SESSION_ENGINE).SessionStore
cookie = settings.SESSION_COOKIE_NAME
sessions = []
with transaction.atomic():
    for n in range(SESSIONS):
        variant = variants[n % len(variants)]
        cart = Cart.objects.create()
        CartLine.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=variant.price)
        store = store_class()
        store[SESSION_KEY] = str(cart.token)
        store.create()
        sessions.append(f"{{cookie}}={{store.session_key}}")

print(json.dumps({{
    "variants": [v.pk for v in variants],
    "variant_shop": {{str(v.pk): str(v.shop_id) for v in variants}},
    "variant_price": {{str(v.pk): v.price for v in variants}},
    "shipping": shipping,
    "address": address,
    "sessions": sessions,
    "orders_before": Order.objects.filter(email=EMAIL).count(),
    "payments_before": Payment.objects.filter(order__email=EMAIL).count(),
}}))
"""

COUNT_SCRIPT = """
import json
from orders.models import Order
from payments.models import Payment
EMAIL = {email!r}
print(json.dumps({{
    "orders": Order.objects.filter(email=EMAIL).count(),
    "payments": Payment.objects.filter(order__email=EMAIL).count(),
}}))
"""


def manage_json(script: str, env: dict[str, str], timeout: float = 600) -> dict:
    """Run a `manage.py shell -c` script that prints one JSON line last; return it. BenchError(EXIT_SEED) if not."""
    try:
        proc = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"manage.py shell took longer than {timeout:.0f}s", EXIT_SEED) from exc
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise BenchError(f"manage.py shell failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}", EXIT_SEED)
    return json.loads(lines[-1])


# --- The database ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_database(url: str, keep: bool):
    """A PostgreSQL database named by `url`: created when missing and then dropped at the end (unless `keep`); an
    existing one is used as it is and left in place (the bench data is written into it). SQLite: nothing to do."""
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        yield
        return
    import psycopg
    from psycopg import sql

    name = urllib.parse.unquote(parts.path.lstrip("/"))
    admin_url = urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BenchError(
            f"could not reach or create the PostgreSQL database {name!r}: {exc}", EXIT_ENVIRONMENT
        ) from exc
    print(f"PostgreSQL database {name!r}: " + ("existing one, bench data is written into it" if exists else "created"))
    try:
        yield
    finally:
        if not exists and not keep:
            with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            print(f"PostgreSQL database {name!r} dropped.")


# --- The Python load driver -----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection to 127.0.0.1 (reopened when the server closes it, as gunicorn's sync workers do)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        """(status, response headers, body, seconds). Socket and protocol errors are raised after closing."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Accept": "application/json", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return response.status, response.msg, content, time.perf_counter() - started

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Tally:
    """What one driver thread saw: latencies (seconds) per kind of step, statuses, failures."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    unexpected: int = 0
    errors: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    checkouts_created: int = 0

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def status(self, status: int, expected: int, what: str, content: bytes) -> bool:
        self.statuses[str(status)] += 1
        if status == expected:
            return True
        self.unexpected += 1
        if len(self.failures) < 3:
            self.failures.append(f"{what} answered {status}: {content[:300].decode(errors='replace')}")
        return False

    def merge(self, other: Tally) -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        self.statuses.update(other.statuses)
        self.unexpected += other.unexpected
        self.errors.update(other.errors)
        self.failures += other.failures[: max(0, 3 - len(self.failures))]
        self.checkouts_created += other.checkouts_created


@dataclass
class Plan:
    """What the seed step made: the variants to order, their shops' shipping options, the address, the sessions."""

    variants: list[int]
    variant_shop: dict[str, str]
    shipping: dict[str, int]
    address: dict[str, str]
    sessions: list[str]
    orders_before: int
    payments_before: int
    counter: itertools.count = field(default_factory=itertools.count)

    @property
    def cart_variant(self) -> int:
        return self.variants[0]


def session_cookie(headers) -> str:
    """The Cookie header that sends back every cookie the response set."""
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def step_trivial(client: Client, tally: Tally, plan: Plan) -> int:
    status, _, content, seconds = client.send("GET", TRIVIAL_PATH)
    if tally.status(status, 200, f"GET {TRIVIAL_PATH}", content):
        tally.record("request", seconds)
    return status


def step_cart_add(client: Client, tally: Tally, plan: Plan) -> int:
    status, _, content, seconds = client.send("POST", CART_LINES_PATH, {"variant": plan.cart_variant, "quantity": 1})
    if tally.status(status, 201, f"POST {CART_LINES_PATH}", content):
        tally.record("request", seconds)
    return status


def step_order(client: Client, tally: Tally, plan: Plan) -> int:
    """A new visitor adds 1 to 9 units of a variant (taken in turn), then places the cart by bank transfer."""
    n = next(plan.counter)
    variant = plan.variants[n % len(plan.variants)]
    quantity = 1 + (n // len(plan.variants)) % MAX_QUANTITY_CYCLE
    status, headers, content, add_seconds = client.send(
        "POST", CART_LINES_PATH, {"variant": variant, "quantity": quantity}
    )
    if not tally.status(status, 201, f"POST {CART_LINES_PATH}", content):
        return status
    tally.record("cart add", add_seconds)
    shop = plan.variant_shop[str(variant)]
    body = {
        "email": BENCH_EMAIL,
        "address": plan.address,
        "shipping": {shop: plan.shipping[shop]},
        "payment_method": "bank_transfer",
    }
    status, _, content, checkout_seconds = client.send(
        "POST",
        CHECKOUT_PATH,
        body,
        {"Cookie": session_cookie(headers), "Idempotency-Key": f"bench-{uuid.uuid4().hex}"},
    )
    if status == 201:
        tally.checkouts_created += 1
    if tally.status(status, 201, f"POST {CHECKOUT_PATH}", content):
        tally.record("checkout", checkout_seconds)
        tally.record("request", add_seconds + checkout_seconds)
    return status


Step = Callable[[Client, Tally, Plan], int]


def drive(port: int, connections: int, duration: float, step: Step, plan: Plan) -> tuple[Tally, float]:
    """`connections` threads repeat `step` for `duration` seconds; returns what they saw and the seconds it took
    (until the last step that started in time ended)."""
    tallies: list[Tally] = []
    ends: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(connections + 1)
    window: dict[str, float] = {}

    def worker() -> None:
        client, tally = Client(port), Tally()
        barrier.wait()
        try:
            while time.monotonic() < window["deadline"]:
                try:
                    step(client, tally, plan)
                except (OSError, http.client.HTTPException) as exc:
                    tally.errors[type(exc).__name__] += 1
        finally:
            client.close()
            with lock:
                tallies.append(tally)
                ends.append(time.monotonic())

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    window["deadline"] = started + duration
    barrier.wait()
    for thread in threads:
        thread.join(timeout=duration + 60)
    if any(thread.is_alive() for thread in threads):
        raise BenchError("the load driver did not finish within a minute after its duration", EXIT_ENVIRONMENT)
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total, max(ends) - started


def percentile_ms(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] * 1000, 3)


def latency_summary(values: list[float]) -> dict[str, float | int]:
    return {
        "count": len(values),
        "p50_ms": percentile_ms(values, 0.50),
        "p90_ms": percentile_ms(values, 0.90),
        "p95_ms": percentile_ms(values, 0.95),
        "p99_ms": percentile_ms(values, 0.99),
        "mean_ms": round(statistics.fmean(values) * 1000, 3) if values else 0.0,
        "max_ms": percentile_ms(values, 1.0),
    }


# --- Measuring ------------------------------------------------------------------------------------------------


@dataclass
class Context:
    port: int
    args: argparse.Namespace
    plan: Plan
    sessions_file: Path
    wrk: str
    checkouts_created: int = 0  # every 201 from checkout, warm-ups included: the orders the database must hold
    details: dict[str, list[dict]] = field(default_factory=dict)


def warm(ctx: Context, step: Step) -> Callable[[], int]:
    """A warm-up call for run_wrk / the driver: one step, its status; the first unexpected answer is printed."""

    def call() -> int:
        client, tally = Client(ctx.port), Tally()
        try:
            status = step(client, tally, ctx.plan)
        finally:
            client.close()
        ctx.checkouts_created += tally.checkouts_created
        if tally.failures:
            print(f"\n    warm-up: {tally.failures[0]}", end=" ", flush=True)
        return status

    return call


def wrk_row(ctx: Context, label: str, path: str, script_args: list[str] | None, warm_up: Step | None) -> Measurement:
    print(f"  [wrk] {label} ...", end=" ", flush=True)
    if script_args is None:
        m = run_wrk(ctx.wrk, ctx.port, path, ctx.args)
    else:
        m = run_wrk(
            ctx.wrk,
            ctx.port,
            path,
            ctx.args,
            script=CART_LUA_SCRIPT,
            script_args=script_args,
            warm_up=warm(ctx, warm_up),
        )
        if set(m.statuses) != {"201"}:  # a cart add that is not 201 did not add anything
            m.ok = False
    m.path = label
    print(f"{m.rps:.1f} req/s, p50 {m.p50_ms:.2f} ms, status {status_text(m)}", flush=True)
    return m


def driver_row(ctx: Context, label: str, step: Step) -> Measurement:
    print(f"  [python] {label} ...", end=" ", flush=True)
    warm_up = warm(ctx, step)
    first_status = 0
    for _ in range(2 * ctx.args.workers):
        first_status = warm_up()
    tally, elapsed = drive(ctx.port, ctx.args.connections, ctx.args.duration, step, ctx.plan)
    ctx.checkouts_created += tally.checkouts_created
    latencies = tally.latencies.get("request", [])
    non_2xx = sum(n for code, n in tally.statuses.items() if not code.startswith("2"))
    summary = latency_summary(latencies)
    m = Measurement(
        path=label,
        first_status=first_status,
        statuses=dict(sorted(tally.statuses.items())),
        requests=len(latencies),
        duration_s=round(elapsed, 3),
        rps=round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        p50_ms=summary["p50_ms"],
        p90_ms=summary["p90_ms"],
        p99_ms=summary["p99_ms"],
        p95_ms=summary["p95_ms"],
        mean_ms=summary["mean_ms"],
        max_ms=summary["max_ms"],
        socket_errors=dict(tally.errors),
        non_2xx=non_2xx,
        ok=not tally.unexpected and not tally.errors and bool(latencies) and first_status in (200, 201),
    )
    if step is step_order:
        ctx.details.setdefault(label, []).append(
            {
                "cart_add": latency_summary(tally.latencies.get("cart add", [])),
                "checkout": latency_summary(tally.latencies.get("checkout", [])),
            }
        )
    print(f"{m.rps:.1f}/s, p50 {m.p50_ms:.2f} ms, status {status_text(m)}", flush=True)
    for failure in tally.failures:
        print(f"    {failure}")
    return m


def with_ratio(m: Measurement, before: Measurement, after: Measurement) -> Measurement:
    rps = (before.rps + after.rps) / 2
    p50 = (before.p50_ms + after.p50_ms) / 2
    m.rps_ratio = round(m.rps / rps, 4) if rps else None
    m.p50_ratio = round(m.p50_ms / p50, 3) if p50 else None
    return m


LABEL_NEW = f"POST {CART_LINES_PATH} new visitor"
LABEL_RETURNING = f"POST {CART_LINES_PATH} returning visitor"
LABEL_PY_CART = f"POST {CART_LINES_PATH} new visitor"
LABEL_ORDER = "order: cart line + checkout"


def one_round(ctx: Context) -> dict[str, list[Measurement]]:
    """trivial, cart add (new), trivial, cart add (returning), trivial with wrk; then trivial, cart add, trivial,
    order, trivial with the Python driver. Each row gets its ratio to the two trivial runs around it."""
    variants = ",".join(str(v) for v in ctx.plan.variants[:2])
    threads = str(ctx.args.threads)
    wrk_trivials = [wrk_row(ctx, TRIVIAL_PATH, TRIVIAL_PATH, None, None)]
    rows: dict[str, list[Measurement]] = {"wrk": [], "python": []}
    for label, script_args in (
        (LABEL_NEW, [threads, str(ctx.plan.cart_variant)]),
        (LABEL_RETURNING, [threads, variants, str(ctx.sessions_file)]),
    ):
        m = wrk_row(ctx, label, CART_LINES_PATH, script_args, step_cart_add)
        wrk_trivials.append(wrk_row(ctx, TRIVIAL_PATH, TRIVIAL_PATH, None, None))
        rows["wrk"].append(with_ratio(m, wrk_trivials[-2], wrk_trivials[-1]))

    py_trivials = [driver_row(ctx, TRIVIAL_PATH, step_trivial)]
    for label, step in ((LABEL_PY_CART, step_cart_add), (LABEL_ORDER, step_order)):
        m = driver_row(ctx, label, step)
        py_trivials.append(driver_row(ctx, TRIVIAL_PATH, step_trivial))
        rows["python"].append(with_ratio(m, py_trivials[-2], py_trivials[-1]))
    rows["wrk trivial"] = wrk_trivials
    rows["python trivial"] = py_trivials
    return rows


def measure_rounds(
    server: Gunicorn, args: argparse.Namespace, intro: str, one_round: Callable[[], dict]
) -> tuple[list[dict], tuple[float, ...], tuple[float, ...]]:
    """Start gunicorn, print `intro`, run `one_round` `args.rounds` times, stop gunicorn (also on an error);
    return the rounds and the load averages before and after. Shared by the driver benchmarks."""
    load_before = os.getloadavg()
    rounds = []
    try:
        seconds = server.start()
        print(
            f"gunicorn ({args.workers} workers, {SETTINGS_MODULE}) answers on http://{HOST}:{server.port} "
            f"after {seconds:.1f}s"
        )
        print(intro)
        for number in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f" round {number}/{args.rounds}")
            rounds.append(one_round())
    finally:
        server.stop()
    return rounds, load_before, os.getloadavg()


def verdict(rows: list[Measurement], mismatch: str = "") -> int:
    """EXIT_OK, or EXIT_NON_2XX after saying which rows answered something unexpected (or had socket errors) and
    what did not match (`mismatch`, empty when the counts matched)."""
    broken = [m.path for m in rows if not m.ok]
    if not broken and not mismatch:
        return EXIT_OK
    print(
        "\nNOT OK: "
        + (f"{', '.join(broken)} answered something unexpected or had socket errors. " if broken else "")
        + mismatch,
        file=sys.stderr,
    )
    return EXIT_NON_2XX


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: DATABASE_URL, else SQLite in a temporary folder). A PostgreSQL database that "
        "does not exist is created and dropped at the end; an existing one is used as it is: never a real one",
    )


def checkout_alone(cart: Measurement, order: Measurement, trivials: list[Measurement]) -> tuple[float, float] | None:
    """Checkouts per second the server could do without the cart add of each order, estimated from the closed
    loop's time per order minus its time per cart add; and that rate ÷ the trivial view's around the order run."""
    trivial = statistics.fmean(t.rps for t in trivials)
    if not (cart.rps and order.rps and trivial) or 1 / order.rps <= 1 / cart.rps:
        return None
    rate = 1 / (1 / order.rps - 1 / cart.rps)
    return round(rate, 1), round(rate / trivial, 4)


# --- Main -----------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark cart add and placing an order under production settings, as ratios to a trivial "
        "view (see bench/README.md)."
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement (default 10)")
    parser.add_argument(
        "--connections", type=int, default=16, help="connections wrk keeps, and driver threads (default 16)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes (default: CPU count)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole sequence, report medians (default 1)")
    add_database_option(parser)
    parser.add_argument(
        "--sessions", type=int, default=2000, help="returning visitors: anonymous carts with a session (default 2000)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and a created database")
    parser.add_argument("--output", type=Path, help="JSON file to write (default bench/results/orders-<UTC time>.json)")
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.threads, args.workers, args.rounds, args.sessions) < 1:
        parser.error("--duration, --connections, --threads, --workers, --rounds and --sessions must be at least 1")
    if args.threads > args.connections:
        parser.error("--threads cannot exceed --connections (wrk needs one connection per thread)")
    return args


def benchmark(args: argparse.Namespace, workdir: Path) -> int:
    wrk = require_wrk()
    port = free_port()
    env = bench_env(workdir, port)
    if args.database:
        env["DATABASE_URL"] = args.database
    elif not os.environ.get("DATABASE_URL"):
        # The temporary SQLite database: transactions take the write lock when they begin. With SQLite's default
        # (deferred), two workers that both read and then write in one transaction (every cart add) cannot wait for
        # each other and one fails at once with "database is locked" (a 500).
        env["DATABASE_URL"] += SQLITE_OPTIONS
    database = env["DATABASE_URL"].split(":", 1)[0]
    with throwaway_database(env["DATABASE_URL"], args.keep):
        print(f"Seeding {database} database and collecting static files in {workdir} ...", flush=True)
        timings = seed(env, f"http://{HOST}:{port}")
        started = time.monotonic()
        data = manage_json(SEED_SCRIPT.format(params=(4, 4, args.sessions, STOCK, BENCH_EMAIL)), env)
        timings["orders seed"] = time.monotonic() - started
        print("  " + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in timings.items()))
        plan = Plan(
            variants=data["variants"],
            variant_shop=data["variant_shop"],
            shipping=data["shipping"],
            address=data["address"],
            sessions=data["sessions"],
            orders_before=data["orders_before"],
            payments_before=data["payments_before"],
        )
        sessions_file = workdir / "sessions.txt"
        sessions_file.write_text("\n".join(plan.sessions) + "\n")
        print(
            f"  {len(plan.variants)} variants of {len(plan.shipping)} shops (stock {STOCK:,}), "
            f"{len(plan.sessions)} returning visitors' carts"
        )
        ctx = Context(port=port, args=args, plan=plan, sessions_file=sessions_file, wrk=wrk)

        server = Gunicorn(env, port, args.workers, workdir / "gunicorn.log")
        intro = (
            f"Each measurement {args.duration}s, {args.connections} connections "
            f"(wrk: {args.threads} threads; Python driver: one thread per connection); "
            f"DATABASE_CONN_MAX_AGE={env.get('DATABASE_CONN_MAX_AGE', '0')}"
        )
        rounds, load_before, load_after = measure_rounds(server, args, intro, lambda: one_round(ctx))
        counts = manage_json(COUNT_SCRIPT.format(email=BENCH_EMAIL), env)

    def merged(kind: str, index: int) -> Measurement:
        return combine([r[kind][index] for r in rounds])

    wrk_trivial = combine([t for r in rounds for t in r["wrk trivial"]], label=" (median)")
    py_trivial = combine([t for r in rounds for t in r["python trivial"]], label=" (median)")
    wrk_rows = [merged("wrk", 0), merged("wrk", 1)]
    py_rows = [merged("python", 0), merged("python", 1)]
    alone = [checkout_alone(r["python"][0], r["python"][1], r["python trivial"][1:3]) for r in rounds]
    alone = [a for a in alone if a is not None]

    print("\nwrk (bench/cart_add.lua), ratios to the trivial view through wrk")
    print(table([wrk_trivial, *wrk_rows]))
    print("\nPython driver, ratios to the trivial view through the same driver (an order is two requests)")
    print(table([py_trivial, *py_rows]))
    details = ctx.details.get(LABEL_ORDER, [])
    if details:
        checkout = statistics.median(d["checkout"]["p50_ms"] for d in details)
        checkout99 = statistics.median(d["checkout"]["p99_ms"] for d in details)
        cart = statistics.median(d["cart_add"]["p50_ms"] for d in details)
        print(
            f"\nWithin an order: cart add p50 {cart:.2f} ms; checkout p50 {checkout:.2f} ms, p99 {checkout99:.2f} ms."
        )
    if alone:
        print(
            f"Checkout alone (derived: time per order minus time per cart add, same driver): "
            f"{statistics.median(a[0] for a in alone):.1f}/s, "
            f"{statistics.median(a[1] for a in alone):.3f} of the trivial view."
        )
    new, returning = wrk_rows
    met = all(m.rps_ratio is not None and m.rps_ratio >= GOAL_CART_ADD for m in wrk_rows)
    print(
        f"Goal cart add ≥ {GOAL_CART_ADD} of the trivial view: {'met' if met else 'NOT met'} "
        f"(new visitor {new.rps_ratio}, returning visitor {returning.rps_ratio}, wrk)."
    )
    all_trivials = [t for r in rounds for t in r["wrk trivial"] + r["python trivial"]]
    wrk_rates = [t.rps for r in rounds for t in r["wrk trivial"]]
    py_rates = [t.rps for r in rounds for t in r["python trivial"]]
    print(
        f"Trivial view: wrk {min(wrk_rates):.1f} to {max(wrk_rates):.1f} req/s, "
        f"Python driver {min(py_rates):.1f} to {max(py_rates):.1f} req/s. "
        f"Load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs."
    )
    placed = counts["orders"] - plan.orders_before
    payments = counts["payments"] - plan.payments_before
    counted_ok = placed == ctx.checkouts_created == payments
    print(
        f"Orders placed: {placed} in the database (with {payments} payments), "
        f"{ctx.checkouts_created} checkouts answered 201" + ("." if counted_ok else " — MISMATCH")
    )

    report = {
        "database": database,
        "database_conn_max_age": env.get("DATABASE_CONN_MAX_AGE", "0"),
        "cache": "redis" if env["CACHE_URL"] else "locmem",
        "gunicorn": {"workers": args.workers, "worker_class": "sync", "command": ["python", *server.command[1:]]},
        "wrk": {"version": wrk_version(wrk), "threads": args.threads, "connections": args.connections},
        "driver": {"threads": args.connections, "client": "http.client keep-alive, one connection per thread"},
        "duration_s": args.duration,
        "rounds": args.rounds,
        "machine": machine_info(load_before, load_after),
        "seed_seconds": {k: round(v, 2) for k, v in timings.items()},
        "ratios": "each run divided by the mean of the trivial runs (same load generator) just before and after it; "
        "with several rounds, the median of those ratios",
        "goal": {"cart_add_ratio_at_least": GOAL_CART_ADD, "met": met},
        "wrk_results": {
            "baseline": {**_public(wrk_trivial), "runs": [_public(t) for r in rounds for t in r["wrk trivial"]]},
            "results": [{**_public(m), "runs": [_public(r["wrk"][i]) for r in rounds]} for i, m in enumerate(wrk_rows)],
        },
        "python_driver": {
            "baseline": {**_public(py_trivial), "runs": [_public(t) for r in rounds for t in r["python trivial"]]},
            "results": [
                {**_public(m), "runs": [_public(r["python"][i]) for r in rounds]} for i, m in enumerate(py_rows)
            ],
            "order_steps": details,
            "checkout_alone_derived": [{"per_s": a[0], "ratio": a[1]} for a in alone],
        },
        "orders": {
            "in_database": placed,
            "payments": payments,
            "checkouts_201": ctx.checkouts_created,
            "match": counted_ok,
        },
        "trivial_runs": len(all_trivials),
    }
    write_results(report, args.output, "orders-")
    return verdict(
        [wrk_trivial, *wrk_rows, py_trivial, *py_rows],
        "" if counted_ok else "The orders in the database do not match the checkouts answered 201.",
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_workdir(lambda workdir: benchmark(args, workdir), prefix="pasar-bench-orders-", keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
