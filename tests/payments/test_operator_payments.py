"""The operators' payments overview (/cms/pembayaran/) and refund screen (/cms/pembayaran/refund/) in the Wagtail
admin, as an operator uses them: what waits for them, recording how a refund was paid back, refunding part of a
shop order, the refusals (nothing changes), who may see any of it, the query budget, concurrent refunds on
PostgreSQL, the dashboard panel and menu — and the commission rates operators set on categories and shops."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import ShopOrder
from orders.services.fulfilment import shop_order_cancel
from payments.models import LedgerEntry, Refund
from payments.selectors import shop_order_money
from payments.services import payment_flag
from payments.services.refunds import refund_create, refund_mark_failed
from shops.models import Category, Shop
from tests.factories.shops import CategoryFactory
from tests.orders.test_concurrency import run_together

from .conftest import (
    bank_order,
    complete_shop_order,
    in_indonesian,
    make_money_operator,
    make_operator,
    paid_bank_shop_order,
    shop_owner_user,
)

pytestmark = pytest.mark.django_db

OVERVIEW = "/cms/pembayaran/"
REFUND = "/cms/pembayaran/refund/"


def paid_back_url(refund) -> str:
    return f"{OVERVIEW}refunds/{refund.pk}/paid-back/"


def refund_url(shop_order) -> str:
    return f"{REFUND}?number={shop_order.number}"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def money_state() -> tuple:
    return (
        sorted(Refund.objects.values_list("pk", "status", "amount", "manual_note")),
        LedgerEntry.objects.count(),
        sorted(ShopOrder.objects.values_list("pk", "status")),
    )


def seller_refund(shop_order, amount=10_000) -> Refund:
    """A seller's partial refund of a bank-transfer order: it waits for an operator to pay it back."""
    return refund_create(
        shop_order=shop_order,
        amount=amount,
        reason="Satu barang rusak",
        user=shop_owner_user(shop_order.shop),
        actor="seller",
    )


# --- The overview -------------------------------------------------------------------------------------------------


def test_the_overview_shows_what_waits_for_an_operator(money_client):
    bank_order()  # a transfer waiting for confirmation
    flagged_order, _shops, flagged = bank_order(code=7)
    payment_flag(payment=flagged, reason="Amount 50.000 does not match 92.007")
    to_pay_back_order, _payment = paid_bank_shop_order()
    to_pay_back = seller_refund(to_pay_back_order)
    cancelled, _payment = paid_bank_shop_order(price=20_000, quantity=1)
    owner = shop_owner_user(cancelled.shop)
    shop_order_cancel(shop_order=cancelled, user=owner, reason="Stok habis", actor="seller")
    failed = Refund.objects.get(shop_order=cancelled)
    refund_mark_failed(refund=failed, message="Rekening pembeli salah")
    completed, _payment = paid_bank_shop_order(price=15_000, quantity=2)
    complete_shop_order(completed)

    response = money_client.get(OVERVIEW)

    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.pending_transfers == 2  # the flagged one still waits too
    assert (overview.flagged_count, overview.flagged) == (1, [flagged])
    assert (overview.to_pay_back_count, overview.to_pay_back) == (1, [to_pay_back])
    assert (overview.failed_refunds_count, overview.failed_refunds) == (1, [failed])
    assert overview.refunds_due_count == 1
    assert [(row.pk, row.due) for row in overview.refunds_due] == [(cancelled.pk, 30_000)]
    # Rp 37.000 available (30.000 + 10.000 - 10% of 30.000); the other shops' money is not yet available.
    assert [(row.shop, row.payable) for row in overview.payouts_due] == [(completed.shop, 37_000)]
    assert overview.payouts_due_total == 37_000
    html = response.content.decode()
    assert [flagged_order.number in html, "Amount 50.000 does not match 92.007" in html] == [True, True]
    assert [to_pay_back_order.number in html, cancelled.number in html] == [True, True]
    assert "Rekening pembeli salah" in html
    assert f'action="{paid_back_url(to_pay_back)}"' in html
    assert 'data-count="payouts-due">Rp 37.000<' in html


def test_recording_how_a_refund_was_paid_back_completes_it(money_client, money_operator):
    shop_order, _payment = paid_bank_shop_order()
    refund = seller_refund(shop_order)

    response = money_client.post(paid_back_url(refund), {"manual_note": "BCA 123456 a.n. Ayu, ref TRX9"}, follow=True)

    assert response.redirect_chain == [(OVERVIEW, 302)]
    refund.refresh_from_db()
    assert (refund.status, refund.manual_note) == ("succeeded", "BCA 123456 a.n. Ayu, ref TRX9")
    assert list(LedgerEntry.objects.filter(refund=refund, kind="refund").values_list("amount", flat=True)) == [-10_000]
    assert shop_order_money(shop_order=shop_order).refunded == 10_000
    assert messages_of(response) == [
        in_indonesian("Refund of %(amount)s for %(number)s recorded as paid back.")
        % {"amount": "Rp 10.000", "number": shop_order.number}
    ]
    assert response.context["overview"].to_pay_back == []


