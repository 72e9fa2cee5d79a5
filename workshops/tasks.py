"""Scheduled work of the workshops app (beat schedule in settings): the day-before reminders, closing finished
workshops, and the trainers' weekly list of stuck participants. Each is idempotent: a row records that its mail
went out (`Registration.reminded_at`, `TrainerProfile.stuck_digest_sent_at`), set in the same transaction as the
outbox row, so a re-run, a second worker or a crash between the two never mails twice nor loses a mail."""

import logging
from datetime import datetime, time, timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from .models import Registration, TrainerProfile, Workshop, WorkshopSession
from .notifications import WITA, notify_reminder, notify_stuck_digest
from .selectors import STUCK_AFTER_DAYS, stuck_participants_for_trainer, trainers_with_workshops
from .services import WorkshopStateError, workshop_complete

logger = logging.getLogger(__name__)

# Reminders go out from this hour (WITA) on: nobody is woken at midnight by tomorrow's workshop.
REMINDER_FROM_HOUR = 8
DIGEST_INTERVAL = timedelta(days=6)


@shared_task(acks_late=True, ignore_result=True)
def send_workshop_reminders() -> int:
    """Mail every seated participant whose workshop's first session starts between now and the end of tomorrow
    (WITA), once each, with their QR code. Hourly; returns how many were mailed."""
    now = timezone.now()
    local = now.astimezone(WITA)
    if local.hour < REMINDER_FROM_HOUR:
        return 0
    end_of_tomorrow = datetime.combine(local.date() + timedelta(days=2), time.min, tzinfo=WITA)
    due = (
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            reminded_at__isnull=True,
            workshop__status=Workshop.Status.PUBLISHED,
        )
        .annotate(first_starts_at=Min("workshop__sessions__starts_at"))
        .filter(first_starts_at__gt=now, first_starts_at__lt=end_of_tomorrow)
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "workshop")
                .filter(pk=pk, reminded_at__isnull=True, status=Registration.Status.REGISTERED)
                .first()
            )
            if registration is None:
                continue
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            notify_reminder(registration=registration)
            sent += 1
    return sent


@shared_task(acks_late=True, ignore_result=True)
def complete_finished_workshops() -> int:
    """Published workshops whose every session has ended become completed. Hourly; returns how many."""
    now = timezone.now()
    unfinished = WorkshopSession.objects.filter(workshop=OuterRef("pk"), ends_at__gt=now)
    finished = Workshop.objects.filter(status=Workshop.Status.PUBLISHED, sessions__isnull=False).exclude(
        Exists(unfinished)
    )
    done = 0
    for workshop in finished.distinct():
        try:
            workshop_complete(workshop=workshop)
            done += 1
        except WorkshopStateError:
            logger.warning("Workshop %s could not be completed.", workshop.pk)
    return done


@shared_task(acks_late=True, ignore_result=True)
def mail_stuck_participants() -> int:
    """Each trainer gets the list of their participants stuck at one step for more than 14 days, at most once a
    week (nothing when nobody is stuck). Weekly; returns how many trainers were mailed."""
    now = timezone.now()
    mailed = 0
    for trainer in trainers_with_workshops():
        with transaction.atomic():
            profile = (
                TrainerProfile.objects.select_for_update(skip_locked=True).filter(user=trainer, is_active=True).first()
            )
            if profile is None or (
                profile.stuck_digest_sent_at is not None and profile.stuck_digest_sent_at > now - DIGEST_INTERVAL
            ):
                continue
            stuck = stuck_participants_for_trainer(trainer=trainer)
            if not stuck:
                continue
            rows = [
                {
                    "name": row.name,
                    "shop_name": row.shop_name,
                    "workshop_title": row.registration.workshop.title,
                    "step_label": row.step_label,
                    "stuck_days": row.stuck_days,
                }
                for row in stuck
            ]
            profile.stuck_digest_sent_at = now
            profile.save(update_fields=["stuck_digest_sent_at"])
            notify_stuck_digest(trainer=trainer, rows=rows, days=STUCK_AFTER_DAYS)
            mailed += 1
    return mailed
