"""Writes of the workshops app (DESIGN §3): the trainer role, registration with a capacity and a waiting list,
and check-in. Every change locks the workshop row first, so seats are counted once however many people press
"register" at the same moment: the first `capacity` are registered, the rest waitlisted, and a cancellation
hands its seat to the oldest waitlisted person in the same transaction (and mails them through the outbox).
"""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.managers import UserManager
from accounts.models import User
from marketplace.core.errors import StateConflictError
from shops.selectors import user_is_operator
from shops.services.slugs import slug_base, slug_free

from .models import (
    Registration,
    TrainerProfile,
    Workshop,
    WorkshopInvitation,
    WorkshopSession,
    new_certificate_code,
    new_short_code,
)
from .notifications import (
    notify_invitation,
    notify_registration_confirmed,
    notify_workshop_cancelled,
)
from .selectors import user_is_trainer

Status = Registration.Status
WorkshopStatus = Workshop.Status
SHORT_CODE_ATTEMPTS = 10
# The fields of a workshop a trainer edits (`workshop_create` / `workshop_update` data).
WORKSHOP_FIELDS = (
    "title",
    "description",
    "venue_name",
    "venue_address",
    "district",
    "map_url",
    "online_url",
    "capacity",
    "registration_deadline",
    "questions",
)
QUESTION_KINDS = ("text", "choice", "yes_no")
MAX_QUESTIONS = 10
MAX_SESSIONS = 20


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

    Only for a published workshop before its registration deadline (`WorkshopStateError`; a trainer adding someone,
    `added_by`, may do so after the deadline). Registering again
    returns the existing registration, or reopens a cancelled one (it queues again: a seat if one is free, else
    the end of the waiting list). A registered participant is mailed their check-in code.
    """
    answers = _clean_answers(workshop, answers or {})
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        existing = Registration.objects.filter(workshop=workshop, user=user).first()
        if existing is not None and existing.status != Status.CANCELLED:
            return existing
        if workshop.status != Workshop.Status.PUBLISHED:
            raise WorkshopStateError(_("This workshop is not open for registration."))
        if workshop.registration_deadline <= timezone.now() and added_by is None:
            raise WorkshopStateError(_("Registration for this workshop has closed."))
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
        if found.workshop.status not in (WorkshopStatus.PUBLISHED, WorkshopStatus.COMPLETED):
            raise WorkshopStateError(_("Participants can be checked in to a published workshop only."))
        if found.status != Status.REGISTERED:
            raise ValidationError({"code": _("This person has no seat (waiting list or cancelled).")})
        if found.checked_in_at is not None:
            return found, True
        _mark_checked_in(found, trainer)
    return found, False


def registration_check_in_manual(*, registration: Registration, trainer) -> tuple[Registration, bool]:
    """The trainer ticks a participant present on the participant list (someone who forgot their phone): the same
    rules as a scanned code."""
    return registration_check_in(workshop=registration.workshop, code=registration.qr_secret, trainer=trainer)


def _mark_checked_in(registration: Registration, trainer) -> None:
    """Inside the caller's transaction, the registration row locked: present now, with a certificate code."""
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = trainer
    fields = ["checked_in_at", "checked_in_by"]
    if not registration.certificate_code:
        registration.certificate_code = _free_certificate_code()
        fields.append("certificate_code")
    registration.save(update_fields=fields)


def _free_certificate_code() -> str:
    for _attempt in range(SHORT_CODE_ATTEMPTS):
        code = new_certificate_code()
        if not Registration.objects.filter(certificate_code=code).exists():
            return code
    raise WorkshopStateError(_("Please try again."))


# --- Workshops ---------------------------------------------------------------------------------------------


def workshop_create(*, user, data: dict, sessions: list[dict], trainer_ids: list[int] | None = None) -> Workshop:
    """An active trainer (or an operator) creates a draft workshop; they are one of its trainers, plus the other
    active trainers named by `trainer_ids`. `data` holds `WORKSHOP_FIELDS`; `sessions` a list of
    {"starts_at", "ends_at"} (aware datetimes). ValidationError keyed by field ("sessions", "trainers" too) when
    something is wrong; nothing is written then. PermissionDenied for anyone else."""
    if not (user_is_trainer(user) or user_is_operator(user)):
        raise PermissionDenied
    workshop = Workshop(created_by=user, status=WorkshopStatus.DRAFT)
    _assign(workshop, data)
    sessions = _clean_sessions(sessions)
    trainers = _clean_trainers(trainer_ids or [], always=user if user_is_trainer(user) else None)
    _validate(workshop, sessions)
    with transaction.atomic():
        base = slug_base(workshop.title, max_length=150, fallback="pelatihan")
        for _attempt in range(SHORT_CODE_ATTEMPTS):
            workshop.slug = slug_free(Workshop, base)
            try:
                with transaction.atomic():
                    workshop.save()
                break
            except IntegrityError:
                continue
        _save_sessions(workshop, sessions)
        workshop.trainers.set(trainers)
    return workshop


