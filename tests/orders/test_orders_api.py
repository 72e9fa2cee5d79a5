"""`/api/v1/orders/` (the shopper) and `/api/v1/seller/orders/` (the shop): lists, details, actions, errors
(400 field errors, 404 for others, 409 for a status that does not allow the action) and query budgets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from orders.models import ShopOrder, ShopOrderEvent
from orders.selectors.orders import order_access_token
from payments.models import Payment
from shops.models import ProductVariant
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_placed import OrderLineFactory, ShopOrderFactory, placed_order
from tests.factories.shops import ApprovedShopFactory

from .order_pages_helpers import guest_order, move_to, owner_of, snapshot, two_shop_order

pytestmark = pytest.mark.django_db
Status = ShopOrder.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


# --- Shopper ------------------------------------------------------------------------------------------------


def test_my_orders_list_is_paginated_and_only_mine(api):
    placed, (shop_a, shop_b), _variants = two_shop_order()
    order = placed.order
    placed_order()
    response = _as(api, order.buyer).get("/api/v1/orders/")
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["next"], data["previous"]) == (1, None, None)
    [item] = data["results"]
    assert item["number"] == order.number
    assert item["total"] == 92_000
    assert item["payment_method"] == "bank_transfer"
    assert [(so["shop"]["slug"], so["status"]) for so in item["shop_orders"]] == [
        (shop_a.slug, "awaiting_payment"),
        (shop_b.slug, "awaiting_payment"),
    ]


def test_my_order_detail_has_shop_orders_lines_events_and_the_payment(api):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    payment = Payment.objects.get(order=order)
    data = _as(api, order.buyer).get(f"/api/v1/orders/{order.number}/", **EN).json()
    assert data["number"] == order.number
    assert data["payment"] == {
        "method": "bank_transfer",
        "status": "pending",
        "amount": order.total + payment.unique_code,
        "unique_code": payment.unique_code,
        "pay_before": data["pay_before"],
    }
    assert data["pay_before"].endswith("+08:00")
    assert data["shipping_address"]["recipient_name"] == "Ni Luh Ayu"
    first = data["shop_orders"][0]
    assert first["shop"]["slug"] == shop_a.slug
    assert [(line["quantity"], line["unit_price"], line["line_total"]) for line in first["lines"]] == [
        (2, 15_000, 30_000)
    ]
    assert [(e["kind"], e["label"], e["actor"]) for e in first["events"]] == [("placed", "Order placed", "shopper")]


def test_the_buyer_cancels_one_shop_order_through_the_api(api):
    placed, (shop_a, _shop_b), (variant_a, _variant_b) = two_shop_order()
    order = placed.order
    shop_order = order.shop_orders.get(shop=shop_a)
    stock = ProductVariant.objects.get(pk=variant_a.pk).stock
    response = _as(api, order.buyer).post(
        f"/api/v1/orders/{order.number}/cancel/", {"shop_order": shop_order.number, "reason": "Salah"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["shop_orders"][0]["status"] == "cancelled"
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == stock + 2


def test_confirm_received_and_report_problem(api):
    placed, (shop_a, shop_b), _variants = two_shop_order()
    order = placed.order
    a = move_to(order.shop_orders.get(shop=shop_a), Status.SHIPPED)
    b = move_to(order.shop_orders.get(shop=shop_b), Status.DELIVERED)
    _as(api, order.buyer)
    response = api.post(f"/api/v1/orders/{order.number}/confirm-received/", {"shop_order": a.number}, format="json")
    assert response.status_code == 200
    assert ShopOrder.objects.get(pk=a.pk).status == Status.COMPLETED
    response = api.post(
        f"/api/v1/orders/{order.number}/report-problem/", {"shop_order": b.number, "problem": "Rusak"}, format="json"
    )
    assert response.status_code == 200
    assert ShopOrder.objects.get(pk=b.pk).problem == "Rusak"
    again = api.post(
        f"/api/v1/orders/{order.number}/report-problem/",
        {"shop_order": b.number, "problem": "Lagi"},
        format="json",
        **EN,
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "A problem was already reported for this order."}
    assert ShopOrder.objects.get(pk=b.pk).problem == "Rusak"


def test_bad_input_is_400_with_field_errors_and_changes_nothing(api):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = move_to(order.shop_orders.get(shop=shop_a), Status.SHIPPED)
    before = snapshot(shop_order)
    _as(api, order.buyer)
    url = f"/api/v1/orders/{order.number}"
    missing = api.post(f"{url}/report-problem/", {"problem": "x"}, format="json", **EN)
    assert missing.status_code == 400
    assert missing.json() == {"shop_order": ["This field is required."]}
    other = api.post(f"{url}/confirm-received/", {"shop_order": "PU-000000-XXXXX-1"}, format="json", **EN)
    assert other.status_code == 400
    assert other.json() == {"shop_order": ["This order has no such shop order."]}
    empty = api.post(f"{url}/report-problem/", {"shop_order": shop_order.number, "problem": " "}, format="json", **EN)
    assert empty.status_code == 400
    assert empty.json() == {"problem": ["Describe the problem."]}
    assert snapshot(shop_order) == before


def test_an_action_the_status_does_not_allow_is_409(api):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    order = placed.order
    shop_order = order.shop_orders.get(shop=shop_a)
    before = snapshot(shop_order)
    response = _as(api, order.buyer).post(
        f"/api/v1/orders/{order.number}/confirm-received/", {"shop_order": shop_order.number}, format="json", **EN
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "This cannot be done while the order is Awaiting payment."}
    assert snapshot(shop_order) == before


def test_a_guest_reads_and_cancels_with_the_orders_key(api):
    order, _shop, _variant = guest_order()
    token = order_access_token(order)
    shop_order = order.shop_orders.get()
    detail = api.get(f"/api/v1/orders/{order.number}/", {"t": token})
    assert detail.status_code == 200
    assert detail.json()["number"] == order.number
    response = api.post(
        f"/api/v1/orders/{order.number}/cancel/?t={token}", {"shop_order": shop_order.number}, format="json"
    )
    assert response.status_code == 200
    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.CANCELLED
    assert ShopOrderEvent.objects.get(shop_order=shop_order, kind="cancelled").user is None


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_my_orders_list_costs_the_same_queries_for_1_order_of_1_shop_as_for_5_orders_of_3_shops(
    api, django_assert_max_num_queries
):
    small, large = VerifiedUserFactory(), VerifiedUserFactory()
    placed_order(buyer=small)
    for _ in range(5):
        placed_order(buyer=large, shops=3, lines_per_shop=2)
    small_count = _queries(_as(api, small), "/api/v1/orders/")
    large_count = _queries(_as(api, large), "/api/v1/orders/")
    assert large_count == small_count
    with django_assert_max_num_queries(small_count):
        assert api.get("/api/v1/orders/").json()["count"] == 5


# --- Seller ---------------------------------------------------------------------------------------------


def test_seller_list_new_first_filter_and_bad_filter(api):
    shop = ApprovedShopFactory()
    shipped = ShopOrderFactory(shop=shop, status=Status.SHIPPED)
    paid = ShopOrderFactory(shop=shop, status=Status.PAID)
    awaiting = ShopOrderFactory(shop=shop, status=Status.AWAITING_PAYMENT)
    ShopOrderFactory(status=Status.PAID)
    _as(api, owner_of(shop))
    data = api.get("/api/v1/seller/orders/").json()
    assert [item["number"] for item in data["results"]] == [paid.number, awaiting.number, shipped.number]
    assert data["count"] == 3
    filtered = api.get("/api/v1/seller/orders/", {"status": "shipped"}).json()
    assert [item["number"] for item in filtered["results"]] == [shipped.number]
    bad = api.get("/api/v1/seller/orders/", {"status": "nope"}, **EN)
    assert bad.status_code == 400
    assert list(bad.json()) == ["status"]


def test_seller_detail_and_the_whole_flow(api):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    shop_order = move_to(placed.order.shop_orders.get(shop=shop_a), Status.PAID)
    _as(api, owner_of(shop_a))
    url = f"/api/v1/seller/orders/{shop_order.number}"
    data = api.get(f"{url}/").json()
    assert data["order_number"] == placed.order.number
    assert data["shipping_address"]["phone"] == "+6281234567001"
    assert data["payment_method"] == "bank_transfer"
    assert api.post(f"{url}/accept/").json()["status"] == "processing"
    missing = api.post(f"{url}/ship/", {}, format="json", **EN)
    assert missing.status_code == 400
    assert set(missing.json()) == {"courier", "tracking_number"}
    shipped = api.post(f"{url}/ship/", {"courier": "JNE", "tracking_number": "JN9"}, format="json").json()
    assert (shipped["status"], shipped["courier"], shipped["tracking_number"]) == ("shipped", "JNE", "JN9")
    assert api.post(f"{url}/deliver/").json()["status"] == "delivered"
    conflict = api.post(f"{url}/cancel/", {"reason": "x"}, format="json")
    assert conflict.status_code == 409
    assert list(conflict.json()) == ["detail"]


def test_seller_cancel_needs_a_reason(api):
    placed, (shop_a, _shop_b), (variant_a, _variant_b) = two_shop_order()
    shop_order = placed.order.shop_orders.get(shop=shop_a)
    before = snapshot(shop_order)
    _as(api, owner_of(shop_a))
    url = f"/api/v1/seller/orders/{shop_order.number}/cancel/"
    refused = api.post(url, {}, format="json", **EN)
    assert refused.status_code == 400
    assert refused.json() == {"reason": ["Tell the shopper why the order is cancelled."]}
    assert snapshot(shop_order) == before
    assert api.post(url, {"reason": "Stok habis"}, format="json").json()["status"] == "cancelled"
    assert ProductVariant.objects.get(pk=variant_a.pk).stock == 10


def test_seller_list_costs_the_same_queries_for_1_order_as_for_5_orders_of_3_lines(api, django_assert_max_num_queries):
    small, large = ApprovedShopFactory(), ApprovedShopFactory()
    OrderLineFactory(shop_order=ShopOrderFactory(shop=small))
    for _ in range(5):
        shop_order = ShopOrderFactory(shop=large)
        for _line in range(3):
            OrderLineFactory(shop_order=shop_order)
    small_count = _queries(_as(api, owner_of(small)), "/api/v1/seller/orders/")
    large_count = _queries(_as(api, owner_of(large)), "/api/v1/seller/orders/")
    assert large_count == small_count
    with django_assert_max_num_queries(small_count):
        assert api.get("/api/v1/seller/orders/").json()["count"] == 5


def test_a_user_without_a_shop_gets_404_on_the_seller_list(api):
    response = _as(api, VerifiedUserFactory()).get("/api/v1/seller/orders/", **EN)
    assert response.status_code == 404
    assert response.json() == {"detail": "You do not have a shop yet. Open your shop first."}
