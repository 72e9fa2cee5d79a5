"""Errors the shops services raise besides field errors (`ValidationError`) and `PermissionDenied`."""

from django.utils.translation import gettext_lazy as _


class ShopStateError(Exception):
    """The shop is not in a state that allows this action (approving a draft, editing a submitted shop...).

    `message` is translated and safe to show to the person who tried; `status` is the shop's status then.
    """

    def __init__(self, message=None, *, status: str = ""):
        self.message = message or _("This cannot be done while the shop has its current status.")
        self.status = status
        super().__init__(str(self.message))


class ProductStateError(Exception):
    """The product is not in a state that allows this action (archiving an archived product...).

    `message` is translated and safe to show to the person who tried; `status` is the product's status then.
    """

    def __init__(self, message=None, *, status: str = ""):
        self.message = message or _("This cannot be done while the product has its current status.")
        self.status = status
        super().__init__(str(self.message))
