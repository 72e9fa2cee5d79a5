"""Writes of the workshops app (DESIGN §3): the trainer role, registration with a capacity and a waiting list,
and check-in. Every change locks the workshop row first, so seats are counted once however many people press
"register" at the same moment: the first `capacity` are registered, the rest waitlisted, and a cancellation
hands its seat to the oldest waitlisted person in the same transaction (and mails them through the outbox).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.errors import StateConflictError
from shops.selectors import user_is_operator

from .models import Registration, TrainerProfile, Workshop, new_short_code
from .notifications import notify_registration_confirmed

Status = Registration.Status
SHORT_CODE_ATTEMPTS = 10


class WorkshopStateError(StateConflictError):
    """The workshop does not allow this now (not published, registration closed)."""

    default_message = gettext_lazy("This cannot be done while the workshop has its current status.")


def trainer_grant(*, user, operator) -> TrainerProfile:
    """An operator makes `user` a trainer (again, if the role had been taken away). PermissionDenied otherwise."""
    if not user_is_operator(operator):
        raise PermissionDenied
    profile, created = TrainerProfile.objects.get_or_create(user=user, defaults={"granted_by": operator})
    if not created and not profile.is_active:
        profile.is_active = True
        profile.granted_by = operator
        profile.granted_at = timezone.now()
        profile.save(update_fields=["is_active", "granted_by", "granted_at"])
    return profile


def trainer_revoke(*, user, operator) -> None:
    """The user is no longer a trainer; their workshops stay (operators reassign them)."""
    if not user_is_operator(operator):
        raise PermissionDenied
    TrainerProfile.objects.filter(user=user).update(is_active=False)


def registration_create(*, workshop: Workshop, user, answers: dict | None = None, added_by=None) -> Registration:
    """Register `user`: a seat while fewer than `capacity` are registered, else a place on the waiting list.

    Only for a published workshop before its registration deadline (`WorkshopStateError`). Registering again
    returns the existing registration, or reopens a cancelled one (it queues again: a seat if one is free, else
    the end of the waiting list). A registered participant is mailed their check-in code.
    """
    answers = _clean_answers(workshop, answers or {})
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if workshop.status != Workshop.Status.PUBLISHED:
            raise WorkshopStateError(_("This workshop is not open for registration."))
        if workshop.registration_deadline <= timezone.now():
            raise WorkshopStateError(_("Registration for this workshop has closed."))
        existing = Registration.objects.filter(workshop=workshop, user=user).first()
        if existing is not None and existing.status != Status.CANCELLED:
            return existing
        taken = Registration.objects.filter(workshop=workshop, status=Status.REGISTERED).count()
        status = Status.REGISTERED if taken < workshop.capacity else Status.WAITLISTED
        if existing is not None:
            existing.status, existing.answers, existing.cancelled_at = status, answers, None
            existing.created_at = timezone.now()  # back of the queue
            existing.save(update_fields=["status", "answers", "cancelled_at", "created_at"])
            registration = existing
        else:
            registration = _insert(workshop, user, status=status, answers=answers, added_by=added_by)
        if status == Status.REGISTERED:
            notify_registration_confirmed(registration=registration, promoted=False)
    return registration


def registration_cancel(*, registration: Registration, user) -> Registration:
    """The participant (or a trainer of the workshop, or an operator) cancels. A freed seat goes to the oldest
    waitlisted registration, who is mailed. Cancelling twice is harmless. PermissionDenied for anyone else."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
        registration = Registration.objects.select_related("user").get(pk=registration.pk)
        if not (user.pk == registration.user_id or _manages(user, workshop)):
            raise PermissionDenied
        if registration.status == Status.CANCELLED:
            return registration
        freed = registration.status == Status.REGISTERED
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if freed and workshop.status == Workshop.Status.PUBLISHED:
            _promote_next(workshop)
    return registration


def registration_check_in(*, workshop: Workshop, code: str, trainer) -> tuple[Registration, bool]:
    """Check a participant in by their QR secret or typed short code; returns (registration, already_checked_in).
    A code of another workshop, an unknown code, a waitlisted or cancelled registration: ValidationError on "code"
    with a clear message, and nothing changes. Only the workshop's trainers and operators (PermissionDenied)."""
    if not _manages(trainer, workshop):
        raise PermissionDenied
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": _("Scan the QR code or type the participant's code.")})
    with transaction.atomic():
        found = (
            Registration.objects.select_for_update().select_related("user", "workshop").filter(qr_secret=code).first()
        ) or (
            Registration.objects.select_for_update()
            .select_related("user", "workshop")
            .filter(workshop=workshop, short_code=code.upper())
            .first()
        )
        if found is None:
            raise ValidationError({"code": _("No registration has this code.")})
        if found.workshop_id != workshop.pk:
            raise ValidationError(
                {"code": _("This code is for another workshop: %(title)s.") % {"title": found.workshop.title}}
            )
        if found.status != Status.REGISTERED:
            raise ValidationError({"code": _("This person has no seat (waiting list or cancelled).")})
        if found.checked_in_at is not None:
            return found, True
        found.checked_in_at = timezone.now()
        found.checked_in_by = trainer
        found.save(update_fields=["checked_in_at", "checked_in_by"])
    return found, False


# --- Helpers ------------------------------------------------------------------------------------------------


def _manages(user, workshop: Workshop) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user_is_operator(user):
        return True
    return (
        TrainerProfile.objects.filter(user=user, is_active=True).exists()
        and workshop.trainers.filter(pk=user.pk).exists()
    )


def _insert(workshop: Workshop, user, *, status: str, answers: dict, added_by) -> Registration:
    """A new registration with a short code unused in this workshop (a clash retries in a savepoint)."""
    for _attempt in range(SHORT_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return Registration.objects.create(
                    workshop=workshop,
                    user=user,
                    status=status,
                    answers=answers,
                    added_by=added_by,
                    short_code=new_short_code(),
                )
        except IntegrityError:
            if Registration.objects.filter(workshop=workshop, user=user).exists():
                raise
            continue
    raise WorkshopStateError(_("Please try again."))  # ten clashing short codes in a row: practically never


def _promote_next(workshop: Workshop) -> Registration | None:
    """Inside the caller's transaction, with the workshop locked: the oldest waitlisted registration takes a free
    seat, if there is one."""
    taken = Registration.objects.filter(workshop=workshop, status=Status.REGISTERED).count()
    if taken >= workshop.capacity:
        return None
    following = (
        Registration.objects.select_related("user", "workshop")
        .filter(workshop=workshop, status=Status.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if following is None:
        return None
    following.status = Status.REGISTERED
    following.promoted_at = timezone.now()
    following.save(update_fields=["status", "promoted_at"])
    notify_registration_confirmed(registration=following, promoted=True)
    return following


def _clean_answers(workshop: Workshop, answers: dict) -> dict:
    """Keep the answers to the workshop's questions only; a choice must be one of its choices, text at most 300
    characters. ValidationError naming the question's key otherwise."""
    cleaned, errors = {}, {}
    for question in workshop.questions or []:
        key = question.get("key")
        value = answers.get(key)
        if value in (None, ""):
            continue
        if question.get("kind") == "choice" and value not in (question.get("choices") or []):
            errors[key] = _("Choose one of the options.")
        elif question.get("kind") == "yes_no" and value not in (True, False, "yes", "no"):
            errors[key] = _("Answer yes or no.")
        elif len(str(value)) > 300:
            errors[key] = _("At most 300 characters.")
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned
