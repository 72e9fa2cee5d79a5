"""Load benchmark of Pasar UMKM's pages under production settings, reported as ratios to a trivial view.

Run from the repository root:

    .venv/bin/python bench/run.py [--duration 10] [--connections 16] [PATH ...]

It seeds a throwaway database (SQLite in a temporary folder, or DATABASE_URL if set), collects the static
files, starts gunicorn with `marketplace.settings.bench` on a free port of 127.0.0.1, loads each path with
wrk, prints a table and writes the same numbers as JSON to bench/results/. See bench/README.md.

Exit status: 0 all good; 1 a benchmarked URL answered something other than 2xx (or wrk saw socket errors);
2 the environment is not ready (wrk missing, bad arguments); 3 gunicorn did not start; 4 seeding failed;
130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
RESULTS_DIR = BENCH_DIR / "results"
LUA_SCRIPT = BENCH_DIR / "report.lua"

HOST = "127.0.0.1"  # the only address this harness ever sends traffic to
TRIVIAL_PATH = "/bench/trivial/"
DEFAULT_PATHS = ["/", "/health/", "/akun/login/", "/api/schema/"]
SETTINGS_MODULE = "marketplace.settings.bench"
APP = "marketplace.wsgi:application"

EXIT_OK, EXIT_NON_2XX, EXIT_ENVIRONMENT, EXIT_GUNICORN, EXIT_SEED, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


class BenchError(Exception):
    """A step failed; `exit_code` says which kind of failure it was."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Measurement:
    path: str
    first_status: int
    statuses: dict[str, int]
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    socket_errors: dict[str, int]
    non_2xx: int
    ok: bool
    rps_ratio: float | None = None
    p50_ratio: float | None = None
    p95_ms: float | None = None  # the Python load driver of bench/orders.py gives it; wrk's report does not
    wrk_output: str = field(default="", repr=False)


# --- Environment ------------------------------------------------------------------------------------


def bench_env(workdir: Path, port: int) -> dict[str, str]:
    """Environment of every child process: production settings, plain HTTP on 127.0.0.1, throwaway data.

    Every variable the settings would otherwise take from a local `.env` file is set here explicitly, so
    a developer's `.env` (which may point at real services) never leaks into the benchmark. Connection
    variables that are set in the caller's environment are honoured (DATABASE_URL to run on PostgreSQL,
    REDIS_URL to put the cache in Redis).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    redis_url = os.environ.get("REDIS_URL", "")
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_DEBUG": "false",
            "SITE_URL": f"http://{HOST}:{port}",
            "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "REDIS_URL": redis_url,
            "CACHE_URL": os.environ.get("CACHE_URL", redis_url),
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", redis_url),
            "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL", ""),
            "EMAIL_URL": "consolemail://",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(
            "wrk is not installed. Install Debian's package first:\n    apt-get install -y wrk", EXIT_ENVIRONMENT
        )
    return wrk


def manage(args: list[str], env: dict[str, str], timeout: float) -> float:
    """Run `manage.py ARGS`; return the seconds it took. Raises BenchError with its output if it fails."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"manage.py {' '.join(args)} took longer than {timeout:.0f}s", EXIT_SEED) from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise BenchError(f"manage.py {' '.join(args)} failed (exit {proc.returncode}):\n{tail}", EXIT_SEED)
    return time.monotonic() - started


