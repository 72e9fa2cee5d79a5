"""The checkout page and `POST /api/v1/checkout/`: what shoppers do, through the same paths they use."""

import uuid
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Cart, Order
from orders.selectors.orders import order_get_for_guest
from payments.models import Payment
from shops.models import ProductVariant
from tests.factories.accounts import VerifiedUserFactory

from .builders import address, address_form_data, cart_with, shop_with_shipping, variant_of

pytestmark = pytest.mark.django_db


def _shopper_with_cart(client, *, shops=1, lines_per_shop=1, cash_on_delivery=False):
    user = VerifiedUserFactory()
    client.force_login(user)
    lines, options = [], {}
    for _ in range(shops):
        shop, flat, _pickup = shop_with_shipping(cash_on_delivery=cash_on_delivery)
        options[shop.pk] = flat.pk
        lines += [(variant_of(shop), 1) for _ in range(lines_per_shop)]
    cart = cart_with(lines, user=user)
    return user, cart, options


def _place_post(options, *, key=None, payment_method="bank_transfer", **extra):
    data = {
        **address_form_data(),
        "payment_method": payment_method,
        "idempotency_key": key or uuid.uuid4().hex,
        "place": "1",
        **{f"shipping_{shop_id}": option_id for shop_id, option_id in options.items()},
    }
    data.update(extra)
    return data


def test_checkout_page_shows_each_shop_its_shipping_and_the_common_payment_methods(client):
    _user, _cart, _options = _shopper_with_cart(client, shops=2)
    response = client.get("/checkout/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("data-checkout-shop=") == 2
    assert 'name="payment_method" id="payment-bank_transfer"' in page
    assert 'id="payment-cod"' not in page  # neither shop accepts cash on delivery
    assert "Rp 10.000" in page  # the flat rate
    assert 'name="idempotency_key"' in page


def test_cash_on_delivery_is_offered_when_every_shop_accepts_it(client):
    _shopper_with_cart(client, shops=2, cash_on_delivery=True)
    assert 'id="payment-cod"' in client.get("/checkout/").content.decode()


def test_placing_an_order_from_the_page_redirects_to_the_order(client, mailoutbox):
    user, cart, options = _shopper_with_cart(client, shops=2)
    response = client.post("/checkout/", _place_post(options))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pesanan/{order.number}/"
    assert order.buyer == user
    assert order.shop_orders.count() == 2
    assert Payment.objects.get(order=order).provider == "bank_transfer"
    assert not cart.lines.exists()


def test_a_double_click_places_one_order(client):
    _user, _cart, options = _shopper_with_cart(client)
    data = _place_post(options, key="form-key-1")
    first = client.post("/checkout/", data)
    second = client.post("/checkout/", data)
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_note_for_a_shop_not_in_the_cart_is_refused(client):
    _user, _cart, options = _shopper_with_cart(client)
    response = client.post("/checkout/", _place_post(options, note_0="Halo"))
    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_invalid_address_is_refused_and_nothing_is_created(client):
    _user, cart, options = _shopper_with_cart(client)
    variant = cart.lines.get().variant
    response = client.post("/checkout/", _place_post(options, district="", street_address=""))
    assert response.status_code == 400
    assert Order.objects.count() == 0
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    assert cart.lines.count() == 1


def test_guest_checks_out_with_email_and_gets_a_signed_link(client):
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop)
    added = client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2}, content_type="application/json")
    assert added.status_code == 201
    response = client.post("/checkout/", _place_post({shop.pk: flat.pk}, email="tamu@example.com"))
    order = Order.objects.get()
    assert order.buyer is None
    assert order.email == "tamu@example.com"
    # The link carries a signed token for this order (signed with a timestamp: compare what it opens, not text).
    path, _, query = response["Location"].partition("?t=")
    assert path == f"/pesanan/{order.number}/"
    assert order_get_for_guest(number=order.number, token=unquote(query)) == order


def test_guest_without_email_is_refused(client):
    shop, flat, _ = shop_with_shipping()
    client.post("/api/v1/cart/lines/", {"variant": variant_of(shop).pk, "quantity": 1}, content_type="application/json")
    response = client.post("/checkout/", _place_post({shop.pk: flat.pk}))
    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_out_of_stock_at_placement_sends_the_shopper_back_to_the_cart(client):
    _user, cart, options = _shopper_with_cart(client)
    ProductVariant.objects.filter(pk=cart.lines.get().variant_id).update(stock=0)
    response = client.post("/checkout/", _place_post(options))
    assert response.status_code == 302
    assert response["Location"] == "/keranjang/"
    assert Order.objects.count() == 0


def test_empty_cart_goes_back_to_the_cart(client):
    client.force_login(VerifiedUserFactory())
    assert client.get("/checkout/")["Location"] == "/keranjang/"


