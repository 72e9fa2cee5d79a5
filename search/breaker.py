"""The circuit breaker between search and Elasticsearch (DESIGN §4: search never fails with the server).

Closed: searches go to Elasticsearch. An error or a timeout opens it: for `SEARCH_BREAKER_PAUSE` seconds every
search answers from the database backend without trying the server (no shopper waits for a timeout twice),
then the next search tries Elasticsearch again (half-open): success closes the breaker, another failure opens
it for another pause. Each switch is logged once. The state is per process, like a connection pool: each web
worker finds out for itself, within one request.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_state = {"open_until": 0.0, "open": False}


def allows_request() -> bool:
    """Whether the next search may try Elasticsearch (closed, or the pause is over)."""
    return time.monotonic() >= _state["open_until"]


def record_failure(error: BaseException) -> None:
    with _lock:
        if not _state["open"]:
            logger.warning(
                "Search server failed (%s: %s); searching the database for %s s.",
                type(error).__name__,
                error,
                settings.SEARCH_BREAKER_PAUSE,
            )
        _state.update(open=True, open_until=time.monotonic() + settings.SEARCH_BREAKER_PAUSE)


def record_success() -> None:
    if not _state["open"]:
        return
    with _lock:
        if _state["open"]:
            logger.warning("Search server answers again; searching it again.")
        _state.update(open=False, open_until=0.0)


def is_open() -> bool:
    return _state["open"]


def reset() -> None:
    with _lock:
        _state.update(open=False, open_until=0.0)