def workshop_update(
    *, workshop: Workshop, user, data: dict, sessions: list[dict] | None = None, trainer_ids: list[int] | None = None
) -> Workshop:
    """A trainer of the workshop (or an operator) edits it while it is a draft or published. `sessions` and
    `trainer_ids`, when given, replace the current ones (a trainer cannot remove themselves: they stay). The
    capacity may not drop below the seats already taken; raising it gives the new seats to the waiting list, who
    are mailed. Same errors as `workshop_create`; WorkshopStateError once cancelled or completed."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if not _manages(user, workshop):
            raise PermissionDenied
        if workshop.status not in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED):
            raise WorkshopStateError(_("A cancelled or completed workshop can no longer be changed."))
        _assign(workshop, data)
        if sessions is None:
            clean_sessions = [{"starts_at": s.starts_at, "ends_at": s.ends_at} for s in workshop.sessions.all()]
        else:
            clean_sessions = _clean_sessions(sessions)
        trainers = None
        if trainer_ids is not None:
            trainers = _clean_trainers(trainer_ids, always=user if user_is_trainer(user) else None)
        _validate(workshop, clean_sessions)
        taken = Registration.objects.filter(workshop=workshop, status=Status.REGISTERED).count()
        if workshop.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _("%(count)s people already have a seat: the capacity cannot be lower.")
                    % {"count": taken}
                }
            )
        workshop.save()
        if sessions is not None:
            workshop.sessions.all().delete()
            _save_sessions(workshop, clean_sessions)
        if trainers is not None:
            workshop.trainers.set(trainers)
        if workshop.status == WorkshopStatus.PUBLISHED:
            while _promote_next(workshop) is not None:
                pass
    return workshop


def workshop_publish(*, workshop: Workshop, user) -> Workshop:
    """Draft → published: it shows on /pelatihan/ and takes registrations. It needs a session that has not
    started, a venue (name and address) or an online link, and a registration deadline before the first session
    (ValidationError naming what is missing)."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if not _manages(user, workshop):
            raise PermissionDenied
        if workshop.status == WorkshopStatus.PUBLISHED:
            return workshop
        if workshop.status != WorkshopStatus.DRAFT:
            raise WorkshopStateError(_("Only a draft workshop can be published."))
        sessions = list(workshop.sessions.all())
        if not sessions:
            raise ValidationError({"sessions": _("Add at least one session before publishing.")})
        if sessions[0].starts_at <= timezone.now():
            raise ValidationError({"sessions": _("The first session has already started.")})
        workshop.status = WorkshopStatus.PUBLISHED
        workshop.save(update_fields=["status", "updated_at"])
    return workshop


def workshop_cancel(*, workshop: Workshop, user, reason: str = "") -> Workshop:
    """Draft or published → cancelled. Everyone registered or waitlisted is mailed (with `reason`); their
    registrations stay as they were, for the record. Cancelling twice is harmless."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if not _manages(user, workshop):
            raise PermissionDenied
        if workshop.status == WorkshopStatus.CANCELLED:
            return workshop
        if workshop.status not in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED):
            raise WorkshopStateError(_("A completed workshop cannot be cancelled."))
        was_published = workshop.status == WorkshopStatus.PUBLISHED
        workshop.status = WorkshopStatus.CANCELLED
        workshop.cancelled_at = timezone.now()
        workshop.save(update_fields=["status", "cancelled_at", "updated_at"])
        if was_published:
            notify_workshop_cancelled(workshop=workshop, reason=(reason or "").strip()[:500])
    return workshop


def workshop_complete(*, workshop: Workshop, user=None) -> Workshop:
    """Published → completed once its first session has started (`user` None: the scheduled task, after the last
    session ended). Completed workshops keep their participants, progress and certificates."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if user is not None and not _manages(user, workshop):
            raise PermissionDenied
        if workshop.status == WorkshopStatus.COMPLETED:
            return workshop
        first = workshop.sessions.first()
        if workshop.status != WorkshopStatus.PUBLISHED or first is None or first.starts_at > timezone.now():
            raise WorkshopStateError(_("Only a published workshop that has started can be marked completed."))
        workshop.status = WorkshopStatus.COMPLETED
        workshop.save(update_fields=["status", "updated_at"])
    return workshop


def participant_invite(*, workshop: Workshop, user, email: str) -> Registration | WorkshopInvitation:
    """A trainer adds a participant by email. Someone with a verified account with that address is registered at
    once (a seat or the waiting list, even after the deadline) and mailed; anyone else gets an invitation to sign
    up, and is registered when they verify that address. ValidationError on "email" for a bad address;
    WorkshopStateError unless the workshop is published."""
    if not _manages(user, workshop):
        raise PermissionDenied
    email = UserManager.normalize_email_address(email or "")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    if workshop.status != WorkshopStatus.PUBLISHED:
        raise WorkshopStateError(_("Participants can be added to a published workshop only."))
    participant = _verified_user(email)
    if participant is not None:
        return registration_create(workshop=workshop, user=participant, added_by=user)
    with transaction.atomic():
        invitation = WorkshopInvitation.objects.filter(workshop=workshop, email__iexact=email).first()
        if invitation is None:
            invitation = WorkshopInvitation.objects.create(workshop=workshop, email=email, invited_by=user)
        notify_invitation(invitation=invitation)
    return invitation


