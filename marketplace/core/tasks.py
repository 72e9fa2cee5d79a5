import smtplib

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.core.management import call_command
from django.utils import timezone

from . import services
from .models import OutgoingEmail
from .queueing import enqueue_on_commit

OUTBOX_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
# What the network and an SMTP server raise when delivery fails (smtplib.SMTPException is an OSError;
# both are named for the reader). Anything else is a bug: the task fails, the claim runs out, and the
# sweep retries until EMAIL_OUTBOX_MAX_ATTEMPTS.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(name="marketplace.core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (daily, from beat). Idempotent: a second run finds nothing to delete."""
    call_command("clearsessions")


@shared_task(name="marketplace.core.tasks.deliver_email")
def deliver_email(outgoing_email_id: int) -> None:
    """Send one outgoing email through EMAIL_DELIVERY_BACKEND, if it is due; idempotent.

    1. Claim the row in a short transaction (`services.outgoing_email_claim`: locked FOR UPDATE SKIP
       LOCKED, pending, due, no live claim; counts the attempt and sets `claimed_until`). No claim: the
       mail is sent, failed, waiting for its backoff, or another worker has it, and this task does nothing.
    2. Send, outside any transaction: no row stays locked during the network call.
    3. Mark it sent; or, on an SMTP or network error, record the error and release the claim: pending
       again after an exponential backoff, or failed after EMAIL_OUTBOX_MAX_ATTEMPTS attempts (or at once
       when every recipient was refused with a permanent 5xx answer).

    A worker that dies between 1 and 3 leaves a claim that runs out after EMAIL_OUTBOX_CLAIM_SECONDS; the
    sweep then queues the row again (its abandoned attempt counts). Two workers never send one row at the
    same time: the claim is exclusive while it lives. The Message-ID is fixed when the row is written, so
    a retry is recognisable as the same mail.
    """
    if settings.EMAIL_DELIVERY_BACKEND == OUTBOX_BACKEND:
        raise ImproperlyConfigured("EMAIL_DELIVERY_BACKEND must be a real backend, not the outbox itself.")
    outgoing_email = services.outgoing_email_claim(outgoing_email_id=outgoing_email_id)
    if outgoing_email is None:
        return
    message = outgoing_email.to_message()
    try:
        get_connection(backend=settings.EMAIL_DELIVERY_BACKEND, fail_silently=False).send_messages([message])
    except DELIVERY_ERRORS as error:
        services.outgoing_email_record_failure(
            outgoing_email=outgoing_email, error=error, permanent=is_permanent_delivery_error(error)
        )
        return
    services.outgoing_email_mark_sent(outgoing_email=outgoing_email)


def is_permanent_delivery_error(error: BaseException) -> bool:
    """Only "every recipient refused with a 5xx code" is permanent: retrying cannot make an address exist.

    Everything else (connection refused, timeouts, 4xx answers, and also 5xx answers about the sender or
    authentication, which an operator can fix in the configuration) is worth retrying.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


@shared_task(name="marketplace.core.tasks.sweep_outgoing_email")
def sweep_outgoing_email() -> int:
    """Queue delivery of outgoing emails that are due and unclaimed (every minute, from beat).

    Picks up what the fast path missed (a broker that was down, a task that was lost, a worker that
    died, a retry whose backoff has passed), oldest due first, at most EMAIL_OUTBOX_SWEEP_BATCH per run.
    Queuing a row twice is harmless: `deliver_email` claims before it sends. Returns how many it queued.
    """
    due_ids = list(
        OutgoingEmail.objects.due(now=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: settings.EMAIL_OUTBOX_SWEEP_BATCH]
    )
    for pk in due_ids:
        enqueue_on_commit(deliver_email, pk)
    return len(due_ids)
