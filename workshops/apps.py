"""Workshops: trainers, workshops, registrations, attendance, onboarding progress, certificates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from . import cms_signals, signals  # noqa: F401  (signals connects its receivers on import)

        cms_signals.connect()
