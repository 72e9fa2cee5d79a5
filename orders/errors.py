"""Errors the orders services raise besides field errors (`ValidationError`) and `PermissionDenied`.

All are `StateConflictError`s, which the API answers as 409 `{"detail": message}`.
"""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import StateConflictError

__all__ = ["CartError", "OrderStateError", "OutOfStockError", "StateConflictError"]


class CartError(StateConflictError):
    """The cart cannot be checked out as it is (empty, a product no longer for sale, a shop closed...)."""

    default_message = _("Your cart cannot be checked out as it is. Please review it.")


class OutOfStockError(StateConflictError):
    """Fewer units are in stock than asked for. `variant_ids` names the variants that ran short."""

    default_message = _("Some items no longer have enough stock. Please review your cart.")

    def __init__(self, message=None, *, variant_ids: tuple[int, ...] = (), status: str = ""):
        self.variant_ids = variant_ids
        super().__init__(message, status=status)


class OrderStateError(StateConflictError):
    """The shop order is not in a state that allows this action (shipping a cancelled order...)."""

    default_message = _("This cannot be done while the order has its current status.")
