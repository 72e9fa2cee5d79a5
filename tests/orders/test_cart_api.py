"""`/api/v1/cart/`: reading the cart, adding, changing and removing lines, for an anonymous browser session and a
signed-in app client (`X-Session-Token`); errors 400 (bad request), 409 (stock, holiday), 404 (not your line)."""

import datetime

import pytest
import yaml
from django.test import Client

from orders.models import Cart, CartLine
from shops.models import ProductVariant
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.orders import CartFactory, CartLineFactory
from tests.factories.shops import ApprovedShopFactory, ProductImageFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
LINES = "/api/v1/cart/lines/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, data, **headers):
    return client.post(LINES, data, content_type="application/json", **{**EN, **headers})


def patch(client, line_id, data, **headers):
    return client.patch(f"{LINES}{line_id}/", data, content_type="application/json", **{**EN, **headers})


@pytest.fixture
def ayu():
    return VerifiedUserFactory(email="ayu@contoh.id")


@pytest.fixture
def token_headers(ayu):
    response = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": "ayu@contoh.id", "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_X_SESSION_TOKEN": response.json()["meta"]["session_token"]}


def test_an_anonymous_caller_without_a_cart_reads_an_empty_one_and_none_is_made(client):
    response = client.get(CART)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "subtotal": 0, "has_problems": False, "groups": []}
    assert Cart.objects.count() == 0


def test_an_anonymous_browser_session_adds_and_reads_its_cart(client):
    shop = ApprovedShopFactory(name="Warung Bu Komang", slug="warung-bu-komang")
    variant = ProductVariantFactory(
        product__shop=shop, product__title="Kripik Pisang", product__slug="kripik-pisang", name="250 g", sku="KP-250"
    )
    ProductImageFactory(product=variant.product, is_main=True, thumbnail="products/renditions/kp.webp")

    created = post(client, {"variant": variant.pk, "quantity": 2})
    read = client.get(CART)

    line = CartLine.objects.get()
    expected = {
        "count": 2,
        "subtotal": 30_000,
        "has_problems": False,
        "groups": [
            {
                "shop": {"slug": "warung-bu-komang", "name": "Warung Bu Komang", "closed_until": None},
                "subtotal": 30_000,
                "weight_grams": 500,
                "lines": [
                    {
                        "id": line.pk,
                        "variant": variant.pk,
                        "variant_name": "250 g",
                        "sku": "KP-250",
                        "product_slug": "kripik-pisang",
                        "product_title": "Kripik Pisang",
                        "image": "http://testserver/media/products/renditions/kp.webp",
                        "quantity": 2,
                        "unit_price": 15_000,
                        "price_changed": False,
                        "previous_price": None,
                        "max_quantity": 10,
                        "problem": "",
                        "line_total": 30_000,
                    }
                ],
            }
        ],
    }
    assert (created.status_code, created.json()) == (201, expected)
    assert (read.status_code, read.json()) == (200, expected)
    assert line.cart.user is None


def test_a_signed_in_app_client_uses_its_own_cart_through_the_session_token(ayu, token_headers):
    variant = ProductVariantFactory(stock=5)
    app = Client()

    post(app, {"variant": variant.pk}, **token_headers)
    post(app, {"variant": variant.pk, "quantity": 2}, **token_headers)
    response = app.get(CART, **token_headers)

    assert response.json()["count"] == 3
    assert list(CartLine.objects.filter(cart__user=ayu).values_list("variant_id", "quantity")) == [(variant.pk, 3)]


def test_a_price_change_is_shown_and_the_current_price_counted():
    cart_client = Client()
    variant = ProductVariantFactory(price=15_000)
    post(cart_client, {"variant": variant.pk, "quantity": 2})
    ProductVariant.objects.filter(pk=variant.pk).update(price=17_500)

    line = cart_client.get(CART).json()["groups"][0]["lines"][0]

    assert (line["unit_price"], line["price_changed"], line["previous_price"], line["line_total"]) == (
        17_500,
        True,
        15_000,
        35_000,
    )


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (lambda ok, off: {"variant": "x", "quantity": 1}, {"variant": ["There is no such product."]}),
        (lambda ok, off: {"quantity": 1}, {"variant": ["This field is required."]}),
        (lambda ok, off: {"variant": 987654}, {"variant": ["There is no such product."]}),
        (lambda ok, off: {"variant": ok, "quantity": "dua"}, {"quantity": ["Enter the quantity as a whole number."]}),
        (lambda ok, off: {"variant": off}, {"variant": ["This product is no longer available."]}),
        (lambda ok, off: {"variant": ok, "quantity": 0}, {"quantity": ["The quantity must be at least 1."]}),
        (lambda ok, off: {"variant": ok, "quantity": -1}, {"quantity": ["The quantity must be at least 1."]}),
        (
            lambda ok, off: {"variant": ok, "quantity": 1000},
            {"quantity": ["You can buy at most 999 of one item in one order."]},
        ),
    ],
    ids=["variant not a number", "no variant", "unknown", "quantity not a number", "inactive", "0", "negative", "1000"],
)
def test_bad_input_answers_400_with_field_errors_and_changes_nothing(client, payload, errors):
    variant = ProductVariantFactory(stock=5000)
    inactive = ProductVariantFactory(is_active=False)

    response = post(client, payload(variant.pk, inactive.pk))

    assert (response.status_code, response.json()) == (400, errors)
    assert Cart.objects.count() == 0


