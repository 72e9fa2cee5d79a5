"""The one module that talks to Stripe (the official SDK, `stripe.StripeClient`).

Everything else calls these functions with our own rows and gets plain dicts and ids back, so the rest of the
code never imports `stripe` and tests can point the SDK at a local stand-in (`STRIPE_API_BASE`).

- Amounts cross the boundary only through `marketplace.core.money.to_stripe_amount` / `from_stripe_amount`
  (IDR is a two-decimal currency in Stripe's API).
- Every request that creates something sends an idempotency key derived from our own ids, so the SDK's network
  retries (`STRIPE_MAX_NETWORK_RETRIES`: connection errors, 409 and 5xx answers) and our task retries can never
  create a second session, refund, account or transfer.
- Stripe's errors become `payments.errors.ProviderError` with a message safe to show to an operator.
  `retryable` is True only when the same request may succeed later: a rate limit, a connection error, Stripe's
  own server error or a lock timeout. A declined card, an invalid request, a refused API key and an idempotency
  error (the same key reused with other parameters: a bug, retrying repeats it) are not retryable.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import Any

import stripe
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import to_stripe_amount

from .errors import ProviderError
from .selectors import payment_charge_lines

logger = logging.getLogger(__name__)

CURRENCY = "idr"
# Stripe accepts a checkout session's `expires_at` between 30 minutes and 24 hours after its creation.
SESSION_MIN_LIFETIME = timedelta(minutes=31)
SESSION_MAX_LIFETIME = timedelta(hours=23)


class WebhookSignatureError(Exception):
    """The webhook body is not what Stripe signed with our secret (bad, missing or stale signature)."""


# --- The client ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str, max_network_retries: int) -> stripe.StripeClient:
    base_addresses = {"api": api_base, "connect": api_base} if api_base else None
    return stripe.StripeClient(api_key, base_addresses=base_addresses, max_network_retries=max_network_retries)


def stripe_client() -> stripe.StripeClient:
    """A client for the configured key and API base (kept per configuration: it holds an HTTP session)."""
    return _client(
        settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE.rstrip("/"), settings.STRIPE_MAX_NETWORK_RETRIES
    )


def _call(what: str, function, *args, **kwargs) -> Any:
    """Run one SDK call, turning Stripe's errors into `ProviderError`."""
    try:
        return function(*args, **kwargs)
    except stripe.StripeError as error:
        raise _provider_error(what, error) from error


def _provider_error(what: str, error: stripe.StripeError) -> ProviderError:
    code = getattr(error, "code", None) or ""
    logger.warning("Stripe refused %s: %s (status %s, code %s)", what, error, error.http_status, code)
    if isinstance(error, stripe.CardError):
        return ProviderError(
            _("The card was declined (%(code)s).") % {"code": code or "card_error"},
            retryable=False,
            code=code or "card_error",
        )
    if isinstance(error, stripe.RateLimitError):
        return ProviderError(
            _("Stripe is receiving too many requests; we will try again."), retryable=True, code=code or "rate_limit"
        )
    if isinstance(error, stripe.APIConnectionError):
        return ProviderError(
            _("Stripe could not be reached; we will try again."), retryable=True, code="connection_error"
        )
    if isinstance(error, stripe.IdempotencyError):
        return ProviderError(
            _("Stripe refused a repeated request that differs from the first one (same idempotency key)."),
            retryable=False,
            code="idempotency_error",
        )
    if isinstance(error, (stripe.AuthenticationError, stripe.PermissionError)):
        return ProviderError(
            _("Stripe refused our API key; check STRIPE_SECRET_KEY."),
            retryable=False,
            code=code or "authentication_error",
        )
    if isinstance(error, stripe.InvalidRequestError):
        if code == "lock_timeout":
            return ProviderError(
                _("Stripe was busy with the same object; we will try again."), retryable=True, code=code
            )
        return ProviderError(
            _("Stripe refused the request as invalid (%(code)s): %(message)s")
            % {"code": code or "invalid_request", "message": getattr(error, "user_message", None) or error._message},
            retryable=False,
            code=code or "invalid_request",
        )
    if isinstance(error, stripe.APIError) or (error.http_status or 0) >= 500:
        return ProviderError(
            _("Stripe had a server error; we will try again."), retryable=True, code=code or "api_error"
        )
    return ProviderError(
        _("Stripe refused the request (%(code)s).") % {"code": code or type(error).__name__}, retryable=False, code=code
    )


def _as_dict(stripe_object) -> dict:
    return stripe_object.to_dict(recursive=True, for_json=True)


# --- Checkout sessions ---------------------------------------------------------------------------------------