def seed(env: dict[str, str], url: str, catalog: int = 0) -> dict[str, float]:
    timings = {}
    timings["migrate"] = manage(["migrate", "--noinput"], env, timeout=600)
    timings["seed_demo"] = manage(["seed_demo", "--force", "--url", url], env, timeout=600)
    if catalog:
        shops = str(max(1, catalog // 100))
        timings["seed_catalog"] = manage(
            ["seed_catalog", "--force", "--products", str(catalog), "--shops", shops], env, timeout=1800
        )
    timings["collectstatic"] = manage(["collectstatic", "--noinput"], env, timeout=600)
    return timings


# --- gunicorn ---------------------------------------------------------------------------------------


# What `--storefront` loads: the catalogue pages of issue 4, with slugs read from the seeded database. The deep
# page is the last page of the biggest top-level category, where OFFSET-based pagination costs the most.
STOREFRONT_PATHS_SCRIPT = """
from django.db.models import Count
from shops.models import Category
from shops.selectors import product_list_public, shop_list_public
root = max(Category.get_root_nodes(), key=lambda c: product_list_public().filter(
    category__path__startswith=c.path).count())
count = product_list_public().filter(category__path__startswith=root.path).count()
product = product_list_public().order_by("-created_at").first()
shop = shop_list_public().annotate(n=Count("products")).order_by("-n").first()
print("/")
print(f"/kategori/{root.slug}/")
print(f"/kategori/{root.slug}/?page={max(1, -(-count // 24))}")
print(f"/produk/{product.slug}/")
print(f"/toko/{shop.slug}/")
"""


def storefront_paths(env: dict[str, str]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", STOREFRONT_PATHS_SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(f"could not read the storefront paths:\n{proc.stderr[-2000:]}", EXIT_SEED)
    return proc.stdout.split()


def http_get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET to 127.0.0.1 without following redirects: (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Gunicorn:
    """A gunicorn master in its own session, so that it and its workers are stopped together."""

    def __init__(self, env: dict[str, str], port: int, workers: int, logfile: Path, app: str = APP):
        self.env, self.port, self.workers, self.logfile, self.app = env, port, workers, logfile, app
        self.proc: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "60",
            "--no-control-socket",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.logfile),
        ]

    def start(self, timeout: float = 60.0) -> float:
        """Start and wait until the trivial view answers 200; return the seconds that took."""
        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.command,
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with status {self.proc.returncode} before answering.\n{self.log_tail()}",
                    EXIT_GUNICORN,
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _ = http_get(self.port, TRIVIAL_PATH, timeout=2)
                if status == 200:
                    return time.monotonic() - started
                self.stop()
                raise BenchError(
                    f"gunicorn answered {status} on {TRIVIAL_PATH} instead of 200.\n{self.log_tail()}", EXIT_GUNICORN
                )
            time.sleep(0.2)
        self.stop()
        raise BenchError(f"gunicorn did not answer within {timeout:.0f}s.\n{self.log_tail()}", EXIT_GUNICORN)

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL to the whole process group if it lingers."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        # Workers left behind by a master that died abruptly share its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.logfile.read_text(errors="replace")
        except OSError:
            return "(no gunicorn log)"
        return "gunicorn log (last lines):\n" + "\n".join(text.splitlines()[-lines:])


# --- wrk --------------------------------------------------------------------------------------------


def run_wrk(
    wrk: str,
    port: int,
    path: str,
    args: argparse.Namespace,
    *,
    script: Path = LUA_SCRIPT,
    script_args: Sequence[str] = (),
    warm_up: Callable[[], int] | None = None,
) -> Measurement:
    """Load `path` with wrk for `args.duration` seconds. `script` must print report.lua's BENCH_RESULT line;
    `script_args` are passed to it after "--". `warm_up` (default: GET the path) is called once per worker,
    twice, and returns a status: the last one is kept as `first_status`."""
    first_status = 0
    # Warm every worker (template and URL caches, lazy imports) before measuring; remember the status.
    for _ in range(2 * args.workers):
        first_status = warm_up() if warm_up is not None else http_get(port, path)[0]
    command = [
        wrk,
        "--threads",
        str(args.threads),
        "--connections",
        str(args.connections),
        "--duration",
        f"{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "--script",
        str(script),
        f"http://{HOST}:{port}{path}",
    ]
    if script_args:
        command += ["--", *script_args]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 30, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk on {path} did not finish within {args.duration + 30}s", EXIT_ENVIRONMENT) from exc
    result_lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if proc.returncode != 0 or not result_lines:
        raise BenchError(
            f"wrk failed on {path} (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}", EXIT_ENVIRONMENT
        )
    data = json.loads(result_lines[-1].removeprefix("BENCH_RESULT "))
    duration_s = data["duration_us"] / 1e6
    statuses = dict(sorted(data["statuses"].items()))
    non_2xx = sum(n for code, n in statuses.items() if not code.startswith("2"))
    socket_errors = {name: n for name, n in data["errors"].items() if name != "status" and n}
    latency = data["latency_us"]
    return Measurement(
        path=path,
        first_status=first_status,
        statuses=statuses,
        requests=data["requests"],
        duration_s=round(duration_s, 3),
        rps=round(data["requests"] / duration_s, 1) if duration_s else 0.0,
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=round(latency["mean"] / 1000, 3),
        max_ms=latency["max"] / 1000,
        socket_errors=socket_errors,
        non_2xx=non_2xx,
        ok=non_2xx == 0 and not socket_errors and data["requests"] > 0 and 200 <= first_status < 300,
        wrk_output="\n".join(line for line in proc.stdout.splitlines() if not line.startswith("BENCH_RESULT ")),
    )


# --- Report -----------------------------------------------------------------------------------------


def status_text(m: Measurement) -> str:
    codes = ",".join(m.statuses) if m.statuses else str(m.first_status)
    if m.non_2xx:
        codes += f" ({m.non_2xx} non-2xx)"
    if m.socket_errors:
        codes += " (" + ", ".join(f"{n} {name} errors" for name, n in m.socket_errors.items()) + ")"
    return codes


def table(rows: list[Measurement], *, p95: bool = False) -> str:
    """The rows as a text table; `p95` adds a p95 column (rows without one show "-")."""
    header = (
        "URL",
        "status",
        "req/s",
        "p50 ms",
        *(["p95 ms"] if p95 else []),
        "p99 ms",
        "req/s ÷ trivial",
        "p50 ÷ trivial",
    )
    body = [
        (
            m.path + ("" if m.ok else "  !"),
            status_text(m),
            f"{m.rps:.1f}",
            f"{m.p50_ms:.2f}",
            *([f"{m.p95_ms:.2f}" if m.p95_ms is not None else "-"] if p95 else []),
            f"{m.p99_ms:.2f}",
            "-" if m.rps_ratio is None else f"{m.rps_ratio:.3f}",
            "-" if m.p50_ratio is None else f"{m.p50_ratio:.2f}",
        )
        for m in rows
    ]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = []
    for n, r in enumerate([header, *body]):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])] + [
            c.rjust(w) for c, w in zip(r[2:], widths[2:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def git_describe() -> dict[str, str | bool]:
    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=False)
        return proc.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def machine_info(load_before: tuple[float, ...], load_after: tuple[float, ...]) -> dict:
    """What a report was measured on: CPUs, Python, platform and the load averages around the run."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
    }


def write_results(report: dict, output: Path | None, prefix: str = "") -> Path:
    """Write `report` as JSON, after when it was made, at which commit and with which settings, to `output`
    (default bench/results/<prefix><UTC time>.json); say where. Shared by the bench scripts."""
    now = datetime.now(UTC)
    output = output or RESULTS_DIR / f"{prefix}{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    header = {"created": now.isoformat(timespec="seconds"), "git": git_describe(), "settings": SETTINGS_MODULE}
    report = {**header, **report}
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {output.relative_to(REPO) if output.is_relative_to(REPO) else output}")
    return output


def wrk_version(wrk: str) -> str:
    proc = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10, check=False)
    return (proc.stdout + proc.stderr).strip().splitlines()[0] if (proc.stdout + proc.stderr).strip() else "?"


# --- Main -------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark pages under production settings, as ratios to a trivial view (see bench/README.md)."
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=f"URL paths to load (default: {DEFAULT_PATHS})")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="open connections wrk keeps (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the whole sequence and report medians (default 1)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes (default: CPU count)"
    )
    parser.add_argument(
        "--catalog",
        type=int,
        default=0,
        metavar="PRODUCTS",
        help="after the demo data, add a large catalogue (seed_catalog: PRODUCTS products, one shop per 100)",
    )
    parser.add_argument(
        "--storefront",
        action="store_true",
        help="load the storefront pages (home, category page 1 and its last page, a product, the biggest shop)",
    )
    parser.add_argument(
        "--page-cache",
        choices=["on", "off"],
        default="on",
        help="the anonymous page cache (PAGE_CACHE_SECONDS): 'on' as in production, which needs a shared cache "
        "(set REDIS_URL), 'off' to measure rendering (default on)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary database, static files and logs")
    parser.add_argument("--output", type=Path, help="JSON file to write (default bench/results/<UTC time>.json)")
    parser.add_argument("--app", default=APP, help=f"WSGI application gunicorn serves (default {APP})")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check the harness itself: a gunicorn that cannot load its app must be reported, a good one must "
        "answer; no seeding, no load",
    )
    args = parser.parse_args(argv)
    if min(args.duration, args.connections, args.threads, args.workers, args.rounds) < 1:
        parser.error("--duration, --connections, --threads, --workers and --rounds must be at least 1")
    if args.threads > args.connections:
        parser.error("--threads cannot exceed --connections (wrk needs one connection per thread)")
    for path in args.paths:
        if not path.startswith("/"):
            parser.error(f"{path!r}: give URL paths such as /health/, not addresses (only 127.0.0.1 is loaded)")
    return args


def self_check(args: argparse.Namespace, workdir: Path) -> int:
    """A broken app must make the start fail with EXIT_GUNICORN; the real app must start and answer."""
    broken = Gunicorn(bench_env(workdir, 0), free_port(), 1, workdir / "broken.log", app="marketplace.wsgi:missing")
    broken.env = bench_env(workdir, broken.port)
    try:
        broken.start(timeout=60)
    except BenchError as exc:
        detected = exc.exit_code == EXIT_GUNICORN
        print(f"[self-check] broken app: start refused with exit code {exc.exit_code}: {str(exc).splitlines()[0]}")
    else:
        detected = False
        print("[self-check] broken app: gunicorn answered although its app cannot be imported")
    finally:
        broken.stop()

    port = free_port()
    good = Gunicorn(bench_env(workdir, port), port, 1, workdir / "good.log", app=args.app)
    try:
        seconds = good.start(timeout=60)
        print(f"[self-check] real app: {TRIVIAL_PATH} answered 200 after {seconds:.1f}s")
        started = True
    except BenchError as exc:
        print(f"[self-check] real app did not start: {exc}")
        started = False
    finally:
        good.stop()
    passed = detected and started
    print(f"[self-check] {'PASSED' if passed else 'FAILED'}")
    return EXIT_OK if passed else EXIT_GUNICORN


def benchmark(args: argparse.Namespace, workdir: Path) -> int:
    wrk = require_wrk()
    paths = list(dict.fromkeys(args.paths or DEFAULT_PATHS))
    port = free_port()
    env = bench_env(workdir, port)
    if args.page_cache == "off":
        env["PAGE_CACHE_SECONDS"] = "0"
    page_cache = "on" if args.page_cache == "on" and env["CACHE_URL"] else "off"
    if args.page_cache == "on" and page_cache == "off":
        print("The page cache needs a shared cache: without REDIS_URL (or CACHE_URL) pages are served uncached.")
    database = env["DATABASE_URL"].split(":", 1)[0]
    if os.environ.get("DATABASE_URL"):
        print(f"Using DATABASE_URL from the environment ({database}); demo data is written into it.")

    print(f"Seeding {database} database and collecting static files in {workdir} ...", flush=True)
    timings = seed(env, f"http://{HOST}:{port}", catalog=args.catalog)
    print("  " + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in timings.items()))
    if args.storefront and not args.paths:
        paths = storefront_paths(env)
        runs_note = ", ".join(paths)
        print(f"Storefront paths: {runs_note}")

    server = Gunicorn(env, port, args.workers, workdir / "gunicorn.log", app=args.app)
    load_before = os.getloadavg()
    try:
        seconds = server.start()
        print(
            f"gunicorn ({args.workers} workers, {SETTINGS_MODULE}) answers on http://{HOST}:{port} after {seconds:.1f}s"
        )
        print(
            f"Page cache {page_cache}. Loading each URL for {args.duration}s with wrk: "
            f"{args.threads} threads, {args.connections} connections"
        )
        # The trivial view is measured before the first page, between pages and after the last one. Each
        # page is compared with the mean of the two trivial runs around it, so a machine that gets busier
        # or quieter during the run (other jobs, CPU boost, thermal limits) shifts both sides alike. With
        # --rounds N the whole sequence is repeated and each figure is the median over the rounds.
        trivials: list[Measurement] = []
        runs: dict[str, list[Measurement]] = {path: [] for path in paths}
        for round_number in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f" round {round_number}/{args.rounds}")
            trivials.append(measure(wrk, port, TRIVIAL_PATH, args))
            for path in paths:
                m = measure(wrk, port, path, args)
                trivials.append(measure(wrk, port, TRIVIAL_PATH, args))
                rps = (trivials[-2].rps + trivials[-1].rps) / 2
                p50 = (trivials[-2].p50_ms + trivials[-1].p50_ms) / 2
                m.rps_ratio = round(m.rps / rps, 4) if rps else None
                m.p50_ratio = round(m.p50_ms / p50, 3) if p50 else None
                runs[path].append(m)
    finally:
        server.stop()
    load_after = os.getloadavg()

    trivial = combine(trivials, label=" (median)")
    pages = [combine(runs[path]) for path in paths]
    spread = (max(t.rps for t in trivials) - min(t.rps for t in trivials)) / trivial.rps * 100 if trivial.rps else 0.0

    print()
    print(table([trivial, *pages]))
    print()
    print(
        f"Trivial view over {len(trivials)} runs: {min(t.rps for t in trivials):.1f} to "
        f"{max(t.rps for t in trivials):.1f} req/s (spread {spread:.0f}% of the median). "
        f"Load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs."
    )

    report = {
        "database": database,
        "cache": "redis" if env["CACHE_URL"] else "locmem",
        "page_cache": page_cache,
        "gunicorn": {"workers": args.workers, "worker_class": "sync", "command": ["python", *server.command[1:]]},
        "wrk": {
            "version": wrk_version(wrk),
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
        },
        "machine": machine_info(load_before, load_after),
        "seed_seconds": {k: round(v, 2) for k, v in timings.items()},
        "rounds": args.rounds,
        "ratios": "each page run divided by the mean of the trivial runs just before and just after it; "
        "with several rounds, the median of those ratios",
        "baseline": {**_public(trivial), "spread_percent": round(spread, 1), "runs": [_public(t) for t in trivials]},
        "results": [{**_public(m), "runs": [_public(r) for r in runs[m.path]]} for m in pages],
    }
    write_results(report, args.output)

    broken = [m.path for m in [trivial, *pages] if not m.ok]
    if broken:
        print(
            f"\nNOT OK: {', '.join(broken)} answered something other than 2xx or had socket errors; "
            "their numbers do not measure the page.",
            file=sys.stderr,
        )
        return EXIT_NON_2XX
    return EXIT_OK


def measure(wrk: str, port: int, path: str, args: argparse.Namespace) -> Measurement:
    print(f"  {path} ...", end=" ", flush=True)
    m = run_wrk(wrk, port, path, args)
    print(f"{m.rps:.1f} req/s, p50 {m.p50_ms:.2f} ms, status {status_text(m)}", flush=True)
    return m


def combine(runs: list[Measurement], label: str = "") -> Measurement:
    """Several runs of one URL as one row: medians of the rates, latencies and ratios, sums of the counts."""
    if len(runs) == 1 and not label:
        return runs[0]
    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    for m in runs:
        for code, count in m.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
        for name, count in m.socket_errors.items():
            errors[name] = errors.get(name, 0) + count

    def med(attr: str, digits: int = 3) -> float | None:
        values = [getattr(m, attr) for m in runs if getattr(m, attr) is not None]
        return round(statistics.median(values), digits) if values else None

    return Measurement(
        path=runs[0].path + label,
        first_status=runs[0].first_status,
        statuses=dict(sorted(statuses.items())),
        requests=sum(m.requests for m in runs),
        duration_s=round(sum(m.duration_s for m in runs), 3),
        rps=med("rps", 1),
        p50_ms=med("p50_ms"),
        p90_ms=med("p90_ms"),
        p99_ms=med("p99_ms"),
        p95_ms=med("p95_ms"),
        mean_ms=med("mean_ms"),
        max_ms=max(m.max_ms for m in runs),
        socket_errors=errors,
        non_2xx=sum(m.non_2xx for m in runs),
        ok=all(m.ok for m in runs),
        rps_ratio=1.0 if label else med("rps_ratio", 4),
        p50_ratio=1.0 if label else med("p50_ratio"),
    )


def _public(m: Measurement) -> dict:
    data = asdict(m)
    data.pop("wrk_output")
    return data


def run_in_workdir(step, *, prefix: str, keep: bool) -> int:
    """Run `step(workdir)` in a fresh temporary folder and turn its failures into exit codes; SIGTERM stops it
    like Ctrl-C. The folder is removed afterwards unless `keep`. Shared by the bench scripts."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return step(workdir)
    except BenchError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\ninterrupted; gunicorn stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    step = (
        (lambda workdir: self_check(args, workdir)) if args.self_check else (lambda workdir: benchmark(args, workdir))
    )
    return run_in_workdir(step, prefix="pasar-bench-", keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
