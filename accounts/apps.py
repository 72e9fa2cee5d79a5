"""Accounts: the custom User (email login), roles, allauth adapters, profile."""

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Wagtail registers its user admin from this attribute when the admin URLs load (after every
        # app is ready). Setting it here keeps INSTALLED_APPS untouched; the documented alternative is a
        # WagtailUsersAppConfig subclass listed instead of "wagtail.users".
        apps.get_app_config("wagtailusers").user_viewset = "accounts.viewsets.UserViewSet"
