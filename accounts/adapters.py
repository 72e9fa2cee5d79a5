from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404
from django.urls import reverse

from .managers import UserManager


@dataclass(frozen=True)
class MailSite:
    """What allauth's mail templates call `current_site`."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        return UserManager.normalize_email_address(super().clean_email(email))

    def get_login_redirect_url(self, request):
        """After logging in without a `next`: the home page in the language of the login page (`/` or `/en/`).

        The login URL carries the language prefix (/en/akun/login/), so the active language is the user's.
        """
        return reverse("wagtail_serve", args=("",))

    def get_logout_redirect_url(self, request):
        """After logging out without a `next`: the home page in the language the user was reading."""
        return reverse("wagtail_serve", args=("",))

    def send_mail(self, template_prefix, email, context):
        """Mails greet with the platform's name ("Halo dari Pasar UMKM!"), not with the request's host name."""
        request = allauth_context.request
        domain = get_current_site(request).domain if request is not None else settings.SITE_URL.split("//")[-1]
        site = MailSite(name=settings.WAGTAIL_SITE_NAME, domain=domain)
        super().send_mail(template_prefix, email, {**context, "current_site": site})


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """A provider without credentials (Google when GOOGLE_CLIENT_ID/SECRET are unset) is not there: 404.

        allauth raises SocialApp.DoesNotExist, which would answer an old link or a bot with a 500.
        """
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise Http404(f"Social login provider {provider!r} is not configured.") from error

    def populate_user(self, request, sociallogin, data):
        """Google gives a name in parts; our User has one full name."""
        user = super().populate_user(request, sociallogin, data)
        parts = [data.get("first_name") or "", data.get("last_name") or ""]
        user.full_name = (data.get("name") or " ".join(p for p in parts if p)).strip()
        user.email = UserManager.normalize_email_address(user.email)
        return user
