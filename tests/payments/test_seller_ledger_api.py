"""The seller's money in the API: `GET seller/ledger/` (balance, entries with the commission on sales, month
filter, pagination, query budget), `GET seller/ledger/statement/` (CSV), `POST seller/orders/{number}/refunds/`
(201 / 400 / 404 / 409, nothing changes on refusal) and `GET`/`PUT seller/payout-account/` (owner edits,
staff read)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from orders.models import PaymentMethod, ShopOrder
from payments.models import LedgerEntry, PayoutAccount, Refund
from payments.selectors import shop_balance, shop_order_money
from tests.factories.accounts import VerifiedUserFactory

from .money import assert_shop_order_invariant, complete, seller_of, ship
from .seller_money import NET, date_entries, deliver_cash, order_in, seller_shop, staff_of, wita

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
LEDGER = "/api/v1/seller/ledger/"
ACCOUNT = "/api/v1/seller/payout-account/"


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def _refunds_url(shop_order) -> str:
    return f"/api/v1/seller/orders/{shop_order.number}/refunds/"


def _state(shop_order) -> tuple:
    shop_order = ShopOrder.objects.get(pk=shop_order.pk)
    return (
        shop_order.status,
        list(Refund.objects.filter(shop_order=shop_order).values_list("pk", "amount", "status")),
        list(LedgerEntry.objects.filter(shop=shop_order.shop).values_list("pk", "kind", "amount")),
    )


# --- Ledger -----------------------------------------------------------------------------------------------------


def test_the_ledger_answers_the_balance_and_the_entries_with_the_commission_on_sales(api):
    shop = seller_shop()
    shop_order = order_in(shop)
    response = _as(api, seller_of(shop)).get(LEDGER, **EN)
    assert response.status_code == 200
    data = response.json()
    assert data["balance"] == {"pending": NET, "available": 0, "total": NET}
    assert (data["count"], data["next"], data["previous"]) == (3, None, None)
    entries = {entry["kind"]: entry for entry in data["results"]}
    assert [entry["kind"] for entry in data["results"]] == ["commission", "shipping", "sale"]
    sale = entries["sale"]
    assert sale == {
        "id": LedgerEntry.objects.get(shop_order=shop_order, kind=Kind.SALE).pk,
        "created_at": sale["created_at"],
        "kind": "sale",
        "kind_label": "Sale",
        "amount": 30_000,
        "description": f"Sale {shop_order.number}",
        "shop_order_number": shop_order.number,
        "available": False,
        "commission": {"amount": 1_500, "basis_points": 500},
    }
    assert entries["commission"]["amount"] == -1_500
    assert entries["commission"]["commission"] is None
    assert entries["shipping"]["commission"] is None

    complete(shop_order)
    data = api.get(LEDGER, **EN).json()
    assert data["balance"] == {"pending": 0, "available": NET, "total": NET}
    assert {entry["available"] for entry in data["results"]} == {True}
    assert_shop_order_invariant(shop_order)


def test_the_ledger_filters_by_month_in_wita_and_refuses_a_month_that_is_not_one(api):
    shop = seller_shop()
    october = order_in(shop)
    november = order_in(shop)
    date_entries(october, wita(2026, 10, 31, 23, 59), wita(2026, 10, 31, 23, 59), wita(2026, 10, 31, 23, 59))
    date_entries(november, wita(2026, 11, 1, 0, 0), wita(2026, 11, 1, 0, 0), wita(2026, 11, 1, 0, 0))
    api = _as(api, seller_of(shop))
    data = api.get(LEDGER, {"month": "2026-11"}).json()
    assert data["count"] == 3
    assert {entry["shop_order_number"] for entry in data["results"]} == {november.number}
    assert data["balance"]["total"] == 2 * NET  # the balance is never filtered
    response = api.get(LEDGER, {"month": "November"}, **EN)
    assert response.status_code == 400
    assert response.json() == {"month": ["Choose a month, for example 2026-11."]}


def test_the_ledger_is_paginated(api):
    shop = seller_shop()
    for _ in range(9):
        order_in(shop)
    data = _as(api, seller_of(shop)).get(LEDGER, {"page_size": 10, "page": 2}).json()
    assert data["count"] == 27
    assert len(data["results"]) == 10
    assert data["next"].endswith("page=3&page_size=10")
    assert data["previous"] is not None


def test_the_ledger_costs_the_same_queries_for_1_and_10_orders(api, django_assert_num_queries):
    shop = seller_shop()
    order_in(shop)
    api = _as(api, seller_of(shop))
    with CaptureQueriesContext(connection) as one:
        assert api.get(LEDGER).status_code == 200
    for _ in range(9):
        order_in(shop)
    with django_assert_num_queries(len(one.captured_queries)):
        data = api.get(LEDGER).json()
    assert len(data["results"]) == 24
    assert sum(1 for entry in data["results"] if entry["commission"]) == 8


def test_the_ledger_shows_only_the_callers_shop_and_needs_a_shop_and_a_login(api):
    shop = seller_shop()
    order_in(shop)
    other = seller_shop()
    data = _as(api, seller_of(other)).get(LEDGER).json()
    assert data["balance"] == {"pending": 0, "available": 0, "total": 0}
    assert data["results"] == []
    # Staff see the shop's ledger.
    assert _as(APIClient(), staff_of(shop)).get(LEDGER).json()["count"] == 3
    response = _as(APIClient(), VerifiedUserFactory()).get(LEDGER, **EN)
    assert response.status_code == 404
    assert response.json() == {"detail": "You do not have a shop yet. Open your shop first."}
    assert APIClient().get(LEDGER).status_code == 401


def test_the_statement_is_the_pages_csv(api):
    shop = seller_shop(slug="warung-api")
    shop_order = order_in(shop)
    date_entries(shop_order, wita(2026, 11, 2, 8, 0), wita(2026, 11, 2, 8, 1), wita(2026, 11, 2, 8, 2))
    response = _as(api, seller_of(shop)).get("/api/v1/seller/ledger/statement/", {"month": "2026-11"}, **EN)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="saldo-warung-api-2026-11.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[4:] for row in rows] == [
        ["Amount", "Balance"],
        ["", "0"],
        ["30000", "30000"],
        ["10000", "40000"],
        ["-1500", "38500"],
        ["", "38500"],
    ]


def test_the_statement_needs_a_month_and_answers_errors_in_json_even_to_a_csv_client(api):
    shop = seller_shop()
    api = _as(api, seller_of(shop))
    response = api.get("/api/v1/seller/ledger/statement/", HTTP_ACCEPT="text/csv", **EN)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"month": ["This field is required."]}
    response = api.get("/api/v1/seller/ledger/statement/", {"month": "2026-11"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200


# --- Refunds ----------------------------------------------------------------------------------------------------


def test_a_seller_refunds_cash_on_delivery_through_the_api(api):
    shop = seller_shop()
    shop_order = deliver_cash(order_in(shop, payment_method=PaymentMethod.COD))
    response = _as(api, seller_of(shop)).post(
        _refunds_url(shop_order),
        {"amount": 10_000, "reason": "Kurang satu", "manual_note": "Transfer BRI 123"},
        format="json",
    )
    assert response.status_code == 201
    refund = Refund.objects.get(shop_order=shop_order)
    assert response.json() == {
        "id": refund.pk,
        "shop_order_number": shop_order.number,
        "amount": 10_000,
        "status": "succeeded",
        "method": "manual",
        "paid_back_by": "seller",
        "reason": "Kurang satu",
        "manual_note": "Transfer BRI 123",
        "created_at": response.json()["created_at"],
        "completed_at": response.json()["completed_at"],
    }
    # 10.000 of 40.000: the commission kept is 1.500 x 30.000 / 40.000 = 1.125; 375 comes back.
    assert LedgerEntry.objects.get(refund=refund).amount == 375
    assert shop_balance(shop=shop).total == -1_500 + 375
    assert_shop_order_invariant(shop_order)


def test_a_bank_transfer_refund_by_the_seller_stays_pending_for_the_operators(api):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    response = _as(api, staff_of(shop)).post(
        _refunds_url(shop_order), {"amount": 5_000, "reason": "Rusak"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["method"], response.json()["paid_back_by"]) == (
        "pending",
        "manual",
        "platform",
    )
    assert not LedgerEntry.objects.filter(kind__in=LedgerEntry.REFUND_KINDS).exists()
    assert shop_order_money(shop_order=shop_order).refundable == 35_000
    assert_shop_order_invariant(shop_order)


def test_refund_errors_are_field_errors_and_change_nothing(api):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    before = _state(shop_order)
    api = _as(api, seller_of(shop))
    response = api.post(_refunds_url(shop_order), {"amount": 40_001, "reason": "X"}, format="json", **EN)
    assert response.status_code == 400
    assert response.json() == {"amount": ["At most Rp 40.000 can be refunded."]}
    response = api.post(_refunds_url(shop_order), {"amount": "banyak", "reason": "X"}, format="json", **EN)
    assert response.status_code == 400
    assert list(response.json()) == ["amount"]
    response = api.post(_refunds_url(shop_order), {"amount": 100}, format="json", **EN)
    assert response.status_code == 400
    assert response.json() == {"reason": ["Tell the shopper why the money goes back."]}
    assert _state(shop_order) == before


def test_a_cash_on_delivery_refund_without_the_note_is_400(api):
    shop = seller_shop()
    shop_order = deliver_cash(order_in(shop, payment_method=PaymentMethod.COD))
    before = _state(shop_order)
    response = _as(api, seller_of(shop)).post(
        _refunds_url(shop_order), {"amount": 1_000, "reason": "X"}, format="json", **EN
    )
    assert response.status_code == 400
    assert response.json() == {"manual_note": ["Say how the money was paid back (bank, account, reference)."]}
    assert _state(shop_order) == before


def test_a_refund_the_state_does_not_allow_is_409(api, settings):
    from datetime import timedelta

    from django.utils import timezone

    shop = seller_shop()
    unpaid = order_in(shop, paid=False)
    api = _as(api, seller_of(shop))
    before = _state(unpaid)
    response = api.post(_refunds_url(unpaid), {"amount": 1_000, "reason": "X"}, format="json", **EN)
    assert response.status_code == 409
    assert response.json() == {"detail": "Nothing has been paid for this order yet."}
    assert _state(unpaid) == before

    completed = order_in(shop)
    complete(completed)
    ShopOrder.objects.filter(pk=completed.pk).update(
        completed_at=timezone.now() - timedelta(days=settings.REFUND_SELLER_WINDOW_DAYS, minutes=1)
    )
    before = _state(completed)
    response = api.post(_refunds_url(completed), {"amount": 1_000, "reason": "X"}, format="json", **EN)
    assert response.status_code == 409
    assert _state(completed) == before


def test_another_shops_order_is_404_and_a_visitor_401(api):
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    before = _state(shop_order)
    other = seller_shop()
    response = _as(api, seller_of(other)).post(
        _refunds_url(shop_order), {"amount": 1_000, "reason": "X"}, format="json"
    )
    assert response.status_code == 404
    response = APIClient().post(_refunds_url(shop_order), {"amount": 1_000, "reason": "X"}, format="json")
    assert response.status_code == 401
    assert _state(shop_order) == before


# --- Payout account ---------------------------------------------------------------------------------------------


def test_the_payout_account_before_anything_is_set(api):
    shop = seller_shop()
    data = _as(api, seller_of(shop)).get(ACCOUNT).json()
    assert data == {
        "bank_name": "",
        "account_number": "",
        "account_holder": "",
        "has_bank_account": False,
        "can_edit": True,
        "stripe": {
            "state": "not_connected",
            "details_submitted": False,
            "payouts_enabled": False,
            "requirements": [],
            "updated_at": None,
        },
    }


def test_the_owner_puts_the_bank_account_and_staff_read_it(api):
    shop = seller_shop()
    PayoutAccount.objects.create(
        shop=shop, stripe_account_id="acct_9", stripe_details_submitted=True, stripe_requirements=["external_account"]
    )
    response = _as(api, seller_of(shop)).put(
        ACCOUNT,
        {"bank_name": "BRI", "account_number": "0012 3456 78", "account_holder": "Ni Made Ayu"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["account_number"] == "0012345678"
    assert response.json()["stripe"]["state"] == "pending"
    data = _as(APIClient(), staff_of(shop)).get(ACCOUNT).json()
    assert (data["bank_name"], data["account_number"], data["account_holder"], data["can_edit"]) == (
        "BRI",
        "0012345678",
        "Ni Made Ayu",
        False,
    )
    assert data["stripe"]["requirements"] == ["external_account"]
    assert data["has_bank_account"] is True


def test_staff_cannot_put_the_bank_account(api):
    shop = seller_shop()
    PayoutAccount.objects.create(shop=shop, bank_name="BPD Bali", account_number="0123456", account_holder="Made")
    response = _as(api, staff_of(shop)).put(
        ACCOUNT, {"bank_name": "BRI", "account_number": "999999", "account_holder": "Staf"}, format="json", **EN
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the shop owner can do this."}
    account = PayoutAccount.objects.get(shop=shop)
    assert (account.bank_name, account.account_number, account.account_holder) == ("BPD Bali", "0123456", "Made")


def test_a_wrong_bank_account_is_400_with_field_errors_and_saves_nothing(api):
    shop = seller_shop()
    response = _as(api, seller_of(shop)).put(
        ACCOUNT, {"bank_name": "BRI", "account_number": "12", "account_holder": ""}, format="json", **EN
    )
    assert response.status_code == 400
    assert response.json() == {
        "account_number": ["Enter the account number: 5 to 20 digits."],
        "account_holder": ["Enter the name on the account, as the bank knows it."],
    }
    assert not PayoutAccount.objects.filter(shop=shop).exists()
    assert _as(APIClient(), VerifiedUserFactory()).get(ACCOUNT).status_code == 404
