"""Mails of the workshops app, registered with the operator-editable templates (`marketplace.core.emails`) and
sent through the outbox in the caller's transaction."""

from zoneinfo import ZoneInfo

from django.core.mail import send_mail
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from marketplace.core.emails import register_email, render_email

from .models import Registration

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


def schedule_text(workshop) -> str:
    """The sessions, one line each: "Sabtu, 12 Desember 2026, 09:00-12:00 WITA"."""
    lines = []
    for session in workshop.sessions.all():
        starts, ends = session.starts_at.astimezone(WITA), session.ends_at.astimezone(WITA)
        day = formats.date_format(starts, "l, j F Y")
        lines.append(f"{day}, {starts:%H:%M}-{ends:%H:%M} WITA")
    return "\n".join(lines)


def notify_registration_confirmed(*, registration: Registration, promoted: bool) -> None:
    """Mails the participant that their seat is confirmed (`promoted`: it came free from the waiting list)."""
    user = registration.user
    if not user.email:
        return
    language = "id"
    with translation.override(language):
        context = {
            "participant_name": user.full_name or user.email,
            "workshop": registration.workshop,
            "schedule": schedule_text(registration.workshop),
            "short_code": registration.short_code,
            "promoted": promoted,
        }
        subject, body = render_email("workshop_registration_confirmed", context, language=language)
    send_mail(subject, body, None, [user.email])