def test_paying_back_without_saying_how_or_twice_is_refused_and_nothing_changes(money_client):
    shop_order, _payment = paid_bank_shop_order()
    refund = seller_refund(shop_order)
    before = money_state()

    blank = money_client.post(paid_back_url(refund), {"manual_note": "   "}, follow=True)

    assert messages_of(blank) == [in_indonesian("Say how the money was paid back.")]
    assert money_state() == before

    money_client.post(paid_back_url(refund), {"manual_note": "BRI ref 1"}, follow=True)
    after_first = money_state()
    twice = money_client.post(paid_back_url(refund), {"manual_note": "BRI ref 2"}, follow=True)

    assert messages_of(twice) == [in_indonesian("This refund was already handled.")]
    assert money_state() == after_first


# --- Refund by an operator ------------------------------------------------------------------------------------


def test_the_refund_screen_finds_a_shop_order_and_shows_its_money(money_client):
    shop_order, _payment = paid_bank_shop_order()
    seller_refund(shop_order, amount=5_000)

    response = money_client.get(REFUND, {"number": f"  {shop_order.number.lower()} "})

    assert response.status_code == 200
    assert response.context["shop_order"] == shop_order
    money = response.context["money"]
    assert (money.paid, money.refunded, money.refunds_in_progress, money.refundable) == (40_000, 0, 5_000, 35_000)
    assert (money.seller_net, money.commission) == (37_000, 3_000)
    assert len(response.context["refunds"]) == 1
    html = response.content.decode()
    assert 'data-money="refundable"><strong>Rp 35.000</strong>' in html
    assert "Satu barang rusak" in html


def test_an_unknown_number_is_said_so(money_client):
    response = money_client.get(REFUND, {"number": "SO-NOPE"})

    assert response.context["shop_order"] is None
    assert 'data-testid="not-found"' in response.content.decode()


def test_an_operator_refunds_part_of_a_bank_transfer_order_recording_how(money_client, money_operator):
    shop_order, _payment = paid_bank_shop_order()
    shop_order = complete_shop_order(shop_order)

    response = money_client.post(
        refund_url(shop_order),
        {"amount": "Rp 12.000", "reason": "Barang tidak sesuai", "manual_note": "BRI 0099 a.n. Ayu"},
        follow=True,
    )

    assert response.redirect_chain == [(refund_url(shop_order), 302)]
    refund = Refund.objects.get(shop_order=shop_order)
    assert (refund.amount, refund.status, refund.method, refund.actor, refund.requested_by) == (
        12_000,
        "succeeded",
        "manual",
        "operator",
        money_operator,
    )
    assert refund.manual_note == "BRI 0099 a.n. Ayu"
    money = shop_order_money(shop_order=shop_order)
    assert (money.refunded, money.refundable, money.seller_net + money.commission) == (12_000, 28_000, 28_000)
    assert messages_of(response) == [
        in_indonesian("Refund of %(amount)s for %(number)s recorded.")
        % {"amount": "Rp 12.000", "number": shop_order.number}
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "40001", "reason": "x", "manual_note": "BRI"}, "amount", "At most %(amount)s can be refunded."),
        (
            {"amount": "abc", "reason": "x", "manual_note": "BRI"},
            "amount",
            "Enter an amount in whole rupiah, at least 1.",
        ),
        (
            {"amount": "1000", "reason": "x", "manual_note": ""},
            "manual_note",
            "Say how the money was paid back (bank, account, reference).",
        ),
    ],
)
def test_a_refused_refund_shows_the_services_error_and_changes_nothing(money_client, data, field, message):
    shop_order, _payment = paid_bank_shop_order()
    shop_order = complete_shop_order(shop_order)
    before = money_state()

    response = money_client.post(refund_url(shop_order), data)

    assert response.status_code == 400
    expected = in_indonesian(message)
    if "%(amount)s" in message:
        expected = expected % {"amount": "Rp 40.000"}
    assert response.context["form"].errors[field] == [expected]
    assert money_state() == before


def test_a_refund_of_an_unpaid_order_is_refused_with_a_message(money_client):
    order, _shops, _payment = bank_order()
    shop_order = order.shop_orders.order_by("pk").first()
    before = money_state()

    response = money_client.post(refund_url(shop_order), {"amount": "1000", "reason": "x", "manual_note": "BRI"})

    assert response.status_code == 302
    assert money_state() == before


