from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from .managers import UserManager


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        return UserManager.normalize_email_address(super().clean_email(email))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """Google gives a name in parts; our User has one full name."""
        user = super().populate_user(request, sociallogin, data)
        parts = [data.get("first_name") or "", data.get("last_name") or ""]
        user.full_name = (data.get("name") or " ".join(p for p in parts if p)).strip()
        user.email = UserManager.normalize_email_address(user.email)
        return user