def test_more_than_the_stock_answers_409(client):
    variant = ProductVariantFactory(stock=3)
    post(client, {"variant": variant.pk, "quantity": 2})

    response = post(client, {"variant": variant.pk, "quantity": 2})

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "Only 3 left in stock, and your cart already holds 2."},
    )
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [2]


def test_a_shop_on_holiday_answers_409(client):
    variant = ProductVariantFactory(product__shop__closed_until=datetime.date(2099, 5, 2))

    response = post(client, {"variant": variant.pk})

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "The shop is on holiday until 2 May 2099. You can buy from it again after that."},
    )
    assert Cart.objects.count() == 0


def test_messages_are_indonesian_by_default(client):
    response = client.post(LINES, {"variant": 1, "quantity": "x"}, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Language"] == "id"


def test_form_encoded_posts_are_refused_so_other_sites_cannot_fill_a_cart(client):
    variant = ProductVariantFactory()

    response = client.post(LINES, {"variant": variant.pk, "quantity": 1}, **EN)

    assert response.status_code == 415
    assert Cart.objects.count() == 0


def test_patch_changes_the_quantity_and_delete_removes_the_line(client):
    first, second = ProductVariantFactory(stock=5), ProductVariantFactory(stock=5)
    post(client, {"variant": first.pk})
    post(client, {"variant": second.pk})
    first_line, second_line = CartLine.objects.order_by("pk")

    changed = patch(client, first_line.pk, {"quantity": 4})
    removed = client.delete(f"{LINES}{second_line.pk}/")

    assert (changed.status_code, changed.json()["count"]) == (200, 5)
    assert removed.status_code == 204
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == [(first.pk, 4)]


@pytest.mark.parametrize(
    ("quantity", "status", "body"),
    [
        (0, 400, {"quantity": ["The quantity must be at least 1."]}),
        ("x", 400, {"quantity": ["Enter the quantity as a whole number."]}),
        (6, 409, {"detail": "Only 5 left in stock."}),
    ],
)
def test_a_refused_patch_changes_nothing(client, quantity, status, body):
    variant = ProductVariantFactory(stock=5)
    post(client, {"variant": variant.pk, "quantity": 2})
    line = CartLine.objects.get()

    response = patch(client, line.pk, {"quantity": quantity})

    assert (response.status_code, response.json()) == (status, body)
    line.refresh_from_db()
    assert line.quantity == 2


def test_another_shoppers_line_answers_404_and_nothing_changes(client, ayu, token_headers):
    theirs = CartLineFactory(cart=CartFactory(), quantity=2)
    mine = ProductVariantFactory()
    post(client, {"variant": mine.pk})

    answers = [
        patch(client, theirs.pk, {"quantity": 1}).status_code,
        client.delete(f"{LINES}{theirs.pk}/").status_code,
        patch(Client(), theirs.pk, {"quantity": 1}).status_code,
        patch(Client(), theirs.pk, {"quantity": 1}, **token_headers).status_code,
        Client().delete(f"{LINES}{theirs.pk}/", **token_headers).status_code,
        client.delete(f"{LINES}99999999999999999999/").status_code,
    ]

    assert answers == [404] * 6
    theirs.refresh_from_db()
    assert theirs.quantity == 2


def fill(client, *, shops: int, lines_per_shop: int):
    for _shop_number in range(shops):
        shop = ApprovedShopFactory()
        for _line_number in range(lines_per_shop):
            variant = ProductVariantFactory(product__shop=shop)
            ProductImageFactory(product=variant.product, is_main=True)
            assert post(client, {"variant": variant.pk}).status_code == 201


def test_reading_the_cart_costs_the_same_queries_for_1_line_of_1_shop_as_for_6_lines_of_3_shops(
    django_assert_num_queries,
):
    small, large = Client(), Client()
    fill(small, shops=1, lines_per_shop=1)
    fill(large, shops=3, lines_per_shop=2)

    # the session, the cart, its lines with variant, product and shop, their main photos
    with django_assert_num_queries(4):
        assert len(small.get(CART).json()["groups"]) == 1
    with django_assert_num_queries(4):
        response = large.get(CART)
    assert [len(group["lines"]) for group in response.json()["groups"]] == [2, 2, 2]


def test_the_schema_documents_the_cart_endpoints(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    assert set(schema["paths"]["/api/v1/cart/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/cart/lines/"]) == {"post"}
    assert set(schema["paths"]["/api/v1/cart/lines/{line_id}/"]) == {"patch", "delete"}
    assert "CartOutput" in schema["components"]["schemas"]
