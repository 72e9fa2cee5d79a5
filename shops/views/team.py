"""Seller dashboard pages for the team (staff invitations) and vacation mode, in the `seller` namespace.

The shop is always the one `shops.selectors.seller_membership` finds for the signed-in user: no shop id ever
comes from the client, and an invitation or member id in a URL is looked up inside that shop only (404 for
another shop's). Staff see the team and the vacation state read-only; their posts are refused (403) and change
nothing. A user in no shop is sent to open one, like the wizard does. Every action is a plain form post followed
by a redirect, so the pages need no JavaScript.
"""

from datetime import timedelta

from allauth.account.decorators import verified_email_required
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import add_service_errors
from ..models import Shop, ShopInvitation, ShopMember
from ..selectors import (
    invitation_get_by_token,
    invitation_list_open_for_shop,
    seller_membership,
    shop_member_list_for_team,
)
from ..services import team as team_services
from ..services import vacation as vacation_services

OWNER_ONLY_MESSAGE = _("Only the shop owner can do this.")
# Status codes of the accept page for each refusal: gone for a link that worked once, 400 for the wrong person.
ACCEPT_REFUSAL_STATUS = {"invalid": 404, "used": 410, "revoked": 410, "expired": 410}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=ShopInvitation._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
        help_text=_("We email an invitation link, valid for 7 days. Staff manage products and orders."),
    )


class VacationForm(forms.Form):
    closed_until = forms.DateField(
        label=_("Closed until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day the shop is closed; it opens again the next day. At most 90 days ahead."),
    )


def _refused(request: HttpRequest, shop: Shop, message=OWNER_ONLY_MESSAGE) -> HttpResponse:
    return TemplateResponse(request, "shops/seller/refused.html", {"shop": shop, "message": message}, status=403)


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- Team -----------------------------------------------------------------------------------------------------


def _team_context(shop: Shop, is_owner: bool, form: InvitationForm) -> dict:
    """The members (owner first, then staff by joining date) and the open invitations, newest first: three
    queries whatever their number. Expired invitations stay listed (they can be sent again or cancelled)."""
    return {
        "shop": shop,
        "is_owner": is_owner,
        "members": list(shop_member_list_for_team(shop=shop)),
        "invitations": list(invitation_list_open_for_shop(shop=shop)),
        "now": timezone.now(),
        "form": form,
    }


@verified_email_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    """`seller:team`: the members and open invitations; the owner invites by email here (POST)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    is_owner = membership.role == ShopMember.Role.OWNER
    status = 200
    if request.method == "POST":
        if not is_owner:
            return _refused(request, shop)
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = team_services.invitation_create(
                    shop=shop, actor=request.user, email=form.cleaned_data["email"]
                )
            except PermissionDenied:
                return _refused(request, shop)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s. The link works for 7 days.") % {"email": invitation.email}
                )
                return redirect("seller:team")
        status = 400
    else:
        form = InvitationForm()
    return TemplateResponse(request, "shops/seller/team/team.html", _team_context(shop, is_owner, form), status=status)


@verified_email_required
@require_POST
def team_invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """`seller:team-invitation-revoke`: the owner cancels an invitation of their shop (404 for another shop's)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    invitation = ShopInvitation.objects.filter(pk=invitation_id, shop=membership.shop).first()
    if invitation is None:
        raise Http404
    if membership.role != ShopMember.Role.OWNER:
        return _refused(request, membership.shop)
    try:
        team_services.invitation_revoke(invitation=invitation, actor=request.user)
    except PermissionDenied:
        return _refused(request, membership.shop)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The invitation to %(email)s is cancelled.") % {"email": invitation.email})
    return redirect("seller:team")


@verified_email_required
@require_POST
def team_member_remove(request: HttpRequest, member_id: int) -> HttpResponse:
    """`seller:team-member-remove`: the owner removes a staff member of their shop (404 for another shop's)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    member = ShopMember.objects.filter(pk=member_id, shop=membership.shop).select_related("user").first()
    if member is None:
        raise Http404
    if membership.role != ShopMember.Role.OWNER:
        return _refused(request, membership.shop)
    try:
        team_services.member_remove(shop=membership.shop, actor=request.user, member=member)
    except PermissionDenied:
        return _refused(request, membership.shop)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        name = member.user.get_full_name() or member.user.email
        messages.success(request, _("%(name)s is no longer in the team.") % {"name": name})
    return redirect("seller:team")


# --- Accepting an invitation ------------------------------------------------------------------------------------


@verified_email_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """`seller:invitation-accept`: the link from the invitation mail. GET shows the shop and an accept button,
    POST accepts. Anonymous visitors sign in first (and come back here); a refusal changes nothing."""
    invitation = invitation_get_by_token(token=token)
    if request.method == "POST":
        try:
            membership = team_services.invitation_accept(token=token, user=request.user)
        except ValidationError as error:
            refusal = error
        else:
            messages.success(request, _("You joined %(shop)s as staff.") % {"shop": membership.shop.name})
            return redirect("seller:home")
        status = ACCEPT_REFUSAL_STATUS.get(refusal.code, 400)
    else:
        refusal = team_services.invitation_refusal(invitation=invitation)
        status = ACCEPT_REFUSAL_STATUS.get(refusal.code, 400) if refusal is not None else 200
    context = {
        "invitation": invitation if status != 404 else None,
        "errors": _error_messages(refusal) if refusal is not None else [],
        "can_accept": refusal is None,
        "email_mismatch": refusal is not None and refusal.code == "email_mismatch",
    }
    return TemplateResponse(request, "shops/seller/team/invitation_accept.html", context, status=status)


# --- Vacation mode ----------------------------------------------------------------------------------------------


@verified_email_required
@require_http_methods(["GET", "POST"])
def vacation(request: HttpRequest) -> HttpResponse:
    """`seller:vacation`: the owner closes the shop until a date (action "set") or opens it again ("end")."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    is_owner = membership.role == ShopMember.Role.OWNER
    today = timezone.localdate()
    form = VacationForm(initial={"closed_until": shop.closed_until if shop.is_closed_on(today) else None})
    status = 200
    if request.method == "POST":
        if not is_owner:
            return _refused(request, shop)
        try:
            if request.POST.get("action") == "end":
                vacation_services.shop_end_vacation(shop=shop, actor=request.user)
                messages.success(request, _("Your shop is open again."))
                return redirect("seller:vacation")
            form = VacationForm(request.POST)
            if form.is_valid():
                shop = vacation_services.shop_set_vacation(
                    shop=shop, actor=request.user, closed_until=form.cleaned_data["closed_until"]
                )
                closed_until = date_format(shop.closed_until, "j F Y")
                messages.success(request, _("Your shop is closed until %(date)s.") % {"date": closed_until})
                return redirect("seller:vacation")
        except PermissionDenied:
            return _refused(request, shop)
        except ValidationError as error:
            add_service_errors(form, error)
        status = 400
    form.fields["closed_until"].widget.attrs.update(
        {
            "min": (today + timedelta(days=1)).isoformat(),
            "max": (today + timedelta(days=vacation_services.MAX_VACATION_DAYS)).isoformat(),
        }
    )
    context = {
        "shop": shop,
        "is_owner": is_owner,
        "is_closed": shop.is_closed_on(today),
        "form": form,
    }
    return TemplateResponse(request, "shops/seller/vacation.html", context, status=status)
