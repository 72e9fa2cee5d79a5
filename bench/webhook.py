"""Load benchmark of Stripe's webhook (issue 7: "answers 2xx fast, processes in a Celery task"), under production
settings, as ratios to the trivial view.

Run from the repository root (the broker is a Redis database the bench may empty: it must be empty at the start
and is flushed at the end):

    .venv/bin/python bench/webhook.py --broker redis://127.0.0.1:6379/9 [--duration 10] [--rounds 3]
    .venv/bin/python bench/webhook.py --broker redis://127.0.0.1:6379/9 \
        --database postgres://postgres@127.0.0.1:5432/pasar_bench_webhook

It migrates a throwaway database (SQLite in a temporary folder, or `--database`), starts gunicorn with
`marketplace.settings.bench`, a webhook secret and the Celery broker pointed at `--broker` with tasks not eager
and no worker running: what is measured is the webhook's own fast path (verify the signature, insert the
`PaymentEvent`, publish `process_payment_event` after the commit), not the processing. With the Python load driver
of bench/orders.py, each between two runs of the trivial view through the same driver:

- new events: every request is a distinct `checkout.session.expired` event (`evt_bench_<run>_<n>`, for a session
  we do not have), signed with the SDK just before the run (a pool sized from the trivial view's rate; anything
  beyond the pool is signed as it is sent and counted); answer 200 `{"duplicate": false}`;
- replays: events already stored, signed again (as Stripe does on each delivery); answer 200 `{"duplicate":
  true}`, the unique constraint makes them no-ops;
- invalid signature: fresh events signed with another secret; answer 400 (the expected status of that row).

At the end the events in the database must be exactly the distinct new events answered 200, and the tasks queued
in Redis as many. See bench/README.md.

Exit status: 0 all good; 1 an unexpected answer, a socket error, or events stored or queued that do not match;
2 the environment is not ready (bad arguments, broker or database not reachable, broker database not empty);
3 gunicorn did not start; 4 migrating failed; 130 interrupted.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
import stripe

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import (
    EXIT_ENVIRONMENT,
    EXIT_NON_2XX,
    HOST,
    TRIVIAL_PATH,
    BenchError,
    Gunicorn,
    Measurement,
    _public,
    bench_env,
    combine,
    free_port,
    machine_info,
    manage,
    run_in_workdir,
    table,
    write_results,
)

# bench/orders.py (this folder comes first on sys.path), not the Django app of that name.
from orders import (
    SQLITE_OPTIONS,
    Client,
    Context,
    Tally,
    add_database_option,
    driver_row,
    manage_json,
    measure_rounds,
    step_trivial,
    throwaway_database,
    verdict,
    with_ratio,
)

WEBHOOK_PATH = "/payments/stripe/webhook/"
TASK_NAME = "payments.tasks.process_payment_event"
QUEUE = "celery"  # Celery's default queue: no routes are configured
TOLERANCE_S = 300  # the SDK refuses signatures older than this
BAD_EVENTS = 100  # distinct bodies of the invalid-signature row
LABEL_NEW = f"POST {WEBHOOK_PATH} new event"
LABEL_REPLAY = f"POST {WEBHOOK_PATH} replay"
LABEL_BAD = f"POST {WEBHOOK_PATH} invalid signature (400)"

COUNT_SCRIPT = """
import json
from payments.models import PaymentEvent
rows = PaymentEvent.objects.filter(event_id__startswith={prefix!r})
print(json.dumps({{
    "stored": rows.count(),
    "invalid_stored": rows.filter(event_id__startswith={bad_prefix!r}).count(),
    "processed": rows.filter(processed_at__isnull=False).count(),
}}))
"""


# --- The events -----------------------------------------------------------------------------------------------


@dataclass
class Events:
    """What the steps send. Each list holds (event, Stripe-Signature header) pairs signed just before a run; the
    driver threads take from them with `itertools.count` (atomic under the GIL). The header signs
    `json.dumps(event)`, the exact body `orders.Client.send` sends."""

    run: str
    secret: str
    wrong_secret: str
    replay_set: int
    numbers: itertools.count = field(default_factory=itertools.count)
    pool: list[tuple[dict, str]] = field(default_factory=list)
    replays: list[tuple[dict, str]] = field(default_factory=list)
    bad: list[tuple[dict, str]] = field(default_factory=list)
    cursor: itertools.count = field(default_factory=itertools.count)
    stored: list[dict] = field(default_factory=list)  # every new event answered 200 {"duplicate": false}
    signed_late: int = 0

    @property
    def prefix(self) -> str:
        return f"evt_bench_{self.run}_"

    @property
    def bad_prefix(self) -> str:
        return f"{self.prefix}bad_"

    def event(self, event_id: str) -> dict:
        """A `checkout.session.expired` event of Stripe's shape (about 1 KB) for a session we do not have."""
        session = f"cs_test_bench_{event_id.removeprefix('evt_bench_')}"
        return {
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": "checkout.session.expired",
            "data": {
                "object": {
                    "id": session,
                    "object": "checkout.session",
                    "amount_subtotal": 125_000,
                    "amount_total": 135_000,
                    "currency": "idr",
                    "customer_email": "pembeli@example.com",
                    "expires_at": int(time.time()),
                    "livemode": False,
                    "metadata": {},
                    "mode": "payment",
                    "payment_intent": None,
                    "payment_method_types": ["card"],
                    "payment_status": "unpaid",
                    "status": "expired",
                    "success_url": "https://pasar.example/bayar/kembali/?session_id={CHECKOUT_SESSION_ID}",
                    "cancel_url": "https://pasar.example/bayar/batal/",
                    "url": None,
                }
            },
        }

    def signed(self, event: dict, secret: str | None = None) -> tuple[dict, str]:
        header = stripe.WebhookSignature.generate_signature_header(json.dumps(event), secret or self.secret)
        return event, header

    def fresh(self) -> tuple[dict, str]:
        return self.signed(self.event(f"{self.prefix}{next(self.numbers)}"))

    def prepare_new(self, size: int) -> None:
        self.pool = [self.fresh() for _ in range(size)]
        self.cursor = itertools.count()

    def prepare_replays(self) -> None:
        if not self.stored:
            raise BenchError("no new event was stored, so there is nothing to replay", EXIT_NON_2XX)
        self.replays = [self.signed(event) for event in self.stored[: self.replay_set]]
        self.cursor = itertools.count()

    def prepare_bad(self) -> None:
        self.bad = [self.signed(self.event(f"{self.bad_prefix}{n}"), self.wrong_secret) for n in range(BAD_EVENTS)]
        self.cursor = itertools.count()

    def take_new(self) -> tuple[dict, str]:
        n = next(self.cursor)
        if n < len(self.pool):
            return self.pool[n]
        self.signed_late += 1  # the pool ran out: signed as it is sent (not atomic; only a hint)
        return self.fresh()


