"""Vacation mode: the owner closes the shop until a date; products stay visible but cannot be bought.

`Shop.closed_until` holds the last closed day (inclusive, see `Shop.is_closed_on`); null means open. Both
services lock the shop row like the other shop services and return the fresh shop; the instance passed in
is not modified. Only the owner decides when the shop closes: staff manage products and orders, not the shop.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..locks import shop_qs_select_for_update
from ..models import Shop
from .shops import _require_owner

MAX_VACATION_DAYS = 90

VACATION_PAST_MESSAGE = _("Choose a date after today.")
VACATION_TOO_LONG_MESSAGE = _("The shop can be closed for at most %(days)d days.")


@transaction.atomic
def shop_set_vacation(*, shop: Shop, actor: User, closed_until: date) -> Shop:
    """The owner closes the shop up to and including `closed_until` (vacation mode); a later call moves the date.

    Owner only (PermissionDenied). `closed_until` must be after today and at most `MAX_VACATION_DAYS` days ahead,
    "today" being the site's date (Asia/Makassar): ValidationError on "closed_until" otherwise, nothing changed.
    Any shop status. Locks the shop row.
    """
    _require_owner(shop=shop, actor=actor)
    today = timezone.localdate()
    if closed_until <= today:
        raise ValidationError({"closed_until": ValidationError(VACATION_PAST_MESSAGE, code="not_future")})
    if closed_until > today + timedelta(days=MAX_VACATION_DAYS):
        raise ValidationError(
            {
                "closed_until": ValidationError(
                    VACATION_TOO_LONG_MESSAGE, code="too_far", params={"days": MAX_VACATION_DAYS}
                )
            }
        )
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    shop.closed_until = closed_until
    shop.save(update_fields=["closed_until", "updated_at"])
    return shop


@transaction.atomic
def shop_end_vacation(*, shop: Shop, actor: User) -> Shop:
    """The owner opens the shop again at once: `closed_until` cleared. An open shop stays open (no error).

    Owner only (PermissionDenied). Locks the shop row.
    """
    _require_owner(shop=shop, actor=actor)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if shop.closed_until is not None:
        shop.closed_until = None
        shop.save(update_fields=["closed_until", "updated_at"])
    return shop
