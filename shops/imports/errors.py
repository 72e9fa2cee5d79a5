"""Errors of the bulk import besides field errors (`ValidationError`) and `PermissionDenied`."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import StateConflictError


class ProductImportStateError(StateConflictError):
    """The import is not in a status that allows this action (confirming a job that is still being checked,
    cancelling one that is importing...). The API answers it as 409."""

    default_message = _("This cannot be done while the import has its current status.")
