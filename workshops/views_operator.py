"""The operators' workshop screens in the Wagtail admin (`/cms/`), registered in `workshops.wagtail_hooks`:

- `/cms/pelatih-program/` (namespace `workshops_trainers`): every trainer (name, email, active, granted by and
  when, number of workshops), a form granting the role to an existing account by email (`trainer_grant`) and a
  revoke button per active trainer (POST, `trainer_revoke`);
- `/cms/pelatihan-program/` (namespace `workshops_operator`): every workshop, read-only (status, first session,
  trainers, seats), each linking to the trainer's overview page, which operators may use.

Thin views: only operators (`shops.selectors.user_is_operator`); anyone else gets Wagtail's "no permission"
answer (a redirect to the dashboard with a message) and nothing changes; anonymous visitors are sent to the login
page by Wagtail first. Writes go through `workshops.services`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from shops.selectors import user_is_operator

from .forms_operator import TrainerGrantForm
from .selectors import trainer_profile_list, workshop_list_for_trainer
from .services import trainer_grant, trainer_revoke

TRAINERS_NAMESPACE = "workshops_trainers"
WORKSHOPS_NAMESPACE = "workshops_operator"
PAGE_SIZE = 50


def user_can_manage_trainers(user) -> bool:
    return user_is_operator(user)


def _require_operator(request: HttpRequest) -> None:
    if not user_can_manage_trainers(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def trainer_index(request: HttpRequest) -> HttpResponse:
    """The trainers and, on POST, granting the role to the account with the email typed in."""
    _require_operator(request)
    form = TrainerGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["user"]
        trainer_grant(user=user, operator=request.user)
        messages.success(request, _("%(name)s is now a trainer.") % {"name": user.full_name or user.email})
        return redirect(reverse(f"{TRAINERS_NAMESPACE}:index"))
    page = Paginator(trainer_profile_list(), PAGE_SIZE).get_page(request.GET.get("p"))
    context = {
        "page_title": _("Trainers"),
        "header_icon": "group",
        "form": form,
        "page": page,
        "profiles": list(page.object_list),
        "workshops_url": reverse(f"{WORKSHOPS_NAMESPACE}:index"),
    }
    return TemplateResponse(request, "workshops/operator/trainers.html", context)


@require_POST
def trainer_revoke_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Take the trainer role away; their workshops stay as they are."""
    _require_operator(request)
    user = User.objects.filter(pk=user_id, trainer_profile__isnull=False).first()
    if user is None:
        raise Http404
    trainer_revoke(user=user, operator=request.user)
    messages.success(
        request, _("%(name)s is no longer a trainer. Their workshops stay.") % {"name": user.full_name or user.email}
    )
    return redirect(reverse(f"{TRAINERS_NAMESPACE}:index"))


@require_GET
def workshop_index(request: HttpRequest) -> HttpResponse:
    """Every workshop, newest first, with its status, trainers and seats; each links to its trainer page."""
    _require_operator(request)
    page = Paginator(workshop_list_for_trainer(user=request.user), PAGE_SIZE).get_page(request.GET.get("p"))
    context = {
        "page_title": _("Workshops"),
        "header_icon": "date",
        "page": page,
        "workshops": list(page.object_list),
        "trainers_url": reverse(f"{TRAINERS_NAMESPACE}:index"),
    }
    return TemplateResponse(request, "workshops/operator/workshops.html", context)
