"""The trainer's pages at /pelatih/ (namespace `trainer`): their workshops, creating and editing one, its overview
with the cohort funnel, the participant list with each participant's onboarding step (and its CSV), and check-in
at the door by QR code or typed short code.

Who: active trainers and operators (`workshops.selectors.user_may_train`). Anonymous visitors are sent to the
login page; a signed-in user who is neither gets 403. A workshop is loaded with `workshop_get_for_trainer`, so a
trainer who does not train it gets 404 and nothing changes; operators reach every workshop.

Every change is a plain form post to one service of `workshops.services`, then a redirect with a message. Errors
re-render the page they came from: field errors 400, a status that no longer allows the action
(`WorkshopStateError`) 409, a refusal of the service (`PermissionDenied`) 403; nothing is changed then.

The participant list shows only what the programme needs (name, shop, district, step, since when, check-in, the
answers to the workshop's own questions), never a participant's email address or phone number.
"""

import csv
from datetime import UTC, datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .charts import funnel_svg
from .forms_trainer import (
    WITA,
    CancelWorkshopForm,
    CheckInForm,
    ParticipantAddForm,
    WorkshopForm,
    add_service_errors,
    default_questions,
    question_formset_class,
    question_initial,
    session_formset_class,
    session_initial,
    workshop_initial,
)
from .models import Registration, Workshop, WorkshopInvitation
from .selectors import (
    STUCK_AFTER_DAYS,
    invitation_list_pending,
    participant_progress,
    progress_funnel,
    registration_get_for_trainer,
    user_may_train,
    waitlist_for_workshop,
    workshop_get_for_trainer,
    workshop_list_for_trainer,
)
from .services import WorkshopStateError

TEMPLATES = "workshops/trainer"
WorkshopStatus = Workshop.Status
# What a CSV cell may not start with: a spreadsheet would run it as a formula (as payments' statements do).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEW_SESSION_ROWS = 3
MORE_SESSION_ROWS = 1
MORE_QUESTION_ROWS = 2


