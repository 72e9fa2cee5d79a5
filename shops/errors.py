"""Errors the shops services raise besides field errors (`ValidationError`) and `PermissionDenied`.

Both are `StateConflictError`s, which the API answers as 409 `{"detail": message}`.
"""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import StateConflictError

__all__ = ["ProductStateError", "ShopStateError", "StateConflictError"]


class ShopStateError(StateConflictError):
    """The shop is not in a state that allows this action (approving a draft, editing a submitted shop...)."""

    default_message = _("This cannot be done while the shop has its current status.")


class ProductStateError(StateConflictError):
    """The product is not in a state that allows this action (archiving an archived product...)."""

    default_message = _("This cannot be done while the product has its current status.")
