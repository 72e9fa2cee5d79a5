"""Benchmark settings: production settings served over plain HTTP on 127.0.0.1, plus a trivial view.

The trivial view (`/bench/trivial/`) exists only here: every benchmarked URL is reported as a ratio to
it, so a slow or busy machine does not distort the comparison.
"""

from .production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "marketplace.bench_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
