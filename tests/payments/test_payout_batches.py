"""Payout batches in the Wagtail admin (/cms/pencairan/), as an operator uses them: the payable balances, creating
a batch, exporting it for the bank, marking payouts paid or failed, the refusals (nothing changes), who may see
any of it, the query budget, and — on PostgreSQL — two batches created at the same moment paying each shop once.

The shops' money comes from real orders: placed, confirmed by an operator, accepted, shipped and received
through the services, so the balances are the ledger's."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments.models import LedgerEntry, Payout, PayoutAccount, PayoutBatch
from payments.selectors import shop_balance
from payments.services import payouts
from payments.services.payouts import payout_batch_create
from tests.orders.test_concurrency import run_together

from .conftest import (
    complete_shop_order,
    give_bank_account,
    in_indonesian,
    make_money_operator,
    make_operator,
    paid_bank_shop_order,
)

pytestmark = pytest.mark.django_db

INDEX = "/cms/pencairan/"
CREATE = f"{INDEX}batch/new/"


def batch_url(batch) -> str:
    return f"{INDEX}batch/{batch.pk}/"


def csv_url(batch) -> str:
    return f"{INDEX}batch/{batch.pk}/csv/"


def paid_url(payout) -> str:
    return f"{INDEX}payout/{payout.pk}/paid/"


def failed_url(payout) -> str:
    return f"{INDEX}payout/{payout.pk}/failed/"


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def two_shops_with_money():
    """Two shops with available balances and bank accounts: Rp 37.000 (2 x 15.000 + 10.000 shipping - 10% of
    30.000) and Rp 28.000 (20.000 + 10.000 - 2.000)."""
    first, _ = paid_bank_shop_order(price=15_000, quantity=2)
    second, _ = paid_bank_shop_order(price=20_000, quantity=1)
    first, second = complete_shop_order(first), complete_shop_order(second)
    give_bank_account(first.shop, bank="BRI", number="0123-4567-89", holder="Made Sari")
    give_bank_account(second.shop, bank="BCA", number="9876543210", holder="Ketut Ayu")
    return first.shop, second.shop


def state() -> tuple:
    """What a refused action must leave as it was: batches, payouts with their statuses, ledger entries."""
    return (
        PayoutBatch.objects.count(),
        sorted(Payout.objects.values_list("pk", "status", "provider_reference", "failure_message")),
        LedgerEntry.objects.count(),
    )


def test_the_index_lists_payable_balances_and_marks_shops_without_a_bank_account(money_client):
    shop_a, shop_b = two_shops_with_money()
    no_bank, _ = paid_bank_shop_order(price=50_000, quantity=1)
    no_bank = complete_shop_order(no_bank).shop

    response = money_client.get(INDEX)

    assert response.status_code == 200
    rows = [(row.shop, row.payable) for row in response.context["payable"]]
    assert rows == [(no_bank, 55_000), (shop_a, 37_000), (shop_b, 28_000)]
    assert response.context["payable_total"] == 120_000
    html = response.content.decode()
    assert f'data-no-bank="{no_bank.pk}"' in html
    assert f'data-no-bank="{shop_a.pk}"' not in html
    assert "0123456789 — Made Sari" in html


def test_creating_a_batch_pays_every_shop_with_a_bank_account_and_empties_their_balances(money_client, money_operator):
    shop_a, shop_b = two_shops_with_money()
    no_bank, _ = paid_bank_shop_order(price=50_000, quantity=1)
    no_bank = complete_shop_order(no_bank).shop

    response = money_client.post(CREATE, follow=True)

    batch = PayoutBatch.objects.get()
    assert response.redirect_chain == [(batch_url(batch), 302)]
    assert messages_of(response) == [in_indonesian("Batch %(number)s created.") % {"number": batch.number}]
    payouts = list(batch.payouts.order_by("amount").values_list("shop", "amount", "status", "bank_name"))
    assert payouts == [
        (shop_b.pk, 28_000, "pending", "BCA"),
        (shop_a.pk, 37_000, "pending", "BRI"),
    ]
    assert batch.created_by == money_operator
    assert [shop_balance(shop=shop_a).available, shop_balance(shop=shop_b).available] == [0, 0]
    assert shop_balance(shop=no_bank).available == 55_000
    assert response.context["total"] == 65_000
    html = response.content.decode()
    assert [shop_a.name in html, shop_b.name in html, "Ketut Ayu" in html] == [True, True, True]


def test_creating_again_is_refused_because_nothing_is_left_to_pay(money_client):
    two_shops_with_money()
    money_client.post(CREATE, follow=True)
    before = state()

    response = money_client.post(CREATE, follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert messages_of(response) == [in_indonesian("No shop with a bank account has money to pay out.")]
    assert state() == before
    assert response.context["payable"] == []


def test_the_csv_export_is_exact_and_sends_the_payouts_to_processing(money_client):
    shop_a, shop_b = two_shops_with_money()
    money_client.post(CREATE, follow=True)
    batch = PayoutBatch.objects.get()
    payout_a, payout_b = batch.payouts.get(shop=shop_a), batch.payouts.get(shop=shop_b)

    response = money_client.post(csv_url(batch))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{batch.number}.csv"'
    first, second = sorted([payout_a, payout_b], key=lambda payout: payout.pk)
    rows = {
        payout_a.pk: f"{batch.number},{payout_a.pk},{shop_a.name},BRI,0123456789,Made Sari,37000,"
        f"{batch.number}-{payout_a.pk},processing",
        payout_b.pk: f"{batch.number},{payout_b.pk},{shop_b.name},BCA,9876543210,Ketut Ayu,28000,"
        f"{batch.number}-{payout_b.pk},processing",
    }
    assert response.content.decode() == (
        "batch,payout_id,shop,bank,account_number,account_holder,amount,reference,status\r\n"
        f"{rows[first.pk]}\r\n{rows[second.pk]}\r\n"
    )
    assert sorted(batch.payouts.values_list("status", flat=True)) == ["processing", "processing"]
    batch.refresh_from_db()
    assert batch.exported_at is not None

    again = money_client.post(csv_url(batch))

    assert again.content == response.content


def test_marking_a_processing_payout_paid_keeps_the_reference(money_client):
    shop_a, _shop_b = two_shops_with_money()
    money_client.post(CREATE, follow=True)
    batch = PayoutBatch.objects.get()
    money_client.post(csv_url(batch))
    payout = batch.payouts.get(shop=shop_a)

    response = money_client.post(paid_url(payout), {"reference": "BRI-TRX-991"}, follow=True)

    assert response.redirect_chain == [(batch_url(batch), 302)]
    payout.refresh_from_db()
    assert (payout.status, payout.provider_reference, payout.paid_at is not None) == ("paid", "BRI-TRX-991", True)
    assert shop_balance(shop=shop_a).available == 0
    assert messages_of(response) == [
        in_indonesian("Payout of %(amount)s to %(shop)s marked paid.") % {"amount": "Rp 37.000", "shop": shop_a.name}
    ]


def test_a_payout_not_yet_exported_cannot_be_marked_paid(money_client):
    shop_a, _shop_b = two_shops_with_money()
    money_client.post(CREATE, follow=True)
    payout = Payout.objects.get(shop=shop_a)
    before = state()

    response = money_client.post(paid_url(payout), {"reference": "X"}, follow=True)

    assert messages_of(response) == [in_indonesian("Only a payout sent to the bank (exported) can be marked paid.")]
    assert state() == before


def test_marking_a_payout_failed_returns_the_money_to_the_balance(money_client):
    shop_a, shop_b = two_shops_with_money()
    money_client.post(CREATE, follow=True)
    batch = PayoutBatch.objects.get()
    money_client.post(csv_url(batch))
    payout = batch.payouts.get(shop=shop_a)

    response = money_client.post(failed_url(payout), {"reason": "Rekening ditutup"}, follow=True)

    assert response.redirect_chain == [(batch_url(batch), 302)]
    payout.refresh_from_db()
    assert (payout.status, payout.failure_message) == ("failed", "Rekening ditutup")
    assert shop_balance(shop=shop_a).available == 37_000
    assert shop_balance(shop=shop_b).available == 0
    assert list(LedgerEntry.objects.filter(payout=payout).order_by("pk").values_list("kind", "amount")) == [
        ("payout", -37_000),
        ("payout_reversal", 37_000),
    ]
    assert response.context["total"] == 28_000


def test_marking_failed_needs_a_reason_and_a_settled_payout_cannot_fail(money_client):
    shop_a, shop_b = two_shops_with_money()
    money_client.post(CREATE, follow=True)
    batch = PayoutBatch.objects.get()
    money_client.post(csv_url(batch))
    paid = batch.payouts.get(shop=shop_b)
    money_client.post(paid_url(paid), follow=True)
    open_payout = batch.payouts.get(shop=shop_a)
    before = state()

    no_reason = money_client.post(failed_url(open_payout), {"reason": "  "}, follow=True)
    settled = money_client.post(failed_url(paid), {"reason": "Salah transfer"}, follow=True)
    paid_twice = money_client.post(paid_url(paid), {"reference": "again"}, follow=True)

    assert messages_of(no_reason) == [in_indonesian("Say why the payout failed (at most 500 characters).")]
    assert messages_of(settled) == [in_indonesian("This payout was already settled.")]
    assert messages_of(paid_twice) == [in_indonesian("Only a payout sent to the bank (exported) can be marked paid.")]
    assert state() == before
    assert [shop_balance(shop=shop_a).available, shop_balance(shop=shop_b).available] == [0, 0]


def test_unknown_batches_and_payouts_are_not_found(money_client):
    assert money_client.get(f"{INDEX}batch/999999/").status_code == 404
    assert money_client.post(f"{INDEX}batch/999999/csv/").status_code == 404
    assert money_client.post(f"{INDEX}payout/999999/paid/").status_code == 404


# --- Who may ----------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page_and_nothing_changes(client):
    two_shops_with_money()
    batch = payout_batch_create(operator=make_money_operator())
    payout = batch.payouts.first()
    before = state()

    responses = [
        client.get(INDEX),
        client.post(CREATE),
        client.get(batch_url(batch)),
        client.post(csv_url(batch)),
        client.post(paid_url(payout)),
        client.post(failed_url(payout), {"reason": "x"}),
    ]

    assert [response.status_code for response in responses] == [302] * 6
    assert all("/akun/login/" in response["Location"] or "login" in response["Location"] for response in responses)
    assert state() == before


@pytest.mark.parametrize("who", ["admin without the permission", "bank-transfer operator"])
def test_admin_users_without_manage_payouts_are_refused_and_nothing_changes(client, who):
    from tests.factories.accounts import SuperuserFactory

    two_shops_with_money()
    batch = payout_batch_create(operator=SuperuserFactory())
    payout = batch.payouts.first()
    user = make_operator(confirm=False) if who.startswith("admin") else make_operator()
    assert not user.has_perm("payments.manage_payouts")
    client.force_login(user)
    before = state()

    responses = [
        client.get(INDEX),
        client.post(CREATE),
        client.get(batch_url(batch)),
        client.post(csv_url(batch)),
        client.post(paid_url(payout)),
        client.post(failed_url(payout), {"reason": "x"}),
    ]

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(response.status_code, response["Location"]) for response in responses] == [(302, "/cms/")] * 6
    assert state() == before
    assert [payout.status for payout in Payout.objects.all()] == ["pending", "pending"]


# --- Query budget -------------------------------------------------------------------------------------------------


def batch_with(count: int) -> PayoutBatch:
    """A batch with `count` payouts written directly (the page only reads them)."""
    from tests.factories.shops import ApprovedShopFactory

    batch = PayoutBatch.objects.create(number=f"PB-TEST-{count}")
    for index in range(count):
        Payout.objects.create(
            shop=ApprovedShopFactory(),
            amount=10_000 + index,
            method=Payout.Method.BANK_TRANSFER,
            batch=batch,
            idempotency_key=f"test:{count}:{index}",
            bank_name="BRI",
            account_number="0123456789",
            account_holder="Made",
        )
    return batch


def test_the_batch_page_and_the_index_run_the_same_queries_whatever_the_number_of_payouts(money_client):
    one, five = batch_with(1), batch_with(5)
    money_client.get(batch_url(one))  # warm Wagtail's per-process caches
    with CaptureQueriesContext(connection) as for_one:
        money_client.get(batch_url(one))
    with CaptureQueriesContext(connection) as for_five:
        response = money_client.get(batch_url(five))
    with CaptureQueriesContext(connection) as index_before:
        money_client.get(INDEX)
    batch_with(7)
    with CaptureQueriesContext(connection) as index_after:
        index = money_client.get(INDEX)

    assert len(response.context["payouts"]) == 5
    assert len(for_five) == len(for_one)
    assert len(index.context["batches"]) == 3
    assert len(index_after) == len(index_before)


# --- Never paid twice (PostgreSQL) --------------------------------------------------------------------------------


def slow_balances(monkeypatch):
    """Widen the race window: every read of the payable balances in the service takes 0.3 s longer."""
    real = payouts.payable_balances

    def slow(**kwargs):
        rows = real(**kwargs)
        time.sleep(0.3)
        return rows

    monkeypatch.setattr(payouts, "payable_balances", slow)


def two_operators_create_batches():
    operators = [make_money_operator(), make_money_operator()]
    return run_together([lambda operator=operator: payout_batch_create(operator=operator) for operator in operators])


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_batches_would_pay_each_shop_twice(postgres, monkeypatch):
    shop_a, shop_b = two_shops_with_money()
    slow_balances(monkeypatch)
    monkeypatch.setattr(PayoutAccount.objects, "select_for_update", lambda: PayoutAccount.objects.all())

    outcomes = two_operators_create_batches()

    assert [isinstance(outcome, PayoutBatch) for outcome in outcomes] == [True, True]
    assert sorted(Payout.objects.values_list("shop", "amount")) == sorted(
        [(shop_a.pk, 37_000), (shop_a.pk, 37_000), (shop_b.pk, 28_000), (shop_b.pk, 28_000)]
    )


@pytest.mark.django_db(transaction=True)
def test_two_batches_created_at_the_same_moment_pay_each_shop_once(postgres, monkeypatch):
    shop_a, shop_b = two_shops_with_money()
    slow_balances(monkeypatch)

    outcomes = two_operators_create_batches()

    batches = [outcome for outcome in outcomes if isinstance(outcome, PayoutBatch)]
    refusals = [outcome for outcome in outcomes if not isinstance(outcome, PayoutBatch)]
    assert len(batches) == 1
    assert [error.message_dict for error in refusals] == [
        {"shops": [in_indonesian("No shop with a bank account has money to pay out.")]}
    ]
    assert sorted(Payout.objects.values_list("shop", "amount")) == sorted([(shop_a.pk, 37_000), (shop_b.pk, 28_000)])
    assert [shop_balance(shop=shop_a).available, shop_balance(shop=shop_b).available] == [0, 0]
