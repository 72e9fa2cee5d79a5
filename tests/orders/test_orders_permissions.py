"""Who may do what, over every order page and endpoint of the shopper and the seller.

Roles: anonymous, another shopper, the buyer, a guest holding the order's key (valid, invalid, another
order's), the shop's owner, the shop's staff, a member of another shop. Every refused request changes
nothing: the shop order's status, its timeline, its tracking number and problem, and the stock."""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.test import Client
from rest_framework.test import APIClient

from orders.models import ShopOrder
from orders.selectors.orders import order_access_token
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory

from .builders import cart_with, place, shop_with_shipping, variant_of
from .order_pages_helpers import move_to, owner_of, snapshot, staff_of

pytestmark = pytest.mark.django_db
Status = ShopOrder.Status

ROLES = (
    "anonymous",
    "other_shopper",
    "buyer",
    "guest_valid",
    "guest_invalid",
    "guest_other_order",
    "owner",
    "staff",
    "other_shop_member",
)
GUEST_ROLES = ("guest_valid", "guest_invalid", "guest_other_order")


@dataclass
class World:
    shop: object
    buyer: object
    buyer_order: object
    guest_order: object
    other_guest_order: object
    users: dict

    def shop_order(self, target: str) -> ShopOrder:
        order = self.buyer_order if target == "buyer" else self.guest_order
        return order.shop_orders.get()

    def token(self, role: str) -> str:
        return {
            "guest_valid": order_access_token(self.guest_order),
            "guest_invalid": "bukan-kunci:yang-benar",
            "guest_other_order": order_access_token(self.other_guest_order),
        }.get(role, "")


def _world() -> World:
    shop, flat, _pickup = shop_with_shipping()
    variant = variant_of(shop, stock=20)
    buyer = VerifiedUserFactory()
    buyer_order = place(cart_with([(variant, 2)], user=buyer), shipping={shop.pk: flat.pk}).order
    guest_order = place(cart_with([(variant, 1)]), buyer=None, shipping={shop.pk: flat.pk}).order
    other_guest_order = place(cart_with([(variant, 1)]), buyer=None, shipping={shop.pk: flat.pk}).order
    other_shop_member = owner_of(ApprovedShopFactory())
    users = {
        "other_shopper": VerifiedUserFactory(),
        "buyer": buyer,
        "owner": owner_of(shop),
        "staff": staff_of(shop),
        "other_shop_member": other_shop_member,
    }
    return World(shop, buyer, buyer_order, guest_order, other_guest_order, users)


def _client(world: World, role: str, *, api: bool):
    client = APIClient() if api else Client()
    if role in world.users:
        client.force_login(world.users[role])
    return client


# --- Shopper pages and endpoints ---------------------------------------------------------------------------------

# (name, api, method, path with {number} and {so}, data, status the shop order needs)
SHOPPER_ENDPOINTS = [
    ("page detail", False, "get", "/pesanan/{number}/", None, Status.AWAITING_PAYMENT),
    ("page cancel", False, "post", "/pesanan/{number}/{so}/batalkan/", {"reason": "x"}, Status.AWAITING_PAYMENT),
    ("page received", False, "post", "/pesanan/{number}/{so}/diterima/", {}, Status.SHIPPED),
    ("page problem", False, "post", "/pesanan/{number}/{so}/masalah/", {"problem": "Rusak"}, Status.SHIPPED),
    ("api detail", True, "get", "/api/v1/orders/{number}/", None, Status.AWAITING_PAYMENT),
    ("api cancel", True, "post", "/api/v1/orders/{number}/cancel/", {"reason": "x"}, Status.AWAITING_PAYMENT),
    ("api received", True, "post", "/api/v1/orders/{number}/confirm-received/", {}, Status.SHIPPED),
    ("api problem", True, "post", "/api/v1/orders/{number}/report-problem/", {"problem": "Rusak"}, Status.SHIPPED),
]


def _shopper_expected(*, target: str, role: str, api: bool, method: str) -> int:
    allowed = (target == "buyer" and role == "buyer") or (target == "guest" and role == "guest_valid")
    if allowed:
        return 302 if (method == "post" and not api) else 200
    if role == "anonymous":
        if api:
            return 401
        return 302 if method == "get" else 404  # a page asks to log in; an action finds nothing
    return 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["buyer", "guest"])
