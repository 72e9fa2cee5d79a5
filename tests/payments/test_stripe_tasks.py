"""Stripe events through Celery: a real worker on Redis processes a posted webhook (and retries an event that
arrived before its payment), and with the broker down the webhook still answers 200 and the sweep processes
the stored event later."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from payments import tasks
from payments.models import Payment, PaymentEvent
from tests.core.test_tasks import wait_until

from .stripe_helpers import card_order, post_event, session_of


@pytest.mark.celery_worker
def test_a_posted_webhook_is_processed_by_the_worker(celery_worker, client, fake_stripe):
    placed, payment, _shops = card_order()
    session = fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False)

    response = post_event(client, fake_stripe, fake_stripe.event("checkout.session.completed", session))

    assert response.status_code == 200
    assert wait_until(lambda: PaymentEvent.objects.filter(processed_at__isnull=False).exists())
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert set(placed.order.shop_orders.values_list("status", flat=True)) == {"paid"}


@pytest.mark.celery_worker
def test_the_worker_retries_an_event_that_arrived_before_its_payment(celery_worker, client, fake_stripe, monkeypatch):
    monkeypatch.setattr(tasks, "EVENT_FIRST_RETRY_SECONDS", 0.5)
    _placed, payment, _shops = card_order()
    session = fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False)
    session = {**session, "id": "cs_test_late_row", "metadata": {}}

    assert post_event(client, fake_stripe, fake_stripe.event("checkout.session.completed", session)).status_code == 200
    assert wait_until(lambda: PaymentEvent.objects.filter(attempts__gte=1).exists())
    assert PaymentEvent.objects.get().processed_at is None

    Payment.objects.filter(pk=payment.pk).update(provider_reference="cs_test_late_row")

    assert wait_until(lambda: PaymentEvent.objects.filter(processed_at__isnull=False).exists())
    stored = PaymentEvent.objects.get()
    assert stored.attempts >= 2
    assert stored.last_error == ""
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


@pytest.mark.django_db
def test_with_the_broker_down_the_webhook_answers_and_the_sweep_processes_the_event_later(
    client, fake_stripe, unreachable_broker, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="marketplace.core.queueing")
    placed, payment, _shops = card_order()
    session = fake_stripe.complete_session(session_of(fake_stripe, payment)["id"], send=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, fake_stripe, fake_stripe.event("checkout.session.completed", session))

    assert response.status_code == 200
    assert response.json()["received"] is True
    stored = PaymentEvent.objects.get()
    assert stored.processed_at is None
    assert "Broker unreachable" in caplog.text
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING

    assert tasks.sweep_payment_events() == 0  # the fast path may still be on it during the first minute
    PaymentEvent.objects.filter(pk=stored.pk).update(received_at=timezone.now() - timedelta(minutes=2))
    assert tasks.sweep_payment_events() == 1

    stored.refresh_from_db()
    assert stored.processed_at is not None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert set(placed.order.shop_orders.values_list("status", flat=True)) == {"paid"}
    assert tasks.sweep_payment_events() == 0
