"""Shared steps of the Stripe tests: card orders placed through the real checkout, webhook posts."""

import json

from orders.selectors.orders import order_access_token
from payments.models import Payment
from tests.orders.builders import cart_with, place, shop_with_shipping, two_shop_order, variant_of

WEBHOOK_URL = "/payments/stripe/webhook/"


def card_order(*, buyer=None, quantities=(2, 1)):
    """A placed two-shop card order (total Rp 92.000 with the default quantities: Rp 40.000 + Rp 52.000), its
    payment and shops. Placing it created its checkout session at the fake Stripe."""
    placed, shops, _variants = two_shop_order(payment_method="stripe", buyer=buyer, quantities=quantities)
    payment = Payment.objects.get(order=placed.order)
    return placed, payment, shops


def guest_card_order():
    """A guest's one-shop card order (Rp 30.000: Rp 20.000 + Rp 10.000 shipping), its payment and link token."""
    shop, flat, _pickup = shop_with_shipping()
    cart = cart_with([(variant_of(shop, price=20_000), 1)])
    placed = place(cart, buyer=None, shipping={shop.pk: flat.pk}, email="tamu@contoh.id", payment_method="stripe")
    return placed.order, Payment.objects.get(order=placed.order), order_access_token(placed.order)


def post_event(client, fake, event: dict, *, signature: str | None = None, body: bytes | None = None):
    """POST `event` to the webhook as Stripe does (signed with the test secret unless `signature` is given)."""
    body = json.dumps(event).encode() if body is None else body
    headers = {} if signature == "" else {"HTTP_STRIPE_SIGNATURE": signature or fake.sign(body)}
    return client.post(WEBHOOK_URL, data=body, content_type="application/json", **headers)


def session_of(fake, payment: Payment) -> dict:
    payment.refresh_from_db()
    return fake.sessions[payment.provider_reference]
