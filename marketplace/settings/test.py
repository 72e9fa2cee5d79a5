"""Test settings: base.py made fast and isolated.

SQLite and eager tasks unless DATABASE_URL / REDIS_URL are set (CI sets both); tests marked
`celery_worker` switch eagerness off and run a real worker against Redis.
"""

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if REDIS_URL:
    # A key prefix of its own so a test run never touches a developer's cached data.
    CACHES["default"]["KEY_PREFIX"] = "pasar-test"
ALLOWED_HOSTS = ["*"]
