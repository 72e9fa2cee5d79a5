"""Errors the payments services raise; the API answers them as 409 `{"detail": message}`."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import StateConflictError


class PaymentStateError(StateConflictError):
    """The payment is not in a state that allows this action (confirming a cancelled transfer...)."""

    default_message = _("This cannot be done while the payment has its current status.")
