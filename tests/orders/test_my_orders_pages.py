"""The shopper's order pages at /pesanan/: the list, an order's page with its timeline, shipping, payment and
bank transfer instructions, and the actions (cancel, confirm received, report a problem), for the buyer and
for a guest holding the order's signed link."""

from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Order, ShopOrder, ShopOrderEvent
from orders.selectors.orders import order_access_token
from payments.models import Payment
from shops.models import ProductVariant
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_placed import placed_order

from .order_pages_helpers import guest_order, move_to, snapshot, two_shop_order

pytestmark = pytest.mark.django_db
Status = ShopOrder.Status


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _buyer_client(client, order):
    client.force_login(order.buyer)
    return client


# --- The list --------------------------------------------------------------------------------------------


def test_the_list_shows_my_orders_newest_first_with_a_status_badge_per_shop(client):
    placed, (shop_a, shop_b), _variants = two_shop_order()
    order = placed.order
    older = placed_order(buyer=order.buyer, created_at=timezone.now() - timedelta(days=2))
    placed_order()  # someone else's
    client.force_login(order.buyer)
    response = client.get("/en/pesanan/")
    assert response.status_code == 200
    assert [o.number for o in response.context["orders"]] == [order.number, older.number]
    html = response.content.decode()
    assert html.count('class="order-card"') == 2
    assert order.total == 92_000  # 2 x 15.000 + 10.000 + 40.000 + 12.000
    assert "Rp 92.000" in html
    assert html.count("Awaiting payment</span>") == 3  # two shops of the new order, one of the older
    assert shop_a.name in html
    assert shop_b.name in html


def test_the_list_is_paginated_by_20(client):
    buyer = VerifiedUserFactory()
    for _ in range(21):
        placed_order(buyer=buyer)
    client.force_login(buyer)
    first = client.get("/en/pesanan/")
    assert len(first.context["orders"]) == 20
    second = client.get("/en/pesanan/?page=2")
    assert len(second.context["orders"]) == 1


def test_an_empty_list_says_so(client):
    client.force_login(VerifiedUserFactory())
    response = client.get("/en/pesanan/")
    assert response.status_code == 200
    assert "You have no orders yet." in response.content.decode()


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_1_order_of_1_shop_as_for_5_orders_of_3_shops(
    client, django_assert_max_num_queries
):
    small, large = VerifiedUserFactory(), VerifiedUserFactory()
    placed_order(buyer=small, shops=1, lines_per_shop=1)
    for _ in range(5):
        placed_order(buyer=large, shops=3, lines_per_shop=2)
    client.force_login(small)
    small_count = _list_queries(client, "/en/pesanan/")
    client.force_login(large)
    large_count = _list_queries(client, "/en/pesanan/")
    assert large_count == small_count
    with django_assert_max_num_queries(small_count):
        response = client.get("/en/pesanan/")
    assert len(response.context["orders"]) == 5


# --- An order's page ----------------------------------------------------------------------------------------


