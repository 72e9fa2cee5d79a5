"""Mails of the workshops app, registered with the operator-editable templates (`marketplace.core.emails`) and
sent through the outbox in the caller's transaction."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from marketplace.core.emails import register_email, render_email

from .models import Registration, WorkshopInvitation
from .qr import qr_png

WITA = ZoneInfo("Asia/Makassar")
EMAIL_DIR = "workshops/emails"

register_email(
    "workshop_registration_confirmed",
    label=_("Workshop seat confirmed (to the participant)"),
    default_subject_template=f"{EMAIL_DIR}/registration_confirmed_subject.txt",
    default_body_template=f"{EMAIL_DIR}/registration_confirmed.txt",
    context_help={
        "participant_name": _("The participant's name."),
        "workshop": _("The workshop: title, venue_name, venue_address, online_url."),
        "schedule": _("The sessions, one per line, in WITA."),
        "short_code": _("The check-in code typed at the door."),
        "promoted": _("True when the seat came free from the waiting list."),
    },
)

WORKSHOP_HELP = _("The workshop: title, venue_name, venue_address, map_url, online_url.")
register_email(
    "workshop_reminder",
    label=_("Workshop reminder, the day before (to the participant)"),
    default_subject_template=f"{EMAIL_DIR}/reminder_subject.txt",
    default_body_template=f"{EMAIL_DIR}/reminder.txt",
    context_help={
        "participant_name": _("The participant's name."),
        "workshop": WORKSHOP_HELP,
        "schedule": _("The sessions, one per line, in WITA."),
        "short_code": _("The check-in code typed at the door."),
        "registration_url": _("The participant's registration page, with the QR code."),
    },
)
register_email(
    "workshop_cancelled",
    label=_("Workshop cancelled (to everyone registered or waiting)"),
    default_subject_template=f"{EMAIL_DIR}/cancelled_subject.txt",
    default_body_template=f"{EMAIL_DIR}/cancelled.txt",
    context_help={
        "participant_name": _("The participant's name."),
        "workshop": WORKSHOP_HELP,
        "reason": _("Why, as the trainer wrote it (may be empty)."),
        "workshops_url": _("The list of workshops."),
    },
)
register_email(
    "workshop_invitation",
    label=_("Workshop invitation to sign up (to someone without an account)"),
    default_subject_template=f"{EMAIL_DIR}/invitation_subject.txt",
    default_body_template=f"{EMAIL_DIR}/invitation.txt",
    context_help={
        "trainer_name": _("The trainer who added them."),
        "workshop": WORKSHOP_HELP,
        "schedule": _("The sessions, one per line, in WITA."),
        "signup_url": _("The sign-up page, returning to the workshop."),
    },
)
register_email(
    "workshop_stuck_digest",
    label=_("Weekly list of stuck participants (to the trainer)"),
    default_subject_template=f"{EMAIL_DIR}/stuck_digest_subject.txt",
    default_body_template=f"{EMAIL_DIR}/stuck_digest.txt",
    context_help={
        "trainer_name": _("The trainer's name."),
        "count": _("How many participants are listed."),
        "days": _("Stuck for more than this many days."),
        "rows": _("Each: name, shop_name, workshop_title, step_label, stuck_days."),
        "dashboard_url": _("The trainer's dashboard."),
    },
)


def site_url(name: str, *args) -> str:
    """An absolute link in the site's default language."""
    with site_language():
        return settings.SITE_URL + reverse(name, args=args)


def schedule_text(workshop) -> str:
    """The sessions, one line each: "Sabtu, 12 Desember 2026, 09:00-12:00 WITA"."""
    lines = []
    for session in workshop.sessions.all():
        starts, ends = session.starts_at.astimezone(WITA), session.ends_at.astimezone(WITA)
        day = formats.date_format(starts, "l, j F Y")
        lines.append(f"{day}, {starts:%H:%M}-{ends:%H:%M} WITA")
    return "\n".join(lines)


def site_language():
    """Workshop mails are written in the site's language (users keep no language of their own)."""
    return translation.override(settings.LANGUAGE_CODE)


def _message(key: str, to: str, context: dict) -> EmailMessage:
    """The registered mail `key` to `to`, rendered in the active language (inside `site_language()`, so the
    context's dates and labels read as the mail around them)."""
    subject, body = render_email(key, context, language=translation.get_language())
    return EmailMessage(subject, body, None, [to])


def _participant_context(registration: Registration) -> dict:
    return {
        "participant_name": registration.user.full_name or registration.user.email,
        "workshop": registration.workshop,
        "schedule": schedule_text(registration.workshop),
        "short_code": registration.short_code,
    }


def notify_registration_confirmed(*, registration: Registration, promoted: bool) -> None:
    """Mails the participant that their seat is confirmed (`promoted`: it came free from the waiting list)."""
    if not registration.user.email:
        return
    with site_language():
        context = {**_participant_context(registration), "promoted": promoted}
        _message("workshop_registration_confirmed", registration.user.email, context).send()


def notify_reminder(*, registration: Registration) -> None:
    """The day-before reminder, with the check-in QR code attached as a PNG."""
    if not registration.user.email:
        return
    with site_language():
        url = site_url("workshops:registration", registration.pk)
        context = {**_participant_context(registration), "registration_url": url}
        message = _message("workshop_reminder", registration.user.email, context)
    message.attach(f"check-in-{registration.short_code}.png", qr_png(registration.qr_secret), "image/png")
    message.send()


def notify_workshop_cancelled(*, workshop, reason: str) -> None:
    """Everyone registered or on the waiting list hears that the workshop is cancelled."""
    registrations = (
        Registration.objects.select_related("user")
        .filter(workshop=workshop, status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED])
        .exclude(user__email="")
        .order_by("pk")
    )
    with site_language():
        context = {"workshop": workshop, "reason": reason, "workshops_url": site_url("workshops:list")}
        messages = [
            _message(
                "workshop_cancelled",
                registration.user.email,
                {**context, "participant_name": registration.user.full_name or registration.user.email},
            )
            for registration in registrations
        ]
    if messages:
        messages[0].get_connection().send_messages(messages)


def notify_invitation(*, invitation: WorkshopInvitation) -> None:
    """Someone without an account was added by a trainer: a link to sign up, returning to the workshop."""
    inviter = invitation.invited_by
    with site_language():
        detail = reverse("workshops:detail", args=[invitation.workshop.slug])
        context = {
            "trainer_name": (inviter.full_name or inviter.email) if inviter else _("A trainer"),
            "workshop": invitation.workshop,
            "schedule": schedule_text(invitation.workshop),
            "signup_url": f"{site_url('account_signup')}?next={detail}",
        }
        _message("workshop_invitation", invitation.email, context).send()


def notify_stuck_digest(*, trainer, rows: list[dict], days: int) -> None:
    """The weekly list of a trainer's participants who have not moved a step for more than `days` days."""
    if not trainer.email or not rows:
        return
    with site_language():
        context = {
            "trainer_name": trainer.full_name or trainer.email,
            "count": len(rows),
            "days": days,
            "rows": rows,
            "dashboard_url": site_url("trainer:dashboard"),
        }
        _message("workshop_stuck_digest", trainer.email, context).send()
