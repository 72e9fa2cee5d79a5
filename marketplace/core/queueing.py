"""Queueing Celery tasks after the surrounding transaction commits.

This is the one place that hands work to the broker. Callers write their durable intent (an outbox row,
a dirty flag) in the same transaction first; the task queued here is only the fast path. If the broker
is down the publish fails quickly, is logged, and the request carries on: a beat task picks the work up
from the database later, so nothing is lost.
"""

import logging
from collections.abc import Callable

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args, options: dict | None = None, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` now, for callers already running after their commit (an on-commit
    callback). Never raises because the broker is unreachable."""
    _publish(task, args, kwargs, options or {})


def _publish(task: Task, args: tuple, kwargs: dict, options: dict) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, **options)
    except (BrokerError, RedisError, OSError):
        logger.warning("Broker unreachable; %s will be picked up by its sweep task.", task.name, exc_info=True)


def enqueue_on_commit(task: Task, *args, using: str | None = None, options: dict | None = None, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one).

    Tasks must take ids, not model instances, reload their rows, and be idempotent. `options` go to
    `apply_async` (countdown, queue...). Never raises because the broker is unreachable.
    """
    callback: Callable[[], None] = lambda: _publish(task, args, kwargs, options or {})  # noqa: E731
    transaction.on_commit(callback, using=using)
