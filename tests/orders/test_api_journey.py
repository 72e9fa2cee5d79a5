"""Issue 6's "done means" through the API alone, as the apps would do it: every person logs in through allauth
headless (`/_allauth/app/v1/auth/login`) and sends `X-Session-Token`.

1. Bank transfer: a shopper puts products of two shops in the cart, quotes and places the order (with an
   `Idempotency-Key`, retried once), the operator finds the transfer by its amount and confirms it, each seller
   accepts and ships, the shopper confirms each parcel and reviews what they bought.
2. Cash on delivery: the same shopper and shops, no payment step; each seller ships and marks the parcel
   delivered (cash collected), the shopper confirms.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from accounts.selectors import OPERATOR_GROUP
from orders.models import Cart, Order, Review, ShopOrder
from payments.models import Payment
from shops.models import Product, ProductVariant, Shop
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.shops import ProductFactory, ProductVariantFactory, VillageFactory
from tests.orders.builders import shop_with_shipping

pytestmark = pytest.mark.django_db

LOGIN = "/_allauth/app/v1/auth/login"
SHOPPER_EMAIL = "ayu.lestari@contoh.id"
SELLER_A_EMAIL = "komang@kripik.test"
SELLER_B_EMAIL = "wayan@kopi.test"
OPERATOR_EMAIL = "operator@pasarumkm.test"
ADDRESS = {
    "recipient_name": "Ni Luh Ayu Lestari",
    "phone": "0812 3456 7001",
    "province": "51",
    "regency": "51.03",
    "district": "51.03.06",
    "village": "51.03.06.2005",
    "street_address": "Jl. Raya Canggu No. 5",
    "postal_code": "80363",
}


def app_for(email: str) -> APIClient:
    """An app client logged in headlessly: every request carries the session token, and no cookie."""
    app = APIClient()
    login = app.post(LOGIN, {"email": email, "password": DEFAULT_PASSWORD}, format="json")
    assert login.status_code == 200, login.content
    app.credentials(HTTP_X_SESSION_TOKEN=login.json()["meta"]["session_token"])
    assert "sessionid" not in app.cookies or not app.cookies["sessionid"].value
    return app


def two_shops(*, cash_on_delivery: bool) -> dict:
    """Two approved shops of two sellers, each with "JNE Reguler" (Rp 10.000 / Rp 12.000) and pickup; a snack
    with two variants in the first, a coffee in the second."""
    VillageFactory()  # Canggu, Kuta Utara, Badung, Bali: the regions the address names
    seller_a = VerifiedUserFactory(email=SELLER_A_EMAIL, full_name="Komang Sari")
    seller_b = VerifiedUserFactory(email=SELLER_B_EMAIL, full_name="Wayan Sudirta")
    shop_a, flat_a, _pickup_a = shop_with_shipping(
        owner=seller_a, fee=10_000, cash_on_delivery=cash_on_delivery, name="Kripik Bu Komang", slug="kripik-bu-komang"
    )
    shop_b, flat_b, _pickup_b = shop_with_shipping(
        owner=seller_b, fee=12_000, cash_on_delivery=cash_on_delivery, name="Kopi Pak Wayan", slug="kopi-pak-wayan"
    )
    snack = ProductFactory(shop=shop_a, title="Kripik Pisang Manis", slug="kripik-pisang-manis", variant=None)
    small = ProductVariantFactory(product=snack, name="250 g", sku="KPM-250", price=15_000, stock=10)
    large = ProductVariantFactory(product=snack, name="500 g", sku="KPM-500", price=28_000, stock=5)
    coffee = ProductFactory(shop=shop_b, title="Kopi Arabika Kintamani", slug="kopi-arabika-kintamani", variant=None)
    beans = ProductVariantFactory(product=coffee, name="", sku="KAK-200", price=40_000, stock=8)
    return {
        "shops": (shop_a, shop_b),
        "flat": (flat_a, flat_b),
        "variants": {"small": small, "large": large, "beans": beans},
        "products": (snack, coffee),
        "sellers": (seller_a, seller_b),
    }


def operator_user():
    operator = VerifiedUserFactory(email=OPERATOR_EMAIL, full_name="Operator Badung")
    group = Group.objects.get_or_create(name=OPERATOR_GROUP)[0]
    for app_label, codename in (("wagtailadmin", "access_admin"), ("payments", "confirm_bank_transfer")):
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    operator.groups.add(group)
    return operator


def fill_the_cart(shopper: APIClient, data: dict) -> None:
    """Two of the 500 g snack and one coffee: Rp 56.000 + Rp 40.000."""
    variants = data["variants"]
    first = shopper.post("/api/v1/cart/lines/", {"variant": variants["large"].pk, "quantity": 2}, format="json")
    assert first.status_code == 201
    second = shopper.post("/api/v1/cart/lines/", {"variant": variants["beans"].pk}, format="json")
    assert second.status_code == 201
    cart = shopper.get("/api/v1/cart/").json()
    assert (cart["count"], cart["subtotal"], cart["has_problems"]) == (3, 96_000, False)
    assert [
        (group["shop"]["name"], [(line["sku"], line["quantity"], line["line_total"]) for line in group["lines"]])
        for group in cart["groups"]
    ] == [
        ("Kripik Bu Komang", [("KPM-500", 2, 56_000)]),
        ("Kopi Pak Wayan", [("KAK-200", 1, 40_000)]),
    ]


def quote(shopper: APIClient, data: dict, *, payment_methods: list[str]) -> None:
    response = shopper.get("/api/v1/checkout/", {"district": "51.03.06"})
    assert response.status_code == 200
    body = response.json()
    shop_a, shop_b = data["shops"]
    assert [
        (shop["id"], shop["subtotal"], [(option["name"], option["fee"]) for option in shop["shipping_options"]])
        for shop in body["shops"]
    ] == [
        (shop_a.pk, 56_000, [("JNE Reguler", 10_000), ("Ambil di toko", 0)]),
        (shop_b.pk, 40_000, [("JNE Reguler", 12_000), ("Ambil di toko", 0)]),
    ]
    assert (body["payment_methods"], body["subtotal"], body["problems"]) == (payment_methods, 96_000, [])


def place(shopper: APIClient, data: dict, *, payment_method: str, key: str) -> dict:
    flat_a, flat_b = data["flat"]
    shop_a, shop_b = data["shops"]
    body = {
        "address": ADDRESS,
        "shipping": {str(shop_a.pk): flat_a.pk, str(shop_b.pk): flat_b.pk},
        "notes": {str(shop_b.pk): "Tolong digiling kasar."},
        "payment_method": payment_method,
    }
    placed = shopper.post("/api/v1/checkout/", body, format="json", headers={"Idempotency-Key": key})
    assert placed.status_code == 201, placed.content
    # The app's connection dropped before the answer: the retry with the same key finds the same order.
    retried = shopper.post("/api/v1/checkout/", body, format="json", headers={"Idempotency-Key": key})
    assert retried.status_code == 200
    assert retried.json()["order"]["number"] == placed.json()["order"]["number"]
    assert Order.objects.count() == 1
    return placed.json()


def seller_orders(seller: APIClient) -> list[dict]:
    response = seller.get("/api/v1/seller/orders/")
    assert response.status_code == 200
    return response.json()["results"]


def ship(seller: APIClient, number: str, *, tracking: str) -> dict:
    response = seller.post(
        f"/api/v1/seller/orders/{number}/ship/", {"courier": "JNE", "tracking_number": tracking}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def confirm_received(shopper: APIClient, order_number: str, shop_order_number: str) -> dict:
    response = shopper.post(
        f"/api/v1/orders/{order_number}/confirm-received/", {"shop_order": shop_order_number}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def statuses(order_body: dict) -> list[tuple[str, str]]:
    return [(part["shop"]["name"], part["status"]) for part in order_body["shop_orders"]]


def test_bank_transfer_journey_through_the_api_alone():
    data = two_shops(cash_on_delivery=False)
    VerifiedUserFactory(email=SHOPPER_EMAIL, full_name="Ni Luh Ayu Lestari")
    operator_user()
    shopper = app_for(SHOPPER_EMAIL)
    seller_a, seller_b = app_for(SELLER_A_EMAIL), app_for(SELLER_B_EMAIL)
    operator = app_for(OPERATOR_EMAIL)

    fill_the_cart(shopper, data)
    quote(shopper, data, payment_methods=["bank_transfer"])
    placed = place(shopper, data, payment_method="bank_transfer", key="app-7c1d-bank")

    order = placed["order"]
    number = order["number"]
    assert (order["payment_method"], order["subtotal"], order["shipping_total"], order["total"]) == (
        "bank_transfer",
        96_000,
        22_000,
        118_000,
    )
    assert [(part["shop"], part["status"], part["total"]) for part in order["shop_orders"]] == [
        ("Kripik Bu Komang", "awaiting_payment", 66_000),
        ("Kopi Pak Wayan", "awaiting_payment", 52_000),
    ]
    transfer = placed["next_action"]
    assert transfer["kind"] == "bank_transfer"
    unique_code = transfer["data"]["unique_code"]
    assert 1 <= unique_code <= 999
    assert (transfer["data"]["amount"], transfer["data"]["reference"]) == (118_000 + unique_code, number)
    assert shopper.get("/api/v1/cart/").json()["count"] == 0
    detail = shopper.get(f"/api/v1/orders/{number}/").json()
    assert detail["payment"] | {"pay_before": None} == {
        "method": "bank_transfer",
        "status": "pending",
        "amount": 118_000 + unique_code,
        "unique_code": unique_code,
        "pay_before": None,
    }
    # The sellers see the order, but there is nothing to accept before the money arrived.
    [waiting] = seller_orders(seller_a)
    assert (waiting["order_number"], waiting["status"]) == (number, "awaiting_payment")
    refused = seller_a.post(f"/api/v1/seller/orders/{waiting['number']}/accept/")
    assert refused.status_code == 409

    # The operator finds the transfer by the amount on the bank statement, written as the bank writes it.
    amount_text = f"Rp {118_000 + unique_code:,}".replace(",", ".")
    pending = operator.get("/api/v1/operator/payments/", {"q": amount_text})
    assert pending.status_code == 200
    [row] = pending.json()["results"]
    assert (row["order_number"], row["amount"], row["order_total"], row["status"]) == (
        number,
        118_000 + unique_code,
        118_000,
        "pending",
    )
    # A shopper cannot confirm their own transfer.
    assert shopper.post(f"/api/v1/operator/payments/{row['id']}/confirm/").status_code == 403
    confirmed = operator.post(f"/api/v1/operator/payments/{row['id']}/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "succeeded"
    assert [(part["shop"], part["status"]) for part in confirmed.json()["shop_orders"]] == [
        ("Kripik Bu Komang", "paid"),
        ("Kopi Pak Wayan", "paid"),
    ]
    assert operator.post(f"/api/v1/operator/payments/{row['id']}/confirm/").status_code == 409
    assert operator.get("/api/v1/operator/payments/").json()["count"] == 0

    # Each seller sees only their part, accepts it and ships it.
    shop_order_numbers = []
    for seller, shop_name, tracking in (
        (seller_a, "Kripik Bu Komang", "JNE0012345601"),
        (seller_b, "Kopi Pak Wayan", "JNE0012345602"),
    ):
        [part] = seller_orders(seller)
        assert (part["order_number"], part["status"], part["payment_method"]) == (number, "paid", "bank_transfer")
        other = next(so for so in order["shop_orders"] if so["shop"] != shop_name)
        assert seller.post(f"/api/v1/seller/orders/{other['number']}/accept/").status_code == 404
        accepted = seller.post(f"/api/v1/seller/orders/{part['number']}/accept/")
        assert (accepted.status_code, accepted.json()["status"]) == (200, "processing")
        shipped = ship(seller, part["number"], tracking=tracking)
        assert (shipped["status"], shipped["courier"], shipped["tracking_number"], shipped["payment_status"]) == (
            "shipped",
            "JNE",
            tracking,
            "succeeded",
        )
        shop_order_numbers.append(part["number"])
    detail = shopper.get(f"/api/v1/orders/{number}/").json()
    assert statuses(detail) == [("Kripik Bu Komang", "shipped"), ("Kopi Pak Wayan", "shipped")]
    assert [part["tracking_number"] for part in detail["shop_orders"]] == ["JNE0012345601", "JNE0012345602"]
    assert [part["note_to_seller"] for part in detail["shop_orders"]] == ["", "Tolong digiling kasar."]

    # A review before the parcel arrived is refused; then the shopper confirms each parcel and reviews.
    lines = {line["title"]: line["id"] for part in detail["shop_orders"] for line in part["lines"]}
    early = shopper.post(
        f"/api/v1/orders/{number}/reviews/", {"line": lines["Kripik Pisang Manis"], "rating": 5}, format="json"
    )
    assert early.status_code == 409
    for shop_order_number in shop_order_numbers:
        received = confirm_received(shopper, number, shop_order_number)
    assert statuses(received) == [("Kripik Bu Komang", "completed"), ("Kopi Pak Wayan", "completed")]
    reviewed = shopper.post(
        f"/api/v1/orders/{number}/reviews/",
        {"line": lines["Kripik Pisang Manis"], "rating": 5, "text": "Renyah dan manisnya pas."},
        format="json",
    )
    assert reviewed.status_code == 201, reviewed.content
    assert (reviewed.json()["rating"], reviewed.json()["author_name"]) == (5, "Ni Luh Ayu L.")
    twice = shopper.post(
        f"/api/v1/orders/{number}/reviews/", {"line": lines["Kripik Pisang Manis"], "rating": 1}, format="json"
    )
    assert twice.status_code == 409
    coffee_review = shopper.post(
        f"/api/v1/orders/{number}/reviews/", {"line": lines["Kopi Arabika Kintamani"], "rating": 4}, format="json"
    )
    assert coffee_review.status_code == 201
    public = APIClient().get("/api/v1/products/kripik-pisang-manis/reviews/").json()
    assert [(review["rating"], review["text"], review["author_name"]) for review in public["results"]] == [
        (5, "Renyah dan manisnya pas.", "Ni Luh Ayu L.")
    ]

    # The database agrees with what everyone was told.
    assert list(ShopOrder.objects.order_by("number").values_list("status", flat=True)) == ["completed", "completed"]
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert dict(ProductVariant.objects.values_list("sku", "stock")) == {"KPM-250": 10, "KPM-500": 3, "KAK-200": 7}
    assert sorted(Review.objects.values_list("rating", flat=True)) == [4, 5]
    snack, coffee = (Product.objects.get(pk=product.pk) for product in data["products"])
    assert (snack.rating_count, snack.rating_total, snack.sold_count) == (1, 5, 2)
    assert (coffee.rating_count, coffee.rating_total, coffee.sold_count) == (1, 4, 1)
    assert list(Shop.objects.order_by("name").values_list("name", "rating_count", "rating_total")) == [
        ("Kopi Pak Wayan", 1, 4),
        ("Kripik Bu Komang", 1, 5),
    ]
    assert not Cart.objects.filter(lines__isnull=False).exists()


def test_cash_on_delivery_journey_through_the_api_alone():
    data = two_shops(cash_on_delivery=True)
    VerifiedUserFactory(email=SHOPPER_EMAIL, full_name="Ni Luh Ayu Lestari")
    shopper = app_for(SHOPPER_EMAIL)
    seller_a, seller_b = app_for(SELLER_A_EMAIL), app_for(SELLER_B_EMAIL)

    fill_the_cart(shopper, data)
    quote(shopper, data, payment_methods=["bank_transfer", "cod"])
    placed = place(shopper, data, payment_method="cod", key="app-7c1d-cod")

    order = placed["order"]
    number = order["number"]
    assert (order["payment_method"], order["total"], order["pay_before"]) == ("cod", 118_000, None)
    assert [(part["shop"], part["status"], part["total"]) for part in order["shop_orders"]] == [
        ("Kripik Bu Komang", "processing", 66_000),
        ("Kopi Pak Wayan", "processing", 52_000),
    ]
    assert placed["next_action"] == {"kind": "none", "data": {"amount": 118_000}}
    detail = shopper.get(f"/api/v1/orders/{number}/").json()
    assert [part["status_display"] for part in detail["shop_orders"]] == ["Diproses", "Diproses"]
    assert (detail["payment"]["method"], detail["payment"]["status"], detail["payment"]["amount"]) == (
        "cod",
        "pending",
        118_000,
    )

    # No payment to wait for: each seller ships at once, then hands the parcel over and takes the cash.
    for seller, tracking in ((seller_a, "JNT8800112201"), (seller_b, "JNT8800112202")):
        [part] = seller_orders(seller)
        assert (part["order_number"], part["status"], part["payment_method"]) == (number, "processing", "cod")
        assert ship(seller, part["number"], tracking=tracking)["status"] == "shipped"
        delivered = seller.post(f"/api/v1/seller/orders/{part['number']}/deliver/")
        assert delivered.status_code == 200
        assert delivered.json()["status"] == "delivered"
        assert delivered.json()["paid_at"] is not None
    detail = shopper.get(f"/api/v1/orders/{number}/").json()
    assert statuses(detail) == [("Kripik Bu Komang", "delivered"), ("Kopi Pak Wayan", "delivered")]
    assert detail["payment"]["status"] == "succeeded"

    for part in detail["shop_orders"]:
        received = confirm_received(shopper, number, part["number"])
    assert statuses(received) == [("Kripik Bu Komang", "completed"), ("Kopi Pak Wayan", "completed")]
    assert [part["status_display"] for part in received["shop_orders"]] == ["Selesai", "Selesai"]
    # Confirming twice is refused and changes nothing.
    again = shopper.post(
        f"/api/v1/orders/{number}/confirm-received/", {"shop_order": detail["shop_orders"][0]["number"]}, format="json"
    )
    assert again.status_code == 409

    assert list(ShopOrder.objects.values_list("status", flat=True)) == ["completed", "completed"]
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED
    assert dict(ProductVariant.objects.values_list("sku", "stock")) == {"KPM-250": 10, "KPM-500": 3, "KAK-200": 7}
