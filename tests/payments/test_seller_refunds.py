"""Refunds by the seller from the order page /penjual/pesanan/<number>/: the refund box (paid, refunded, in
progress, refundable, past refunds), the form posting to /penjual/pesanan/<number>/pengembalian/, the rules
(never more than refundable, a note for cash on delivery, the window after completion, a full refund before
shipping is a cancellation), who may do it, and the ledger invariant after every step."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from orders.models import PaymentMethod, ShopOrder, ShopOrderEvent
from payments.models import LedgerEntry, Refund
from payments.selectors import shop_balance, shop_order_money
from payments.services.refunds import refund_record_paid_back
from shops.models import ShopMember
from tests.factories.accounts import UserFactory

from .money import assert_platform_invariant, assert_shop_order_invariant, complete, money_operator, seller_of, ship
from .seller_money import NET, deliver_cash, order_in, seller_shop, staff_of

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind


def _refund_url(shop_order) -> str:
    return f"/en/penjual/pesanan/{shop_order.number}/pengembalian/"


def _order_url(shop_order) -> str:
    return f"/en/penjual/pesanan/{shop_order.number}/"


def _signed_in(client, user):
    client.force_login(user)
    return client


def _state(shop_order) -> tuple:
    """What a refused refund must leave unchanged."""
    shop_order = ShopOrder.objects.get(pk=shop_order.pk)
    return (
        shop_order.status,
        list(Refund.objects.filter(shop_order=shop_order).values_list("pk", "amount", "status")),
        list(LedgerEntry.objects.filter(shop=shop_order.shop).values_list("pk", "kind", "amount")),
        ShopOrderEvent.objects.filter(shop_order=shop_order).count(),
    )


def _entries(shop_order) -> list[tuple[str, int]]:
    return list(LedgerEntry.objects.filter(shop_order=shop_order).order_by("pk").values_list("kind", "amount"))


# --- The box on the order page ---------------------------------------------------------------------------------


def test_the_order_page_shows_the_refund_box_with_the_money_and_the_form(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    response = _signed_in(client, seller_of(shop)).get(_order_url(shop_order))
    assert response.status_code == 200
    box = response.context["refund"]
    assert (box["money"].paid, box["money"].refunded, box["money"].refundable) == (40_000, 0, 40_000)
    assert box["can_refund"] is True
    html = response.content.decode()
    assert "<dd data-paid>Rp 40.000</dd>" in html
    assert "<dd data-refundable>Rp 40.000</dd>" in html
    assert f'action="{_refund_url(shop_order)}"' in html
    assert 'name="manual_note"' not in html  # only cash on delivery asks how it was paid back


def test_an_unpaid_order_has_no_refund_box(client):
    shop = seller_shop()
    shop_order = order_in(shop, paid=False)
    response = _signed_in(client, seller_of(shop)).get(_order_url(shop_order))
    assert response.context["refund"]["show"] is False
    assert b"data-refund-box" not in response.content


# --- Bank transfer: the seller asks, the operators pay back -------------------------------------------------------


def test_a_partial_refund_of_a_shipped_transfer_order_waits_for_the_operators_then_is_booked(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    ledger_before = _entries(shop_order)
    client = _signed_in(client, seller_of(shop))
    response = client.post(_refund_url(shop_order), {"amount": "Rp 10.000", "reason": "Satu kemasan rusak"})
    assert response.status_code == 302
    assert response["Location"] == _order_url(shop_order) + "#pengembalian"
    refund = Refund.objects.get(shop_order=shop_order)
    assert (refund.amount, refund.status, refund.method, refund.paid_back_by, refund.actor) == (
        10_000,
        Refund.Status.PENDING,
        Refund.Method.MANUAL,
        Refund.PaidBackBy.PLATFORM,
        "seller",
    )
    assert refund.reason == "Satu kemasan rusak"
    assert refund.requested_by == seller_of(shop)
    # Pending: nothing is booked yet, the money is reserved.
    assert _entries(shop_order) == ledger_before
    money = shop_order_money(shop_order=shop_order)
    assert (money.refunds_in_progress, money.refundable) == (10_000, 30_000)
    assert_shop_order_invariant(shop_order)
    page = client.get(_order_url(shop_order))
    assert b"Our operators transfer it back to the shopper" in page.content  # the message after the redirect
    assert f'data-refund="{refund.pk}" data-refund-status="pending"'.encode() in page.content
    assert b"<dd data-in-progress>Rp 10.000</dd>" in page.content

    refund_record_paid_back(refund=refund, operator=money_operator(), manual_note="BCA 0123 ref 77")
    # 10.000 of 40.000 refunded: the commission kept is 1.500 x 30.000 / 40.000 = 1.125, so 375 comes back.
    assert _entries(shop_order) == [*ledger_before, (Kind.REFUND, -10_000), (Kind.COMMISSION_REFUND, 375)]
    assert shop_balance(shop=shop).total == NET - 10_000 + 375
    assert_shop_order_invariant(shop_order)
    assert_platform_invariant()
    money = shop_order_money(shop_order=shop_order)
    assert (money.paid, money.refunded, money.refundable) == (40_000, 10_000, 30_000)


def test_a_refund_over_what_is_refundable_is_refused_next_to_the_amount_and_changes_nothing(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    before = _state(shop_order)
    response = _signed_in(client, seller_of(shop)).post(
        _refund_url(shop_order), {"amount": "40001", "reason": "Terlalu banyak"}
    )
    assert response.status_code == 400
    assert response.context["refund"]["form"].errors == {"amount": ["At most Rp 40.000 can be refunded."]}
    assert b'data-error="amount">At most Rp 40.000 can be refunded.</p>' in response.content
    assert b'value="40001"' in response.content  # what was typed is kept
    assert _state(shop_order) == before


def test_a_refund_without_a_reason_or_amount_is_refused_and_changes_nothing(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    before = _state(shop_order)
    client = _signed_in(client, seller_of(shop))
    response = client.post(_refund_url(shop_order), {"amount": "5000", "reason": "  "})
    assert response.status_code == 400
    assert response.context["refund"]["form"].errors == {"reason": ["Tell the shopper why the money goes back."]}
    response = client.post(_refund_url(shop_order), {"amount": "nol", "reason": "Rusak"})
    assert response.status_code == 400
    assert response.context["refund"]["form"].errors == {"amount": ["Enter an amount in whole rupiah, at least 1."]}
    assert _state(shop_order) == before


def test_the_errors_are_in_indonesian_on_the_indonesian_site(client):
    from .conftest import in_indonesian

    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    response = _signed_in(client, seller_of(shop)).post(
        f"/penjual/pesanan/{shop_order.number}/pengembalian/", {"amount": "1", "reason": ""}
    )
    assert response.status_code == 400
    assert response.context["refund"]["form"].errors == {
        "reason": [in_indonesian("Tell the shopper why the money goes back.")]
    }


def test_before_shipping_a_full_refund_is_refused_as_a_cancellation(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    before = _state(shop_order)
    response = _signed_in(client, seller_of(shop)).post(_refund_url(shop_order), {"amount": "40000", "reason": "X"})
    assert response.status_code == 400
    assert response.context["refund"]["form"].errors == {
        "amount": ["To give everything back before shipping, cancel the order: it is refunded in full."]
    }
    assert _state(shop_order) == before
    # A part is allowed.
    response = _signed_in(client, seller_of(shop)).post(_refund_url(shop_order), {"amount": "5000", "reason": "X"})
    assert response.status_code == 302
    assert_shop_order_invariant(shop_order)


# --- Cash on delivery: the seller paid it back ------------------------------------------------------------------


def test_a_cash_on_delivery_refund_needs_the_note_and_succeeds_at_once_with_commission_back(client):
    shop = seller_shop()
    shop_order = deliver_cash(order_in(shop, payment_method=PaymentMethod.COD))
    assert_shop_order_invariant(shop_order)
    assert shop_balance(shop=shop).total == -1_500
    client = _signed_in(client, seller_of(shop))
    page = client.get(_order_url(shop_order))
    assert b'name="manual_note"' in page.content
    before = _state(shop_order)
    response = client.post(_refund_url(shop_order), {"amount": "20000", "reason": "Salah ukuran"})
    assert response.status_code == 400
    assert response.context["refund"]["form"].errors == {
        "manual_note": ["Say how the money was paid back (bank, account, reference)."]
    }
    assert b'data-error="manual_note"' in response.content
    assert _state(shop_order) == before

    response = client.post(
        _refund_url(shop_order), {"amount": "20000", "reason": "Salah ukuran", "manual_note": "Tunai di toko"}
    )
    assert response.status_code == 302
    refund = Refund.objects.get(shop_order=shop_order)
    assert (refund.status, refund.method, refund.paid_back_by, refund.manual_note) == (
        Refund.Status.SUCCEEDED,
        Refund.Method.MANUAL,
        Refund.PaidBackBy.SELLER,
        "Tunai di toko",
    )
    # The seller paid the shopper back from the cash: no REFUND entry; half the commission comes back.
    assert _entries(shop_order) == [(Kind.COD_COMMISSION, -1_500), (Kind.COMMISSION_REFUND, 750)]
    assert shop_balance(shop=shop).total == -750
    assert_shop_order_invariant(shop_order)
    assert_platform_invariant()
    page = client.get(_order_url(shop_order))
    assert b"Rp 20.000 refunded to the shopper. The shopper was told." in page.content


# --- The window after completion ----------------------------------------------------------------------------------


def test_a_completed_order_can_be_refunded_within_the_window_only(client, settings):
    shop = seller_shop()
    shop_order = order_in(shop)
    complete(shop_order)
    days = settings.REFUND_SELLER_WINDOW_DAYS
    client = _signed_in(client, seller_of(shop))

    ShopOrder.objects.filter(pk=shop_order.pk).update(completed_at=timezone.now() - timedelta(days=days + 1))
    page = client.get(_order_url(shop_order))
    assert page.context["refund"]["can_refund"] is False
    assert b"data-refund-window-passed" in page.content
    assert f'action="{_refund_url(shop_order)}"'.encode() not in page.content
    before = _state(shop_order)
    response = client.post(_refund_url(shop_order), {"amount": "1000", "reason": "Telat"})
    assert response.status_code == 409
    assert response.context["conflict"] == (
        f"This order was completed more than {days} days ago: ask our operators to refund it."
    )
    assert _state(shop_order) == before

    ShopOrder.objects.filter(pk=shop_order.pk).update(completed_at=timezone.now() - timedelta(days=days - 1))
    assert client.get(_order_url(shop_order)).context["refund"]["can_refund"] is True
    response = client.post(_refund_url(shop_order), {"amount": "1000", "reason": "Masih boleh"})
    assert response.status_code == 302
    assert Refund.objects.get(shop_order=shop_order).amount == 1_000
    assert_shop_order_invariant(shop_order)


def test_an_unpaid_order_cannot_be_refunded(client):
    shop = seller_shop()
    shop_order = order_in(shop, paid=False)
    before = _state(shop_order)
    response = _signed_in(client, seller_of(shop)).post(_refund_url(shop_order), {"amount": "1000", "reason": "X"})
    assert response.status_code == 409
    assert response.context["conflict"] == "Nothing has been paid for this order yet."
    assert _state(shop_order) == before


# --- Who ------------------------------------------------------------------------------------------------------------


def test_staff_of_the_shop_may_refund(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    staff = staff_of(shop)
    response = _signed_in(client, staff).post(_refund_url(shop_order), {"amount": "2500", "reason": "Kurang"})
    assert response.status_code == 302
    assert Refund.objects.get(shop_order=shop_order).requested_by == staff


def test_another_shops_seller_gets_404_and_nothing_changes(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    other = seller_shop()
    before = _state(shop_order)
    response = _signed_in(client, seller_of(other)).post(_refund_url(shop_order), {"amount": "1000", "reason": "X"})
    assert response.status_code == 404
    assert _state(shop_order) == before
    # The shopper is no seller either.
    response = _signed_in(client, shop_order.order.buyer).post(_refund_url(shop_order), {"amount": "1", "reason": "X"})
    assert response.status_code == 404
    assert _state(shop_order) == before


def test_a_visitor_is_sent_to_log_in_and_a_get_is_not_allowed(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    response = client.post(_refund_url(shop_order), {"amount": "1000", "reason": "X"})
    assert response.status_code == 302
    assert "/akun/login/" in response["Location"]
    assert _signed_in(client, seller_of(shop)).get(_refund_url(shop_order)).status_code == 405
    assert not Refund.objects.exists()


def test_an_unverified_member_is_asked_to_verify_first(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)
    response = _signed_in(client, user).post(_refund_url(shop_order), {"amount": "1000", "reason": "X"})
    assert response.status_code == 200
    assert "account/verified_email_required.html" in [template.name for template in response.templates]
    assert not Refund.objects.exists()
