"""Stripe Connect onboarding of a shop (DESIGN §6): the owner connects an Express account, and its state is kept
from `account.updated` events (`stripe_events`); payouts then go out as transfers (`payouts`)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from shops.selectors import shop_member_role

from .. import stripe_gateway
from ..errors import ProviderError
from ..models import PayoutAccount


def stripe_connect_onboarding_url(*, shop, user, refresh_url: str, return_url: str) -> str:
    """A fresh Stripe onboarding link for `shop`'s connected account. Only the shop's owner (PermissionDenied
    otherwise). Creates the payout account row if missing, and the Stripe account once: its id is stored, and
    the request carries the shop's idempotency key, so a retry after a lost answer finds the same account.
    The Stripe calls run outside any transaction; the row is locked only to store the id. Raises ProviderError
    (Connect switched off, or Stripe refused or could not be reached)."""
    if shop_member_role(user=user, shop=shop) != "owner":
        raise PermissionDenied
    if not settings.STRIPE_CONNECT_ENABLED or not settings.STRIPE_SECRET_KEY:
        raise ProviderError(_("Payouts through Stripe are not available."), retryable=False, code="not_configured")
    payout_account, _created = PayoutAccount.objects.get_or_create(shop=shop)
    account_id = payout_account.stripe_account_id
    if not account_id:
        account_id = stripe_gateway.connect_account_create(payout_account=payout_account, email=user.email)
        with transaction.atomic():
            locked = PayoutAccount.objects.select_for_update().get(pk=payout_account.pk)
            if not locked.stripe_account_id:
                locked.stripe_account_id = account_id
                locked.save(update_fields=["stripe_account_id", "updated_at"])
            account_id = locked.stripe_account_id
    return stripe_gateway.account_link_create(account_id=account_id, refresh_url=refresh_url, return_url=return_url)
