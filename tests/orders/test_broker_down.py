"""A broker that is down never fails a checkout or a transition: the order is placed, its mails wait in the
outbox (written in the same transaction), and the sweep sends them once the broker is back (DESIGN §4)."""

import logging
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.core.models import OutgoingEmail
from marketplace.core.tasks import sweep_outgoing_email
from orders.models import Order
from orders.tasks import expire_unpaid_orders
from payments.models import Payment
from payments.services import bank_transfer_confirm
from shops.models import ProductVariant
from tests.core.test_tasks import wait_until
from tests.factories.accounts import VerifiedUserFactory

from .builders import address_form_data, cart_with, shop_with_shipping, variant_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def _pending_recipients() -> list[str]:
    rows = OutgoingEmail.objects.filter(status="pending").order_by("pk").values_list("to", flat=True)
    return sorted(address for row in rows for address in row)


def _checkout_post(options) -> dict:
    return {
        **address_form_data(),
        "payment_method": "bank_transfer",
        "idempotency_key": uuid.uuid4().hex,
        "place": "1",
        **{f"shipping_{shop_id}": option_id for shop_id, option_id in options.items()},
    }


def test_checkout_succeeds_with_the_broker_down_and_the_mails_go_out_when_it_is_back(
    client, outbox, unreachable_broker, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="marketplace.core.queueing")
    shopper = VerifiedUserFactory()
    shop_a, flat_a, _ = shop_with_shipping()
    shop_b, flat_b, _ = shop_with_shipping()
    cart_with([(variant_of(shop_a), 1), (variant_of(shop_b), 2)], user=shopper)
    client.force_login(shopper)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/checkout/", _checkout_post({shop_a.pk: flat_a.pk, shop_b.pk: flat_b.pk}))

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pesanan/{order.number}/"
    sellers = sorted(shop.members.get(role="owner").user.email for shop in (shop_a, shop_b))
    assert _pending_recipients() == sorted([shopper.email, *sellers])
    assert mail.outbox == []
    assert any("Broker unreachable" in record.getMessage() for record in caplog.records)

    # While the broker is down the sweep cannot queue either: nothing is sent, nothing is lost.
    with django_capture_on_commit_callbacks(execute=True):
        sweep_outgoing_email()
    assert len(_pending_recipients()) == 3
    assert mail.outbox == []

    # The broker is back (tasks run in this process, as in the demo): the next sweep sends every mail once.
    outbox.CELERY_TASK_ALWAYS_EAGER = True
    with django_capture_on_commit_callbacks(execute=True):
        sweep_outgoing_email()
    assert _pending_recipients() == []
    assert sorted(address for message in mail.outbox for address in message.to) == sorted([shopper.email, *sellers])
    assert OutgoingEmail.objects.filter(status="sent").count() == 3


def test_api_checkout_and_confirmation_succeed_with_the_broker_down(
    client, outbox, unreachable_broker, django_capture_on_commit_callbacks
):
    shopper = VerifiedUserFactory()
    shop, flat, _ = shop_with_shipping()
    cart_with([(variant_of(shop), 1)], user=shopper)
    client.force_login(shopper)
    posted = _checkout_post({})
    address_fields = ("recipient_name", "phone", "province", "regency", "district", "village", "street_address")
    body = {
        "address": {field: posted[field] for field in (*address_fields, "postal_code")},
        "shipping": {str(shop.pk): flat.pk},
        "payment_method": "bank_transfer",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/checkout/", body, content_type="application/json")
    assert response.status_code == 201
    assert OutgoingEmail.objects.filter(status="pending").count() == 2

    operator = VerifiedUserFactory(is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        bank_transfer_confirm(payment=Payment.objects.get(), operator=operator)
    assert Order.objects.get().shop_orders.get().status == "paid"
    assert OutgoingEmail.objects.filter(status="pending").count() == 4
    assert mail.outbox == []


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_order_mails_and_expires_unpaid_orders(celery_worker, outbox, client):
    shopper = VerifiedUserFactory()
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, stock=4)
    cart_with([(variant, 3)], user=shopper)
    client.force_login(shopper)

    response = client.post("/checkout/", _checkout_post({shop.pk: flat.pk}))

    assert response.status_code == 302
    assert wait_until(lambda: OutgoingEmail.objects.filter(status="sent").count() == 2)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [shopper.email, shop.members.get(role="owner").user.email]
    )
    assert ProductVariant.objects.get(pk=variant.pk).stock == 1

    # The beat task, run by the worker: the deadline passed, the stock comes back and the shopper is told.
    Order.objects.update(pay_before=timezone.now() - timedelta(minutes=1))
    expire_unpaid_orders.delay()
    assert wait_until(lambda: ProductVariant.objects.get(pk=variant.pk).stock == 4)
    assert Order.objects.get().shop_orders.get().status == "cancelled"
    assert wait_until(lambda: OutgoingEmail.objects.filter(status="sent").count() == 3)