def trainer_required(view):
    """Anonymous → the login page; signed in but neither an active trainer nor an operator → 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_may_train(request.user):
            return TemplateResponse(request, f"{TEMPLATES}/refused.html", {}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _workshop_or_404(request: HttpRequest, pk: int) -> Workshop:
    workshop = workshop_get_for_trainer(user=request.user, pk=pk)
    if workshop is None:
        raise Http404
    return workshop


def _participant_name(user) -> str:
    return user.full_name or gettext("Participant")


def _is_over(workshop: Workshop, now) -> bool:
    sessions = list(workshop.sessions.all())
    return bool(sessions) and max(session.ends_at for session in sessions) <= now


# --- Dashboard ------------------------------------------------------------------------------------------------


@trainer_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """`trainer:dashboard`: the trainer's workshops, those still ahead first (soonest first), then the past and
    cancelled ones (latest first). A fixed number of queries whatever the number of workshops."""
    now = timezone.now()
    upcoming, past = [], []
    for workshop in workshop_list_for_trainer(user=request.user):
        active = workshop.status in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED)
        (upcoming if active and not _is_over(workshop, now) else past).append(workshop)
    far = datetime.max.replace(tzinfo=UTC)
    upcoming.sort(key=lambda workshop: (workshop.first_starts_at or far, workshop.pk))
    return TemplateResponse(request, f"{TEMPLATES}/dashboard.html", {"upcoming": upcoming, "past": past})


# --- Create and edit ------------------------------------------------------------------------------------------


def _workshop_forms(request: HttpRequest, *, workshop: Workshop | None):
    """The workshop form and its two formsets, bound to the POST or filled from the workshop (or the defaults)."""
    if request.method == "POST":
        form = WorkshopForm(request.POST, user=request.user, workshop=workshop)
        sessions = session_formset_class(extra=0)(request.POST, prefix="sessions")
        questions = question_formset_class(extra=0)(request.POST, prefix="questions")
    elif workshop is None:
        form = WorkshopForm(user=request.user, initial={"capacity": 20})
        sessions = session_formset_class(extra=NEW_SESSION_ROWS)(prefix="sessions")
        questions = question_formset_class(extra=MORE_QUESTION_ROWS)(prefix="questions", initial=default_questions())
    else:
        form = WorkshopForm(user=request.user, workshop=workshop, initial=workshop_initial(workshop))
        sessions = session_formset_class(extra=MORE_SESSION_ROWS)(prefix="sessions", initial=session_initial(workshop))
        questions = question_formset_class(extra=MORE_QUESTION_ROWS)(
            prefix="questions", initial=question_initial(workshop)
        )
    return form, sessions, questions


def _render_form(request, *, workshop, form, sessions, questions, status=200, conflict="") -> HttpResponse:
    context = {
        "workshop": workshop,
        "form": form,
        "sessions": sessions,
        "questions": questions,
        "conflict": conflict,
        "editable": workshop is None or workshop.status in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED),
    }
    return TemplateResponse(request, f"{TEMPLATES}/workshop_form.html", context, status=status)


def _save_workshop(request: HttpRequest, *, workshop: Workshop | None, form, sessions, questions) -> HttpResponse:
    """Validate the posted forms, then create or update through the service; its field errors land on the forms
    (400) and nothing is written."""
    forms_valid = [form.is_valid(), sessions.is_valid(), questions.is_valid()]
    if all(forms_valid):
        data = {**form.service_data(), "questions": questions.questions()}
        trainer_ids = [trainer.pk for trainer in form.cleaned_data["trainers"]]
        try:
            if workshop is None:
                saved = services.workshop_create(
                    user=request.user, data=data, sessions=sessions.sessions(), trainer_ids=trainer_ids
                )
            else:
                saved = services.workshop_update(
                    workshop=workshop,
                    user=request.user,
                    data=data,
                    sessions=sessions.sessions(),
                    trainer_ids=trainer_ids,
                )
        except ValidationError as error:
            add_service_errors(error, form=form, sessions=sessions, questions=questions)
        except WorkshopStateError as error:
            return _render_form(
                request,
                workshop=workshop,
                form=form,
                sessions=sessions,
                questions=questions,
                status=409,
                conflict=error.message,
            )
        else:
            if workshop is None:
                messages.success(request, gettext("The workshop is saved as a draft. Publish it when it is ready."))
            else:
                messages.success(request, gettext("The workshop is saved."))
            return redirect("trainer:workshop", pk=saved.pk)
    return _render_form(request, workshop=workshop, form=form, sessions=sessions, questions=questions, status=400)


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_create(request: HttpRequest) -> HttpResponse:
    """`trainer:workshop-create`: a new draft workshop, with the programme's usual questions offered."""
    form, sessions, questions = _workshop_forms(request, workshop=None)
    if request.method == "POST":
        return _save_workshop(request, workshop=None, form=form, sessions=sessions, questions=questions)
    return _render_form(request, workshop=None, form=form, sessions=sessions, questions=questions)


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:workshop-edit`: change a draft or published workshop (sessions, questions and co-trainers too)."""
    workshop = _workshop_or_404(request, pk)
    form, sessions, questions = _workshop_forms(request, workshop=workshop)
    if request.method == "POST":
        if workshop.status not in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED):
            conflict = gettext("A cancelled or completed workshop can no longer be changed.")
            return _render_form(
                request,
                workshop=workshop,
                form=form,
                sessions=sessions,
                questions=questions,
                status=409,
                conflict=conflict,
            )
        return _save_workshop(request, workshop=workshop, form=form, sessions=sessions, questions=questions)
    return _render_form(request, workshop=workshop, form=form, sessions=sessions, questions=questions)


# --- Overview and status changes -----------------------------------------------------------------------------


def _render_overview(
    request: HttpRequest,
    workshop: Workshop,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    conflict: str = "",
    cancel_form: CancelWorkshopForm | None = None,
) -> HttpResponse:
    rows = participant_progress(workshop=workshop)
    funnel = progress_funnel(rows)
    now = timezone.now()
    first_starts_at = workshop.first_starts_at
    context = {
        "workshop": workshop,
        "sessions": list(workshop.sessions.all()),
        "trainers": list(workshop.trainers.all()),
        "checked_in": sum(1 for row in rows if row.registration.checked_in_at),
        "funnel": funnel,
        "funnel_svg": funnel_svg(funnel, id_prefix=f"funnel-{workshop.pk}"),
        "can_edit": workshop.status in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED),
        "can_publish": workshop.status == WorkshopStatus.DRAFT,
        "can_cancel": workshop.status in (WorkshopStatus.DRAFT, WorkshopStatus.PUBLISHED),
        "can_complete": workshop.status == WorkshopStatus.PUBLISHED
        and first_starts_at is not None
        and first_starts_at <= now,
        "cancel_form": cancel_form or CancelWorkshopForm(),
        "errors": errors or [],
        "conflict": conflict,
    }
    return TemplateResponse(request, f"{TEMPLATES}/overview.html", context, status=status)


@trainer_required
@require_safe
def workshop_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:workshop`: details, status and its actions, counts, and the cohort funnel."""
    return _render_overview(request, _workshop_or_404(request, pk))


def _change_status(request: HttpRequest, pk: int, change, success_message) -> HttpResponse:
    workshop = _workshop_or_404(request, pk)
    try:
        change(workshop)
    except ValidationError as error:
        return _render_overview(request, workshop, status=400, errors=error.messages)
    except WorkshopStateError as error:
        return _render_overview(request, _workshop_or_404(request, pk), status=409, conflict=error.message)
    messages.success(request, success_message)
    return redirect("trainer:workshop", pk=workshop.pk)


@trainer_required
@require_POST
def workshop_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:workshop-publish`: draft → published (it shows on /pelatihan/ and takes registrations)."""
    return _change_status(
        request,
        pk,
        lambda workshop: services.workshop_publish(workshop=workshop, user=request.user),
        gettext("The workshop is published: people can register now."),
    )


