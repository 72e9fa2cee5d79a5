"""The public workshop pages at /pelatihan/ (namespace `workshops`).

- `list` (anyone): published workshops that are not over, soonest first, 12 a page, in a fixed number of queries.
- `detail` (anyone; drafts are 404): the workshop, and for the signed-in visitor their registration or the
  registration form built from the workshop's questions (`workshops.forms.RegistrationForm`). The online
  meeting link is shown only to people with a seat.
- `register` (POST, signed in): `registration_create`. Field errors re-render the page with 400, a workshop that
  no longer takes registrations answers 409 with the service's message; success redirects to the registration.
  Signing in is enough: a verified email is not required. Registering is the first step of the onboarding
  progress, before "email verified" (`workshops.selectors.STEPS`), and the house asks for a verified address
  only where someone acts for a shop (seller pages, reviews); a buyer's own pages ask for a login only.
- `registration` / `registration-cancel` / `certificate-pdf` (signed in): the participant's own registration
  only (`registration_get_for_user`): anyone else's is 404, like one that does not exist. The certificate exists
  once the participant was checked in.
- `mine` (signed in): the participant's registrations, upcoming first.
- `certificate-lookup` / `certificate-verify` (anyone): whether a certificate code is real, with only the
  participant's name, the workshop, its dates and trainers (never an email address).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import services
from .certificates import WITA, participant_name, session_dates, trainer_names, venue_text
from .certificates import certificate_pdf as build_certificate_pdf
from .forms import CertificateLookupForm, RegistrationForm
from .models import Registration, Workshop
from .qr import qr_svg
from .selectors import (
    certificate_get,
    registration_for_workshop,
    registration_get_for_user,
    registration_list_for_user,
    user_may_train,
    waitlist_position,
    workshop_get_public,
    workshop_list_public,
)

PAGE_SIZE = 12
TEMPLATES = "workshops/public"
Status = Registration.Status
WorkshopStatus = Workshop.Status


# --- Helpers -------------------------------------------------------------------------------------------------


def schedule(workshop: Workshop) -> list[dict]:
    """The sessions (prefetched), each {"starts_at", "ends_at", "label"}; the label in WITA."""
    labels = session_dates(workshop)
    return [
        {"starts_at": session.starts_at, "ends_at": session.ends_at, "label": label}
        for session, label in zip(workshop.sessions.all(), labels, strict=True)
    ]


def _deadline_label(workshop: Workshop) -> str:
    local = workshop.registration_deadline.astimezone(WITA)
    return f"{formats.date_format(local, 'j F Y, H:i')} WITA"


def _seats_left(workshop: Workshop) -> int:
    taken = getattr(workshop, "seats_taken", None)
    if taken is None:
        taken = workshop.registrations.filter(status=Status.REGISTERED).count()
    return max(workshop.capacity - taken, 0)


def _registration_state(workshop: Workshop) -> str:
    """ "open", or why no one can register now: "cancelled", "completed", "closed" (deadline passed)."""
    if workshop.status == WorkshopStatus.CANCELLED:
        return "cancelled"
    if workshop.status == WorkshopStatus.COMPLETED:
        return "completed"
    if workshop.status != WorkshopStatus.PUBLISHED:
        return "closed"
    if workshop.registration_deadline <= timezone.now():
        return "closed"
    return "open"


def _public_or_404(slug: str) -> Workshop:
    workshop = workshop_get_public(slug=slug)
    if workshop is None:
        raise Http404
    return workshop


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _own_registration_or_404(request: HttpRequest, pk: int) -> Registration:
    registration = registration_get_for_user(user=request.user, pk=pk)
    if registration is None:
        raise Http404
    return registration


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# --- The list and a workshop's page ---------------------------------------------------------------------------


@require_safe
def workshop_list(request: HttpRequest) -> HttpResponse:
    """`workshops:list`: the coming workshops, 12 a page."""
    page = Paginator(workshop_list_public(), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [
        {
            "workshop": workshop,
            "schedule": schedule(workshop),
            "seats_left": _seats_left(workshop),
            "deadline": _deadline_label(workshop),
            "open": _registration_state(workshop) == "open",
        }
        for workshop in page.object_list
    ]
    return TemplateResponse(request, f"{TEMPLATES}/list.html", {"page": page, "cards": cards})


def _render_detail(
    request: HttpRequest, workshop: Workshop, *, form: RegistrationForm | None = None, status=200, conflict=""
) -> HttpResponse:
    registration = registration_for_workshop(user=request.user, workshop=workshop)
    state = _registration_state(workshop)
    may_register = state == "open" and (registration is None or registration.status == Status.CANCELLED)
    if may_register and form is None and request.user.is_authenticated:
        form = RegistrationForm(workshop=workshop)
    context = {
        "workshop": workshop,
        "schedule": schedule(workshop),
        "seats_left": _seats_left(workshop),
        "deadline": _deadline_label(workshop),
        "trainers": trainer_names(workshop),
        "state": state,
        "registration": registration,
        "has_seat": registration is not None and registration.status == Status.REGISTERED,
        "waitlist_position": waitlist_position(registration) if registration is not None else None,
        "may_register": may_register,
        "form": form if may_register else None,
        "login_url": _login_url(request.get_full_path() if request.method == "GET" else workshop_url(workshop)),
        "conflict": conflict,
    }
    return TemplateResponse(request, f"{TEMPLATES}/detail.html", context, status=status)


def workshop_url(workshop: Workshop) -> str:
    return reverse("workshops:detail", args=[workshop.slug])


@require_safe
def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """`workshops:detail`: a published, completed or cancelled workshop (drafts are 404)."""
    return _render_detail(request, _public_or_404(slug))


@require_POST
def workshop_register(request: HttpRequest, slug: str) -> HttpResponse:
    """`workshops:register`: the signed-in visitor registers (a seat, else the waiting list)."""
    workshop = _public_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(workshop_url(workshop))
    before = registration_for_workshop(user=request.user, workshop=workshop)
    form = RegistrationForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return _render_detail(request, workshop, form=form, status=400)
    try:
        registration = services.registration_create(workshop=workshop, user=request.user, answers=form.answers())
    except ValidationError as error:
        form.add_service_errors(_error_dict(error))
        return _render_detail(request, workshop, form=form, status=400)
    except services.WorkshopStateError as error:
        return _render_detail(request, _public_or_404(slug), status=409, conflict=error.message)
    title = workshop.title
    if before is not None and before.status != Status.CANCELLED:
        messages.info(request, _("You are already registered for %(title)s.") % {"title": title})
    elif registration.status == Status.REGISTERED:
        messages.success(
            request, _("You have a seat at %(title)s. Show the QR code on this page at the door.") % {"title": title}
        )
    else:
        messages.success(
            request,
            _(
                "%(title)s is full: you are number %(position)s on the waiting list. We will email you if a seat "
                "comes free."
            )
            % {"title": title, "position": waitlist_position(registration)},
        )
    return redirect("workshops:registration", pk=registration.pk)


# --- The participant's pages ---------------------------------------------------------------------------------


@require_safe
@never_cache
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """`workshops:registration`: the participant's registration, with the check-in QR code when they have a
    seat, their waiting list position, or their certificate once checked in."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration = _own_registration_or_404(request, pk)
    workshop = registration.workshop
    has_seat = registration.status == Status.REGISTERED
    shows_code = has_seat and workshop.status == WorkshopStatus.PUBLISHED
    context = {
        "registration": registration,
        "workshop": workshop,
        "schedule": schedule(workshop),
        "venue": venue_text(workshop),
        "has_seat": has_seat,
        "shows_code": shows_code,
        "qr": mark_safe(qr_svg(registration.qr_secret)) if shows_code else "",  # noqa: S308 - paths only
        "short_code_spaced": " ".join(registration.short_code) if shows_code else "",
        "waitlist_position": waitlist_position(registration),
        "may_cancel": (
            registration.status != Status.CANCELLED
            and registration.checked_in_at is None
            and workshop.status == WorkshopStatus.PUBLISHED
        ),
        "may_register_again": registration.status == Status.CANCELLED and _registration_state(workshop) == "open",
        "has_certificate": bool(registration.checked_in_at and registration.certificate_code),
    }
    return TemplateResponse(request, f"{TEMPLATES}/registration.html", context)