def answered(tally: Tally, content: bytes, duplicate: bool, what: str) -> bool:
    """Whether a 200 says what it should about the event (`"duplicate"`); counted as unexpected if not."""
    try:
        ok = json.loads(content) == {"received": True, "duplicate": duplicate}
    except ValueError:
        ok = False
    if not ok:
        tally.unexpected += 1
        if len(tally.failures) < 3:
            tally.failures.append(f"{what} answered 200 but {content[:200].decode(errors='replace')}")
    return ok


def post(client: Client, event: dict, signature: str):
    return client.send("POST", WEBHOOK_PATH, event, {"Stripe-Signature": signature})


def step_new(client: Client, tally: Tally, events: Events) -> int:
    event, signature = events.take_new()
    status, _, content, seconds = post(client, event, signature)
    if tally.status(status, 200, LABEL_NEW, content) and answered(tally, content, False, LABEL_NEW):
        events.stored.append(event)
        tally.record("request", seconds)
    return status


def step_replay(client: Client, tally: Tally, events: Events) -> int:
    event, signature = events.replays[next(events.cursor) % len(events.replays)]
    status, _, content, seconds = post(client, event, signature)
    if tally.status(status, 200, LABEL_REPLAY, content) and answered(tally, content, True, LABEL_REPLAY):
        tally.record("request", seconds)
    return status


def step_bad(client: Client, tally: Tally, events: Events) -> int:
    event, signature = events.bad[next(events.cursor) % len(events.bad)]
    status, _, content, seconds = post(client, event, signature)
    if tally.status(status, 400, LABEL_BAD, content):
        tally.record("request", seconds)
    return status


# --- The broker -----------------------------------------------------------------------------------------------