def checkout_session_params(*, payment, success_url: str, cancel_url: str) -> dict:
    """What `checkout_session_create` sends: the payment's charge lines (`payments.selectors.payment_charge_lines`,
    one per shop order still to pay, shipping included: this module knows nothing of shops) in rupiah's Stripe
    units. Raises ProviderError when the lines do not add up to the payment."""
    order = payment.order
    lines = payment_charge_lines(payment=payment)
    line_items = [
        {
            "price_data": {
                "currency": CURRENCY,
                "unit_amount": to_stripe_amount(line.amount),
                "product_data": {"name": line.label},
            },
            "quantity": 1,
        }
        for line in lines
    ]
    if sum(line.amount for line in lines) != payment.amount:
        # Never ask the shopper for another amount than the payment's: this is a bug, not a Stripe problem.
        raise ProviderError(
            _("The order's shop orders do not add up to the payment amount; the card payment cannot start."),
            retryable=False,
            code="amount_mismatch",
        )
    now = timezone.now()
    expires_at = now + SESSION_MAX_LIFETIME
    if order.pay_before is not None:
        expires_at = min(expires_at, order.pay_before)
    expires_at = max(expires_at, now + SESSION_MIN_LIFETIME)
    metadata = {"order_number": order.number, "payment_id": str(payment.pk)}
    return {
        "mode": "payment",
        "line_items": line_items,
        "client_reference_id": order.number,
        "metadata": metadata,
        "payment_intent_data": {"metadata": dict(metadata), "transfer_group": order.number},
        "customer_email": order.email,
        "expires_at": int(expires_at.timestamp()),
        "locale": "en" if (order.language or "").startswith("en") else "id",
        "success_url": success_url,
        "cancel_url": cancel_url,
    }


def checkout_session_create(*, payment, success_url: str, cancel_url: str) -> dict:
    """A Checkout Session (mode payment, IDR) for the whole order of `payment`; returns the session (`id`, `url`,
    `status`...). The idempotency key is the payment's: creating twice for one payment gives the same session."""
    params = checkout_session_params(payment=payment, success_url=success_url, cancel_url=cancel_url)
    session = _call(
        "a checkout session",
        stripe_client().v1.checkout.sessions.create,
        params,
        options={"idempotency_key": f"checkout-session:payment:{payment.pk}"},
    )
    return _as_dict(session)


def checkout_session_retrieve(session_id: str) -> dict:
    return _as_dict(_call("reading a checkout session", stripe_client().v1.checkout.sessions.retrieve, session_id))


def checkout_session_expire(session_id: str) -> dict:
    """Close an open session so it can no longer be paid (the shopper chose another way to pay)."""
    return _as_dict(_call("expiring a checkout session", stripe_client().v1.checkout.sessions.expire, session_id))


# --- Refunds -------------------------------------------------------------------------------------------------


def refund_create(*, refund) -> tuple[str, str]:
    """Refund `refund.amount` of the card payment (its PaymentIntent); returns Stripe's refund id and status
    ("succeeded", "pending", "requires_action", "failed", "canceled")."""
    payment_intent = refund.payment.provider_payment_id
    if not payment_intent:
        raise ProviderError(
            _("This card payment has no Stripe payment id yet, so it cannot be refunded through Stripe."),
            retryable=False,
            code="no_payment_intent",
        )
    params = {
        "payment_intent": payment_intent,
        "amount": to_stripe_amount(refund.amount),
        "metadata": {"refund_id": str(refund.pk), "shop_order_number": refund.shop_order.number},
    }
    created = _call(
        "a refund", stripe_client().v1.refunds.create, params, options={"idempotency_key": refund.idempotency_key}
    )
    return created.id, created.status


# --- Connect -------------------------------------------------------------------------------------------------


def connect_account_create(*, payout_account, email: str) -> str:
    """An Express connected account for the shop (once per shop: the idempotency key is the shop's); returns
    its id."""
    shop_id = payout_account.shop_id
    params = {
        "type": "express",
        "country": settings.STRIPE_CONNECT_COUNTRY,
        "email": email,
        "capabilities": {"transfers": {"requested": True}},
        "metadata": {"shop_id": str(shop_id)},
    }
    account = _call(
        "a connected account",
        stripe_client().v1.accounts.create,
        params,
        options={"idempotency_key": f"connect-account:shop:{shop_id}"},
    )
    return account.id


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A one-time onboarding link for the connected account (links expire within minutes: make one per visit,
    so no idempotency key)."""
    params = {"account": account_id, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"}
    link = _call("an onboarding link", stripe_client().v1.account_links.create, params)
    return link.url


def transfer_create(*, payout, destination: str, transfer_group: str) -> str:
    """Send `payout.amount` to the connected account `destination`; returns the transfer id."""
    params = {
        "amount": to_stripe_amount(payout.amount),
        "currency": CURRENCY,
        "destination": destination,
        "transfer_group": transfer_group,
        "metadata": {"payout_id": str(payout.pk), "shop_id": str(payout.shop_id)},
    }
    transfer = _call(
        "a transfer", stripe_client().v1.transfers.create, params, options={"idempotency_key": payout.idempotency_key}
    )
    return transfer.id


# --- Webhooks ------------------------------------------------------------------------------------------------


def construct_event(payload: bytes, signature: str) -> dict:
    """The event in a webhook body, after the SDK verified its `Stripe-Signature` against
    `STRIPE_WEBHOOK_SECRET` (and that it was signed less than 5 minutes ago). Raises WebhookSignatureError."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookSignatureError("STRIPE_WEBHOOK_SECRET is not set")
    try:
        event = stripe_client().construct_event(payload, signature or None, secret)
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureError(str(error)) from error
    except ValueError as error:  # signed, but not JSON
        raise WebhookSignatureError("The body is not JSON.") from error
    return _as_dict(event)
