"""`payments.stripe_gateway` against the local Stripe stand-in: the exact parameters, amounts in Stripe's units,
idempotency keys, and how Stripe's errors map to `ProviderError` (with the SDK's own retries)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import urlencode

from orders.models import Order
from orders.services.fulfilment import shop_order_cancel
from payments import stripe_gateway
from payments.errors import ProviderError
from payments.models import Payment, Payout, PayoutAccount, Refund
from payments.providers import available_payment_methods, get_provider
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory

from .stripe_helpers import card_order, guest_card_order

pytestmark = pytest.mark.django_db


def test_placing_a_card_order_creates_one_checkout_session_with_the_exact_parameters(fake_stripe):
    placed, payment, (shop_a, shop_b) = card_order()
    order = placed.order

    [request] = fake_stripe.requests_to("POST /v1/checkout/sessions")
    shop_orders = {so.shop_id: so for so in order.shop_orders.all()}
    params = request.params
    assert params["mode"] == "payment"
    assert params["line_items"] == [
        {
            "price_data": {
                "currency": "idr",
                "unit_amount": "4000000",  # Rp 40.000
                "product_data": {"name": f"{shop_a.name} · {shop_orders[shop_a.pk].number}"},
            },
            "quantity": "1",
        },
        {
            "price_data": {
                "currency": "idr",
                "unit_amount": "5200000",  # Rp 52.000
                "product_data": {"name": f"{shop_b.name} · {shop_orders[shop_b.pk].number}"},
            },
            "quantity": "1",
        },
    ]
    assert params["client_reference_id"] == order.number
    assert params["metadata"] == {"order_number": order.number, "payment_id": str(payment.pk)}
    assert params["payment_intent_data"] == {
        "metadata": {"order_number": order.number, "payment_id": str(payment.pk)},
        "transfer_group": order.number,
    }
    assert params["customer_email"] == order.email
    assert params["locale"] == "id"
    assert params["success_url"] == f"http://testserver/pembayaran/{order.number}/selesai/"
    assert params["cancel_url"] == f"http://testserver/pembayaran/{order.number}/bayar/"
    assert request.idempotency_key == f"checkout-session:payment:{payment.pk}"
    assert request.headers["authorization"] == "Bearer sk_test_fake_stripe"
    # The session is the payment's reference, and the shopper is sent to its page.
    payment.refresh_from_db()
    assert payment.provider_reference == fake_stripe.sessions[payment.provider_reference]["id"]
    assert payment.amount == order.total == 92_000
    assert placed.next_action.kind == "redirect"
    assert placed.next_action.data == {
        "url": f"{fake_stripe.url}/pay/{payment.provider_reference}",
        "session_id": payment.provider_reference,
    }
    assert fake_stripe.sessions[payment.provider_reference]["amount_total"] == 9_200_000


def test_session_expiry_is_the_payment_deadline_within_stripes_limits(fake_stripe):
    _placed, payment, _shops = card_order()
    order = payment.order
    params = lambda: stripe_gateway.checkout_session_params(payment=payment, success_url="s", cancel_url="c")  # noqa: E731
    now = timezone.now()

    order.pay_before = now + timedelta(hours=5)
    assert params()["expires_at"] == int(order.pay_before.timestamp())
    order.pay_before = now + timedelta(days=2)  # Stripe allows at most 24 hours
    assert abs(params()["expires_at"] - int((now + timedelta(hours=23)).timestamp())) <= 2
    order.pay_before = now + timedelta(minutes=5)  # and at least 30 minutes
    assert abs(params()["expires_at"] - int((now + timedelta(minutes=31)).timestamp())) <= 2


def test_english_orders_get_stripes_english_page_and_guests_keep_their_link(fake_stripe):
    order, payment, token = guest_card_order()
    params = fake_stripe.requests_to("POST /v1/checkout/sessions")[0].params
    assert params["success_url"] == f"http://testserver/pembayaran/{order.number}/selesai/?{urlencode({'t': token})}"
    Order.objects.filter(pk=order.pk).update(language="en")
    payment.refresh_from_db()
    english = stripe_gateway.checkout_session_params(payment=payment, success_url="s", cancel_url="c")
    assert english["locale"] == "en"


def test_initiating_again_reuses_the_open_session(fake_stripe):
    _placed, payment, _shops = card_order()
    payment.refresh_from_db()
    action = get_provider("stripe").initiate(payment=payment)
    assert action.data["session_id"] == payment.provider_reference
    assert len(fake_stripe.requests_to("POST /v1/checkout/sessions")) == 1
    assert len(fake_stripe.requests_to("GET /v1/checkout/sessions/*")) == 1


def test_a_session_that_does_not_add_up_to_the_payment_is_never_created(fake_stripe):
    _placed, payment, _shops = card_order()
    Payment.objects.filter(pk=payment.pk).update(amount=91_999)
    payment.refresh_from_db()
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.checkout_session_create(payment=payment, success_url="s", cancel_url="c")
    assert raised.value.code == "amount_mismatch"
    assert not raised.value.retryable
    assert len(fake_stripe.requests_to("POST /v1/checkout/sessions")) == 1  # only the checkout's own


def test_the_card_method_is_hidden_without_keys(settings, db):
    settings.STRIPE_SECRET_KEY = ""
    shop = ApprovedShopFactory()
    assert "stripe" not in available_payment_methods(shops=[shop])
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert "stripe" not in available_payment_methods(shops=[shop])
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert available_payment_methods(shops=[shop])[0] == "stripe"


# --- Refunds, Connect, transfers -----------------------------------------------------------------------------


def _refund(payment, amount=15_000):
    shop_order = payment.order.shop_orders.order_by("pk").first()
    return Refund.objects.create(
        payment=payment,
        shop_order=shop_order,
        amount=amount,
        method=Refund.Method.PROVIDER,
        paid_back_by=Refund.PaidBackBy.PLATFORM,
        reason="rusak",
        actor="operator",
        idempotency_key=f"refund:test:{shop_order.pk}:{amount}",
    )


def test_refund_sends_the_amount_in_stripes_units_against_the_payment_intent(fake_stripe):
    _placed, payment, _shops = card_order()
    Payment.objects.filter(pk=payment.pk).update(provider_payment_id="pi_test_123")
    payment.refresh_from_db()
    refund = _refund(payment)

    refund_id, status = stripe_gateway.refund_create(refund=refund)

    [request] = fake_stripe.requests_to("POST /v1/refunds")
    assert request.params == {
        "payment_intent": "pi_test_123",
        "amount": "1500000",
        "metadata": {"refund_id": str(refund.pk), "shop_order_number": refund.shop_order.number},
    }
    assert request.idempotency_key == refund.idempotency_key
    assert (refund_id, status) == (fake_stripe.refunds[refund_id]["id"], "succeeded")
    # The same refund sent again (a retried task) is the same Stripe refund.
    assert stripe_gateway.refund_create(refund=refund) == (refund_id, "succeeded")
    assert len(fake_stripe.refunds) == 1

    fake_stripe.refund_status = "pending"
    result = get_provider("stripe").refund(refund=_refund(payment, amount=1_000))
    assert (result.manual, result.pending, result.amount) == (False, True, 1_000)
    assert result.reference.startswith("re_test_")


def test_refund_without_a_payment_intent_is_refused_before_calling_stripe(fake_stripe):
    _placed, payment, _shops = card_order()
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=_refund(payment))
    assert not raised.value.retryable
    assert fake_stripe.requests_to("POST /v1/refunds") == []


def test_connect_account_link_and_transfer_parameters(fake_stripe):
    shop = ApprovedShopFactory()
    account = PayoutAccount.objects.create(shop=shop)
    account_id = stripe_gateway.connect_account_create(payout_account=account, email="toko@contoh.id")
    [request] = fake_stripe.requests_to("POST /v1/accounts")
    assert request.params == {
        "type": "express",
        "country": "ID",
        "email": "toko@contoh.id",
        "capabilities": {"transfers": {"requested": "true"}},
        "metadata": {"shop_id": str(shop.pk)},
    }
    assert request.idempotency_key == f"connect-account:shop:{shop.pk}"
    assert stripe_gateway.connect_account_create(payout_account=account, email="toko@contoh.id") == account_id

    url = stripe_gateway.account_link_create(account_id=account_id, refresh_url="http://x/r", return_url="http://x/k")
    [link] = fake_stripe.requests_to("POST /v1/account_links")
    assert link.params == {
        "account": account_id,
        "refresh_url": "http://x/r",
        "return_url": "http://x/k",
        "type": "account_onboarding",
    }
    assert url.startswith(f"{fake_stripe.url}/onboarding/{account_id}")

    payout = Payout.objects.create(shop=shop, amount=37_500, method=Payout.Method.STRIPE, idempotency_key="payout:t:1")
    transfer_id = stripe_gateway.transfer_create(payout=payout, destination=account_id, transfer_group="PSN-1")
    [transfer] = fake_stripe.requests_to("POST /v1/transfers")
    assert transfer.params == {
        "amount": "3750000",
        "currency": "idr",
        "destination": account_id,
        "transfer_group": "PSN-1",
        "metadata": {"payout_id": str(payout.pk), "shop_id": str(shop.pk)},
    }
    assert transfer.idempotency_key == "payout:t:1"
    assert transfer_id == fake_stripe.transfers[transfer_id]["id"]


# --- Errors --------------------------------------------------------------------------------------------------


@pytest.fixture
def refundable(fake_stripe):
    _placed, payment, _shops = card_order()
    Payment.objects.filter(pk=payment.pk).update(provider_payment_id="pi_test_err")
    payment.refresh_from_db()
    return _refund(payment)


def test_a_declined_card_is_not_retried(fake_stripe, refundable):
    fake_stripe.fail_next(
        "POST /v1/refunds",
        status=402,
        error={"type": "card_error", "code": "card_declined", "message": "Your card was declined."},
    )
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert (raised.value.retryable, raised.value.code) == (False, "card_declined")
    assert len(fake_stripe.requests_to("POST /v1/refunds")) == 1


def test_an_invalid_request_is_not_retried(fake_stripe, refundable):
    fake_stripe.fail_next(
        "POST /v1/refunds",
        status=400,
        error={"type": "invalid_request_error", "code": "charge_already_refunded", "message": "Already refunded."},
    )
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert (raised.value.retryable, raised.value.code) == (False, "charge_already_refunded")
    assert "charge_already_refunded" in raised.value.message


def test_a_refused_api_key_is_not_retried(fake_stripe, refundable):
    fake_stripe.fail_next(
        "POST /v1/refunds", status=401, error={"type": "invalid_request_error", "message": "Invalid API Key"}
    )
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert raised.value.retryable is False
    assert "STRIPE_SECRET_KEY" in raised.value.message


def test_a_rate_limit_is_retryable(fake_stripe, refundable):
    fake_stripe.fail_next(
        "POST /v1/refunds", status=429, error={"type": "invalid_request_error", "code": "rate_limit", "message": "x"}
    )
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert (raised.value.retryable, raised.value.code) == (True, "rate_limit")
    # Trying again later (the task's retry) goes through, with the same idempotency key.
    refund_id, _status = stripe_gateway.refund_create(refund=refundable)
    keys = {request.idempotency_key for request in fake_stripe.requests_to("POST /v1/refunds")}
    assert keys == {refundable.idempotency_key}
    assert list(fake_stripe.refunds) == [refund_id]


def test_server_errors_are_retried_by_the_sdk_with_the_same_key(fake_stripe, refundable):
    fake_stripe.fail_next("POST /v1/refunds", status=500, times=2)
    refund_id, status = stripe_gateway.refund_create(refund=refundable)  # two retries allowed: the third succeeds
    requests = fake_stripe.requests_to("POST /v1/refunds")
    assert len(requests) == 3
    assert {request.idempotency_key for request in requests} == {refundable.idempotency_key}
    assert list(fake_stripe.refunds) == [refund_id]
    assert status == "succeeded"


def test_server_errors_beyond_the_sdks_retries_are_retryable(fake_stripe, refundable):
    fake_stripe.fail_next("POST /v1/refunds", status=503, times=3)
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert raised.value.retryable is True
    assert len(fake_stripe.requests_to("POST /v1/refunds")) == 3
    assert fake_stripe.refunds == {}


def test_stripe_unreachable_is_retryable(fake_stripe, refundable, settings, closed_port):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port}"
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert (raised.value.retryable, raised.value.code) == (True, "connection_error")


def test_reusing_a_key_with_other_parameters_is_an_idempotency_error(fake_stripe, refundable):
    stripe_gateway.refund_create(refund=refundable)
    refundable.amount = 14_000
    with pytest.raises(ProviderError) as raised:
        stripe_gateway.refund_create(refund=refundable)
    assert (raised.value.retryable, raised.value.code) == (False, "idempotency_error")


def test_a_stripe_outage_while_placing_does_not_fail_the_order(fake_stripe):
    fake_stripe.fail_next("POST /v1/checkout/sessions", status=500, times=3)
    placed, payment, _shops = card_order(buyer=VerifiedUserFactory())
    assert placed.created
    assert placed.next_action is None
    assert payment.status == Payment.Status.PENDING
    assert payment.provider_reference == ""
    assert placed.order.shop_orders.filter(status="awaiting_payment").count() == 2


def test_a_part_cancelled_before_payment_is_not_charged_by_the_next_session(fake_stripe):
    placed, payment, (shop_a, _shop_b) = card_order()
    part_a = placed.order.shop_orders.get(shop=shop_a)
    shop_order_cancel(shop_order=part_a, user=part_a.shop.members.get().user, reason="Stok habis", actor="seller")

    payment.refresh_from_db()
    assert payment.status == "cancelled"  # its open session charged both shops; an old session paid is flagged
    repriced = Payment.objects.get(order=placed.order, status="pending")
    assert (repriced.amount, repriced.idempotency_key) == (52_000, f"order:{placed.order.pk}:2")
    action = get_provider("stripe").initiate(payment=repriced)
    request = fake_stripe.requests_to("POST /v1/checkout/sessions")[-1]
    assert request.idempotency_key == f"checkout-session:payment:{repriced.pk}"
    assert [item["price_data"]["unit_amount"] for item in request.params["line_items"]] == ["5200000"]
    assert action.data["session_id"] != payment.provider_reference
