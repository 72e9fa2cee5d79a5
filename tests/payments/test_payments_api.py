"""The payments API: the operators' pending transfers and confirmation (who may call, outcomes, refusals with
nothing changed) and the shopper's proof upload."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import urlencode
from rest_framework.test import APIClient

from orders.models import Order, ShopOrder, ShopOrderEvent
from orders.services.fulfilment import order_expire
from payments.models import Payment
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.orders.builders import two_shop_order

from .conftest import (
    PDF_BYTES,
    bank_order,
    guest_bank_order,
    in_indonesian,
    make_operator,
    owner_email,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/operator/payments/"


def confirm_url(payment_id) -> str:
    return f"{LIST}{payment_id}/confirm/"


def proof_upload_url(order, token: str = "") -> str:
    return f"/api/v1/orders/{order.number}/payment-proof/" + (f"?{urlencode({'t': token})}" if token else "")


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def state(order) -> tuple:
    payment = Payment.objects.get(order=order)
    statuses = sorted(ShopOrder.objects.filter(order=order).values_list("status", flat=True))
    paid_events = ShopOrderEvent.objects.filter(shop_order__order=order, kind="paid").count()
    return payment.status, statuses, paid_events, payment.proof.name


ROLES = ["anonymous", "shopper", "admin_without_permission", "operator", "superuser"]


def user_for(role: str):
    return {
        "anonymous": lambda: None,
        "shopper": VerifiedUserFactory,
        "admin_without_permission": lambda: make_operator(confirm=False),
        "operator": make_operator,
        "superuser": SuperuserFactory,
    }[role]()


# --- Operators: the list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("shopper", 403), ("admin_without_permission", 403), ("operator", 200), ("superuser", 200)],
)
def test_who_may_list_pending_transfers(role, expected):
    bank_order()

    response = api_client(user_for(role)).get(LIST)

    assert response.status_code == expected


def test_the_list_is_paginated_oldest_first_with_the_details():
    order, (shop_a, shop_b), payment = bank_order(code=417)
    _newer, _shops, newer_payment = bank_order(code=5, quantities=(1, 1))
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=1))

    body = api_client(make_operator()).get(LIST).json()

    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [row["id"] for row in body["results"]] == [payment.pk, newer_payment.pk]
    first = body["results"][0]
    assert {key: first[key] for key in ("order_number", "status", "amount", "unique_code", "order_total")} == {
        "order_number": order.number,
        "status": "pending",
        "amount": 92_417,
        "unique_code": 417,
        "order_total": 92_000,
    }
    assert (first["buyer_email"], first["proof_url"], first["proof_uploaded_at"]) == (order.email, None, None)
    assert [(row["shop"], row["status"]) for row in first["shop_orders"]] == [
        (shop_a.name, "awaiting_payment"),
        (shop_b.name, "awaiting_payment"),
    ]


def test_the_list_searches_by_amount_and_number():
    _order, _shops, payment = bank_order(code=417)
    other, _other_shops, other_payment = bank_order(code=5, quantities=(1, 1))
    client = api_client(make_operator())

    by_amount = client.get(LIST, {"q": "Rp 92.417"}).json()
    by_number = client.get(LIST, {"q": other.number.lower()}).json()

    assert [row["id"] for row in by_amount["results"]] == [payment.pk]
    assert [row["id"] for row in by_number["results"]] == [other_payment.pk]


def test_the_list_runs_the_same_queries_whatever_the_number_of_transfers():
    client = api_client(make_operator())
    bank_order()
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    bank_order()
    bank_order()
    with CaptureQueriesContext(connection) as three:
        response = client.get(LIST)

    assert response.json()["count"] == 3
    assert len(three) == len(one)


# --- Operators: confirm -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("shopper", 403), ("admin_without_permission", 403), ("operator", 200), ("superuser", 200)],
)
def test_who_may_confirm_a_transfer(role, expected):
    order, _shops, payment = bank_order()

    response = api_client(user_for(role)).post(confirm_url(payment.pk))

    assert response.status_code == expected
    if expected == 200:
        assert state(order) == (Payment.Status.SUCCEEDED, ["paid", "paid"], 2, "")
    else:
        assert state(order) == (Payment.Status.PENDING, ["awaiting_payment", "awaiting_payment"], 0, "")


def test_confirming_answers_the_payment_and_the_shop_order_statuses_and_mails_the_sellers():
    order, (shop_a, shop_b), payment = bank_order()
    mail.outbox.clear()

    response = api_client(make_operator()).post(confirm_url(payment.pk))

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["order_number"]) == (payment.pk, "succeeded", order.number)
    assert body["confirmed_at"] is not None
    assert [(row["shop"], row["status"]) for row in body["shop_orders"]] == [
        (shop_a.name, "paid"),
        (shop_b.name, "paid"),
    ]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([order.email, owner_email(shop_a), owner_email(shop_b)])


def test_an_unknown_payment_is_404_for_operators_and_403_for_others():
    assert api_client(make_operator()).post(confirm_url(999_999)).status_code == 404
    assert api_client(VerifiedUserFactory()).post(confirm_url(999_999)).status_code == 403


def test_confirming_twice_is_a_conflict_and_changes_nothing():
    order, _shops, payment = bank_order()
    client = api_client(make_operator())
    client.post(confirm_url(payment.pk))
    mail.outbox.clear()

    response = client.post(confirm_url(payment.pk))

    assert response.status_code == 409
    assert response.json() == {"detail": in_indonesian("This payment was already handled.")}
    assert state(order) == (Payment.Status.SUCCEEDED, ["paid", "paid"], 2, "")
    assert mail.outbox == []


def test_confirming_an_expired_order_is_a_conflict():
    order, _shops, payment = bank_order()
    Order.objects.filter(pk=order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    order_expire(order=order)

    response = api_client(make_operator()).post(confirm_url(payment.pk))

    assert response.status_code == 409
    assert state(order) == (Payment.Status.CANCELLED, ["cancelled", "cancelled"], 0, "")


def test_confirming_a_cash_on_delivery_payment_is_a_conflict():
    placed, _shops, _variants = two_shop_order(payment_method="cod")
    payment = Payment.objects.get(order=placed.order)

    response = api_client(make_operator()).post(confirm_url(payment.pk))

    assert response.status_code == 409
    assert response.json() == {"detail": in_indonesian("Only bank transfers are confirmed by hand.")}
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING


def test_operators_download_the_proof_through_the_api():
    order, _shops, payment = bank_order()
    content = png_bytes()
    api_client(order.buyer).post(
        proof_upload_url(order), {"proof": upload("bukti.png", content, "image/png")}, format="multipart"
    )
    client = api_client(make_operator())

    row = client.get(LIST).json()["results"][0]
    download = client.get(row["proof_url"])

    assert row["proof_url"] == f"http://testserver/api/v1/operator/payments/{payment.pk}/proof/"
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content


# --- Shoppers: the proof --------------------------------------------------------------------------------------


def test_the_buyer_uploads_a_proof():
    order, _shops, payment = bank_order()

    response = api_client(order.buyer).post(
        proof_upload_url(order), {"proof": upload("bukti.png", png_bytes(), "image/png")}, format="multipart"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["id"], body["order_number"], body["status"]) == (payment.pk, order.number, "pending")
    assert body["proof_uploaded_at"] is not None
    assert state(order)[3].endswith(".png")


def test_a_guest_uploads_a_proof_with_the_token():
    order, _payment, token = guest_bank_order()

    response = APIClient().post(
        proof_upload_url(order, token), {"proof": upload("bukti.pdf", PDF_BYTES, "application/pdf")}, format="multipart"
    )

    assert response.status_code == 201
    assert state(order)[3].endswith(".pdf")


@pytest.mark.parametrize("who", ["anonymous", "other_shopper", "operator"])
def test_nobody_else_uploads_a_proof(who):
    order, _shops, _payment = bank_order()
    user = {"anonymous": None, "other_shopper": VerifiedUserFactory(), "operator": make_operator()}[who]

    response = api_client(user).post(
        proof_upload_url(order), {"proof": upload("bukti.png", png_bytes(), "image/png")}, format="multipart"
    )

    assert response.status_code == 404
    assert state(order)[3] == ""


def test_a_bad_file_is_a_field_error():
    order, _shops, _payment = bank_order()
    client = api_client(order.buyer)

    fake = client.post(
        proof_upload_url(order), {"proof": upload("bukti.png", b"bukan gambar", "image/png")}, format="multipart"
    )
    missing = client.post(proof_upload_url(order), {}, format="multipart")

    assert fake.status_code == 400
    assert list(fake.json()) == ["proof"]
    assert missing.status_code == 400
    assert list(missing.json()) == ["proof"]
    assert state(order)[3] == ""


def test_uploading_after_expiry_is_a_conflict():
    order, _shops, _payment = bank_order()
    Order.objects.filter(pk=order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    order_expire(order=order)

    response = api_client(order.buyer).post(
        proof_upload_url(order), {"proof": upload("bukti.png", png_bytes(), "image/png")}, format="multipart"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": in_indonesian("This payment no longer waits for a transfer.")}
    assert state(order)[3] == ""