def empty_broker(url: str) -> redis.Redis:
    """The broker's Redis database, which must be empty: the bench counts the tasks in it and flushes it."""
    connection = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        size = connection.dbsize()
    except redis.RedisError as exc:
        raise BenchError(f"could not reach the broker {url}: {exc}", EXIT_ENVIRONMENT) from exc
    if size:
        raise BenchError(
            f"the broker database {url} holds {size} keys; the bench flushes it at the end, so give it an empty "
            "database of its own (or flush this one first)",
            EXIT_ENVIRONMENT,
        )
    return connection


def queued_tasks(connection: redis.Redis) -> int:
    """The `process_payment_event` messages waiting in Celery's queue (no worker takes them)."""
    count = 0
    for start in range(0, connection.llen(QUEUE), 1000):
        for raw in connection.lrange(QUEUE, start, start + 999):
            count += json.loads(raw).get("headers", {}).get("task") == TASK_NAME
    return count


# --- Measuring ------------------------------------------------------------------------------------------------


def one_round(ctx: Context, events: Events) -> dict[str, list[Measurement]]:
    """trivial, new events, trivial, replays, trivial, invalid signature, trivial, all through the Python driver;
    each row gets its ratio to the two trivial runs around it. The events of a row are signed just before it."""
    trivials = [driver_row(ctx, TRIVIAL_PATH, step_trivial)]

    def prepare_new() -> None:
        # More new events than the driver can send: the trivial view's rate (the webhook is slower) with a margin.
        events.prepare_new(int(trivials[-1].rps * ctx.args.duration * 1.5) + 4 * ctx.args.workers + 100)

    rows = []
    for label, step, prepare in (
        (LABEL_NEW, step_new, prepare_new),
        (LABEL_REPLAY, step_replay, events.prepare_replays),
        (LABEL_BAD, step_bad, events.prepare_bad),
    ):
        prepare()
        m = driver_row(ctx, label, step)
        if step is step_bad:  # driver_row expects a 2xx first answer; here 400 is the answer that is right
            m.ok = set(m.statuses) == {"400"} and not m.socket_errors and m.requests > 0
        trivials.append(driver_row(ctx, TRIVIAL_PATH, step_trivial))
        rows.append(with_ratio(m, trivials[-2], trivials[-1]))
    return {"rows": rows, "trivial": trivials}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark Stripe's webhook under production settings, as ratios to a trivial view "
        "(see bench/README.md)."
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="driver threads, one connection each (default 16)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes (default: CPU count)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat the whole sequence, report medians (default 1)")
    parser.add_argument(
        "--broker",
        metavar="URL",
        default=os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or None,
        help="Redis database for Celery's queue (default: CELERY_BROKER_URL, else REDIS_URL). It must be empty "
        "and is flushed at the end",
    )
    add_database_option(parser)
    parser.add_argument(
        "--replays", type=int, default=1000, help="how many stored events the replay row sends again (default 1000)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and a created database")
    parser.add_argument(
        "--output", type=Path, help="JSON file to write (default bench/results/webhook-<UTC time>.json)"
    )
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.workers, args.rounds, args.replays) < 1:
        parser.error("--duration, --connections, --workers, --rounds and --replays must be at least 1")
    if args.duration > TOLERANCE_S - 60:
        parser.error(f"--duration must stay under {TOLERANCE_S - 60}s: Stripe signatures expire after {TOLERANCE_S}s")
    if not args.broker or not args.broker.startswith(("redis://", "rediss://")):
        parser.error("give --broker redis://HOST:PORT/DB (an empty Redis database the bench may flush)")
    return args


