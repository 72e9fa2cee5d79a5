"""Writes of the core app: the email outbox (DESIGN §4, "Side effects after commit").

A row's life: `outgoing_email_queue` writes it (pending, due at once) in the caller's transaction and
queues `deliver_email` after commit. A worker `outgoing_email_claim`s it, sends it outside any transaction,
then `outgoing_email_mark_sent` or `outgoing_email_record_failure` (backoff, or failed for good). The
beat task `sweep_outgoing_email` re-queues whatever is due and unclaimed, so a lost task, a dead broker
or a dead worker only delays a mail.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import router, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import tasks
from .locks import outgoing_email_qs_select_for_update
from .models import OutgoingEmail
from .queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

# Long enough for a stored error to say what went wrong, short enough never to bloat a row.
LAST_ERROR_MAX_CHARS = 2000


def outgoing_email_queue(*, messages: Sequence[EmailMessage]) -> list[OutgoingEmail]:
    """Write one pending outgoing email per message and queue its delivery after commit.

    Runs in the caller's transaction (a savepoint of it): if that transaction rolls back, the rows and
    the queued deliveries vanish with it, so a mail never leaves for something that did not happen.
    Messages without any recipient are skipped, as Django's SMTP backend skips them. Never talks to the
    network; a broker that is down only costs the fast path (see `enqueue_on_commit`), the sweep
    delivers later. Raises what `OutgoingEmail.from_message` raises for a message it cannot store.
    """
    outgoing_emails = [OutgoingEmail.from_message(message) for message in messages if message.recipients()]
    using = router.db_for_write(OutgoingEmail)
    with transaction.atomic(using=using):
        for outgoing_email in outgoing_emails:
            outgoing_email.save(using=using)
            enqueue_on_commit(tasks.deliver_email, outgoing_email.pk, using=using)
    return outgoing_emails


def outgoing_email_claim(*, outgoing_email_id: int) -> OutgoingEmail | None:
    """Claim a due outgoing email for one delivery attempt; None when there is nothing to do.

    In one short transaction: lock the row (FOR UPDATE SKIP LOCKED: a row another worker is locking is
    that worker's), check it is pending, due and not claimed by a live claim, then count the attempt and
    set `claimed_until` to now + EMAIL_OUTBOX_CLAIM_SECONDS. The caller sends after this transaction has
    committed, so no row stays locked during the network call, and nobody else claims the row while the
    claim lives: two workers never send it at the same time.

    A claim whose time ran out belongs to an attempt that never finished (the worker died or hung
    mid-send): it counts as a failed attempt, so the row is claimed again, or marked failed when it
    already had EMAIL_OUTBOX_MAX_ATTEMPTS. The claim outlasts any delivery that respects EMAIL_TIMEOUT
    many times over; if one somehow ran past it the mail could go out twice, with the same Message-ID.
    """
    now = timezone.now()
    with transaction.atomic():
        outgoing_email = outgoing_email_qs_select_for_update().filter(pk=outgoing_email_id).first()
        if (
            outgoing_email is None
            or outgoing_email.status != OutgoingEmail.Status.PENDING
            or outgoing_email.next_attempt_at > now
            or (outgoing_email.claimed_until is not None and outgoing_email.claimed_until > now)
        ):
            return None
        abandoned = outgoing_email.claimed_until is not None
        if abandoned and outgoing_email.attempts >= settings.EMAIL_OUTBOX_MAX_ATTEMPTS:
            _outgoing_email_give_up(
                outgoing_email=outgoing_email, error="The last delivery attempt never finished (worker lost)."
            )
            return None
        claimed_until = now + timedelta(seconds=settings.EMAIL_OUTBOX_CLAIM_SECONDS)
        changes = {"attempts": F("attempts") + 1, "claimed_until": claimed_until}
        if abandoned:
            changes["last_error"] = "The previous delivery attempt never finished (worker lost)."
        # Conditional on the state just read: SQLite (the demo) has no row locks, and this keeps the claim
        # exclusive there too.
        claimed = OutgoingEmail.objects.filter(
            pk=outgoing_email.pk, status=OutgoingEmail.Status.PENDING, attempts=outgoing_email.attempts
        ).update(**changes)
        if not claimed:
            return None
        outgoing_email.refresh_from_db()
        return outgoing_email


def outgoing_email_mark_sent(*, outgoing_email: OutgoingEmail) -> bool:
    """Record that the delivery backend accepted the claimed `outgoing_email`; False if it was already sent.

    Unconditional on the claim: once the mail is out, it is out, even if the claim ran out meanwhile.
    """
    now = timezone.now()
    updated = (
        OutgoingEmail.objects.filter(pk=outgoing_email.pk)
        .exclude(status=OutgoingEmail.Status.SENT)
        .update(status=OutgoingEmail.Status.SENT, sent_at=now, claimed_until=None)
    )
    return bool(updated)


def outgoing_email_record_failure(
    *, outgoing_email: OutgoingEmail, error: BaseException, permanent: bool = False
) -> OutgoingEmail.Status | None:
    """Record a failed delivery attempt of the claimed `outgoing_email` and release the claim.

    Transient (the default): the row stays pending and is due again after an exponential backoff,
    EMAIL_OUTBOX_FIRST_RETRY_SECONDS doubled for each attempt made, capped at EMAIL_OUTBOX_MAX_RETRY_SECONDS.
    Permanent, or the attempt was the EMAIL_OUTBOX_MAX_ATTEMPTS-th: the row is failed, and an error is
    logged for the operators. Returns the new status, or None when the claim was no longer ours (it ran
    out and another worker claimed the row; that worker's outcome stands).
    """
    if permanent or outgoing_email.attempts >= settings.EMAIL_OUTBOX_MAX_ATTEMPTS:
        gave_up = _outgoing_email_give_up(outgoing_email=outgoing_email, error=error)
        return OutgoingEmail.Status.FAILED if gave_up else None
    delay = min(
        settings.EMAIL_OUTBOX_FIRST_RETRY_SECONDS * 2 ** (outgoing_email.attempts - 1),
        settings.EMAIL_OUTBOX_MAX_RETRY_SECONDS,
    )
    next_attempt_at = timezone.now() + timedelta(seconds=delay)
    updated = _still_claimed(outgoing_email).update(
        last_error=_describe(error), next_attempt_at=next_attempt_at, claimed_until=None
    )
    if not updated:
        return None
    logger.warning(
        "Outgoing email %s: delivery attempt %s of %s failed (%s); next attempt at %s.",
        outgoing_email.pk,
        outgoing_email.attempts,
        settings.EMAIL_OUTBOX_MAX_ATTEMPTS,
        _describe(error),
        next_attempt_at.isoformat(),
    )
    return OutgoingEmail.Status.PENDING


def outgoing_email_retry_now(*, outgoing_email_ids: Iterable[int]) -> int:
    """Make the given pending or failed outgoing emails due now and queue their delivery after commit.

    For operators (the admin's "Retry now"). Sent emails and emails a worker is sending right now are left
    alone. A failed email gets one more attempt (its attempts are kept, so a new failure fails it again).
    Returns how many emails were queued.
    """
    now = timezone.now()
    with transaction.atomic():
        # Waits for (does not skip) a claim in progress: it takes a moment, and its outcome decides.
        retried = list(
            outgoing_email_qs_select_for_update(skip_locked=False)
            .filter(pk__in=list(outgoing_email_ids))
            .filter(status__in=[OutgoingEmail.Status.PENDING, OutgoingEmail.Status.FAILED])
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=retried).update(
            status=OutgoingEmail.Status.PENDING, next_attempt_at=now, claimed_until=None
        )
        for pk in retried:
            enqueue_on_commit(tasks.deliver_email, pk)
    return len(retried)


def _outgoing_email_give_up(*, outgoing_email: OutgoingEmail, error: BaseException | str) -> bool:
    updated = _still_claimed(outgoing_email).update(
        status=OutgoingEmail.Status.FAILED, last_error=_describe(error), claimed_until=None
    )
    if updated:
        logger.error(
            "Outgoing email %s to %s failed for good after %s attempts: %s",
            outgoing_email.pk,
            ", ".join(outgoing_email.to + outgoing_email.cc + outgoing_email.bcc),
            outgoing_email.attempts,
            _describe(error),
        )
    return bool(updated)


def _still_claimed(outgoing_email: OutgoingEmail):
    """The row, if it is still pending with the attempt count of our claim (nobody claimed it since)."""
    return OutgoingEmail.objects.filter(
        pk=outgoing_email.pk, status=OutgoingEmail.Status.PENDING, attempts=outgoing_email.attempts
    )


def _describe(error: BaseException | str) -> str:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return text[:LAST_ERROR_MAX_CHARS]
