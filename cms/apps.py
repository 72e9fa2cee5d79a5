"""Storefront pages (Wagtail), blocks, site settings, navigation, and the demo-data command."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Storefront")

    def ready(self):
        from . import signals

        signals.connect()
