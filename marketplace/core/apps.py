from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "marketplace.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Registers the OpenAPI description of the X-Session-Token authentication.
        from .api import schema  # noqa: F401