# --- Who may --------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page_and_nothing_changes(client):
    shop_order, _payment = paid_bank_shop_order()
    refund = seller_refund(shop_order)
    before = money_state()

    responses = [
        client.get(OVERVIEW),
        client.get(refund_url(shop_order)),
        client.post(refund_url(shop_order), {"amount": "1000", "reason": "x", "manual_note": "BRI"}),
        client.post(paid_back_url(refund), {"manual_note": "BRI"}),
        client.get("/cms/rekonsiliasi/"),
        client.get("/cms/rekonsiliasi/csv/"),
    ]

    assert [response.status_code for response in responses] == [302] * 6
    assert all("login" in response["Location"] for response in responses)
    assert money_state() == before


@pytest.mark.parametrize("who", ["admin without the permission", "bank-transfer operator"])
def test_admin_users_without_manage_payouts_are_refused_and_nothing_changes(client, who):
    shop_order, _payment = paid_bank_shop_order()
    refund = seller_refund(shop_order)
    user = make_operator(confirm=False) if who.startswith("admin") else make_operator()
    client.force_login(user)
    before = money_state()

    responses = [
        client.get(OVERVIEW),
        client.get(refund_url(shop_order)),
        client.post(refund_url(shop_order), {"amount": "1000", "reason": "x", "manual_note": "BRI"}),
        client.post(paid_back_url(refund), {"manual_note": "BRI"}),
        client.get("/cms/rekonsiliasi/"),
        client.get("/cms/rekonsiliasi/csv/"),
    ]
    dashboard = client.get("/cms/").content.decode()

    assert [(response.status_code, response["Location"]) for response in responses] == [(302, "/cms/")] * 6
    assert money_state() == before
    assert [OVERVIEW in dashboard, "/cms/pencairan/" in dashboard, "payments-waiting" in dashboard] == [False] * 3


def test_money_operators_get_the_menu_and_the_dashboard_panel(money_client):
    bank_order()
    shop_order, _payment = paid_bank_shop_order()
    seller_refund(shop_order)

    html = money_client.get("/cms/").content.decode()

    for url in (OVERVIEW, REFUND, "/cms/pencairan/", "/cms/rekonsiliasi/", "/cms/transfer-bank/"):
        assert url in html
    assert 'id="payments-waiting' in html
    assert 'data-count="pending-transfers">1<' in html
    assert 'data-count="to-pay-back">1<' in html


# --- Query budget ---------------------------------------------------------------------------------------------


def flagged_transfers(count: int) -> None:
    for _ in range(count):
        _order, _shops, payment = bank_order()
        payment_flag(payment=payment, reason="Currency USD")


def test_the_overview_runs_the_same_queries_whatever_the_number_of_rows(money_client):
    flagged_transfers(1)
    shop_order, _payment = paid_bank_shop_order()
    seller_refund(shop_order)
    money_client.get(OVERVIEW)  # warm Wagtail's per-process caches
    with CaptureQueriesContext(connection) as one:
        money_client.get(OVERVIEW)
    flagged_transfers(4)
    for _ in range(4):
        shop_order, _payment = paid_bank_shop_order()
        seller_refund(shop_order)
    with CaptureQueriesContext(connection) as five:
        response = money_client.get(OVERVIEW)

    assert len(response.context["overview"].flagged) == 5
    assert len(response.context["overview"].to_pay_back) == 5
    assert len(five) == len(one)


# --- Concurrent refunds (PostgreSQL) --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_operators_refunding_60_percent_at_once_refund_once(postgres):
    from django.core.exceptions import ValidationError

    shop_order, _payment = paid_bank_shop_order()
    shop_order = complete_shop_order(shop_order)
    operators = [make_money_operator(), make_money_operator()]
    amount = shop_order.total * 60 // 100

    def refund_by(operator):
        return lambda: refund_create(
            shop_order=shop_order,
            amount=amount,
            reason="Barang rusak",
            user=operator,
            actor="operator",
            manual_note=f"BRI ref {operator.pk}",
        )

    outcomes = run_together([refund_by(operator) for operator in operators])

    refunds = [outcome for outcome in outcomes if isinstance(outcome, Refund)]
    errors = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert (len(refunds), len(errors)) == (1, 1)
    assert list(errors[0].message_dict) == ["amount"]
    money = shop_order_money(shop_order=shop_order)
    assert (money.refunded, money.paid) == (amount, 40_000)
    assert money.refunded <= money.paid
    assert Refund.objects.filter(shop_order=shop_order).count() == 1


# --- Commission rates set by operators --------------------------------------------------------------------------


def category_edit_url(category) -> str:
    return f"/cms/categories/edit/{category.pk}/"