@trainer_required
@require_POST
def workshop_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:workshop-cancel`: cancel, after ticking the confirmation; everyone registered or waiting is mailed
    the reason."""
    workshop = _workshop_or_404(request, pk)
    form = CancelWorkshopForm(request.POST)
    if not form.is_valid():
        return _render_overview(request, workshop, status=400, cancel_form=form)
    return _change_status(
        request,
        pk,
        lambda workshop: services.workshop_cancel(
            workshop=workshop, user=request.user, reason=form.cleaned_data["reason"]
        ),
        gettext("The workshop is cancelled. Everyone registered or on the waiting list was told."),
    )


@trainer_required
@require_POST
def workshop_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:workshop-complete`: published → completed, once the first session has started."""
    return _change_status(
        request,
        pk,
        lambda workshop: services.workshop_complete(workshop=workshop, user=request.user),
        gettext("The workshop is marked completed."),
    )


# --- Participants ---------------------------------------------------------------------------------------------


def _questions(workshop: Workshop) -> list[dict]:
    return [question for question in workshop.questions or [] if isinstance(question, dict) and question.get("key")]


def _answer_text(question: dict, value) -> str:
    if value in (None, ""):
        return ""
    if question.get("kind") == "yes_no":
        if value in (True, "yes"):
            return gettext("Yes")
        if value in (False, "no"):
            return gettext("No")
    return str(value)


def _participants_context(request: HttpRequest, workshop: Workshop, **extra) -> dict:
    """The seated participants with their step, the waiting list and the open invitations, in a fixed number of
    queries whatever the number of people."""
    questions = _questions(workshop)
    participants = []
    for row in participant_progress(workshop=workshop):
        answers = row.registration.answers or {}
        participants.append(
            {
                "row": row,
                "answers": [
                    {"label": question["label"], "value": _answer_text(question, answers.get(question["key"]))}
                    for question in questions
                    if _answer_text(question, answers.get(question["key"]))
                ],
            }
        )
    waitlist = [
        {"registration": registration, "name": registration.user.full_name or gettext("Participant")}
        for registration in waitlist_for_workshop(workshop=workshop)
    ]
    invitations = list(invitation_list_pending(workshop=workshop))
    return {
        "workshop": workshop,
        "participants": participants,
        "waitlist": waitlist,
        "invitations": invitations,
        "stuck_after_days": STUCK_AFTER_DAYS,
        "can_add": workshop.status == WorkshopStatus.PUBLISHED,
        "add_form": extra.pop("add_form", None) or ParticipantAddForm(),
        "errors": [],
        "conflict": "",
        **extra,
    }


def _render_participants(request: HttpRequest, workshop: Workshop, *, status: int = 200, **extra) -> HttpResponse:
    context = _participants_context(request, workshop, **extra)
    return TemplateResponse(request, f"{TEMPLATES}/participants.html", context, status=status)


@trainer_required
@require_safe
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:participants`: one card per seated participant, the waiting list and the open invitations."""
    return _render_participants(request, _workshop_or_404(request, pk))


def _cell(value):
    """A text cell a spreadsheet will not run as a formula; numbers stay numbers."""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@trainer_required
