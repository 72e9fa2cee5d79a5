"""Workshops of the UKM GO-DIGITAL programme (DESIGN §3).

- **TrainerProfile**: a user an operator made a trainer (the role is this profile, never a flag on the user).
- **Workshop**: title, description, venue (address, district, map link) or an online link, capacity, registration
  deadline, the questions asked at registration, its trainers, status `draft → published → completed`, or
  `cancelled`. **WorkshopSession**: one or more sessions with start and end (stored in UTC, shown in WITA).
- **Registration**: a participant of a workshop, `registered | waitlisted | cancelled`, their answers, an
  unguessable QR secret and a short code typed at the door, check-in time and who checked them in. One per
  (workshop, user); the seats are counted under the workshop's row lock (`workshops.services`).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shops.models import District

# Short codes avoid letters and digits that read alike (0/O, 1/I/L).
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 6


def new_qr_secret() -> str:
    return secrets.token_urlsafe(24)


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def new_certificate_code() -> str:
    """Twelve characters from the short-code alphabet (about 59 bits), shown as XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class TrainerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainer_profile", verbose_name=_("user")
    )
    bio = models.TextField(_("about the trainer"), blank=True, max_length=1000)
    is_active = models.BooleanField(_("active"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now, editable=False)
    # When the weekly list of stuck participants last went out: a re-run of the task in the same week sends none.
    stuck_digest_sent_at = models.DateTimeField(_("stuck participants list sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")

    def __str__(self) -> str:
        return str(self.user)


class Workshop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    venue_name = models.CharField(_("venue"), max_length=150, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=255, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    map_url = models.URLField(_("map link"), blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_deadline = models.DateTimeField(_("registration deadline"))
    # What participants answer when registering: [{"key", "label", "kind": "text"|"choice"|"yes_no", "choices"}].
    questions = models.JSONField(_("registration questions"), default=list, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trained_workshops", verbose_name=_("trainers")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshops_workshop_capacity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "cancelled", "completed"]),
                name="workshops_workshop_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorkshopSession(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("workshop")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="workshops_session_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.workshop_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("workshop")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="workshop_registrations",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    qr_secret = models.CharField(_("QR secret"), max_length=64, unique=True, default=new_qr_secret, editable=False)
    short_code = models.CharField(_("short code"), max_length=SHORT_CODE_LENGTH, default=new_short_code)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    promoted_at = models.DateTimeField(_("moved from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # Given at check-in: printed on the attendance certificate, checked at /pelatihan/sertifikat/<code>/.
    certificate_code = models.CharField(
        _("certificate code"), max_length=16, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="workshops_registration_once_per_user"),
            models.UniqueConstraint(fields=["workshop", "short_code"], name="workshops_registration_code_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "waitlisted", "cancelled"]),
                name="workshops_registration_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status", "created_at"], name="workshops_reg_waitlist")]

    def __str__(self) -> str:
        return f"{self.workshop_id} {self.user_id} {self.status}"


class WorkshopInvitation(models.Model):
    """A trainer added someone by email who has no account yet. They are mailed a link to sign up; once an account
    with this address is verified (allauth's `email_confirmed`), the invitation becomes a registration."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("workshop")
    )
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now, editable=False)
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registration"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("workshop invitation")
        verbose_name_plural = _("workshop invitations")
        constraints = [
            models.UniqueConstraint(models.F("workshop"), Lower("email"), name="workshops_invitation_once_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workshop_id}"
