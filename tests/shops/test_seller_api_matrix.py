"""Who may call every seller and operator endpoint: the permission matrix (STYLE: one per role and endpoint).

Roles: the shop's owner and staff, the owner of another shop, a shopper (a verified user in no shop), an
anonymous client and an operator who belongs to no shop. Seller endpoints work on the caller's own shop, so
the other shop's owner reaches *their* shop (200 on their shop, 404 for our products), and an operator in no
shop is a shopper there (404). Staff manage products but not the shop profile or its submission (403).
Operator endpoints: operators only (403 for everyone else, 401 anonymous).

Every refusal leaves the whole database (and the outbox) as it was; any caller but our shop's owner, staff
and (for operator endpoints) the operator leaves our shop as it was; an allowed write changes our shop.
"""

import io
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from accounts.selectors import OPERATOR_GROUP
from shops.models import Product, Shop
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
    ShopMemberFactory,
)
from tests.shops.test_seller_api import snapshot

pytestmark = pytest.mark.django_db

ROLES = ("owner", "staff", "other_member", "shopper", "anonymous", "operator")


def jpeg_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: object  # world -> str
    expected: dict[str, int]
    payload: object = None  # world -> dict
    format: str = "json"
    writes: bool = True
    shop_status: str = Shop.Status.DRAFT  # our shop's status before the call
    acting: frozenset = field(default=frozenset({"owner", "staff"}))  # who may change our shop


def seller(owner, staff, other_member) -> dict[str, int]:
    """Seller endpoints: a shopper and an operator in no shop get 404, anonymous 401."""
    return {
        "owner": owner,
        "staff": staff,
        "other_member": other_member,
        "shopper": 404,
        "anonymous": 401,
        "operator": 404,
    }


OPERATOR = {"owner": 403, "staff": 403, "other_member": 403, "shopper": 403, "anonymous": 401, "operator": 200}
PRODUCT = "/api/v1/seller/products/{w.product.pk}/"


def url(template: str):
    return lambda world: template.format(w=world)


ENDPOINTS = [
    Endpoint("shop_get", "get", url("/api/v1/seller/shop/"), seller(200, 200, 200), writes=False),
    Endpoint(
        "shop_patch",
        "patch",
        url("/api/v1/seller/shop/"),
        seller(200, 403, 200),
        payload=lambda world: {"story": "Cerita yang diganti."},
        acting=frozenset({"owner"}),
    ),
    Endpoint(
        "shop_submit", "post", url("/api/v1/seller/shop/submit/"), seller(200, 403, 200), acting=frozenset({"owner"})
    ),
    Endpoint("products_list", "get", url("/api/v1/seller/products/"), seller(200, 200, 200), writes=False),
    Endpoint(
        "products_create",
        "post",
        url("/api/v1/seller/products/"),
        seller(201, 201, 201),
        payload=lambda world: {
            "title": "Kopi Bubuk",
            "category": world.category.slug,
            "weight_grams": 250,
            "variants": [{"price": 30_000, "stock": 5}],
        },
    ),
    Endpoint("product_get", "get", url(PRODUCT), seller(200, 200, 404), writes=False),
    Endpoint(
        "product_patch", "patch", url(PRODUCT), seller(200, 200, 404), payload=lambda world: {"title": "Judul Baru"}
    ),
    Endpoint("product_delete", "delete", url(PRODUCT), seller(200, 200, 404)),
    Endpoint("product_publish", "post", url(PRODUCT + "publish/"), seller(200, 200, 404)),
    Endpoint(
        "variant_create",
        "post",
        url(PRODUCT + "variants/"),
        seller(201, 201, 404),
        payload=lambda world: {"name": "1 kg", "price": 90_000},
    ),
    Endpoint(
        "variant_patch",
        "patch",
        url(PRODUCT + "variants/{w.variant.pk}/"),
        seller(200, 200, 404),
        payload=lambda world: {"stock": 99},
    ),
    Endpoint("variant_delete", "delete", url(PRODUCT + "variants/{w.variant.pk}/"), seller(204, 204, 404)),
    Endpoint(
        "image_create",
        "post",
        url(PRODUCT + "images/"),
        seller(201, 201, 404),
        payload=lambda world: {"image": jpeg_upload()},
        format="multipart",
    ),
    Endpoint(
        "image_describe",
        "patch",
        url(PRODUCT + "images/{w.images[1].pk}/"),
        seller(200, 200, 404),
        payload=lambda world: {"alt_text": "Kemasan tampak belakang"},
    ),
    Endpoint("image_delete", "delete", url(PRODUCT + "images/{w.images[1].pk}/"), seller(204, 204, 404)),
    Endpoint("image_main", "post", url(PRODUCT + "images/{w.images[1].pk}/main/"), seller(200, 200, 404)),
    Endpoint(
        "image_order",
        "post",
        url(PRODUCT + "images/order/"),
        seller(200, 200, 404),
        payload=lambda world: {"ids": [world.images[1].pk, world.images[0].pk]},
    ),
    Endpoint(
        "operator_approve",
        "post",
        url("/api/v1/operator/shops/{w.shop.slug}/approve/"),
        OPERATOR,
        shop_status=Shop.Status.SUBMITTED,
        acting=frozenset({"operator"}),
    ),
    Endpoint(
        "operator_reject",
        "post",
        url("/api/v1/operator/shops/{w.shop.slug}/reject/"),
        OPERATOR,
        payload=lambda world: {"reason": "Foto toko belum ada."},
        shop_status=Shop.Status.SUBMITTED,
        acting=frozenset({"operator"}),
    ),
    Endpoint(
        "operator_suspend",
        "post",
        url("/api/v1/operator/shops/{w.shop.slug}/suspend/"),
        OPERATOR,
        payload=lambda world: {"reason": "Banyak keluhan pembeli."},
        shop_status=Shop.Status.APPROVED,
        acting=frozenset({"operator"}),
    ),
    Endpoint(
        "operator_reinstate",
        "post",
        url("/api/v1/operator/shops/{w.shop.slug}/reinstate/"),
        OPERATOR,
        shop_status=Shop.Status.SUSPENDED,
        acting=frozenset({"operator"}),
    ),
]


