"""The interface every payment provider implements."""

import abc
import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class NextAction:
    """What the shopper does after placing the order.

    `kind`: "none" (nothing to pay now: cash on delivery), "bank_transfer" (transfer `amount` to one of
    `accounts` before `pay_before`), "redirect" (open `url`: a hosted payment page) or "client_secret" (a
    payment form in the page). `data` is JSON-serialisable and goes to the API as is.
    """

    kind: str
    data: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class RefundResult:
    """`manual`: the provider cannot move money back itself; someone pays the shopper back and records it.
    `pending`: the provider accepted the refund but confirms it later (an event)."""

    amount: int
    manual: bool
    reference: str = ""
    pending: bool = False


class PaymentProvider(abc.ABC):
    code: str
    # True: money goes back by hand (a transfer from the platform's account, cash from the seller) and whoever
    # paid it back records how; False: `refund` moves it through the provider.
    refunds_by_hand: bool = True

    def is_configured(self) -> bool:
        """False hides the provider at checkout (a card provider without keys)."""
        return True

    @abc.abstractmethod
    def accepts(self, *, shop) -> bool:
        """Whether `shop` takes this kind of payment."""

    @abc.abstractmethod
    def initial_status(self) -> str:
        """The status of each shop order when the order is placed (a `ShopOrder.Status` value)."""

    @abc.abstractmethod
    def initiate(self, *, payment) -> NextAction:
        """Called after the order and its `Payment` are committed, never inside the stock transaction (a provider
        may call the network). Idempotent: initiating the same payment twice gives the same action."""

    @abc.abstractmethod
    def handle_confirmation(self, *, payment, user=None, data: dict | None = None):
        """The money arrived: mark the payment succeeded and the order paid. Moves only a pending payment;
        raises `payments.errors.PaymentStateError` otherwise. Returns the payment."""

    def refund(self, *, refund) -> RefundResult:
        """Give `refund.amount` back for `refund.payment` (never more than was paid: checked by the caller,
        `payments.services.refunds`). Called after the refund row is committed, outside any lock; idempotent
        (`refund.idempotency_key`). Raises `payments.errors.ProviderError`. Providers that refund by hand answer
        `manual=True`."""
        return RefundResult(amount=refund.amount, manual=True)