def test_an_operator_sets_a_categorys_commission_in_the_category_form(client):
    client.force_login(make_operator())
    category = CategoryFactory(name="Kopi", slug="kopi", icon="coffee")

    form_page = client.get(category_edit_url(category))
    saved = client.post(
        category_edit_url(category),
        {"name": "Kopi", "slug": "kopi", "icon": "coffee", "commission_basis_points": "750"},
    )

    assert 'name="commission_basis_points"' in form_page.content.decode()
    assert in_indonesian("in basis points: 500 = 5%") in form_page.content.decode()
    assert saved.status_code == 302
    assert Category.objects.get(pk=category.pk).commission_basis_points == 750

    cleared = client.post(category_edit_url(category), {"name": "Kopi", "slug": "kopi", "icon": "coffee"})

    assert cleared.status_code == 302
    assert Category.objects.get(pk=category.pk).commission_basis_points is None


@pytest.mark.parametrize("value", ["10001", "-1", "5.5"])
def test_an_out_of_range_category_commission_is_refused_and_nothing_changes(client, value):
    client.force_login(make_operator())
    category = CategoryFactory(name="Kopi", slug="kopi", icon="coffee", commission_basis_points=500)

    response = client.post(
        category_edit_url(category),
        {"name": "Kopi Bali", "slug": "kopi", "icon": "coffee", "commission_basis_points": value},
    )

    assert response.status_code == 200
    assert "commission_basis_points" in response.context["form"].errors
    category.refresh_from_db()
    assert (category.name, category.commission_basis_points) == ("Kopi", 500)


def test_an_operator_sets_a_shops_commission_on_the_review_page(client):
    from tests.factories.shops import ApprovedShopFactory

    client.force_login(make_operator())
    shop = ApprovedShopFactory()
    url = f"/cms/shops/{shop.pk}/review/"

    page = client.get(url)
    saved = client.post(url, {"action": "commission", "commission_basis_points": "250"}, follow=True)
    refused = client.post(url, {"action": "commission", "commission_basis_points": "10001"}, follow=True)

    assert 'value="commission"' in page.content.decode()
    assert saved.redirect_chain == [(url, 302)]
    assert Shop.objects.get(pk=shop.pk).commission_basis_points == 250
    assert len(messages_of(refused)) == 1
    assert Shop.objects.get(pk=shop.pk).commission_basis_points == 250

    client.post(url, {"action": "commission", "commission_basis_points": ""})

    assert Shop.objects.get(pk=shop.pk).commission_basis_points is None


def test_a_non_operator_cannot_set_a_shops_commission(client):
    from tests.factories.shops import ApprovedShopFactory

    client.force_login(make_operator(confirm=False))
    shop = ApprovedShopFactory(commission_basis_points=300)

    response = client.post(f"/cms/shops/{shop.pk}/review/", {"action": "commission", "commission_basis_points": "0"})

    assert response.status_code == 302
    assert Shop.objects.get(pk=shop.pk).commission_basis_points == 300


def test_an_operator_resolves_a_flagged_payment_and_it_leaves_the_list(money_client):
    _order, _shops, payment = bank_order(code=9)
    payment_flag(payment=payment, reason="Currency USD does not match IDR")
    url = f"{OVERVIEW}flagged/{payment.pk}/resolve/"

    refused = money_client.post(url, {"resolution": "  "}, follow=True)
    payment.refresh_from_db()
    assert payment.flag_resolved_at is None
    assert refused.context["overview"].flagged == [payment]

    response = money_client.post(url, {"resolution": "Dikembalikan lewat dasbor Stripe, re_123"}, follow=True)
    payment.refresh_from_db()
    assert payment.flag_resolution == "Dikembalikan lewat dasbor Stripe, re_123"
    assert payment.flag_resolved_by is not None
    assert payment.status == "pending"  # resolving a flag moves no money
    assert response.context["overview"].flagged == []
    assert response.context["overview"].flagged_count == 0
    again = money_client.post(url, {"resolution": "twice"}, follow=True)
    payment.refresh_from_db()
    assert payment.flag_resolution == "Dikembalikan lewat dasbor Stripe, re_123"
    assert messages_of(again)


def test_resolving_a_flag_needs_the_payout_permission(client):
    _order, _shops, payment = bank_order(code=11)
    payment_flag(payment=payment, reason="Amount differs")
    client.force_login(make_operator())  # confirms transfers, but may not handle money flags
    response = client.post(f"{OVERVIEW}flagged/{payment.pk}/resolve/", {"resolution": "ok"})
    assert response.status_code in (302, 403)
    payment.refresh_from_db()
    assert payment.flag_resolved_at is None