def test_the_order_page_shows_each_shop_with_timeline_lines_shipping_totals_and_links(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = order.shop_orders.get(shop=shop_a)
    shop_order = move_to(shop_order, Status.SHIPPED)
    response = _buyer_client(client, order).get(f"/en/pesanan/{order.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-shop-order=") == 2
    # timeline: what, who, when (Makassar time) and note
    assert "Order placed" in html
    assert "Payment received" in html
    assert "<strong>Shipped</strong>" in html
    assert "JNE JN123" in html
    event = ShopOrderEvent.objects.filter(shop_order=shop_order, kind="shipped").get()
    assert timezone.localtime(event.created_at).strftime("%H:%M") + " WITA" in html
    assert "data-tracking>JN123<" in html
    assert f'href="/en/dokumen/faktur/{shop_order.number}.pdf"' in html
    text = quote(f"Hello {shop_a.name}, I have a question about order {order.number}", safe="")
    assert f'href="https://wa.me/6281234567890?text={text}"' in html
    assert "Rp 92.000" in html


def test_a_pending_bank_transfer_shows_the_amount_with_its_unique_code_accounts_reference_and_deadline(client):
    placed, _shops, _variants = two_shop_order()
    order = placed.order
    payment = Payment.objects.get(order=order)
    response = _buyer_client(client, order).get(f"/en/pesanan/{order.number}/")
    html = response.content.decode()
    assert "data-transfer-instructions" in html
    amount = f"Rp {order.total + payment.unique_code:,}".replace(",", ".")
    assert amount in html
    assert "0123456789" in html
    assert "PT Pasar UMKM Digital" in html
    assert order.number in html
    deadline = timezone.localtime(order.pay_before).strftime("%H:%M")
    assert f"{deadline} WITA" in html


def test_a_paid_or_cod_order_shows_no_transfer_instructions(client):
    placed, _shops, _variants = two_shop_order(payment_method="cod")
    response = _buyer_client(client, placed.order).get(f"/en/pesanan/{placed.order.number}/")
    assert "data-transfer-instructions" not in response.content.decode()
    assert "Cash on delivery" in response.content.decode()


# --- Actions ----------------------------------------------------------------------------------------------


def test_the_buyer_cancels_one_shops_part_before_shipping_and_the_stock_comes_back(client):
    placed, (shop_a, shop_b), (variant_a, _variant_b) = two_shop_order()
    order = placed.order
    shop_order = order.shop_orders.get(shop=shop_a)
    stock_before = ProductVariant.objects.get(pk=variant_a.pk).stock
    response = _buyer_client(client, order).post(
        f"/en/pesanan/{order.number}/{shop_order.number}/batalkan/", {"reason": "Salah pilih ukuran"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/pesanan/{order.number}/"
    shop_order.refresh_from_db()
    assert shop_order.status == Status.CANCELLED
    assert shop_order.cancel_reason == "Salah pilih ukuran"
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == stock_before + 2
    assert order.shop_orders.get(shop=shop_b).status == Status.AWAITING_PAYMENT
    event = ShopOrderEvent.objects.get(shop_order=shop_order, kind="cancelled")
    assert (event.actor, event.user, event.note) == ("shopper", order.buyer, "Salah pilih ukuran")


def test_the_page_offers_only_the_actions_the_status_allows(client):
    placed, (shop_a, shop_b), _variants = two_shop_order()
    order = placed.order
    move_to(order.shop_orders.get(shop=shop_a), Status.SHIPPED)
    response = _buyer_client(client, order).get(f"/en/pesanan/{order.number}/")
    items = {item["shop_order"].shop_id: item for item in response.context["shop_orders"]}
    assert (items[shop_a.pk]["can_cancel"], items[shop_a.pk]["can_confirm"], items[shop_a.pk]["can_report"]) == (
        False,
        True,
        True,
    )
    assert (items[shop_b.pk]["can_cancel"], items[shop_b.pk]["can_confirm"], items[shop_b.pk]["can_report"]) == (
        True,
        False,
        False,
    )
    html = response.content.decode()
    a_number = order.shop_orders.get(shop=shop_a).number
    b_number = order.shop_orders.get(shop=shop_b).number
    assert f"/en/pesanan/{order.number}/{a_number}/diterima/" in html
    assert f"/en/pesanan/{order.number}/{a_number}/batalkan/" not in html
    assert f"/en/pesanan/{order.number}/{b_number}/batalkan/" in html


def test_confirming_receipt_completes_the_shop_order(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = move_to(order.shop_orders.get(shop=shop_a), Status.SHIPPED)
    response = _buyer_client(client, order).post(f"/en/pesanan/{order.number}/{shop_order.number}/diterima/")
    assert response.status_code == 302
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.COMPLETED
    assert messages_of(response) == [f"Thank you! Order {shop_order.number} is completed."]


def test_reporting_a_problem_records_it_and_an_empty_report_is_refused(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = move_to(order.shop_orders.get(shop=shop_a), Status.DELIVERED)
    _buyer_client(client, order)
    before = snapshot(shop_order)
    empty = client.post(f"/en/pesanan/{order.number}/{shop_order.number}/masalah/", {"problem": "  "})
    assert empty.status_code == 400
    assert "Describe the problem." in empty.content.decode()
    assert snapshot(shop_order) == before
    response = client.post(f"/en/pesanan/{order.number}/{shop_order.number}/masalah/", {"problem": "Kemasan rusak"})
    assert response.status_code == 302
    shop_order.refresh_from_db()
    assert shop_order.problem == "Kemasan rusak"
    assert shop_order.problem_reported_at is not None
    assert ShopOrderEvent.objects.filter(shop_order=shop_order, kind="problem", actor="shopper").count() == 1


def test_an_action_the_status_no_longer_allows_answers_409_and_changes_nothing(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = move_to(order.shop_orders.get(shop=shop_a), Status.SHIPPED)
    _buyer_client(client, order)
    before = snapshot(shop_order)
    response = client.post(f"/en/pesanan/{order.number}/{shop_order.number}/batalkan/", {"reason": ""})
    assert response.status_code == 409
    assert "data-conflict" in response.content.decode()
    assert snapshot(shop_order) == before


def test_a_too_long_reason_is_refused_with_the_reason_kept(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = order.shop_orders.get(shop=shop_a)
    before = snapshot(shop_order)
    response = _buyer_client(client, order).post(
        f"/en/pesanan/{order.number}/{shop_order.number}/batalkan/", {"reason": "x" * 501}
    )
    assert response.status_code == 400
    assert "At most 500 characters." in response.content.decode()
    assert snapshot(shop_order) == before


def test_actions_need_the_csrf_token(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = order.shop_orders.get(shop=shop_a)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(order.buyer)
    response = guarded.post(f"/en/pesanan/{order.number}/{shop_order.number}/batalkan/", {"reason": ""})
    assert response.status_code == 403
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.AWAITING_PAYMENT


# --- Guests ----------------------------------------------------------------------------------------------


def test_a_guest_sees_the_order_through_the_signed_link_and_the_invoice_link_carries_it(client):
    order, shop, _variant = guest_order()
    token = order_access_token(order)
    response = client.get(f"/en/pesanan/{order.number}/", {"t": token})
    assert response.status_code == 200
    html = response.content.decode()
    shop_order = order.shop_orders.get()
    assert f"/en/dokumen/faktur/{shop_order.number}.pdf?{urlencode({'t': token})}" in html
    assert f'name="t" value="{token}"' in html
    assert shop.name in html


def test_a_guest_cancels_with_the_link_kept_across_the_post(client):
    order, _shop, variant = guest_order()
    token = order_access_token(order)
    shop_order = order.shop_orders.get()
    mail.outbox.clear()
    response = client.post(f"/en/pesanan/{order.number}/{shop_order.number}/batalkan/", {"t": token, "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/en/pesanan/{order.number}/?{urlencode({'t': token})}"
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.CANCELLED
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    event = ShopOrderEvent.objects.get(shop_order=shop_order, kind="cancelled")
    assert (event.actor, event.user) == ("shopper", None)
    assert Payment.objects.get(order=order).status == Payment.Status.CANCELLED
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    assert Order.objects.get(pk=order.pk).shop_orders.get().status == Status.CANCELLED


def test_the_order_page_in_english(client):
    placed, _shops, _variants = two_shop_order()
    client.force_login(placed.order.buyer)
    response = client.get(f"/en/pesanan/{placed.order.number}/")
    assert response.status_code == 200
    assert "Please transfer exactly" in response.content.decode()