@pytest.fixture
def world():
    owner = VerifiedUserFactory()
    shop = ShopFactory(owner=owner)
    staff = ShopMemberFactory(shop=shop).user
    other_member = VerifiedUserFactory()
    ShopFactory(owner=other_member)  # a complete draft: its owner may edit and submit it
    operator = VerifiedUserFactory()
    operator.groups.add(Group.objects.get_or_create(name=OPERATOR_GROUP)[0])
    product = ProductFactory(shop=shop, status=Product.Status.DRAFT, moderation=Product.Moderation.NONE)
    variant = ProductVariantFactory(product=product, name="500 g")
    images = [ProductImageFactory(product=product, position=position, is_main=position == 0) for position in (0, 1)]
    return SimpleNamespace(
        shop=shop,
        product=product,
        variant=variant,
        images=images,
        category=CategoryFactory(),
        users={
            "owner": owner,
            "staff": staff,
            "other_member": other_member,
            "shopper": VerifiedUserFactory(),
            "anonymous": None,
            "operator": operator,
        },
    )


def test_the_matrix_covers_every_seller_and_operator_url_and_method():
    from shops import operator_api_urls, seller_api_urls

    patterns = seller_api_urls.urlpatterns + operator_api_urls.urlpatterns
    methods = [
        (str(pattern.pattern), method)
        for pattern in patterns
        for method in ("get", "post", "put", "patch", "delete")
        if hasattr(pattern.callback.view_class, method)
    ]

    assert len(patterns) == 15
    assert len(methods) == len(ENDPOINTS) == 21


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_permission_matrix(world, endpoint, role):
    Shop.objects.filter(pk=world.shop.pk).update(status=endpoint.shop_status)
    client = APIClient()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    payload = endpoint.payload(world) if endpoint.payload else None
    everything, ours = snapshot(), snapshot(world.shop)

    response = getattr(client, endpoint.method)(endpoint.url(world), payload, format=endpoint.format)

    assert response.status_code == endpoint.expected[role], response.content
    if response.status_code >= 400:
        assert snapshot() == everything
    if role not in endpoint.acting:
        assert snapshot(world.shop) == ours
    elif endpoint.writes:
        assert snapshot(world.shop) != ours
