"""The shopper's card payment pages: checkout → Stripe's hosted page (the local stand-in), the return page that
shows the state from our database, and paying again with a card or by bank transfer."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import urlencode

from orders.models import Order, ShopOrder
from payments.models import Payment
from tests.factories.accounts import VerifiedUserFactory
from tests.orders.test_checkout_pages import _place_post, _shopper_with_cart

from .stripe_helpers import card_order, guest_card_order, post_event, session_of

pytestmark = pytest.mark.django_db


def _state(response) -> str:
    page = response.content.decode()
    marker = 'data-testid="payment-state" data-state="'
    return page[page.index(marker) + len(marker) :].split('"', 1)[0]


def _buyer_card_order(client):
    buyer = VerifiedUserFactory()
    client.force_login(buyer)
    placed, payment, _shops = card_order(buyer=buyer)
    return placed.order, payment


def _pay_webhook(client, fake, payment, capture):
    session = fake.complete_session(session_of(fake, payment)["id"], send=False)
    with capture(execute=True):
        post_event(client, fake, fake.event("checkout.session.completed", session))


def test_checkout_with_a_card_goes_to_stripes_page(client, fake_stripe):
    _user, _cart, options = _shopper_with_cart(client, shops=2)
    assert 'id="payment-stripe"' in client.get("/checkout/").content.decode()

    response = client.post("/checkout/", _place_post(options, payment_method="stripe"))

    order = Order.objects.get()
    payment = Payment.objects.get(order=order)
    assert payment.provider == "stripe"
    assert payment.status == Payment.Status.PENDING
    assert response.status_code == 302
    assert response["Location"] == f"{fake_stripe.url}/pay/{payment.provider_reference}"
    assert len(fake_stripe.requests_to("POST /v1/checkout/sessions")) == 1


def test_checkout_when_stripe_is_down_lands_on_the_order_page_with_pay_now(client, fake_stripe):
    _user, _cart, options = _shopper_with_cart(client)
    fake_stripe.fail_next("POST /v1/checkout/sessions", status=500, times=3)

    response = client.post("/checkout/", _place_post(options, payment_method="stripe"))

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pesanan/{order.number}/"
    assert set(order.shop_orders.values_list("status", flat=True)) == {"awaiting_payment"}
    # "Pay now" on the pay page creates the session once Stripe is back.
    paid = client.post(f"/pembayaran/{order.number}/bayar/", {"payment_method": "stripe"})
    payment = Payment.objects.get(order=order)
    assert paid["Location"] == f"{fake_stripe.url}/pay/{payment.provider_reference}"


def test_the_return_page_shows_processing_until_our_database_says_paid(client, fake_stripe):
    order, payment = _buyer_card_order(client)

    response = client.get(f"/en/pembayaran/{order.number}/selesai/")  # the redirect alone proves nothing

    assert response.status_code == 200
    assert _state(response) == "processing"
    assert '<meta http-equiv="refresh" content="5">' in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert set(order.shop_orders.values_list("status", flat=True)) == {"awaiting_payment"}
    # It asked Stripe once for the session, which is still unpaid.
    assert [r.path for r in fake_stripe.requests_to("GET /v1/checkout/sessions/*")] == [
        f"/v1/checkout/sessions/{payment.provider_reference}"
    ]


def test_the_return_page_shows_paid_after_the_webhook(client, fake_stripe, django_capture_on_commit_callbacks):
    order, payment = _buyer_card_order(client)
    _pay_webhook(client, fake_stripe, payment, django_capture_on_commit_callbacks)
    requests_before = len(fake_stripe.requests)

    response = client.get(f"/en/pembayaran/{order.number}/selesai/")

    assert _state(response) == "paid"
    assert "Rp 92.000" in response.content.decode()
    assert len(fake_stripe.requests) == requests_before  # nothing to ask Stripe


def test_the_return_page_asks_stripe_when_the_webhook_is_late(client, fake_stripe):
    order, payment = _buyer_card_order(client)
    fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False)

    response = client.get(f"/en/pembayaran/{order.number}/selesai/")

    assert _state(response) == "paid"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_payment_id.startswith("pi_test_")
    assert set(order.shop_orders.values_list("status", flat=True)) == {"paid"}


def test_the_return_page_checks_the_amount_stripe_reports(client, fake_stripe):
    order, payment = _buyer_card_order(client)
    fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False, amount_total=100)

    response = client.get(f"/en/pembayaran/{order.number}/selesai/")

    assert _state(response) == "processing"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert payment.flagged_at is not None
    assert set(order.shop_orders.values_list("status", flat=True)) == {"awaiting_payment"}


def test_a_failed_payment_offers_to_retry_with_a_card_in_a_new_session(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    order, payment = _buyer_card_order(client)
    declined = fake_stripe.decline_session(session_of(fake_stripe, payment)["id"], send=False)
    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, fake_stripe, fake_stripe.event("payment_intent.payment_failed", declined))

    page = client.get(f"/en/pembayaran/{order.number}/selesai/")
    assert _state(page) == "failed"
    html = page.content.decode()
    assert "Your card was declined." in html
    assert 'data-testid="retry-stripe"' in html
    assert 'data-testid="retry-bank_transfer"' in html

    response = client.post(f"/en/pembayaran/{order.number}/bayar/", {"payment_method": "stripe"})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    new = Payment.objects.get(order=order, status=Payment.Status.PENDING)
    assert new.provider == "stripe"
    assert new.provider_reference != payment.provider_reference
    assert response["Location"] == f"{fake_stripe.url}/pay/{new.provider_reference}"
    sessions = fake_stripe.requests_to("POST /v1/checkout/sessions")
    assert [request.idempotency_key for request in sessions] == [
        f"checkout-session:payment:{payment.pk}",
        f"checkout-session:payment:{new.pk}",
    ]


def test_going_on_with_the_card_reuses_the_open_session(client, fake_stripe):
    order, payment = _buyer_card_order(client)
    payment.refresh_from_db()
    response = client.post(f"/pembayaran/{order.number}/bayar/", {"payment_method": "stripe"})
    assert response["Location"] == f"{fake_stripe.url}/pay/{payment.provider_reference}"
    assert Payment.objects.filter(order=order).count() == 1
    assert len(fake_stripe.requests_to("POST /v1/checkout/sessions")) == 1


def test_an_expired_session_starts_a_new_attempt(client, fake_stripe):
    order, payment = _buyer_card_order(client)
    fake_stripe.sessions[session_of(fake_stripe, payment)["id"]]["status"] = "expired"

    response = client.post(f"/pembayaran/{order.number}/bayar/", {"payment_method": "stripe"})

    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    new = Payment.objects.get(order=order, status=Payment.Status.PENDING)
    assert response["Location"] == f"{fake_stripe.url}/pay/{new.provider_reference}"


def test_switching_to_bank_transfer(client, fake_stripe):
    order, payment = _buyer_card_order(client)

    response = client.post(f"/pembayaran/{order.number}/bayar/", {"payment_method": "bank_transfer"})

    assert response.status_code == 302
    assert response["Location"] == f"/pembayaran/{order.number}/bukti/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    transfer = Payment.objects.get(order=order, status=Payment.Status.PENDING)
    assert transfer.provider == "bank_transfer"
    assert transfer.amount == order.total + transfer.unique_code
    assert Order.objects.get(pk=order.pk).payment_method == "bank_transfer"
    assert client.get(response["Location"]).status_code == 200


def test_the_pay_page_lists_the_methods_and_refuses_others(client, fake_stripe):
    order, payment = _buyer_card_order(client)
    page = client.get(f"/en/pembayaran/{order.number}/bayar/").content.decode()
    assert 'value="stripe" checked' in page
    assert 'value="bank_transfer"' in page
    assert 'value="cod"' not in page

    response = client.post(f"/en/pembayaran/{order.number}/bayar/", {"payment_method": "cod"})

    assert response["Location"] == f"/en/pembayaran/{order.number}/bayar/"
    assert list(Payment.objects.filter(order=order)) == [payment]


def test_a_paid_order_cannot_be_paid_again(client, fake_stripe, django_capture_on_commit_callbacks):
    order, payment = _buyer_card_order(client)
    _pay_webhook(client, fake_stripe, payment, django_capture_on_commit_callbacks)
    page = client.get(f"/en/pembayaran/{order.number}/bayar/").content.decode()
    assert 'name="payment_method"' not in page
    client.post(f"/en/pembayaran/{order.number}/bayar/", {"payment_method": "stripe"})
    assert Payment.objects.filter(order=order).count() == 1
    assert len(fake_stripe.requests_to("POST /v1/checkout/sessions")) == 1


def test_guests_use_their_link_and_keep_it(client, fake_stripe):
    order, _payment, token = guest_card_order()
    query = urlencode({"t": token})

    assert _state(client.get(f"/en/pembayaran/{order.number}/selesai/?{query}")) == "processing"
    response = client.post(f"/pembayaran/{order.number}/bayar/?{query}", {"payment_method": "bank_transfer"})
    assert response["Location"] == f"/pembayaran/{order.number}/bukti/?{query}"
    refused = client.post(f"/pembayaran/{order.number}/bayar/?{query}", {"payment_method": "cod"})
    assert refused["Location"] == f"/pembayaran/{order.number}/bayar/?{query}"

    assert client.get(f"/pembayaran/{order.number}/selesai/").status_code == 404
    assert client.get(f"/pembayaran/{order.number}/selesai/?t=wrong").status_code == 404


def test_other_users_get_404_and_change_nothing(client, fake_stripe):
    order, _payment = _buyer_card_order(client)
    client.force_login(VerifiedUserFactory())

    assert client.get(f"/pembayaran/{order.number}/selesai/").status_code == 404
    assert client.get(f"/pembayaran/{order.number}/bayar/").status_code == 404
    assert client.post(f"/pembayaran/{order.number}/bayar/", {"payment_method": "bank_transfer"}).status_code == 404
    assert client.get("/pembayaran/PU-000000-XXXXX/selesai/").status_code == 404
    assert list(Payment.objects.filter(order=order).values_list("status", flat=True)) == ["pending"]
    assert len(fake_stripe.requests_to("GET /v1/checkout/sessions/*")) == 0


def test_the_order_page_box_offers_pay_now_and_try_again(fake_stripe):
    placed, payment, _shops = card_order()
    order = Order.objects.prefetch_related("shop_orders").get(pk=placed.order.pk)
    with translation.override("en"):
        pending = render_to_string(
            "orders/my_orders/_payment_actions.html", {"order": order, "payment": payment, "token": "abc"}
        )
        assert 'data-card-payment="pending"' in pending
        assert f'href="/en/pembayaran/{order.number}/bayar/?t=abc"' in pending
        assert "Pay now" in pending

        payment.status = Payment.Status.FAILED
        failed = render_to_string("orders/my_orders/_payment_actions.html", {"order": order, "payment": payment})
        assert 'data-card-payment="failed"' in failed
        assert "Try again" in failed

        ShopOrder.objects.filter(order=order).update(status="cancelled")
        order = Order.objects.prefetch_related("shop_orders").get(pk=order.pk)
        ended = render_to_string("orders/my_orders/_payment_actions.html", {"order": order, "payment": payment})
        assert "data-card-payment" not in ended


@pytest.mark.django_db(transaction=True)
def test_paying_on_the_hosted_page_sends_the_signed_webhook_and_returns_to_our_page(live_server, fake_stripe, settings):
    """The whole redirect round trip over HTTP, as the browser journey drives it: our checkout session, the
    stand-in's hosted page, its signed webhook to our live server, and back to the return page."""
    import requests

    settings.SITE_URL = live_server.url
    fake_stripe.webhook_url = f"{live_server.url}/payments/stripe/webhook/"
    order, payment, token = guest_card_order()
    session = session_of(fake_stripe, payment)
    assert session["success_url"] == f"{live_server.url}/pembayaran/{order.number}/selesai/?{urlencode({'t': token})}"

    page = requests.get(session["url"], timeout=10)
    assert page.status_code == 200
    assert 'data-testid="pay"' in page.text
    declined = requests.post(session["url"], data={"action": "decline"}, timeout=10)
    assert "Your card was declined." in declined.text
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED

    back = requests.post(session["url"], data={"action": "pay"}, headers={"Accept-Language": "en"}, timeout=10)

    assert back.url.startswith(f"{live_server.url}/pembayaran/{order.number}/selesai/")
    assert 'data-state="paid"' in back.text
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert set(order.shop_orders.values_list("status", flat=True)) == {"paid"}
    assert [event["type"] for event in fake_stripe.sent_events] == [
        "payment_intent.payment_failed",
        "checkout.session.completed",
        "payment_intent.succeeded",
    ]
