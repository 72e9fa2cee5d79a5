"""Tasks of the payments app. Each takes ids, reloads its rows and re-checks their state, so running it twice, or
on two workers at once, changes nothing twice.

Stripe events: the webhook stores each event and queues `process_payment_event` after the commit (the fast
path). An event whose payment, refund or account is not here yet is retried with an exponential countdown
(30 s, 1 min, 2 min... at most 8 times); `sweep_payment_events` (beat, every minute) processes whatever is still
unprocessed a minute after it arrived — a broker that was down, a lost task, retries used up — so no event is
lost.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .errors import ProviderError
from .models import PaymentEvent
from .services.stripe_events import EventNotReady, payment_event_process

logger = logging.getLogger(__name__)

EVENT_MAX_RETRIES = 8
EVENT_FIRST_RETRY_SECONDS = 30
# The sweep leaves events alone for this long after they arrive (the fast path is on it) ...
EVENT_SWEEP_AFTER = timedelta(minutes=1)
# ... and gives up on an event after this many attempts (about a day of sweeps): its `last_error` says why.
EVENT_SWEEP_MAX_ATTEMPTS = 1500
EVENT_SWEEP_BATCH = 100


def _retryable(error: Exception) -> bool:
    return isinstance(error, EventNotReady) or (isinstance(error, ProviderError) and error.retryable)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=EVENT_MAX_RETRIES)
def process_payment_event(self, event_id: int) -> None:
    """Process one stored provider event (`payments.services.stripe_events.payment_event_process`); idempotent.

    "Not yet" (EventNotReady) and retryable provider errors are retried with an exponential countdown, at most
    `EVENT_MAX_RETRIES` times; afterwards the sweep keeps trying. When tasks run eagerly (demo, tests) there is
    no countdown, so the task does not retry itself: the sweep does."""
    event = PaymentEvent.objects.filter(pk=event_id, processed_at__isnull=True).first()
    if event is None:
        return
    try:
        payment_event_process(event=event)
    except Exception as error:
        if not _retryable(error):
            raise
        if self.request.is_eager or self.request.retries >= EVENT_MAX_RETRIES:
            logger.info("Payment event %s not processed yet (%s); the sweep will retry it.", event.event_id, error)
            return
        raise self.retry(exc=error, countdown=EVENT_FIRST_RETRY_SECONDS * 2**self.request.retries) from error


@shared_task(acks_late=True, ignore_result=True)
def sweep_payment_events() -> int:
    """Process the events still unprocessed a minute after they arrived (every minute, from beat), oldest first,
    at most `EVENT_SWEEP_BATCH` per run. Returns how many it processed."""
    cutoff = timezone.now() - EVENT_SWEEP_AFTER
    due = PaymentEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=cutoff, attempts__lt=EVENT_SWEEP_MAX_ATTEMPTS
    ).order_by("received_at", "pk")[:EVENT_SWEEP_BATCH]
    processed = 0
    for event in list(due):
        try:
            payment_event_process(event=event)
        except Exception as error:  # noqa: BLE001 — counted on the event; one bad event must not stop the sweep
            log = logger.info if _retryable(error) else logger.exception
            log("Payment event %s not processed: %s", event.event_id, error)
            continue
        processed += 1
    return processed


# Refund and payout tasks live in their own module; importing them here lets Celery's autodiscovery find them.
from .tasks_money import process_refund, resend_refunds, run_stripe_payouts  # noqa: E402

__all__ = ["process_payment_event", "process_refund", "resend_refunds", "run_stripe_payouts", "sweep_payment_events"]