def benchmark(args: argparse.Namespace, workdir: Path) -> int:
    port = free_port()
    env = bench_env(workdir, port)
    secret = f"whsec_{secrets.token_hex(16)}"
    env.update(
        {
            "STRIPE_SECRET_KEY": "sk_test_bench_not_used",  # the webhook verifies locally; nothing calls Stripe
            "STRIPE_PUBLISHABLE_KEY": "pk_test_bench_not_used",
            "STRIPE_WEBHOOK_SECRET": secret,
            "STRIPE_API_BASE": f"http://{HOST}:9",  # discard port: a stray API call fails at once, never leaves
            "CELERY_BROKER_URL": args.broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
    )
    if args.database:
        env["DATABASE_URL"] = args.database
    elif not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] += SQLITE_OPTIONS  # as bench/orders.py: writers wait for the lock instead of failing
    database = env["DATABASE_URL"].split(":", 1)[0]
    broker = empty_broker(args.broker)
    events = Events(
        run=secrets.token_hex(4), secret=secret, wrong_secret=f"whsec_{secrets.token_hex(16)}", replay_set=args.replays
    )
    try:
        with throwaway_database(env["DATABASE_URL"], args.keep):
            # Neither the trivial view nor the webhook renders a template: no demo data, no collectstatic.
            (workdir / "static").mkdir()
            print(f"Migrating the {database} database in {workdir} ...", flush=True)
            timings = {"migrate": manage(["migrate", "--noinput"], env, timeout=600)}
            print(f"  migrate {timings['migrate']:.1f}s")
            ctx = Context(port=port, args=args, plan=events, sessions_file=workdir, wrk="")
            server = Gunicorn(env, port, args.workers, workdir / "gunicorn.log")
            intro = (
                f"Each measurement {args.duration}s, Python driver with {args.connections} connections; "
                f"broker {args.broker}, no worker; DATABASE_CONN_MAX_AGE={env.get('DATABASE_CONN_MAX_AGE', '0')}"
            )
            rounds, load_before, load_after = measure_rounds(server, args, intro, lambda: one_round(ctx, events))
            counts = manage_json(COUNT_SCRIPT.format(prefix=events.prefix, bad_prefix=events.bad_prefix), env)
        queued = queued_tasks(broker)
    finally:
        broker.flushdb()
        broker.close()

    trivial = combine([t for r in rounds for t in r["trivial"]], label=" (median)")
    rows = [combine([r["rows"][i] for r in rounds]) for i in range(3)]
    new_ids = [event["id"] for event in events.stored]
    distinct = len(set(new_ids))
    counted_ok = counts["stored"] == distinct == len(new_ids) == queued and counts["invalid_stored"] == 0

    print("\nPython driver, ratios to the trivial view through the same driver")
    print(table([trivial, *rows], p95=True))
    rates = [t.rps for r in rounds for t in r["trivial"]]
    print(
        f"\nTrivial view {min(rates):.1f} to {max(rates):.1f} req/s. Load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after, on {os.cpu_count()} CPUs."
    )
    if events.signed_late:
        print(f"{events.signed_late} new events were signed as they were sent (the pre-signed pool ran out).")
    print(
        f"Events: {distinct} distinct new events answered 200 ({len(new_ids)} answers), {counts['stored']} stored, "
        f"{queued} tasks queued, {counts['invalid_stored']} with an invalid signature stored, "
        f"{counts['processed']} processed (no worker)" + ("." if counted_ok else " — MISMATCH")
    )

    report = {
        "database": database,
        "database_conn_max_age": env.get("DATABASE_CONN_MAX_AGE", "0"),
        "broker": "redis, no worker, tasks not eager",
        "gunicorn": {"workers": args.workers, "worker_class": "sync", "command": ["python", *server.command[1:]]},
        "driver": {"threads": args.connections, "client": "http.client keep-alive, one connection per thread"},
        "duration_s": args.duration,
        "rounds": args.rounds,
        "machine": machine_info(load_before, load_after),
        "seed_seconds": {k: round(v, 2) for k, v in timings.items()},
        "ratios": "each run divided by the mean of the trivial runs just before and after it; with several rounds, "
        "the median of those ratios",
        "baseline": {**_public(trivial), "runs": [_public(t) for r in rounds for t in r["trivial"]]},
        "results": [{**_public(m), "runs": [_public(r["rows"][i]) for r in rounds]} for i, m in enumerate(rows)],
        "events": {
            "new_answered_200": len(new_ids),
            "distinct_new_answered_200": distinct,
            "stored": counts["stored"],
            "queued_tasks": queued,
            "invalid_stored": counts["invalid_stored"],
            "signed_late": events.signed_late,
            "match": counted_ok,
        },
    }
    write_results(report, args.output, "webhook-")
    return verdict(
        [trivial, *rows], "" if counted_ok else "The events stored or queued do not match the new events answered 200."
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, then benchmark in a temporary folder (`run_in_workdir` maps failures to exit codes)."""
    args = parse_args(argv)
    step = functools.partial(benchmark, args)
    return run_in_workdir(step, prefix="pasar-bench-webhook-", keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