def test_checkout_page_queries_do_not_grow_with_lines_and_shops(client):
    _shopper_with_cart(client, shops=1, lines_per_shop=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/checkout/").status_code == 200
    client.logout()
    _shopper_with_cart(client, shops=3, lines_per_shop=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/checkout/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_placing_queries_do_not_grow_with_lines_and_shops(client):
    _user, _cart, options = _shopper_with_cart(client, shops=1, lines_per_shop=1)
    with CaptureQueriesContext(connection) as small:
        client.post("/checkout/", _place_post(options))
    client.logout()
    _user, _cart, options = _shopper_with_cart(client, shops=3, lines_per_shop=2)
    with CaptureQueriesContext(connection) as large:
        client.post("/checkout/", _place_post(options))
    assert Order.objects.count() == 2
    # Stock and sold counts move with one conditional update per variant and per product (the guard against
    # overselling), and each seller gets their own mail and commission rates (one query for its categories);
    # everything else is a fixed number of statements.
    per_variant_and_product = 2 * (6 - 1)
    per_seller_mail_and_rates = 2 * (3 - 1)
    assert (
        len(large.captured_queries) == len(small.captured_queries) + per_variant_and_product + per_seller_mail_and_rates
    )


# --- API ---------------------------------------------------------------------------------------------


def _api_body(options, **extra):
    parts = address_form_data()
    return {
        "address": parts,
        "shipping": {str(shop_id): option_id for shop_id, option_id in options.items()},
        "payment_method": "bank_transfer",
        **extra,
    }


def test_api_quote_lists_options_with_fees(client):
    _user, _cart, _options = _shopper_with_cart(client, shops=2)
    response = client.get("/api/v1/checkout/", {"district": address()["district"].code})
    assert response.status_code == 200
    body = response.json()
    assert [shop["shipping_fee"] for shop in body["shops"]] == [0, 0]  # pickup is the cheapest usable
    assert {option["name"] for option in body["shops"][0]["shipping_options"]} == {"JNE Reguler", "Ambil di toko"}
    assert body["payment_methods"] == ["bank_transfer"]


def test_api_checkout_with_idempotency_key_creates_once(client):
    _user, _cart, options = _shopper_with_cart(client, shops=2)
    body = _api_body(options)
    first = client.post("/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1")
    again = client.post("/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["order"]["number"] == again.json()["order"]["number"]
    assert Order.objects.count() == 1
    data = first.json()
    assert data["next_action"]["kind"] == "bank_transfer"
    payment = Payment.objects.get()
    assert data["next_action"]["data"]["amount"] == payment.amount
    assert [so["status"] for so in data["order"]["shop_orders"]] == ["awaiting_payment", "awaiting_payment"]
    assert data["guest_token"] is None


def test_api_checkout_without_key_then_retry_is_a_conflict_not_a_second_order(client):
    _user, _cart, options = _shopper_with_cart(client)
    body = _api_body(options)
    assert client.post("/api/v1/checkout/", body, content_type="application/json").status_code == 201
    retry = client.post("/api/v1/checkout/", body, content_type="application/json")
    assert retry.status_code == 409
    assert Order.objects.count() == 1


def test_api_checkout_refuses_bad_address_with_field_errors(client):
    _user, cart, options = _shopper_with_cart(client)
    body = _api_body(options)
    body["address"]["district"] = "99.99.99"
    response = client.post("/api/v1/checkout/", body, content_type="application/json")
    assert response.status_code == 400
    assert "district" in response.json()["address"]
    assert Order.objects.count() == 0
    assert cart.lines.count() == 1


def test_api_checkout_out_of_stock_is_409_and_changes_nothing(client):
    _user, cart, options = _shopper_with_cart(client)
    variant = cart.lines.get().variant
    ProductVariant.objects.filter(pk=variant.pk).update(stock=0)
    response = client.post("/api/v1/checkout/", _api_body(options), content_type="application/json")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert Order.objects.count() == 0


def test_api_checkout_with_a_saved_address(client):
    from orders.services.addresses import address_create

    user, _cart, options = _shopper_with_cart(client)
    saved = address_create(user=user, data={**address(), "label": "Rumah", "is_default": True})
    body = _api_body(options)
    del body["address"]
    body["address_id"] = saved.pk
    response = client.post("/api/v1/checkout/", body, content_type="application/json")
    assert response.status_code == 201
    assert Order.objects.get().street_address == saved.street_address


def test_api_checkout_cannot_use_another_users_address(client):
    from orders.services.addresses import address_create

    _user, _cart, options = _shopper_with_cart(client)
    other = address_create(user=VerifiedUserFactory(), data={**address(), "label": "Rumah"})
    body = _api_body(options)
    del body["address"]
    body["address_id"] = other.pk
    response = client.post("/api/v1/checkout/", body, content_type="application/json")
    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_api_guest_checkout_returns_the_guest_token(client):
    shop, flat, _ = shop_with_shipping()
    client.post("/api/v1/cart/lines/", {"variant": variant_of(shop).pk, "quantity": 1}, content_type="application/json")
    body = _api_body({shop.pk: flat.pk}, email="tamu@example.com")
    response = client.post("/api/v1/checkout/", body, content_type="application/json")
    assert response.status_code == 201
    order = Order.objects.get()
    assert order_get_for_guest(number=order.number, token=response.json()["guest_token"]) == order
    assert Cart.objects.get().user is None
