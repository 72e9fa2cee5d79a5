"""`POST /payments/stripe/webhook/`: signatures checked by the SDK, events stored once under their id, processed
(eagerly here) by `payments.services.stripe_events`. Payloads are signed with the SDK's own signature code."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from orders.models import ShopOrder
from orders.services.fulfilment import order_expire
from payments.models import LedgerEntry, Payment, PaymentEvent, PayoutAccount, Refund
from payments.services import payment_restart
from payments.services.stripe_events import EventNotReady, payment_event_process
from payments.tasks import sweep_payment_events
from tests.factories.shops import ApprovedShopFactory

from .conftest import in_indonesian
from .stripe_helpers import card_order, post_event, session_of

pytestmark = pytest.mark.django_db


def _completed(fake, payment, **changes) -> dict:
    session = fake.complete_session(session_of(fake, payment)["id"], send=False)
    session.update(changes)
    return fake.event("checkout.session.completed", session)


def _statuses(order) -> set[str]:
    return set(ShopOrder.objects.filter(order=order).values_list("status", flat=True))


def _post(client, fake, event, capture, **kwargs):
    with capture(execute=True):
        return post_event(client, fake, event, **kwargs)


# --- Signatures ----------------------------------------------------------------------------------------------


def test_a_signed_completed_event_pays_the_order_once(client, fake_stripe, django_capture_on_commit_callbacks):
    placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment)

    response = _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.json()["received"] is True
    stored = PaymentEvent.objects.get()
    assert (stored.provider, stored.event_id, stored.kind) == ("stripe", event["id"], "checkout.session.completed")
    assert stored.payload == event
    assert stored.processed_at is not None
    assert stored.attempts == 1
    assert stored.last_error == ""
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_payment_id == event["data"]["object"]["payment_intent"]
    assert _statuses(placed.order) == {"paid"}
    assert LedgerEntry.objects.filter(kind="sale").count() == 2


@pytest.mark.parametrize(
    "how",
    ["tampered", "wrong_secret", "stale", "missing", "garbage", "future_only_other_scheme"],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(client, fake_stripe, how, django_capture_on_commit_callbacks):
    placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment)
    body = json.dumps(event).encode()
    signature = fake_stripe.sign(body)
    if how == "tampered":
        body = body.replace(b'"amount_total": 9200000', b'"amount_total": 100')
        assert b'"amount_total": 100' in body
    elif how == "wrong_secret":
        signature = fake_stripe.sign(body, secret="whsec_someone_else")
    elif how == "stale":
        signature = fake_stripe.sign(body, timestamp=int(time.time()) - 301)
    elif how == "missing":
        signature = ""
    elif how == "garbage":
        signature = "not a signature"
    else:
        signature = signature.replace("v1=", "v0=")

    response = _post(client, fake_stripe, event, django_capture_on_commit_callbacks, signature=signature, body=body)

    assert response.status_code == 400
    assert PaymentEvent.objects.count() == 0
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert _statuses(placed.order) == {"awaiting_payment"}


def test_a_recent_signature_within_the_tolerance_is_accepted(client, fake_stripe, django_capture_on_commit_callbacks):
    _placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment)
    body = json.dumps(event).encode()
    signature = fake_stripe.sign(body, timestamp=int(time.time()) - 240)
    response = _post(client, fake_stripe, event, django_capture_on_commit_callbacks, signature=signature, body=body)
    assert response.status_code == 200


def test_without_a_webhook_secret_nothing_is_accepted(client, fake_stripe, settings):
    _placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment)
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_event(client, fake_stripe, event).status_code == 400
    assert PaymentEvent.objects.count() == 0


def test_only_post_is_allowed(client, fake_stripe):
    assert client.get("/payments/stripe/webhook/").status_code == 405


def test_a_signed_body_that_is_not_an_event_is_refused(client, fake_stripe):
    body = json.dumps({"hello": "world"}).encode()
    response = post_event(client, fake_stripe, {}, body=body)
    assert response.status_code == 400
    assert PaymentEvent.objects.count() == 0


# --- Replays and order ---------------------------------------------------------------------------------------


def test_an_event_replayed_100_times_is_stored_and_booked_once(
    client, fake_stripe, django_capture_on_commit_callbacks, mailoutbox
):
    placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment)
    body = json.dumps(event).encode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        responses = [post_event(client, fake_stripe, event, body=body) for _ in range(100)]

    assert {response.status_code for response in responses} == {200}
    assert [response.json()["duplicate"] for response in responses] == [False] + [True] * 99
    assert len(callbacks) == 1  # only the first delivery queued the processing
    assert PaymentEvent.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert _statuses(placed.order) == {"paid"}
    entries = LedgerEntry.objects.filter(shop_order__order=placed.order)
    assert entries.filter(kind="sale").count() == 2
    assert entries.filter(kind="shipping").count() == 2
    sale_and_shipping = sum(entries.filter(kind__in=["sale", "shipping"]).values_list("amount", flat=True))
    assert sale_and_shipping == 92_000


def test_the_payment_intent_event_after_the_session_event_changes_nothing(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    _placed, payment, _shops = card_order()
    session_event = _completed(fake_stripe, payment)
    intent = fake_stripe.payment_intent_of(session_event["data"]["object"])
    _post(client, fake_stripe, session_event, django_capture_on_commit_callbacks)
    entries = LedgerEntry.objects.count()

    _post(
        client, fake_stripe, fake_stripe.event("payment_intent.succeeded", intent), django_capture_on_commit_callbacks
    )

    assert PaymentEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert LedgerEntry.objects.count() == entries
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.flagged_at is None


def test_the_payment_intent_event_alone_pays_the_order(client, fake_stripe, django_capture_on_commit_callbacks):
    placed, payment, _shops = card_order()
    session = fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False)
    event = fake_stripe.event("payment_intent.succeeded", fake_stripe.payment_intent_of(session))
    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_payment_id == session["payment_intent"]
    assert _statuses(placed.order) == {"paid"}


@pytest.mark.parametrize("late", ["checkout.session.expired", "checkout.session.async_payment_failed", "intent_failed"])
def test_a_failure_arriving_after_the_payment_succeeded_changes_nothing(
    client, fake_stripe, late, django_capture_on_commit_callbacks
):
    placed, payment, _shops = card_order()
    completed = _completed(fake_stripe, payment)
    _post(client, fake_stripe, completed, django_capture_on_commit_callbacks)
    session = completed["data"]["object"]
    if late == "intent_failed":
        intent = fake_stripe.payment_intent_of(session, status="requires_payment_method")
        intent["last_payment_error"] = {"message": "Your card was declined."}
        event = fake_stripe.event("payment_intent.payment_failed", intent)
    else:
        event = fake_stripe.event(late, {**session, "status": "expired"})

    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.failure_message == ""
    assert _statuses(placed.order) == {"paid"}
    assert PaymentEvent.objects.get(event_id=event["id"]).processed_at is not None


def test_a_declined_card_fails_the_attempt_and_a_later_success_in_the_same_session_pays(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    placed, payment, _shops = card_order()
    session_id = session_of(fake_stripe, payment)["id"]
    declined = fake_stripe.decline_session(session_id, send=False)
    _post(
        client,
        fake_stripe,
        fake_stripe.event("payment_intent.payment_failed", declined),
        django_capture_on_commit_callbacks,
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_message == "Your card was declined."
    assert _statuses(placed.order) == {"awaiting_payment"}

    _post(client, fake_stripe, _completed(fake_stripe, payment), django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.failure_message == ""
    assert _statuses(placed.order) == {"paid"}


def test_an_expired_session_fails_the_payment_with_a_message(client, fake_stripe, django_capture_on_commit_callbacks):
    placed, payment, _shops = card_order()
    session = {**session_of(fake_stripe, payment), "status": "expired"}
    _post(
        client, fake_stripe, fake_stripe.event("checkout.session.expired", session), django_capture_on_commit_callbacks
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_message  # in the order's language
    assert _statuses(placed.order) == {"awaiting_payment"}


def test_an_unpaid_completed_session_waits_for_the_async_result(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment, payment_status="unpaid")
    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert _statuses(placed.order) == {"awaiting_payment"}

    succeeded = fake_stripe.event(
        "checkout.session.async_payment_succeeded", event["data"]["object"] | {"payment_status": "paid"}
    )
    _post(client, fake_stripe, succeeded, django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


# --- Money that does not match -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"amount_total": 9_199_900}, "Rp 91.999"),
        ({"amount_total": 9_200_050}, "?"),  # not a whole rupiah
        ({"currency": "usd"}, "USD"),
    ],
)
def test_money_that_does_not_match_flags_the_payment_and_accepts_nothing(
    client, fake_stripe, changes, words, django_capture_on_commit_callbacks
):
    placed, payment, _shops = card_order()
    event = _completed(fake_stripe, payment, **changes)

    response = _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert payment.flagged_at is not None
    assert words in payment.flag_reason
    assert payment.provider_payment_id == event["data"]["object"]["payment_intent"]  # so it can be refunded
    assert _statuses(placed.order) == {"awaiting_payment"}
    assert LedgerEntry.objects.count() == 0
    assert PaymentEvent.objects.get().processed_at is not None


def test_paying_an_abandoned_session_after_switching_to_bank_transfer_is_flagged(
    client, fake_stripe, settings, django_capture_on_commit_callbacks
):
    placed, payment, _shops = card_order()
    old_session = session_of(fake_stripe, payment)["id"]
    new_payment = payment_restart(order=placed.order, method="bank_transfer")
    event = fake_stripe.event("checkout.session.completed", fake_stripe.complete_session(old_session, send=False))

    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    new_payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert payment.flagged_at is not None
    assert payment.flag_reason == in_indonesian(
        "The shopper paid by card after this payment was cancelled (another payment method was chosen or "
        "the order ended): refund it."
    )
    assert new_payment.status == Payment.Status.PENDING
    assert _statuses(placed.order) == {"awaiting_payment"}


def test_paying_after_the_order_expired_is_flagged(client, fake_stripe, django_capture_on_commit_callbacks):
    placed, payment, _shops = card_order()
    declined = fake_stripe.decline_session(session_of(fake_stripe, payment)["id"], send=False)
    _post(
        client,
        fake_stripe,
        fake_stripe.event("payment_intent.payment_failed", declined),
        django_capture_on_commit_callbacks,
    )
    type(placed.order).objects.filter(pk=placed.order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    placed.order.refresh_from_db()
    assert order_expire(order=placed.order)

    _post(client, fake_stripe, _completed(fake_stripe, payment), django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.flagged_at is not None
    assert payment.flag_reason == in_indonesian(
        "The card payment arrived after the order was cancelled or expired: refund it."
    )
    assert _statuses(placed.order) == {"cancelled"}
    assert LedgerEntry.objects.count() == 0


# --- Events before their rows --------------------------------------------------------------------------------


def test_an_event_before_its_payment_exists_is_retried_then_processed(
    client, fake_stripe, django_capture_on_commit_callbacks
):
    _placed, payment, _shops = card_order()
    session = fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False)
    session = {**session, "id": "cs_test_not_stored_yet", "metadata": {}}
    event = fake_stripe.event("checkout.session.completed", session)

    response = _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    stored = PaymentEvent.objects.get()
    assert stored.processed_at is None
    assert stored.attempts == 1
    assert "EventNotReady" in stored.last_error
    # The sweep leaves it alone during its first minute, then tries again: still missing, counted.
    assert sweep_payment_events() == 0
    PaymentEvent.objects.filter(pk=stored.pk).update(received_at=timezone.now() - timedelta(minutes=2))
    assert sweep_payment_events() == 0
    stored.refresh_from_db()
    assert stored.attempts == 2
    # Our row appears (the commit the webhook overtook); the next sweep processes the event.
    Payment.objects.filter(pk=payment.pk).update(provider_reference="cs_test_not_stored_yet")
    assert sweep_payment_events() == 1
    stored.refresh_from_db()
    assert stored.processed_at is not None
    assert stored.attempts == 3
    assert stored.last_error == ""
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert sweep_payment_events() == 0


def test_processing_raises_not_ready_and_counts_the_attempt(fake_stripe):
    stored = PaymentEvent.objects.create(
        provider="stripe",
        event_id="evt_x",
        kind="checkout.session.completed",
        payload=fake_stripe.event("checkout.session.completed", {"id": "cs_x", "metadata": {"payment_id": "987654"}}),
    )
    with pytest.raises(EventNotReady):
        payment_event_process(event=stored)
    stored.refresh_from_db()
    assert (stored.attempts, stored.processed_at) == (1, None)


def test_unknown_event_types_are_stored_and_ignored(client, fake_stripe, django_capture_on_commit_callbacks):
    event = fake_stripe.event("customer.created", {"id": "cus_1", "object": "customer"})
    assert _post(client, fake_stripe, event, django_capture_on_commit_callbacks).status_code == 200
    assert PaymentEvent.objects.get().processed_at is not None


# --- Connect -------------------------------------------------------------------------------------------------


def _account_event(fake, account_id, *, created, **fields):
    account = {
        "id": account_id,
        "object": "account",
        "details_submitted": True,
        "charges_enabled": True,
        "payouts_enabled": True,
        "requirements": {"currently_due": []},
    }
    account.update(fields)
    return fake.event("account.updated", account, created=created)


def test_account_updated_keeps_the_newest_state(client, fake_stripe, django_capture_on_commit_callbacks):
    shop = ApprovedShopFactory()
    PayoutAccount.objects.create(shop=shop, stripe_account_id="acct_test_1")
    now = int(time.time())
    newer = _account_event(fake_stripe, "acct_test_1", created=now)
    older = _account_event(
        fake_stripe,
        "acct_test_1",
        created=now - 60,
        details_submitted=False,
        payouts_enabled=False,
        requirements={"currently_due": ["external_account"]},
    )

    _post(client, fake_stripe, newer, django_capture_on_commit_callbacks)
    _post(client, fake_stripe, older, django_capture_on_commit_callbacks)  # late: changes nothing

    account = PayoutAccount.objects.get(shop=shop)
    assert (account.stripe_details_submitted, account.stripe_charges_enabled, account.stripe_payouts_enabled) == (
        True,
        True,
        True,
    )
    assert account.stripe_requirements == []
    assert account.stripe_updated_at == datetime.fromtimestamp(now, tz=UTC)
    assert account.pays_through_stripe

    newest = _account_event(
        fake_stripe, "acct_test_1", created=now + 30, payouts_enabled=False, requirements={"currently_due": ["x.y"]}
    )
    _post(client, fake_stripe, newest, django_capture_on_commit_callbacks)
    account.refresh_from_db()
    assert account.stripe_payouts_enabled is False
    assert account.stripe_requirements == ["x.y"]


def test_account_updated_for_an_unknown_account_waits(client, fake_stripe, django_capture_on_commit_callbacks):
    event = _account_event(fake_stripe, "acct_unknown", created=int(time.time()))
    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)
    stored = PaymentEvent.objects.get()
    assert stored.processed_at is None
    assert stored.attempts == 1


# --- Refunds -------------------------------------------------------------------------------------------------


def _paid_card_order(client, fake, capture):
    placed, payment, _shops = card_order()
    event = _completed(fake, payment)
    _post(client, fake, event, capture)
    payment.refresh_from_db()
    return placed, payment, event["data"]["object"]


def _charge(session, *, refunded, refunds=()):
    return {
        "id": "ch_test_1",
        "object": "charge",
        "payment_intent": session["payment_intent"],
        "amount": session["amount_total"],
        "amount_refunded": refunded,
        "currency": "idr",
        "refunded": refunded == session["amount_total"],
        "refunds": {"object": "list", "data": list(refunds)},
    }


def test_charge_refunded_completes_our_pending_refund(client, fake_stripe, django_capture_on_commit_callbacks):
    placed, payment, session = _paid_card_order(client, fake_stripe, django_capture_on_commit_callbacks)
    shop_order = placed.order.shop_orders.order_by("pk").first()
    refund = Refund.objects.create(
        payment=payment,
        shop_order=shop_order,
        amount=15_000,
        method=Refund.Method.PROVIDER,
        paid_back_by=Refund.PaidBackBy.PLATFORM,
        reason="barang rusak",
        actor="operator",
        idempotency_key="refund:test:1",
    )
    stripe_refund = {
        "id": "re_test_1",
        "object": "refund",
        "amount": 1_500_000,
        "status": "succeeded",
        "payment_intent": session["payment_intent"],
        "metadata": {"refund_id": str(refund.pk), "shop_order_number": shop_order.number},
    }
    event = fake_stripe.event("charge.refunded", _charge(session, refunded=1_500_000, refunds=[stripe_refund]))

    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.provider_reference == "re_test_1"
    payment.refresh_from_db()
    assert payment.flagged_at is None
    assert LedgerEntry.objects.filter(refund=refund, kind="refund").get().amount == -15_000
    # The same refund's own event afterwards changes nothing.
    _post(client, fake_stripe, fake_stripe.event("refund.updated", stripe_refund), django_capture_on_commit_callbacks)
    assert LedgerEntry.objects.filter(refund=refund, kind="refund").count() == 1


def test_a_refund_that_failed_at_stripe_fails_ours(client, fake_stripe, django_capture_on_commit_callbacks):
    placed, payment, _session = _paid_card_order(client, fake_stripe, django_capture_on_commit_callbacks)
    refund = Refund.objects.create(
        payment=payment,
        shop_order=placed.order.shop_orders.first(),
        amount=10_000,
        method=Refund.Method.PROVIDER,
        paid_back_by=Refund.PaidBackBy.PLATFORM,
        reason="x",
        actor="operator",
        idempotency_key="refund:test:2",
        provider_reference="re_test_2",
    )
    stripe_refund = {
        "id": "re_test_2",
        "object": "refund",
        "status": "failed",
        "failure_reason": "expired_or_canceled_card",
    }
    _post(client, fake_stripe, fake_stripe.event("refund.updated", stripe_refund), django_capture_on_commit_callbacks)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert "expired_or_canceled_card" in refund.failure_message
    assert LedgerEntry.objects.filter(refund=refund).count() == 0


def test_a_refund_made_in_stripes_dashboard_flags_the_payment(client, fake_stripe, django_capture_on_commit_callbacks):
    _placed, payment, session = _paid_card_order(client, fake_stripe, django_capture_on_commit_callbacks)
    outside = {"id": "re_dash", "object": "refund", "status": "succeeded", "amount": 500_000, "metadata": {}}
    event = fake_stripe.event("charge.refunded", _charge(session, refunded=500_000, refunds=[outside]))

    _post(client, fake_stripe, event, django_capture_on_commit_callbacks)

    payment.refresh_from_db()
    assert payment.flagged_at is not None
    assert payment.flag_reason == in_indonesian(
        "Refunded outside the platform: Stripe shows %(refunded)s refunded, our refunds total %(ours)s."
    ) % {"refunded": "Rp 5.000", "ours": "Rp 0"}
    assert Refund.objects.count() == 0
    assert not LedgerEntry.objects.filter(kind="refund").exists()
