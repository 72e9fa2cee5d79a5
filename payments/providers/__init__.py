"""Payment providers behind one interface (DESIGN §6).

A provider is asked three things: `initiate` (after the order is placed and committed: tell the shopper what
to do next), `handle_confirmation` (the money arrived: an operator's confirmation, a webhook event) and
`refund`. Checkout only knows provider codes and `NextAction`s, so card payments can be added without
changing it. The registry is a plain dict: one entry per real provider, no plugin machinery.
"""

from collections.abc import Iterable

from orders.models import PaymentMethod

from .bank_transfer import BankTransferProvider
from .base import NextAction, PaymentProvider, RefundResult
from .cash_on_delivery import CashOnDeliveryProvider
from .stripe import StripeProvider

__all__ = ["NextAction", "PaymentProvider", "RefundResult", "available_payment_methods", "get_provider"]

# Card first: checkout offers the methods in this order (the card is hidden until Stripe's keys are set).
_PROVIDERS: dict[str, PaymentProvider] = {
    PaymentMethod.STRIPE: StripeProvider(),
    PaymentMethod.BANK_TRANSFER: BankTransferProvider(),
    PaymentMethod.COD: CashOnDeliveryProvider(),
}


def get_provider(code: str) -> PaymentProvider:
    """The provider for `code`; KeyError for an unknown or unconfigured one."""
    provider = _PROVIDERS[code]
    if not provider.is_configured():
        raise KeyError(code)
    return provider


def available_payment_methods(*, shops: Iterable) -> list[str]:
    """Codes of the providers every one of `shops` accepts, in the order checkout offers them."""
    shops = list(shops)
    return [
        code
        for code, provider in _PROVIDERS.items()
        if provider.is_configured() and all(provider.accepts(shop=shop) for shop in shops)
    ]
