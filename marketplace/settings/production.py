"""Production settings: base.py, hardened. Nothing here adds features; it only refuses unsafe setups."""

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
# No default: a production process without a real secret must not start.
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
WHITENOISE_USE_FINDERS = False

# TLS is terminated by the load balancer in front of gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
}

LOGGING["loggers"]["django.security"] = {"level": "WARNING"}  # noqa: F405

# The page cache's invalidation lives in the cache (marketplace/core/pagecache.py): with a per-process local
# memory cache, a change seen by one gunicorn worker would not reach the others' cached pages. Without a shared
# cache (CACHE_URL), pages are served uncached rather than stale.
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # noqa: F405
    PAGE_CACHE_SECONDS = 0