@require_safe
def participants_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:participants-csv`: the participant list as CSV (dates in WITA), with the answers to the workshop's
    questions; no email addresses or phone numbers."""
    workshop = _workshop_or_404(request, pk)
    questions = _questions(workshop)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="peserta-{workshop.slug}.csv"'
    writer = csv.writer(response)
    header = [
        gettext("Name"),
        gettext("Shop"),
        gettext("District"),
        gettext("Step"),
        gettext("Since (WITA)"),
        gettext("Days at this step"),
        gettext("Checked in"),
    ]
    writer.writerow([_cell(title) for title in header] + [_cell(question.get("label", "")) for question in questions])
    for row in participant_progress(workshop=workshop):
        registration = row.registration
        answers = registration.answers or {}
        checked_in = (
            timezone.localtime(registration.checked_in_at, WITA).strftime("%Y-%m-%d %H:%M")
            if registration.checked_in_at
            else ""
        )
        writer.writerow(
            [
                _cell(row.name),
                _cell(row.shop_name),
                _cell(row.district),
                _cell(row.step_label),
                timezone.localtime(row.since, WITA).strftime("%Y-%m-%d"),
                row.stuck_days,
                checked_in,
            ]
            + [_cell(_answer_text(question, answers.get(question["key"]))) for question in questions]
        )
    return response


@trainer_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:participant-add`: register someone by email (a verified account: a seat or the waiting list at
    once), or mail them an invitation to sign up."""
    workshop = _workshop_or_404(request, pk)
    form = ParticipantAddForm(request.POST)
    if not form.is_valid():
        return _render_participants(request, workshop, status=400, add_form=form)
    try:
        result = services.participant_invite(workshop=workshop, user=request.user, email=form.cleaned_data["email"])
    except ValidationError as error:
        for field, errors in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_participants(request, workshop, status=400, add_form=form)
    except WorkshopStateError as error:
        return _render_participants(request, workshop, status=409, conflict=error.message, add_form=form)
    if isinstance(result, WorkshopInvitation):
        message = gettext("%(email)s has no account yet: an invitation to sign up was sent.") % {"email": result.email}
    elif result.status == Registration.Status.REGISTERED:
        message = gettext("%(name)s is registered.") % {"name": _participant_name(result.user)}
    else:
        message = gettext("The workshop is full: %(name)s is on the waiting list.") % {
            "name": _participant_name(result.user)
        }
    messages.success(request, message)
    return redirect("trainer:participants", pk=workshop.pk)


def _registration_or_404(request: HttpRequest, workshop: Workshop, registration_pk: int) -> Registration:
    registration = registration_get_for_trainer(user=request.user, workshop=workshop, pk=registration_pk)
    if registration is None:
        raise Http404
    return registration


@trainer_required
@require_POST
def check_in_manual(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """`trainer:check-in-manual`: tick a participant present (someone who forgot their phone)."""
    workshop = _workshop_or_404(request, pk)
    registration = _registration_or_404(request, workshop, registration_pk)
    try:
        registration, already = services.registration_check_in_manual(registration=registration, trainer=request.user)
    except ValidationError as error:
        return _render_participants(request, workshop, status=400, errors=error.messages)
    except WorkshopStateError as error:
        return _render_participants(request, workshop, status=409, conflict=error.message)
    name = _participant_name(registration.user)
    if already:
        messages.info(request, gettext("%(name)s was already checked in.") % {"name": name})
    else:
        messages.success(request, gettext("%(name)s is checked in.") % {"name": name})
    return redirect(f"{_participants_url(workshop)}#peserta-{registration.pk}")


@trainer_required
@require_POST
def participant_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    """`trainer:participant-cancel`: cancel a participant's registration; a freed seat goes to the waiting list."""
    workshop = _workshop_or_404(request, pk)
    registration = _registration_or_404(request, workshop, registration_pk)
    services.registration_cancel(registration=registration, user=request.user)
    messages.success(
        request, gettext("The registration of %(name)s is cancelled.") % {"name": _participant_name(registration.user)}
    )
    return redirect("trainer:participants", pk=workshop.pk)


def _participants_url(workshop: Workshop) -> str:
    return reverse("trainer:participants", args=[workshop.pk])


# --- Check-in at the door -------------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@trainer_required
@require_http_methods(["GET", "HEAD", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """`trainer:check-in`: scan a participant's QR code with the phone's camera (checkin.js) or type their short
    code. Answers the page with the result, or JSON {"result", "name", "message"} to a script asking for it;
    an unknown code, another workshop's code or someone without a seat: 400 and nothing changes."""
    workshop = _workshop_or_404(request, pk)
    context = {"workshop": workshop, "form": CheckInForm(), "result": None}
    if request.method != "POST":
        return TemplateResponse(request, f"{TEMPLATES}/check_in.html", context)
    form = CheckInForm(request.POST)
    status, name = 200, ""
    if not form.is_valid():
        result, message, status = "error", " ".join(form.errors.get("code", [])), 400
    else:
        try:
            registration, already = services.registration_check_in(
                workshop=workshop, code=form.cleaned_data["code"], trainer=request.user
            )
        except ValidationError as error:
            result, message, status = "error", " ".join(error.messages), 400
        except WorkshopStateError as error:
            result, message, status = "error", str(error.message), 409
        else:
            name = _participant_name(registration.user)
            if already:
                result = "already"
                message = gettext("%(name)s was already checked in at %(time)s.") % {
                    "name": name,
                    "time": timezone.localtime(registration.checked_in_at, WITA).strftime("%H:%M"),
                }
            else:
                result = "ok"
                message = gettext("%(name)s is checked in. Welcome!") % {"name": name}
    if _wants_json(request):
        return JsonResponse({"result": result, "name": name, "message": message}, status=status)
    context.update(
        {
            "form": form if result == "error" else CheckInForm(),
            "result": {"kind": result, "name": name, "message": message},
        }
    )
    return TemplateResponse(request, f"{TEMPLATES}/check_in.html", context, status=status)
