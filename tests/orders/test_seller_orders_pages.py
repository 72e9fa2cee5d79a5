"""The seller's order pages at /penjual/pesanan/: the list (status tabs counted in one query, new orders
first, pages), an order's page (buyer, address, note, lines, timeline, documents) and the actions: accept,
ship, mark delivered (COD: and paid), cancel with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import ShopOrder, ShopOrderEvent
from orders.selectors.orders import shop_order_list_for_seller, shop_order_status_counts_for_seller
from payments.models import Payment
from shops.models import ProductVariant
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_placed import OrderLineFactory, ShopOrderFactory, placed_order
from tests.factories.shops import ApprovedShopFactory

from .builders import cart_with, place, shop_with_shipping, variant_of
from .order_pages_helpers import move_to, owner_of, snapshot, staff_of, two_shop_order

pytestmark = pytest.mark.django_db
Status = ShopOrder.Status
BASE = "/en/penjual/pesanan"


def _seller_client(client, shop):
    client.force_login(owner_of(shop))
    return client


# --- The list --------------------------------------------------------------------------------------------


def test_the_list_puts_orders_needing_the_seller_first_then_awaiting_payment_then_the_rest():
    shop = ApprovedShopFactory()
    order = placed_order(shops=0)
    made = {}
    for status in (Status.COMPLETED, Status.PAID, Status.AWAITING_PAYMENT, Status.PROCESSING, Status.SHIPPED):
        made[status] = ShopOrderFactory(order=placed_order(shops=0), shop=shop, status=status)
    newer_paid = ShopOrderFactory(order=order, shop=shop, status=Status.PAID)
    ShopOrderFactory(status=Status.PAID)  # another shop's
    listed = list(shop_order_list_for_seller(user=owner_of(shop), shop=shop))
    assert [so.pk for so in listed] == [
        newer_paid.pk,
        made[Status.PROCESSING].pk,
        made[Status.PAID].pk,
        made[Status.AWAITING_PAYMENT].pk,
        made[Status.SHIPPED].pk,
        made[Status.COMPLETED].pk,
    ]


def test_the_status_counts_take_one_query_and_count_only_the_shops_orders(django_assert_num_queries):
    shop = ApprovedShopFactory()
    for status in (Status.PAID, Status.PAID, Status.SHIPPED):
        ShopOrderFactory(shop=shop, status=status)
    ShopOrderFactory(status=Status.PAID)
    owner = owner_of(shop)
    with django_assert_num_queries(1):
        counts = shop_order_status_counts_for_seller(user=owner, shop=shop)
    assert counts == {
        "all": 3,
        "awaiting_payment": 0,
        "paid": 2,
        "processing": 0,
        "shipped": 1,
        "delivered": 0,
        "completed": 0,
        "cancelled": 0,
        "refunded": 0,
    }


def test_the_list_page_shows_tabs_with_counts_and_filters_by_status(client):
    shop = ApprovedShopFactory()
    paid = ShopOrderFactory(shop=shop, status=Status.PAID)
    shipped = ShopOrderFactory(shop=shop, status=Status.SHIPPED)
    _seller_client(client, shop)
    response = client.get(f"{BASE}/")
    assert response.status_code == 200
    assert [so.pk for so in response.context["shop_orders"]] == [paid.pk, shipped.pk]
    tabs = {tab["status"] or "all": tab["count"] for tab in response.context["tabs"]}
    assert (tabs["all"], tabs["paid"], tabs["shipped"], tabs["processing"]) == (2, 1, 1, 0)
    html = response.content.decode()
    assert 'data-tab="paid">New (<span data-count>1</span>)' in html
    filtered = client.get(f"{BASE}/", {"status": "shipped"})
    assert [so.pk for so in filtered.context["shop_orders"]] == [shipped.pk]
    unknown = client.get(f"{BASE}/", {"status": "nonsense"})
    assert len(unknown.context["shop_orders"]) == 2


def test_the_list_is_paginated_by_20(client):
    shop = ApprovedShopFactory()
    for _ in range(21):
        ShopOrderFactory(shop=shop)
    _seller_client(client, shop)
    assert len(client.get(f"{BASE}/").context["shop_orders"]) == 20
    assert len(client.get(f"{BASE}/?page=2").context["shop_orders"]) == 1


def test_a_user_without_a_shop_is_sent_to_open_one(client):
    client.force_login(VerifiedUserFactory())
    response = client.get(f"{BASE}/")
    assert response.status_code == 302
    assert response["Location"] == "/en/penjual/buka/"


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_1_order_of_1_line_as_for_5_orders_of_3_lines(
    client, django_assert_max_num_queries
):
    small, large = ApprovedShopFactory(), ApprovedShopFactory()
    order = placed_order(shops=0)
    OrderLineFactory(shop_order=ShopOrderFactory(order=order, shop=small))
    for _ in range(5):
        shop_order = ShopOrderFactory(shop=large, status=Status.PAID)
        for _line in range(3):
            OrderLineFactory(shop_order=shop_order)
    small_count = _count(_seller_client(client, small), f"{BASE}/")
    large_count = _count(_seller_client(client, large), f"{BASE}/")
    assert large_count == small_count
    with django_assert_max_num_queries(small_count):
        response = client.get(f"{BASE}/")
    assert len(response.context["shop_orders"]) == 5


# --- An order's page ----------------------------------------------------------------------------------------


def test_the_order_page_shows_buyer_contact_address_note_lines_timeline_and_documents(client):
    shop, flat, _pickup = shop_with_shipping()
    variant = variant_of(shop, price=25_000)
    buyer = VerifiedUserFactory()
    placed = place(cart_with([(variant, 2)], user=buyer), shipping={shop.pk: flat.pk}, notes={shop.pk: "Pedas ya"})
    shop_order = placed.order.shop_orders.get()
    response = _seller_client(client, shop).get(f"{BASE}/{shop_order.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ni Luh Ayu" in html
    assert 'href="tel:+6281234567001"' in html
    assert 'href="https://wa.me/6281234567001"' in html
    assert "Jl. Raya Canggu No. 5" in html
    assert "Pedas ya" in html
    assert "Rp 50.000" in html
    assert variant.sku in html
    assert "Order placed" in html
    assert f'href="/en/dokumen/faktur/{shop_order.number}.pdf"' in html
    assert f'href="/en/dokumen/label/{shop_order.number}.pdf"' in html
    assert response.context["actions"]["can_cancel"] is True
    assert response.context["actions"]["can_accept"] is False


def test_accept_then_ship_then_mark_delivered(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    shop_order = move_to(placed.order.shop_orders.get(shop=shop_a), Status.PAID)
    _seller_client(client, shop_a)
    page = client.get(f"{BASE}/{shop_order.number}/").content.decode()
    assert f"/penjual/pesanan/{shop_order.number}/terima/" in page
    response = client.post(f"{BASE}/{shop_order.number}/terima/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/{shop_order.number}/"
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.PROCESSING
    missing = client.post(f"{BASE}/{shop_order.number}/kirim/", {"courier": "", "tracking_number": ""})
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "Enter the courier, for example JNE or J&amp;T." in html
    assert "Enter the tracking number (resi)" in html
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.PROCESSING
    client.post(f"{BASE}/{shop_order.number}/kirim/", {"courier": "J&T", "tracking_number": "JT0001"})
    shipped = ShopOrder.objects.get(pk=shop_order.pk)
    assert (shipped.status, shipped.courier, shipped.tracking_number) == (Status.SHIPPED, "J&T", "JT0001")
    page = client.get(f"{BASE}/{shop_order.number}/").content.decode()
    assert "Mark as delivered" in page
    client.post(f"{BASE}/{shop_order.number}/sampai/")
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.DELIVERED
    kinds = list(ShopOrderEvent.objects.filter(shop_order=shop_order).values_list("kind", "actor"))
    assert kinds[-3:] == [("accepted", "seller"), ("shipped", "seller"), ("delivered", "seller")]


def test_pickup_ships_without_a_tracking_number(client):
    shop, _flat, pickup = shop_with_shipping()
    variant = variant_of(shop)
    placed = place(cart_with([(variant, 1)], user=VerifiedUserFactory()), shipping={shop.pk: pickup.pk})
    shop_order = move_to(placed.order.shop_orders.get(), Status.PROCESSING)
    _seller_client(client, shop)
    page = client.get(f"{BASE}/{shop_order.number}/").content.decode()
    assert "(optional)" in page
    response = client.post(f"{BASE}/{shop_order.number}/kirim/", {"courier": "", "tracking_number": ""})
    assert response.status_code == 302
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.SHIPPED


def test_cash_on_delivery_is_marked_received_and_paid(client):
    placed, (shop_a, shop_b), _variants = two_shop_order(payment_method="cod")
    order = placed.order
    _seller_client(client, shop_a)
    for shop in (shop_a, shop_b):
        shop_order = order.shop_orders.get(shop=shop)
        assert shop_order.status == Status.PROCESSING
        move_to(shop_order, Status.SHIPPED)
    shop_order = order.shop_orders.get(shop=shop_a)
    page = client.get(f"{BASE}/{shop_order.number}/").content.decode()
    assert "Mark as received by the shopper (and paid, COD)" in page
    client.post(f"{BASE}/{shop_order.number}/sampai/")
    shop_order.refresh_from_db()
    assert shop_order.status == Status.DELIVERED
    assert shop_order.paid_at is not None
    assert Payment.objects.get(order=order).status == Payment.Status.PENDING  # shop B has not collected yet


def test_the_seller_cancels_with_a_required_reason_and_the_stock_comes_back(client):
    placed, (shop_a, _shop_b), (variant_a, _variant_b) = two_shop_order()
    shop_order = move_to(placed.order.shop_orders.get(shop=shop_a), Status.PROCESSING)
    _seller_client(client, shop_a)
    before = snapshot(shop_order)
    refused = client.post(f"{BASE}/{shop_order.number}/batalkan/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Tell the shopper why the order is cancelled." in refused.content.decode()
    assert snapshot(shop_order) == before
    stock = ProductVariant.objects.get(pk=variant_a.pk).stock
    response = client.post(f"{BASE}/{shop_order.number}/batalkan/", {"reason": "Stok habis"})
    assert response.status_code == 302
    shop_order.refresh_from_db()
    assert (shop_order.status, shop_order.cancel_reason) == (Status.CANCELLED, "Stok habis")
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == stock + 2


def test_an_action_the_status_does_not_allow_answers_409_and_changes_nothing(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    shop_order = placed.order.shop_orders.get(shop=shop_a)  # awaiting payment
    _seller_client(client, shop_a)
    before = snapshot(shop_order)
    for action in ("terima", "sampai"):
        response = client.post(f"{BASE}/{shop_order.number}/{action}/")
        assert response.status_code == 409
        assert "data-conflict" in response.content.decode()
    response = client.post(f"{BASE}/{shop_order.number}/kirim/", {"courier": "JNE", "tracking_number": "1"})
    assert response.status_code == 409
    assert snapshot(shop_order) == before


def test_staff_of_the_shop_fulfil_orders_too(client):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    shop_order = move_to(placed.order.shop_orders.get(shop=shop_a), Status.PAID)
    client.force_login(staff_of(shop_a))
    assert client.post(f"{BASE}/{shop_order.number}/terima/").status_code == 302
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.PROCESSING


def test_the_seller_status_page_links_to_the_orders(client):
    shop = ApprovedShopFactory()
    _seller_client(client, shop)
    assert 'href="/en/penjual/pesanan/"' in client.get("/en/penjual/status/").content.decode()
