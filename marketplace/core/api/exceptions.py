"""One error format for the whole API (DESIGN §9): `{"detail": ...}` or field errors, never a 500 for bad
input.

What the services raise is answered here, so views need no local mapping:

- Django's `ValidationError` → 400 with field errors; errors without a field (Django's `__all__`) under DRF's
  `non_field_errors` (`api_settings.NON_FIELD_ERRORS_KEY`), codes kept.
- Django's `PermissionDenied` → 403, with the service's own message when it gives one.
- `Http404` → 404.
- A state that forbids the action (`marketplace.core.errors.StateConflictError`, e.g. `ShopStateError`)
  → 409 `{"detail": message}` with the service's translated message.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace.core.errors import StateConflictError


class Conflict(exceptions.APIException):
    """409: the request is valid but conflicts with the current state (out of stock, already done)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"


def validation_error_detail(error: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF error detail (codes kept), non-field errors under `non_field_errors`."""
    detail = as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # A service's message says why ("Only the shop owner can do this."); a bare one gets DRF's text.
        exc = exceptions.PermissionDenied(exc.args[0] if exc.args and exc.args[0] else None)
    elif isinstance(exc, StateConflictError):
        exc = Conflict(exc.message)
    return drf_exception_handler(exc, context)
