"""Search: the product index, indexing tasks, the query service and its database backend."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from . import checks, signals  # noqa: F401 - checks registers itself

        signals.connect()