@pytest.mark.parametrize(
    ("name", "api", "method", "path", "data", "needs"), SHOPPER_ENDPOINTS, ids=[e[0] for e in SHOPPER_ENDPOINTS]
)
def test_shopper_order_endpoints(name, api, method, path, data, needs, target, role):
    world = _world()
    shop_order = move_to(world.shop_order(target), needs)
    before = snapshot(shop_order)
    client = _client(world, role, api=api)
    url = path.format(number=shop_order.order.number, so=shop_order.number)
    token = world.token(role)
    if api:
        if token:
            url += "?" + urlencode({"t": token})
        payload = {**(data or {}), "shop_order": shop_order.number} if method == "post" else None
        response = getattr(client, method)(url, payload, format="json") if payload is not None else client.get(url)
    elif method == "get":
        response = client.get(url, {"t": token} if token else {})
    else:
        response = client.post(url, {**data, **({"t": token} if token else {})})
    expected = _shopper_expected(target=target, role=role, api=api, method=method)
    assert response.status_code == expected
    if expected == 302 and method == "get":
        assert response["Location"].startswith("/akun/login/")
    if expected not in (200, 302) or method == "get":
        assert snapshot(shop_order) == before
    else:
        assert snapshot(shop_order) != before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_my_orders_list(role, api):
    world = _world()
    client = _client(world, role, api=api)
    response = client.get("/api/v1/orders/" if api else "/pesanan/")
    if role == "anonymous" or role in GUEST_ROLES:
        assert response.status_code == (401 if api else 302)
        return
    assert response.status_code == 200
    listed = (
        [item["number"] for item in response.json()["results"]]
        if api
        else [order.number for order in response.context["orders"]]
    )
    assert listed == ([world.buyer_order.number] if role == "buyer" else [])


# --- Seller pages and endpoints ---------------------------------------------------------------------------------

SELLER_ENDPOINTS = [
    ("page detail", False, "get", "/penjual/pesanan/{so}/", None, Status.PAID),
    ("page accept", False, "post", "/penjual/pesanan/{so}/terima/", {}, Status.PAID),
    (
        "page ship",
        False,
        "post",
        "/penjual/pesanan/{so}/kirim/",
        {"courier": "JNE", "tracking_number": "J1"},
        Status.PROCESSING,
    ),
    ("page deliver", False, "post", "/penjual/pesanan/{so}/sampai/", {}, Status.SHIPPED),
    ("page cancel", False, "post", "/penjual/pesanan/{so}/batalkan/", {"reason": "Habis"}, Status.PAID),
    ("api detail", True, "get", "/api/v1/seller/orders/{so}/", None, Status.PAID),
    ("api accept", True, "post", "/api/v1/seller/orders/{so}/accept/", {}, Status.PAID),
    (
        "api ship",
        True,
        "post",
        "/api/v1/seller/orders/{so}/ship/",
        {"courier": "JNE", "tracking_number": "J1"},
        Status.PROCESSING,
    ),
    ("api deliver", True, "post", "/api/v1/seller/orders/{so}/deliver/", {}, Status.SHIPPED),
    ("api cancel", True, "post", "/api/v1/seller/orders/{so}/cancel/", {"reason": "Habis"}, Status.PAID),
]


def _seller_expected(*, role: str, api: bool, method: str) -> int:
    if role in ("owner", "staff"):
        return 302 if (method == "post" and not api) else 200
    if role == "anonymous" or role in GUEST_ROLES:
        return 401 if api else 302  # to the login page
    return 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "api", "method", "path", "data", "needs"), SELLER_ENDPOINTS, ids=[e[0] for e in SELLER_ENDPOINTS]
)
def test_seller_order_endpoints(name, api, method, path, data, needs, role):
    world = _world()
    shop_order = move_to(world.shop_order("buyer"), needs)
    before = snapshot(shop_order)
    client = _client(world, role, api=api)
    url = path.format(so=shop_order.number)
    token = world.token(role)
    if token:
        url += "?" + urlencode({"t": token})
    if method == "get":
        response = client.get(url)
    elif api:
        response = client.post(url, data, format="json")
    else:
        response = client.post(url, data)
    expected = _seller_expected(role=role, api=api, method=method)
    assert response.status_code == expected
    if expected == 302 and role not in ("owner", "staff"):
        assert response["Location"].startswith("/akun/login/")
    if expected not in (200, 302) or method == "get" or role not in ("owner", "staff"):
        assert snapshot(shop_order) == before
    else:
        assert snapshot(shop_order) != before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_seller_orders_list(role, api):
    world = _world()
    number = world.shop_order("buyer").number
    client = _client(world, role, api=api)
    url = "/api/v1/seller/orders/" if api else "/penjual/pesanan/"
    token = world.token(role)
    response = client.get(url + ("?" + urlencode({"t": token}) if token else ""))
    if role == "anonymous" or role in GUEST_ROLES:
        assert response.status_code == (401 if api else 302)
        assert api or response["Location"].startswith("/akun/login/")
        return
    if role in ("other_shopper", "buyer"):  # no shop
        assert response.status_code == (404 if api else 302)
        assert api or response["Location"] == "/penjual/buka/"
        return
    assert response.status_code == 200
    listed = (
        [item["number"] for item in response.json()["results"]]
        if api
        else [so.number for so in response.context["shop_orders"]]
    )
    assert (number in listed) == (role in ("owner", "staff"))
    if role == "other_shop_member":
        assert listed == []
