"""Scheduled work of the cms app (beat schedule in settings): the daily open-data publication (issue 9)."""

import logging

from celery import shared_task

from .programme import datasets

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def publish_open_data() -> int:
    """Compute every open dataset (suppressed) and store today's (WITA) snapshot of each, replacing today's when the
    task runs twice; earlier days are kept. Idempotent. Returns the number of snapshots written."""
    snapshots = datasets.publish()
    logger.info("Open data published: %s snapshots", len(snapshots))
    return len(snapshots)
