"""Issue 7's "done means", in Chromium: money from a card payment to a seller's payout.

A shopper buys from two shops and pays by card on the local Stripe stand-in's hosted page; its signed webhook
marks the order paid and the return page shows it. The first seller accepts, ships and refunds one returned bag
by card (through the stand-in); the shopper confirms both parcels; the seller sees the money available on the
balance page, net of commission and refund, and enters a bank account; the operator creates a payout batch,
exports it for the bank and marks the payout paid; the seller's available balance is back to zero. The ledger
invariant is checked at the end.
"""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order, ShopOrder
from payments.models import LedgerEntry, Payment, Payout, Refund
from payments.selectors import shop_balance
from tests.payments.conftest import fake_stripe  # noqa: F401 - the local Stripe stand-in, as a fixture here too
from tests.payments.money import assert_platform_invariant, assert_shop_order_invariant, ship

from .test_order_journey import (
    PHONE,
    SELLER_A_EMAIL,
    SHOP_A,
    SHOP_B,
    confirm_received,
    fill_the_cart_from_two_shops,
    fill_the_checkout,
    log_in,
    marketplace,
    operator_in_the_cms,
    rupiah,
    seller_fulfils,
)

OPERATOR_EMAIL = "keuangan@pasarumkm.test"
# Shop A: 2 x Rp 28.000 + Rp 10.000 shipping = Rp 66.000, commission 5 % of Rp 56.000 = Rp 2.800. One bag
# (Rp 28.000) comes back: the commission kept is 2.800 x 38.000 / 66.000 = 1.612,1 -> Rp 1.612, so Rp 1.188 returns.
SHOP_A_NET = 66_000 - 2_800 - 28_000 + 1_188


def operator_pays_the_batch(browser, base_url: str) -> None:
    context, page = operator_in_the_cms(
        browser, base_url, email=OPERATOR_EMAIL, permission="manage_payouts", path="/cms/pencairan/"
    )
    main = page.get_by_role("main")
    try:
        expect(main).to_contain_text(rupiah(SHOP_A_NET))
        main.get_by_role("button", name="Buat batch").click()
        expect(page.get_by_test_id("batch-total")).to_have_text(rupiah(SHOP_A_NET))
        with page.expect_download() as download_info:
            main.get_by_role("button", name="Ekspor CSV untuk bank").click()
        csv_text = open(download_info.value.path(), encoding="utf-8").read()  # noqa: SIM115
        assert str(SHOP_A_NET) in csv_text
        assert SHOP_A in csv_text
        page.reload()
        main.get_by_role("button", name="Tandai dibayar").click()
        expect(page.locator(".messages, [role=status]").first).to_be_visible()
    finally:
        context.close()


@pytest.mark.e2e
def test_card_payment_refund_and_payout(live_server, browser, fake_stripe, settings):  # noqa: F811
    data = marketplace(cash_on_delivery=False)
    settings.SITE_URL = live_server.url
    fake_stripe.webhook_url = f"{live_server.url}/payments/stripe/webhook/"
    base_url = live_server.url
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        fill_the_cart_from_two_shops(page, base_url)
        fill_the_checkout(page, data, payment="Kartu atau dompet digital")
        main.get_by_role("button", name="Buat pesanan").click()

        # Stripe's hosted page (the stand-in): pay. Its signed webhook reaches our server before the redirect.
        expect(page).to_have_url(re.compile(rf"^{re.escape(fake_stripe.url)}/pay/cs_"))
        order = Order.objects.get(buyer__email="ayu.lestari@contoh.id")
        number = order.number
        page.get_by_test_id("pay").click()
        expect(page).to_have_url(f"{base_url}/pembayaran/{number}/selesai/")
        expect(page.get_by_test_id("payment-state")).to_have_attribute("data-state", "paid")
        payment = Payment.objects.get(order=order, status="succeeded")
        assert payment.amount == 118_000
        assert [event["type"] for event in fake_stripe.sent_events][:1] == ["checkout.session.completed"]

        seller_fulfils(browser, base_url, SELLER_A_EMAIL, number, tracking="JNE0012345601", accept=True, deliver=False)
        seller_refunds_a_bag(browser, base_url, number)

        page.goto(f"{base_url}/pesanan/{number}/")
        # Shop B ships too (through the services: the seller's pages are covered above).
        ship(ShopOrder.objects.get(order=order, shop__name=SHOP_B))
        page.reload()
        confirm_received(page, SHOP_A)
        confirm_received(page, SHOP_B)
    finally:
        context.close()

    seller_sets_a_bank_account_and_sees(browser, base_url, available=SHOP_A_NET)
    operator_pays_the_batch(browser, base_url)
    seller_sets_a_bank_account_and_sees(browser, base_url, available=0, bank_known=True)

    shop_a_order = ShopOrder.objects.get(order=order, shop__name=SHOP_A)
    refund = Refund.objects.get(shop_order=shop_a_order)
    assert (refund.status, refund.method, refund.amount) == ("succeeded", "provider", 28_000)
    (stripe_refund,) = fake_stripe.requests_to("POST /v1/refunds")
    assert stripe_refund.params["amount"] == "2800000"
    payout = Payout.objects.get()
    assert (payout.status, payout.amount, payout.shop_id) == ("paid", SHOP_A_NET, shop_a_order.shop_id)
    assert shop_balance(shop=shop_a_order.shop).total == 0
    for shop_order in ShopOrder.objects.filter(order=order):
        assert_shop_order_invariant(shop_order)
    assert_platform_invariant()
    assert LedgerEntry.objects.filter(kind="sale").count() == 2


def seller_refunds_a_bag(browser, base_url: str, number: str) -> None:
    """Seller A, after shipping: the shopper sends one bag back; a refund of Rp 28.000 to the card."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        log_in(page, base_url, SELLER_A_EMAIL, "/penjual/pesanan/")
        main.get_by_role("link", name=re.compile(rf"^{re.escape(number)}-\d$")).click()
        box = main.locator("[data-refund-box]")
        expect(box.locator("[data-refundable]")).to_have_text(rupiah(66_000))
        box.locator("summary").click()
        form = box.locator("[data-refund-form]")
        form.locator("[name=amount]").fill("28000")
        form.locator("[name=reason]").fill("Satu bungkus dikembalikan pembeli.")
        form.locator("button[type=submit]").click()
        box = page.get_by_role("main").locator("[data-refund-box]")
        expect(box.locator("[data-refunded]")).to_have_text(rupiah(28_000))
        expect(box.locator("[data-refundable]")).to_have_text(rupiah(38_000))
    finally:
        context.close()


def seller_sets_a_bank_account_and_sees(browser, base_url: str, *, available: int, bank_known: bool = False) -> None:
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        log_in(page, base_url, SELLER_A_EMAIL, "/penjual/saldo/")
        expect(main.locator("[data-available]")).to_have_text(rupiah(available))
        if not bank_known:
            main.locator("[name=bank_name]").fill("BRI")
            main.locator("[name=account_number]").fill("0123-01-000123-50-1")
            main.locator("[name=account_holder]").fill("Komang Sari")
            main.locator("[name=account_holder]").press("Enter")
            expect(main.locator("[name=account_number]")).to_have_value("012301000123501")
        else:
            expect(main).to_contain_text(rupiah(SHOP_A_NET))  # the paid payout in the list
    finally:
        context.close()
