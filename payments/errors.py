"""Errors the payments services raise; the API answers them as 409 `{"detail": message}`."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import StateConflictError


class PaymentStateError(StateConflictError):
    """The payment is not in a state that allows this action (confirming a cancelled transfer...)."""

    default_message = _("This cannot be done while the payment has its current status.")


class ProviderError(Exception):
    """A payment provider refused or could not be reached. `retryable`: try again later with the same
    idempotency key (rate limit, connection error, the provider's server error); otherwise the request itself
    was refused (a declined card, an invalid request) and trying again changes nothing. `message` is safe to show
    to an operator."""

    def __init__(self, message: str, *, retryable: bool, code: str = ""):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code
