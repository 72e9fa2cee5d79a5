"""The operators' bank-transfer pages in the Wagtail admin (/cms/transfer-bank/): the pending list and its
search, the confirmation through the service, its refusals, and who may see any of it. Also the data
migration that gives the Operator group the permission."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.selectors import OPERATOR_GROUP
from marketplace.core.money import format_rupiah
from orders.models import Order, ShopOrder, ShopOrderEvent
from orders.services.fulfilment import order_expire
from payments.models import Payment

from .conftest import bank_order, in_indonesian, make_operator, owner_email

pytestmark = pytest.mark.django_db

INDEX = "/cms/transfer-bank/"


def detail_url(payment) -> str:
    return f"{INDEX}{payment.pk}/"


def state(order) -> tuple:
    payment = Payment.objects.get(order=order)
    statuses = sorted(ShopOrder.objects.filter(order=order).values_list("status", flat=True))
    return payment.status, statuses, ShopOrderEvent.objects.filter(shop_order__order=order, kind="paid").count()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_shows_pending_transfers_oldest_first(operator_client):
    first, (shop_a, shop_b), first_payment = bank_order(code=417)
    second, _shops, second_payment = bank_order(code=5, quantities=(1, 1))
    paid, _paid_shops, paid_payment = bank_order(code=9)
    Payment.objects.filter(pk=paid_payment.pk).update(status=Payment.Status.SUCCEEDED)
    Payment.objects.filter(pk=first_payment.pk).update(created_at=timezone.now() - timedelta(hours=2))

    response = operator_client.get(INDEX)

    assert response.status_code == 200
    assert list(response.context["payments"]) == [first_payment, second_payment]
    html = response.content.decode()
    assert [first.number in html, second.number in html, paid.number in html] == [True, True, False]
    assert "Rp 92.<mark>417</mark>" in html
    assert [shop_a.name in html, shop_b.name in html, first.email in html] == [True, True, True]


def test_the_list_runs_the_same_queries_whatever_the_number_of_transfers(operator_client):
    bank_order()
    operator_client.get(INDEX)  # warm Wagtail's per-process caches
    with CaptureQueriesContext(connection) as one:
        operator_client.get(INDEX)
    bank_order()
    bank_order()
    with CaptureQueriesContext(connection) as three:
        response = operator_client.get(INDEX)

    assert len(response.context["payments"]) == 3
    assert len(three) == len(one)


@pytest.mark.parametrize("query", ["Rp 92.417", "92417", "92.417", "rp92,417", " Rp 92 417 "])
def test_search_by_the_amount_on_the_bank_statement(operator_client, query):
    _order, _shops, payment = bank_order(code=417)
    bank_order(code=5, quantities=(1, 1))
    assert format_rupiah(payment.amount) == "Rp 92.417"

    response = operator_client.get(INDEX, {"q": query})

    assert list(response.context["payments"]) == [payment]


def test_search_by_the_order_total_the_order_number_or_the_buyer(operator_client):
    order, _shops, payment = bank_order(code=417)
    other, _other_shops, other_payment = bank_order(code=5, quantities=(1, 1))

    by_total = operator_client.get(INDEX, {"q": "Rp 92.000"})
    by_number = operator_client.get(INDEX, {"q": order.number[-5:].lower()})
    by_email = operator_client.get(INDEX, {"q": other.buyer.email.upper()})
    nothing = operator_client.get(INDEX, {"q": "Rp 1.234"})

    assert list(by_total.context["payments"]) == [payment]
    assert list(by_number.context["payments"]) == [payment]
    assert list(by_email.context["payments"]) == [other_payment]
    assert list(nothing.context["payments"]) == []
    assert in_indonesian("No pending transfer matches this search.") in nothing.content.decode()


def test_the_detail_page_shows_the_order_and_the_confirm_button(operator_client):
    order, (shop_a, shop_b), payment = bank_order(code=417)

    response = operator_client.get(detail_url(payment))

    assert response.status_code == 200
    assert response.context["can_confirm"] is True
    html = response.content.decode()
    assert [order.number in html, shop_a.name in html, shop_b.name in html] == [True, True, True]
    assert 'name="csrfmiddlewaretoken"' in html


def test_confirming_marks_every_shop_order_paid_and_mails_the_sellers(operator_client, operator):
    order, (shop_a, shop_b), payment = bank_order()
    mail.outbox.clear()

    response = operator_client.post(detail_url(payment), follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert messages_of(response) == [
        in_indonesian("Payment for order %(number)s confirmed; the sellers have been emailed.")
        % {"number": order.number}
    ]
    assert state(order) == (Payment.Status.SUCCEEDED, ["paid", "paid"], 2)
    payment.refresh_from_db()
    assert (payment.confirmed_by, payment.confirmed_at is not None) == (operator, True)
    assert Order.objects.get(pk=order.pk).pay_before is None
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([order.email, owner_email(shop_a), owner_email(shop_b)])
    assert list(response.context["payments"]) == []


def test_confirming_twice_is_refused_with_the_services_message(operator_client):
    order, _shops, payment = bank_order()
    operator_client.post(detail_url(payment), follow=True)
    mail.outbox.clear()

    response = operator_client.post(detail_url(payment), follow=True)

    assert response.redirect_chain == [(detail_url(payment), 302)]
    assert messages_of(response) == [in_indonesian("This payment was already handled.")]
    assert response.context["can_confirm"] is False
    assert state(order) == (Payment.Status.SUCCEEDED, ["paid", "paid"], 2)
    assert mail.outbox == []


def test_confirming_an_expired_order_is_refused(operator_client):
    order, _shops, payment = bank_order()
    Order.objects.filter(pk=order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    order_expire(order=order)
    mail.outbox.clear()

    response = operator_client.post(detail_url(payment), follow=True)

    assert messages_of(response) == [in_indonesian("This payment was already handled.")]
    assert state(order) == (Payment.Status.CANCELLED, ["cancelled", "cancelled"], 0)
    assert mail.outbox == []


def test_an_unknown_payment_is_not_found(operator_client):
    response = operator_client.get(f"{INDEX}999999/")

    assert response.status_code == 404


def test_an_admin_user_without_the_permission_is_refused_and_nothing_changes(client):
    order, _shops, payment = bank_order()
    client.force_login(make_operator(confirm=False))
    mail.outbox.clear()

    responses = [
        client.get(INDEX),
        client.get(detail_url(payment)),
        client.post(detail_url(payment)),
        client.get(f"{detail_url(payment)}proof/"),
    ]
    dashboard = client.get("/cms/")

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(response.status_code, response["Location"]) for response in responses] == [(302, "/cms/")] * 4
    assert state(order) == (Payment.Status.PENDING, ["awaiting_payment", "awaiting_payment"], 0)
    assert mail.outbox == []
    assert INDEX not in dashboard.content.decode()  # no menu item


def test_the_menu_shows_bank_transfers_to_operators(operator_client):
    response = operator_client.get("/cms/")

    assert response.status_code == 200
    assert INDEX in response.content.decode()


@pytest.mark.parametrize(
    ("module", "codename"),
    [("0002_operator_permission", "confirm_bank_transfer"), ("0004_operator_payout_permission", "manage_payouts")],
)
def test_the_migrations_give_an_existing_operator_group_the_permission(module, codename):
    group = Group.objects.get_or_create(name=OPERATOR_GROUP)[0]
    group.permissions.clear()
    migration = importlib.import_module(f"payments.migrations.{module}")
    grant, revoke = _run_python(migration)

    grant(apps, None)

    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [("payments", codename)]
    assert Permission.objects.filter(codename=codename).count() == 1
    revoke(apps, None)
    assert not group.permissions.exists()


def _run_python(migration):
    (operation,) = migration.Migration.operations
    return operation.code, operation.reverse_code
