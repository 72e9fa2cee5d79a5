"""The seller's balance page /penjual/saldo/: the balance (pending → available when the shopper confirms), the
ledger with the commission on every sale, the month filter, the monthly CSV statement (WITA, running balance,
formula-safe cells), the payouts, the payout settings (owner edits, staff read only) and the query budget."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import OrderLine, PaymentMethod, ShippingOption, ShopOrder
from payments.models import LedgerEntry, Payout, PayoutAccount
from payments.selectors import shop_balance
from payments.selectors_seller import SaleCommission, ledger_entries_with_commission
from payments.services.ledger import ledger_book_payout
from payments.services.refunds import refund_create, refund_record_paid_back
from tests.factories.accounts import VerifiedUserFactory
from tests.orders.builders import cart_with, place, variant_of

from .money import assert_shop_order_invariant, complete, money_operator, pay, seller_of, ship
from .seller_money import NET, date_entries, deliver_cash, order_in, seller_shop, staff_of, wita

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind
PAGE = "/en/penjual/saldo/"


def _signed_in(client, user):
    client.force_login(user)
    return client


def _balance(response) -> tuple[int, int, int]:
    balance = response.context["balance"]
    return balance.pending, balance.available, balance.total


# --- Balance ---------------------------------------------------------------------------------------------------


def test_the_balance_is_pending_after_payment_and_available_once_the_shopper_confirms(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    client = _signed_in(client, seller_of(shop))
    response = client.get(PAGE)
    assert response.status_code == 200
    assert _balance(response) == (NET, 0, NET)
    assert_shop_order_invariant(shop_order)

    ship(shop_order)
    assert _balance(client.get(PAGE)) == (NET, 0, NET)
    assert_shop_order_invariant(shop_order)

    complete(shop_order)
    response = client.get(PAGE)
    assert _balance(response) == (0, NET, NET)
    assert_shop_order_invariant(shop_order)
    html = response.content.decode()
    assert "<dd data-available><strong>Rp 38.500</strong></dd>" in html
    assert "after shipping pass without a reported problem" in html  # how money becomes available


def test_a_negative_balance_is_explained_as_commission_owed_on_cash_on_delivery(client):
    shop = seller_shop()
    shop_order = deliver_cash(order_in(shop, payment_method=PaymentMethod.COD))
    assert_shop_order_invariant(shop_order)
    response = _signed_in(client, seller_of(shop)).get(PAGE)
    assert _balance(response) == (-1_500, 0, -1_500)
    assert b"data-negative" in response.content
    assert b"commission you owe on cash-on-delivery sales" in response.content
    [entry] = response.context["entries"]
    assert (entry.kind, entry.amount, entry.commission) == (Kind.COD_COMMISSION, -1_500, None)


def test_a_positive_balance_has_no_warning(client):
    shop = seller_shop()
    order_in(shop)
    response = _signed_in(client, seller_of(shop)).get(PAGE)
    assert b"data-negative" not in response.content


# --- Entries and commission ---------------------------------------------------------------------------------------


def test_entries_are_newest_first_and_each_sale_shows_the_commission_of_its_order(client):
    shop = seller_shop()
    first = order_in(shop)
    second = order_in(shop, quantity=1, price=40_000)  # commission 5 % of Rp 40.000 = Rp 2.000
    response = _signed_in(client, seller_of(shop)).get(PAGE)
    rows = [
        (entry.shop_order_id, entry.kind, entry.amount, entry.commission and entry.commission.amount)
        for entry in response.context["entries"]
    ]
    assert rows == [
        (second.pk, Kind.COMMISSION, -2_000, None),
        (second.pk, Kind.SHIPPING, 10_000, None),
        (second.pk, Kind.SALE, 40_000, 2_000),
        (first.pk, Kind.COMMISSION, -1_500, None),
        (first.pk, Kind.SHIPPING, 10_000, None),
        (first.pk, Kind.SALE, 30_000, 1_500),
    ]
    html = response.content.decode()
    assert html.count("data-commission=") == 2
    assert 'data-commission="2000">commission Rp 2.000 (5%)</p>' in html
    assert 'data-commission="1500">commission Rp 1.500 (5%)</p>' in html
    assert f'href="/en/penjual/pesanan/{first.number}/"' in html


def test_a_sale_shows_the_rate_frozen_on_its_lines_or_no_rate_when_they_differ(client):
    shop = seller_shop()
    shop_order = order_in(shop, paid=False)
    OrderLine.objects.filter(shop_order=shop_order).update(commission_basis_points=250)
    pay(shop_order.order)
    flat = ShippingOption.objects.get(shop=shop, kind="flat")
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant_of(shop, price=10_000), 1), (variant_of(shop, price=20_000), 1)], user=buyer)
    mixed = ShopOrder.objects.get(order=place(cart, buyer=buyer, shipping={shop.pk: flat.pk}).order)
    cheap = OrderLine.objects.get(shop_order=mixed, unit_price=10_000)
    OrderLine.objects.filter(pk=cheap.pk).update(commission_basis_points=1_000)
    pay(mixed.order)  # Rp 1.000 (10 % of Rp 10.000) + Rp 1.000 (5 % of Rp 20.000)
    response = _signed_in(client, seller_of(shop)).get(PAGE)
    sales = {entry.shop_order_id: entry.commission for entry in response.context["entries"] if entry.kind == Kind.SALE}
    assert sales == {
        shop_order.pk: SaleCommission(amount=750, basis_points=250),
        mixed.pk: SaleCommission(amount=2_000, basis_points=None),
    }
    html = response.content.decode()
    assert 'data-commission="750">commission Rp 750 (2.5%)</p>' in html
    assert 'data-commission="2000">commission Rp 2.000</p>' in html


def test_a_sale_without_commission_shows_rp_0():
    shop = seller_shop()
    shop_order = order_in(shop, paid=False)
    OrderLine.objects.filter(shop_order=shop_order).update(commission_basis_points=0)
    pay(shop_order.order)
    [sale] = ledger_entries_with_commission(LedgerEntry.objects.filter(shop_order=shop_order, kind=Kind.SALE))
    assert sale.commission == SaleCommission(amount=0, basis_points=None)
    assert_shop_order_invariant(shop_order)


def test_the_page_shows_25_entries_per_page(client):
    shop = seller_shop()
    for _ in range(9):  # 27 entries
        order_in(shop)
    client = _signed_in(client, seller_of(shop))
    first = client.get(PAGE)
    second = client.get(PAGE + "?page=2")
    assert len(first.context["entries"]) == 25
    assert len(second.context["entries"]) == 2
    assert b'rel="next"' in first.content


def test_the_page_costs_the_same_queries_for_1_and_10_orders(client, django_assert_num_queries):
    shop = seller_shop()
    order_in(shop)
    PayoutAccount.objects.create(shop=shop, bank_name="BRI", account_number="1234567", account_holder="Made")
    client = _signed_in(client, seller_of(shop))
    with CaptureQueriesContext(connection) as one:
        assert client.get(PAGE).status_code == 200
    for _ in range(9):
        order_in(shop)
    payout = Payout.objects.create(shop=shop, amount=1_000, method="bank_transfer", idempotency_key="p1")
    ledger_book_payout(payout=payout)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(PAGE)
    assert len(response.context["entries"]) == 25
    assert len(response.context["payouts"]) == 1


# --- Month filter ---------------------------------------------------------------------------------------------


def test_the_month_filter_uses_wita_months(client):
    shop = seller_shop()
    october = order_in(shop)
    november = order_in(shop)
    # 31 October 23:59 WITA is still October; 1 November 00:30 WITA is November (16:30 UTC on 31 October).
    date_entries(october, wita(2026, 10, 31, 23, 59), wita(2026, 10, 31, 23, 59), wita(2026, 10, 31, 23, 59))
    date_entries(november, wita(2026, 11, 1, 0, 30), wita(2026, 11, 1, 0, 30), wita(2026, 11, 1, 0, 30))
    client = _signed_in(client, seller_of(shop))
    in_october = client.get(PAGE + "?month=2026-10")
    assert {entry.shop_order_id for entry in in_october.context["entries"]} == {october.pk}
    assert len(in_october.context["entries"]) == 3
    in_november = client.get(PAGE + "?month=2026-11")
    assert {entry.shop_order_id for entry in in_november.context["entries"]} == {november.pk}
    assert in_november.context["statement_url"] == "/en/penjual/saldo/laporan/2026-11.csv"
    # The balance is always the whole balance, whatever the month shown.
    assert _balance(in_october) == (2 * NET, 0, 2 * NET)
    assert len(client.get(PAGE + "?month=2026-09").context["entries"]) == 0


def test_a_month_that_is_not_one_shows_an_error_and_every_entry(client):
    shop = seller_shop()
    order_in(shop)
    response = _signed_in(client, seller_of(shop)).get(PAGE + "?month=2026-13")
    assert response.status_code == 200
    assert response.context["month_invalid"] is True
    assert len(response.context["entries"]) == 3
    assert b"Choose a month, for example 2026-11." in response.content


# --- CSV statement ------------------------------------------------------------------------------------------------


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_monthly_statement_has_the_opening_balance_every_entry_with_the_running_balance_and_the_closing(
    client,
):
    shop = seller_shop(slug="warung-made")
    before = order_in(shop)
    sale = order_in(shop)
    date_entries(before, wita(2026, 10, 5, 9, 0), wita(2026, 10, 5, 9, 0), wita(2026, 10, 5, 9, 0))
    date_entries(sale, wita(2026, 11, 1, 0, 30), wita(2026, 11, 1, 0, 31), wita(2026, 11, 1, 0, 32))
    # A partial refund in November (the operator transferred it back): Rp 10.000 and Rp 375 of commission back.
    ship(sale)
    refund = refund_create(shop_order=sale, amount=10_000, reason="Rusak", user=seller_of(shop), actor="seller")
    refund_record_paid_back(refund=refund, operator=money_operator(), manual_note="BCA 123")
    LedgerEntry.objects.filter(refund=refund, kind=Kind.REFUND).update(created_at=wita(2026, 11, 20, 14, 5))
    LedgerEntry.objects.filter(refund=refund, kind=Kind.COMMISSION_REFUND).update(created_at=wita(2026, 11, 20, 14, 6))
    # Next month's entries are not in November's statement.
    later = order_in(shop)
    date_entries(later, wita(2026, 12, 1, 0, 0), wita(2026, 12, 1, 0, 0), wita(2026, 12, 1, 0, 0))
    assert_shop_order_invariant(sale)

    response = _signed_in(client, seller_of(shop)).get("/en/penjual/saldo/laporan/2026-11.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="saldo-warung-made-2026-11.csv"'
    number = sale.number
    assert _rows(response) == [
        ["Date (WITA)", "Kind", "Order", "Description", "Amount", "Balance"],
        ["", "Opening balance", "", "", "", "38500"],
        ["2026-11-01 00:30", "Sale", number, f"Sale {number}", "30000", "68500"],
        ["2026-11-01 00:31", "Shipping paid by the shopper", number, f"Shipping {number}", "10000", "78500"],
        ["2026-11-01 00:32", "Platform commission", number, f"Commission on {number}", "-1500", "77000"],
        ["2026-11-20 14:05", "Refund to the shopper", number, f"Refund to the shopper, {number}", "-10000", "67000"],
        [
            "2026-11-20 14:06",
            "Commission returned with a refund",
            number,
            f"Commission returned with the refund, {number}",
            "375",
            "67375",
        ],
        ["", "Closing balance", "", "", "", "67375"],
    ]
    assert shop_balance(shop=shop).total == 67_375 + NET  # December's order


def test_statement_cells_cannot_run_as_spreadsheet_formulas(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    LedgerEntry.objects.filter(shop_order=shop_order, kind=Kind.SALE).update(
        description='=HYPERLINK("http://evil.example","klik")'
    )
    LedgerEntry.objects.filter(shop_order=shop_order, kind=Kind.SHIPPING).update(description="@SUM(A1)")
    LedgerEntry.objects.filter(shop_order=shop_order, kind=Kind.COMMISSION).update(description="-1+2")
    month = timezone.localtime(timezone.now()).strftime("%Y-%m")
    rows = _rows(_signed_in(client, seller_of(shop)).get(f"/en/penjual/saldo/laporan/{month}.csv"))
    # The notes follow the entry's own words, so no text cell starts like a formula.
    descriptions = [row[3] for row in rows[2:-1]]
    assert sorted(descriptions) == sorted(
        [
            f'Sale {shop_order.number} · =HYPERLINK("http://evil.example","klik")',
            f"Shipping {shop_order.number} · @SUM(A1)",
            f"Commission on {shop_order.number} · -1+2",
        ]
    )
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "@", "+") or cell.startswith("-1+")]
    # Amounts stay numbers.
    assert sorted(row[4] for row in rows[2:-1]) == ["-1500", "10000", "30000"]


def test_an_empty_month_has_equal_opening_and_closing_balances(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    date_entries(shop_order, wita(2026, 1, 5, 9, 0), wita(2026, 1, 5, 9, 0), wita(2026, 1, 5, 9, 0))
    rows = _rows(_signed_in(client, seller_of(shop)).get("/en/penjual/saldo/laporan/2026-03.csv"))
    assert rows[1:] == [["", "Opening balance", "", "", "", "38500"], ["", "Closing balance", "", "", "", "38500"]]


def test_a_statement_for_a_month_that_does_not_exist_is_a_404(client):
    shop = seller_shop()
    client = _signed_in(client, seller_of(shop))
    assert client.get("/en/penjual/saldo/laporan/2026-13.csv").status_code == 404
    assert client.get("/en/penjual/saldo/laporan/2026-1.csv").status_code == 404


def test_the_statement_is_in_indonesian_on_the_indonesian_site(client):
    shop = seller_shop()
    order_in(shop)
    month = timezone.localtime(timezone.now()).strftime("%Y-%m")
    response = _signed_in(client, seller_of(shop)).get(f"/penjual/saldo/laporan/{month}.csv")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"


# --- Who sees what -------------------------------------------------------------------------------------------------


def test_another_shops_seller_sees_only_their_own_shop(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    other = seller_shop()
    response = _signed_in(client, seller_of(other)).get(PAGE)
    assert response.status_code == 200
    assert response.context["shop"] == other
    assert list(response.context["entries"]) == []
    assert _balance(response) == (0, 0, 0)
    assert shop_order.number.encode() not in response.content
    month = timezone.localtime(timezone.now()).strftime("%Y-%m")
    rows = _rows(client.get(f"/en/penjual/saldo/laporan/{month}.csv"))
    assert rows[1:] == [["", "Opening balance", "", "", "", "0"], ["", "Closing balance", "", "", "", "0"]]


def test_staff_see_the_balance_and_the_bank_account_read_only(client):
    shop = seller_shop()
    order_in(shop)
    PayoutAccount.objects.create(shop=shop, bank_name="BPD Bali", account_number="0123456", account_holder="Made")
    response = _signed_in(client, staff_of(shop)).get(PAGE)
    assert response.status_code == 200
    assert _balance(response) == (NET, 0, NET)
    html = response.content.decode()
    assert 'action="/en/penjual/saldo/rekening/"' not in html
    assert "<dd>0123456</dd>" in html
    assert "Only the shop owner can change where payouts go." in html


def test_a_user_without_a_shop_is_sent_to_open_one_and_a_visitor_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/akun/login/" in response["Location"]
    response = _signed_in(client, VerifiedUserFactory()).get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/en/penjual/buka/"


# --- Payouts and payout settings -------------------------------------------------------------------------------


def test_the_payouts_are_listed_with_status_method_and_dates(client):
    shop = seller_shop()
    shop_order = order_in(shop)
    complete(shop_order)
    payout = Payout.objects.create(
        shop=shop,
        amount=30_000,
        method=Payout.Method.BANK_TRANSFER,
        idempotency_key="payout:test",
        bank_name="BRI",
        account_number="7654321",
        status=Payout.Status.PAID,
        paid_at=wita(2026, 11, 3, 10, 0),
    )
    ledger_book_payout(payout=payout)
    response = _signed_in(client, seller_of(shop)).get(PAGE)
    assert response.context["payouts"] == [payout]
    assert _balance(response) == (0, NET - 30_000, NET - 30_000)
    html = response.content.decode()
    assert f'data-payout="{payout.pk}" data-payout-status="paid"' in html
    assert "paid on 3 Nov 2026" in html
    assert "BRI 7654321" in html


def test_the_owner_saves_the_bank_account(client):
    shop = seller_shop()
    client = _signed_in(client, seller_of(shop))
    response = client.post(
        "/en/penjual/saldo/rekening/",
        {"bank_name": "BPD Bali", "account_number": "0123-4567-89", "account_holder": "Ni Made Ayu"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/penjual/saldo/#pencairan"
    account = PayoutAccount.objects.get(shop=shop)
    assert (account.bank_name, account.account_number, account.account_holder) == (
        "BPD Bali",
        "0123456789",
        "Ni Made Ayu",
    )


def test_a_wrong_bank_account_shows_the_errors_next_to_the_fields_and_saves_nothing(client):
    shop = seller_shop()
    client = _signed_in(client, seller_of(shop))
    response = client.post(
        "/en/penjual/saldo/rekening/", {"bank_name": "B", "account_number": "12ab", "account_holder": "Made"}
    )
    assert response.status_code == 400
    form = response.context["bank_form"]
    assert form.errors == {
        "bank_name": ["Enter the bank's name."],
        "account_number": ["Enter the account number: 5 to 20 digits."],
    }
    assert b'data-error="account_number"' in response.content
    assert not PayoutAccount.objects.filter(shop=shop).exists()


def test_staff_cannot_change_the_bank_account(client):
    shop = seller_shop()
    PayoutAccount.objects.create(shop=shop, bank_name="BPD Bali", account_number="0123456", account_holder="Made")
    response = _signed_in(client, staff_of(shop)).post(
        "/en/penjual/saldo/rekening/", {"bank_name": "BRI", "account_number": "99999999", "account_holder": "Staf"}
    )
    assert response.status_code == 403
    account = PayoutAccount.objects.get(shop=shop)
    assert (account.bank_name, account.account_number, account.account_holder) == ("BPD Bali", "0123456", "Made")


def test_the_stripe_block_is_shown_only_when_connect_is_on_and_keys_are_configured(client, settings):
    shop = seller_shop()
    client = _signed_in(client, seller_of(shop))
    settings.STRIPE_SECRET_KEY = ""
    assert b"data-stripe-state" not in client.get(PAGE).content
    assert client.post("/en/penjual/saldo/stripe/").status_code == 404
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_CONNECT_ENABLED = False
    assert b"data-stripe-state" not in client.get(PAGE).content
    settings.STRIPE_CONNECT_ENABLED = True
    response = client.get(PAGE)
    assert b'data-stripe-state="not_connected"' in response.content
    assert b"data-stripe-connect" in response.content
    PayoutAccount.objects.create(shop=shop, stripe_account_id="acct_1", stripe_details_submitted=True)
    assert b'data-stripe-state="pending"' in client.get(PAGE).content
    PayoutAccount.objects.filter(shop=shop).update(stripe_payouts_enabled=True)
    response = client.get(PAGE)
    assert b'data-stripe-state="enabled"' in response.content
    assert b"data-stripe-connect" not in response.content


def test_staff_see_the_stripe_state_without_the_button_and_their_post_is_refused(client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_CONNECT_ENABLED = True
    shop = seller_shop()
    client = _signed_in(client, staff_of(shop))
    response = client.get(PAGE)
    assert b'data-stripe-state="not_connected"' in response.content
    assert b"data-stripe-connect" not in response.content
    assert client.post("/en/penjual/saldo/stripe/").status_code == 403
    assert not PayoutAccount.objects.filter(shop=shop).exists()


def test_completed_orders_older_than_the_auto_complete_days_count_as_available(client, settings):
    """`AVAILABLE` reads `completed_at`, which the auto-complete task sets: a completed order's money is
    available on the page the moment it is completed."""
    shop = seller_shop()
    shop_order = order_in(shop)
    ship(shop_order)
    from orders.services.fulfilment import shop_order_auto_complete

    ShopOrder.objects.filter(pk=shop_order.pk).update(
        shipped_at=timezone.now() - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS + 1)
    )
    assert shop_order_auto_complete(
        shop_order=shop_order, shipped_before=timezone.now() - timedelta(days=settings.ORDER_AUTO_COMPLETE_DAYS)
    )
    response = _signed_in(client, seller_of(shop)).get(PAGE)
    assert _balance(response) == (0, NET, NET)
    assert_shop_order_invariant(shop_order)


# --- Stripe Connect (through the local Stripe stand-in) ------------------------------------------------------------


def test_the_owner_connects_stripe_through_an_onboarding_link_that_comes_back_to_this_page(client, fake_stripe):
    shop = seller_shop()
    owner = seller_of(shop)
    client = _signed_in(client, owner)
    response = client.post("/en/penjual/saldo/stripe/")
    assert response.status_code == 302
    account = PayoutAccount.objects.get(shop=shop)
    assert account.stripe_account_id.startswith("acct_")
    assert response["Location"].startswith(f"{fake_stripe.url}/onboarding/{account.stripe_account_id}")
    [created] = fake_stripe.requests_to("POST /v1/accounts")
    assert created.params["type"] == "express"
    assert created.params["email"] == owner.email
    assert created.params["metadata"] == {"shop_id": str(shop.pk)}
    [link] = fake_stripe.requests_to("POST /v1/account_links")
    assert link.params == {
        "account": account.stripe_account_id,
        "refresh_url": "http://testserver/en/penjual/saldo/?stripe=refresh#pencairan",
        "return_url": "http://testserver/en/penjual/saldo/?stripe=return#pencairan",
        "type": "account_onboarding",
    }
    # Pressing again (an expired link) makes a new link for the same account.
    assert client.post("/en/penjual/saldo/stripe/").status_code == 302
    assert len(fake_stripe.requests_to("POST /v1/accounts")) == 1
    assert len(fake_stripe.requests_to("POST /v1/account_links")) == 2
    # Coming back changes nothing by itself: the state comes from Stripe's `account.updated` event.
    response = client.get(PAGE + "?stripe=return")
    assert b'data-stripe-state="pending"' in response.content
    assert b"Welcome back from Stripe." in response.content
    assert PayoutAccount.objects.get(shop=shop).stripe_payouts_enabled is False


def test_a_stripe_refusal_comes_back_to_the_page_with_a_message_and_stores_nothing(client, fake_stripe):
    shop = seller_shop()
    fake_stripe.fail_next(
        "POST /v1/accounts", status=400, error={"type": "invalid_request_error", "message": "Country not supported."}
    )
    client = _signed_in(client, seller_of(shop))
    response = client.post("/en/penjual/saldo/stripe/")
    assert response.status_code == 302
    assert response["Location"] == "/en/penjual/saldo/#pencairan"
    assert not PayoutAccount.objects.filter(shop=shop).exclude(stripe_account_id=None).exists()
    page = client.get(PAGE)
    assert b"Country not supported." in page.content
    assert fake_stripe.requests_to("POST /v1/account_links") == []