@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """`workshops:registration-cancel`: the participant gives up their seat or place on the waiting list."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("workshops:registration", args=[pk]))
    registration = _own_registration_or_404(request, pk)
    try:
        services.registration_cancel(registration=registration, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("Your registration for %(title)s is cancelled.") % {"title": registration.workshop.title}
    )
    return redirect("workshops:registration", pk=registration.pk)


@login_required
@require_safe
def my_registrations(request: HttpRequest) -> HttpResponse:
    """`workshops:mine`: the participant's workshops, the coming ones first (soonest first), then the past ones
    (latest first)."""
    now = timezone.now()
    upcoming, past = [], []
    for registration in registration_list_for_user(user=request.user):
        sessions = list(registration.workshop.sessions.all())
        item = {
            "registration": registration,
            "workshop": registration.workshop,
            "schedule": schedule(registration.workshop),
            "starts_at": sessions[0].starts_at if sessions else registration.created_at,
        }
        over = not sessions or sessions[-1].ends_at <= now
        (past if over or registration.workshop.status != WorkshopStatus.PUBLISHED else upcoming).append(item)
    upcoming.sort(key=lambda item: item["starts_at"])
    past.sort(key=lambda item: item["starts_at"], reverse=True)
    context = {"upcoming": upcoming, "past": past, "may_train": user_may_train(request.user)}
    return TemplateResponse(request, f"{TEMPLATES}/mine.html", context)


@require_safe
@never_cache
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """`workshops:certificate-pdf`: the participant's own certificate, once checked in (404 otherwise)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    registration = _own_registration_or_404(request, pk)
    if registration.checked_in_at is None or not registration.certificate_code:
        raise Http404
    response = HttpResponse(build_certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sertifikat-{registration.certificate_code}.pdf"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Certificate verification (public) ----------------------------------------------------------------------


@require_safe
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """`workshops:certificate-lookup`: type a code (GET ?code=), go to its verification page."""
    if "code" not in request.GET:
        form = CertificateLookupForm()
        return TemplateResponse(request, f"{TEMPLATES}/certificate_lookup.html", {"form": form})
    form = CertificateLookupForm(request.GET)
    if form.is_valid():
        return redirect("workshops:certificate-verify", code=form.cleaned_data["code"])
    return TemplateResponse(request, f"{TEMPLATES}/certificate_lookup.html", {"form": form}, status=400)


@require_safe
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """`workshops:certificate-verify`: whether a certificate with this code exists (any case, dashes optional);
    404 with a clear page when none does."""
    registration = certificate_get(code=code)
    if registration is None:
        context = {"code": code, "form": CertificateLookupForm(initial={"code": code})}
        return TemplateResponse(request, f"{TEMPLATES}/certificate_invalid.html", context, status=404)
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "participant_name": participant_name(registration.user),
        "schedule": schedule(workshop),
        "venue": venue_text(workshop),
        "trainers": trainer_names(workshop),
        "checked_in_at": registration.checked_in_at,
    }
    return TemplateResponse(request, f"{TEMPLATES}/certificate_valid.html", context)
