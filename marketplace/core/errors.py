"""Errors shared by every app's services besides field errors (`ValidationError`) and `PermissionDenied`.

The API answers every `StateConflictError` as 409 `{"detail": message}` (`marketplace.core.api.exceptions`).
"""

from django.utils.translation import gettext_lazy as _


class StateConflictError(Exception):
    """Something is not in a state that allows this action.

    `message` is translated and safe to show to the person who tried; `status` is the object's status then.
    Each app subclasses it with its own `default_message`.
    """

    default_message = _("The request conflicts with the current state.")

    def __init__(self, message=None, *, status: str = ""):
        self.message = message or self.default_message
        self.status = status
        super().__init__(str(self.message))