def invitations_accept_for_user(*, user) -> list[Registration]:
    """After `user` verified an address: every open invitation to a verified address of theirs becomes a
    registration (of workshops still published). Called from allauth's `email_confirmed` signal."""
    addresses = list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
    if not addresses:
        return []
    registrations = []
    for address in addresses:
        for invitation in WorkshopInvitation.objects.select_related("workshop", "invited_by").filter(
            email__iexact=address, accepted_at__isnull=True
        ):
            if invitation.workshop.status != WorkshopStatus.PUBLISHED:
                continue
            registration = registration_create(
                workshop=invitation.workshop, user=user, added_by=invitation.invited_by or user
            )
            WorkshopInvitation.objects.filter(pk=invitation.pk).update(
                registration=registration, accepted_at=timezone.now()
            )
            registrations.append(registration)
    return registrations


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


def _verified_user(email: str) -> User | None:
    address = EmailAddress.objects.select_related("user").filter(email__iexact=email, verified=True).first()
    return address.user if address is not None else None


def _assign(workshop: Workshop, data: dict) -> None:
    for field in WORKSHOP_FIELDS:
        if field in data:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            setattr(workshop, field, value)


def _clean_sessions(sessions: list[dict]) -> list[dict]:
    cleaned = []
    for session in sessions or []:
        starts, ends = session.get("starts_at"), session.get("ends_at")
        if starts is None or ends is None:
            raise ValidationError({"sessions": _("Each session needs a start and an end.")})
        if ends <= starts:
            raise ValidationError({"sessions": _("A session must end after it starts.")})
        cleaned.append({"starts_at": starts, "ends_at": ends})
    if len(cleaned) > MAX_SESSIONS:
        raise ValidationError({"sessions": _("At most %(count)s sessions.") % {"count": MAX_SESSIONS}})
    return sorted(cleaned, key=lambda session: session["starts_at"])


def _clean_trainers(trainer_ids: list[int], *, always) -> list:
    try:
        ids = {int(pk) for pk in trainer_ids}
    except (TypeError, ValueError):
        raise ValidationError({"trainers": _("Choose active trainers only.")}) from None
    trainers = list(User.objects.filter(pk__in=ids, trainer_profile__is_active=True))
    if len(trainers) != len(ids):
        raise ValidationError({"trainers": _("Choose active trainers only.")})
    if always is not None and always.pk not in ids:
        trainers.append(always)
    if not trainers:
        raise ValidationError({"trainers": _("A workshop needs at least one trainer.")})
    return trainers


def _validate(workshop: Workshop, sessions: list[dict]) -> None:
    """Field rules (`full_clean`) plus the workshop's own: where it happens, the deadline before the first
    session, well-formed questions."""
    errors = {}
    try:
        workshop.full_clean(exclude=["slug", "created_by", "trainers"], validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if isinstance(workshop.capacity, int) and workshop.capacity < 1 and "capacity" not in errors:
        errors.setdefault("capacity", []).append(_("A workshop needs at least one seat."))
    if not workshop.online_url and not (workshop.venue_name and workshop.venue_address):
        errors.setdefault("venue_name", []).append(_("Give the venue and its address, or an online meeting link."))
    if not sessions:
        errors.setdefault("sessions", []).append(_("Add at least one session."))
    elif workshop.registration_deadline and workshop.registration_deadline > sessions[0]["starts_at"]:
        errors.setdefault("registration_deadline", []).append(
            _("Registration must close before the first session starts.")
        )
    question_error = _question_error(workshop.questions)
    if question_error:
        errors.setdefault("questions", []).append(question_error)
    if errors:
        raise ValidationError(errors)


def _question_error(questions) -> str | None:
    if not isinstance(questions, list) or len(questions) > MAX_QUESTIONS:
        return _("At most %(count)s questions.") % {"count": MAX_QUESTIONS}
    keys = set()
    for question in questions:
        if not isinstance(question, dict):
            return _("Each question needs a label and a kind.")
        key, label, kind = question.get("key"), question.get("label"), question.get("kind")
        if not key or not isinstance(key, str) or key in keys or not label or kind not in QUESTION_KINDS:
            return _("Each question needs a label and a kind.")
        keys.add(key)
        choices = question.get("choices") or []
        if kind == "choice" and (not isinstance(choices, list) or len(choices) < 2):
            return _("A multiple-choice question needs at least two options.")
    return None


def _save_sessions(workshop: Workshop, sessions: list[dict]) -> None:
    WorkshopSession.objects.bulk_create(
        WorkshopSession(workshop=workshop, starts_at=session["starts_at"], ends_at=session["ends_at"])
        for session in sessions
    )
