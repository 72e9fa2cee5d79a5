"""Test settings: base.py made fast and isolated.

SQLite and eager tasks unless DATABASE_URL / REDIS_URL are set (CI sets both); tests marked
`celery_worker` switch eagerness off and run a real worker against Redis.
"""

from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_URL

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Most tests read mail.outbox synchronously inside a transaction that is rolled back (on-commit work never
# runs there), so they send straight to locmem; tests of the outbox switch EMAIL_BACKEND to it, and its
# deliveries land in mail.outbox too.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Every test clears the cache, and clearing a Redis cache flushes its whole database: the test cache
    # gets a database of its own, next to the broker's, so a flush never drops queued tasks.
    location = urlsplit(CACHES["default"]["LOCATION"])
    if CACHES["default"]["LOCATION"] == CELERY_BROKER_URL:
        broker_db = int(location.path.strip("/") or 0)
        location = location._replace(path=f"/{broker_db + 1 if broker_db < 15 else broker_db - 1}")
    CACHES["default"]["LOCATION"] = urlunsplit(location)
    CACHES["default"]["KEY_PREFIX"] = "pasar-test"
ALLOWED_HOSTS = ["*"]
# Tests run inside transactions that are rolled back, so the on-commit invalidation of the page cache never
# runs there: the cache is off, except in its own tests and in the browser journeys (real commits).
PAGE_CACHE_SECONDS = 0
