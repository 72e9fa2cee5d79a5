"""Whole-page cache for anonymous visitors of the storefront.

Most storefront traffic is people and crawlers without an account reading the same pages; those pages are
rendered once and served from the cache until something they show changes. Decisions:

- **Who gets cached pages**: GET requests without a session cookie and without pending messages. No session
  means no signed-in user, no password-protected page passed, no cart: the page is the same for everyone who
  reads it in that language. Anyone with a session is served fresh pages (and never fills the cache).
- **What is stored**: only responses of views marked cacheable (the catalogue views with the
  `cache_anonymous_page` decorator, Wagtail's page view, whose pages opt in through the `before_serve_page` hook
  calling `allow_page_cache(request)`); other URLs are not even looked up. Of those, only a 200 that sets no
  cookie (a page that embeds a CSRF token sets one, so forms are never cached by accident) and does not say
  `Cache-Control: private`/`no-store`/`no-cache`. The key is the language, host, full path and whether htmx
  asked for a fragment.
- **Invalidation by generation**: every entry records the storefront's *generation* it was rendered in, a
  random token read at the start of the request (in the same round trip as the entry), before the view reads
  any data; an entry of another generation is a miss and is replaced. Anything a storefront page shows (a
  product, variant, photo, shop, category, Wagtail page, image or the site settings) calls `invalidate()` when it
  changes, which replaces the token once the transaction commits: every page rendered before is outdated.
  Reading the token before the data makes the scheme race-free: a page rendered from data read before a
  change is stored under the old generation. Coarse (one change refreshes every
  page) but exact; finer tags are possible later if writes ever become frequent enough to matter.
- **Time-bound state** (a shop's holiday ending, a halal certificate expiring at midnight) is not an event,
  so every entry also expires after `PAGE_CACHE_SECONDS` (5 minutes by default); 0 turns the cache off.
- **The cache is optional**: if it fails (Redis down), requests are answered uncached and the cache is not
  tried again for `OUTAGE_PAUSE` seconds, so an outage never costs each request a connection timeout.
  The generation must live in a cache every process shares (Redis): with the per-process local-memory
  cache a change in one process is not seen by another, so production requires `CACHE_URL`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
OUTAGE_PAUSE = 30.0  # seconds without trying the cache after it failed
HEADER = "X-Page-Cache"
ALLOW_ATTRIBUTE = "page_cache_allowed"
# URL names whose views may be cached without carrying the decorator's mark: Wagtail's page serving view (pages
# opt in through the `before_serve_page` hook in cms/wagtail_hooks.py).
CACHEABLE_URL_NAMES = frozenset({"wagtail_serve"})
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage

_outage_until = 0.0


def allow_page_cache(request: HttpRequest) -> None:
    """Let the page cache keep this request's response (if the visitor is anonymous and it is a plain 200)."""
    setattr(request, ALLOW_ATTRIBUTE, True)


def cache_anonymous_page(view):
    """Decorator: the view's pages may be cached for anonymous visitors (`allow_page_cache`). The mark it leaves
    (`page_cache`) also tells the middleware to look its URLs up in the cache at all."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        allow_page_cache(request)
        return view(request, *args, **kwargs)

    wrapper.page_cache = True
    return wrapper


def _cache_available() -> bool:
    return time.monotonic() >= _outage_until


def _cache_failed(action: str) -> None:
    global _outage_until
    _outage_until = time.monotonic() + OUTAGE_PAUSE
    logger.warning("Page cache unavailable (%s); serving pages uncached for %ss.", action, OUTAGE_PAUSE, exc_info=True)


def _new_generation() -> str:
    return uuid.uuid4().hex


def _read(key: str) -> tuple[str | None, object]:
    """The current generation and the entry under `key`, in one round trip; the generation is made on first
    use. Raises whatever the cache raises."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation, found.get(key)


def current_generation() -> str | None:
    """The storefront's generation token (made on first use); None when the cache cannot be reached."""
    if not _cache_available():
        return None
    try:
        return _read(GENERATION_KEY)[0]
    except Exception:  # noqa: BLE001 - any cache failure means "no cache", never an error page
        _cache_failed("reading the generation")
        return None


_pending = threading.local()


def _bump_generation() -> None:
    # Every change in a transaction registered this callback; the first one to run at commit bumps for all.
    if not getattr(_pending, "count", 0):
        return
    _pending.count = 0
    try:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    except Exception:
        # The cache is down: nothing can be served from it now, and what it holds expires within
        # PAGE_CACHE_SECONDS of its coming back.
        logger.warning("Could not invalidate the page cache; entries expire on their own.", exc_info=True)


def invalidate(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Every cached page is outdated once the current transaction commits (at once outside a transaction).

    Called many times in one transaction (an import of 500 products), it bumps the generation once."""
    _pending.count = getattr(_pending, "count", 0) + 1
    transaction.on_commit(_bump_generation, using=using)


def _eligible(request: HttpRequest) -> bool:
    if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False
    # Only URLs of views that may be cached are looked up: every other request (the API, the admin, account
    # pages) costs no cache round trip.
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "page_cache", False) or match.url_name in CACHEABLE_URL_NAMES


def _key(request: HttpRequest) -> str:
    fragment = "htmx" if request.headers.get("HX-Request") == "true" else "page"
    address = f"{request.get_host()}{request.get_full_path()}".encode()
    return f"pagecache:{translation.get_language()}:{fragment}:{hashlib.sha256(address).hexdigest()}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if not getattr(request, ALLOW_ATTRIBUTE, False) or response.status_code != 200 or response.streaming:
        return False
    session = getattr(request, "session", None)
    if response.cookies or (session is not None and session.modified):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES)


class PageCacheMiddleware:
    """Serves and fills the anonymous page cache (see the module's docstring). Goes right after Django's
    LocaleMiddleware, which decides the language the key includes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _eligible(request) or not _cache_available():
            return self.get_response(request)

        key = _key(request)
        try:
            generation, cached = _read(key)
        except Exception:  # noqa: BLE001 - any cache failure means "no cache", never an error page
            _cache_failed("reading a page")
            return self.get_response(request)
        if cached is not None and cached[0] == generation:
            _generation, status, headers, content = cached
            response = HttpResponse(content, status=status, headers=headers)
            response[HEADER] = "hit"
            return response

        response = self.get_response(request)
        if generation is not None and _storable(request, response):
            patch_vary_headers(response, ("Cookie",))
            headers = {name: value for name, value in response.items() if name.lower() != HEADER.lower()}
            entry = (generation, response.status_code, headers, response.content)
            try:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                _cache_failed("storing a page")
            else:
                response[HEADER] = "miss"
        return response
