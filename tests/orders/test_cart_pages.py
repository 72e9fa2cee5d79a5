"""The cart pages: adding from a product page (no CSRF token, an Origin check instead), the cart page grouped by
shop, changing and removing lines, the header's count, merging on login, and the page's query budget."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from marketplace.core import pagecache
from orders.models import Cart, CartLine
from orders.services.cart import SESSION_KEY
from shops.models import Product, ProductVariant
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.orders import CartFactory, CartLineFactory
from tests.factories.shops import ApprovedShopFactory, ProductFactory, ProductImageFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/keranjang/tambah/"
CART_URL = "/keranjang/"
SAME_SITE = {"HTTP_ORIGIN": "http://testserver"}


def product_with_variants(*, shop=None, stocks=(10,), prices=None, slug="kripik-pisang"):
    product = ProductFactory(shop=shop or ApprovedShopFactory(), slug=slug, variant=None, title="Kripik Pisang")
    prices = prices or [15_000 + 1_000 * number for number in range(len(stocks))]
    variants = [
        ProductVariantFactory(product=product, name=f"{100 * (number + 1)} g", stock=stock, price=price)
        for number, (stock, price) in enumerate(zip(stocks, prices, strict=True))
    ]
    return product, variants


def add(client, variant_id, quantity=1, **headers):
    data = {"variant": variant_id, "quantity": quantity, "next": "/produk/kripik-pisang/"}
    return client.post(ADD_URL, data, **({**SAME_SITE, **headers}))


def cart_lines(client) -> list[tuple[int, int]]:
    token = client.session.get(SESSION_KEY)
    return list(CartLine.objects.filter(cart__token=token).order_by("pk").values_list("variant_id", "quantity"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The product page's form ------------------------------------------------------------------------------------


def test_the_product_page_offers_each_variant_and_a_quantity_in_a_form_without_a_csrf_token(client):
    product, (small, _large, sold_out) = product_with_variants(stocks=(4, 2, 0))

    response = client.get(f"/produk/{product.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'action="/keranjang/tambah/"' in html
    assert "csrfmiddlewaretoken" not in html
    assert f'name="variant" value="{small.pk}" id="variant-{small.pk}" checked' in html
    assert f'name="variant" value="{sold_out.pk}" id="variant-{sold_out.pk}" disabled' in html
    assert 'name="quantity" value="1" min="1" max="6"' in html
    assert '<input type="hidden" name="next" value="/produk/kripik-pisang/">' in html


def test_a_single_variant_product_posts_its_variant_hidden(client):
    product, (only,) = product_with_variants(stocks=(3,))

    html = client.get(f"/produk/{product.slug}/").content.decode()

    assert f'<input type="hidden" name="variant" value="{only.pk}">' in html


def test_a_product_of_a_shop_on_holiday_has_no_add_to_cart_form(client):
    shop = ApprovedShopFactory(closed_until=timezone.localdate() + datetime.timedelta(days=2))
    product, _variants = product_with_variants(shop=shop)

    html = client.get(f"/produk/{product.slug}/").content.decode()

    assert 'action="/keranjang/tambah/"' not in html


def test_the_product_page_with_its_form_is_still_served_from_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    pagecache._outage_until = 0.0
    product, _variants = product_with_variants()

    first = client.get(f"/produk/{product.slug}/")
    second = client.get(f"/produk/{product.slug}/")

    assert (first[pagecache.HEADER], second[pagecache.HEADER]) == ("miss", "hit")


# --- Adding ----------------------------------------------------------------------------------------------------


def test_adding_makes_an_anonymous_cart_and_redirects_to_the_cart_page_with_the_count_in_the_header(client):
    _product, (_small, large) = product_with_variants(stocks=(5, 5))

    response = add(client, large.pk, 2)

    assert (response.status_code, response["Location"]) == (302, CART_URL)
    assert cart_lines(client) == [(large.pk, 2)]
    with translation.override("en"):
        page = client.get("/en/keranjang/")
    assert messages_of(page) == ["“Kripik Pisang (200 g)” sudah masuk keranjang Anda."]
    assert '<span class="badge" data-cart-count>2</span>' in page.content.decode()


def test_the_header_count_shows_on_other_pages_too(client):
    product, (small,) = product_with_variants()
    add(client, small.pk, 3)

    html = client.get(f"/produk/{product.slug}/").content.decode()

    assert '<span class="badge" data-cart-count>3</span>' in html


def test_adding_from_a_referer_of_this_site_is_accepted_without_an_origin(client):
    _product, (small,) = product_with_variants()

    response = client.post(ADD_URL, {"variant": small.pk, "quantity": 1}, HTTP_REFERER="http://testserver/produk/x/")

    assert response.status_code == 302
    assert cart_lines(client) == [(small.pk, 1)]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/produk/kripik-pisang/"},
        {"HTTP_ORIGIN": "http://testserver.evil.example", "HTTP_REFERER": "http://testserver/"},
    ],
    ids=["no origin", "other origin", "null origin", "other referer", "origin wins over referer"],
)
def test_a_cross_site_or_unsourced_add_is_forbidden_and_changes_nothing(client, headers):
    _product, (small,) = product_with_variants()

    response = client.post(ADD_URL, {"variant": small.pk, "quantity": 1}, **headers)

    assert response.status_code == 403
    assert Cart.objects.count() == 0
    assert SESSION_KEY not in client.session


def test_adding_only_accepts_posts(client):
    assert client.get(ADD_URL).status_code == 405


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "The quantity must be at least 1."),
        ("-2", "The quantity must be at least 1."),
        ("dua", "Enter the quantity as a whole number."),
        ("1.5", "Enter the quantity as a whole number."),
        ("1000", "You can buy at most 999 of one item in one order."),
        ("6", "Only 5 left in stock."),
    ],
)
def test_a_bad_quantity_goes_back_to_the_product_with_the_reason_and_changes_nothing(client, quantity, message):
    _product, (small,) = product_with_variants(stocks=(5,))

    with translation.override("en"):
        response = client.post(
            f"/en{ADD_URL}",
            {"variant": small.pk, "quantity": quantity, "next": "/en/produk/kripik-pisang/"},
            **SAME_SITE,
        )

    assert (response.status_code, response["Location"]) == (302, "/en/produk/kripik-pisang/")
    assert (Cart.objects.count(), SESSION_KEY in client.session) == (0, False)
    page = client.get("/en/produk/kripik-pisang/")
    assert messages_of(page) == [message]


def test_a_variant_not_for_sale_or_of_a_shop_on_holiday_is_refused_with_its_reason(client):
    _product, (inactive,) = product_with_variants(stocks=(5,))
    ProductVariant.objects.filter(pk=inactive.pk).update(is_active=False)
    other, (draft,) = product_with_variants(slug="sambal")
    Product.objects.filter(pk=other.pk).update(status=Product.Status.DRAFT)
    closed_shop = ApprovedShopFactory(closed_until=datetime.date(2099, 3, 1))
    _closed, (holiday,) = product_with_variants(shop=closed_shop, slug="kopi")

    seen = []
    for variant_id in (inactive.pk, draft.pk, holiday.pk, 999_999, "abc", ""):
        with translation.override("en"):
            client.post(f"/en{ADD_URL}", {"variant": variant_id, "quantity": 1, "next": "/en/keranjang/"}, **SAME_SITE)
            seen += messages_of(client.get("/en/keranjang/"))

    assert seen == [
        "This product is no longer available.",
        "This product is no longer available.",
        "The shop is on holiday until 1 March 2099. You can buy from it again after that.",
        "There is no such product.",
        "There is no such product.",
        "There is no such product.",
    ]
    assert CartLine.objects.count() == 0


def test_adding_with_htmx_answers_a_fragment_that_updates_the_header_count(client):
    _product, (small,) = product_with_variants()
    add(client, small.pk, 1)

    with translation.override("en"):
        response = client.post(
            f"/en{ADD_URL}", {"variant": small.pk, "quantity": 2}, HTTP_HX_REQUEST="true", **SAME_SITE
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert "“Kripik Pisang (100 g)” is in your cart." in html
    assert '<span hx-swap-oob="innerHTML:[data-cart-count]">3</span>' in html
    assert cart_lines(client) == [(small.pk, 3)]


def test_a_refused_htmx_add_answers_the_reason_and_the_unchanged_count(client):
    _product, (small,) = product_with_variants(stocks=(2,))
    add(client, small.pk, 2)

    with translation.override("en"):
        response = client.post(
            f"/en{ADD_URL}", {"variant": small.pk, "quantity": 1}, HTTP_HX_REQUEST="true", **SAME_SITE
        )

    html = response.content.decode()
    assert (
        '<p class="message message--error" role="alert">Only 2 left in stock, and your cart already holds 2.</p>'
        in html
    )
    assert '<span hx-swap-oob="innerHTML:[data-cart-count]">2</span>' in html
    assert cart_lines(client) == [(small.pk, 2)]


# --- The cart page -------------------------------------------------------------------------------------------------


def test_an_empty_cart_says_so_and_links_home(client):
    with translation.override("en"):
        html = client.get("/en/keranjang/").content.decode()

    assert "Your cart is empty." in html
    assert '<a class="button" href="/en/">Find products to buy</a>' in html


def test_the_cart_page_groups_lines_by_shop_with_subtotals_price_changes_and_a_checkout_link(client):
    warung = ApprovedShopFactory(name="Warung Bu Komang", slug="warung-bu-komang")
    kopi = ApprovedShopFactory(name="Kopi Kintamani", slug="kopi-kintamani")
    _chips, (chips,) = product_with_variants(shop=warung, prices=(15_000,), stocks=(7,))
    _coffee, (coffee,) = product_with_variants(shop=kopi, prices=(60_000,), stocks=(3,), slug="kopi")
    ProductImageFactory(product=chips.product, is_main=True, thumbnail="products/renditions/chips.webp")
    add(client, chips.pk, 2)
    add(client, coffee.pk, 1)
    CartLine.objects.filter(variant=chips).update(price_when_added=12_000)

    with translation.override("en"):
        html = client.get("/en/keranjang/").content.decode()

    assert '<a href="/en/toko/warung-bu-komang/">Warung Bu Komang</a>' in html
    assert '<a href="/en/toko/kopi-kintamani/">Kopi Kintamani</a>' in html
    assert html.index("Warung Bu Komang") < html.index("Kopi Kintamani")
    assert "<strong data-shop-subtotal>Rp 30.000</strong>" in html
    assert "<strong data-shop-subtotal>Rp 60.000</strong>" in html
    assert "Price changed from Rp 12.000" in html
    assert html.count("data-price-changed") == 1
    assert 'src="/media/products/renditions/chips.webp"' in html
    assert 'name="quantity" value="2" min="1" max="7"' in html
    assert "<strong data-cart-total>Rp 90.000</strong>" in html
    assert "Total (3 items)" in html
    assert '<a class="button button--block" href="/en/checkout/">Checkout</a>' in html
    assert '<span class="badge" data-cart-count>3</span>' in html


def test_a_line_with_a_problem_disables_checkout_and_says_why(client):
    shop = ApprovedShopFactory()
    _product, (chips,) = product_with_variants(shop=shop, stocks=(5,))
    add(client, chips.pk, 4)
    ProductVariant.objects.filter(pk=chips.pk).update(stock=2)

    with translation.override("en"):
        html = client.get("/en/keranjang/").content.decode()

    assert (
        '<p class="cart-line__problem" role="note" data-problem>Only 2 left in stock: lower the quantity.</p>' in html
    )
    assert 'name="quantity" value="4" min="1" max="4"' in html
    assert 'disabled aria-describedby="cart-problems">Checkout</button>' in html
    assert 'href="/en/checkout/"' not in html


def test_a_shop_on_holiday_is_named_on_the_cart_page(client):
    shop = ApprovedShopFactory()
    _product, (chips,) = product_with_variants(shop=shop)
    add(client, chips.pk, 1)
    type(shop).objects.filter(pk=shop.pk).update(closed_until=datetime.date(2099, 8, 17))

    with translation.override("en"):
        html = client.get("/en/keranjang/").content.decode()

    assert "This shop is on holiday until 17 August 2099: its items cannot be ordered until then." in html
    assert "The shop is on holiday until 17 August 2099." in html
    assert "disabled" in html


# --- Changing and removing -----------------------------------------------------------------------------------------


def test_changing_and_removing_lines_from_the_cart_page(client):
    _product, (small, large) = product_with_variants(stocks=(5, 5))
    add(client, small.pk, 1)
    add(client, large.pk, 1)
    small_line, large_line = CartLine.objects.order_by("pk")

    updated = client.post(f"/keranjang/baris/{small_line.pk}/", {"quantity": "4"})
    removed = client.post(f"/keranjang/baris/{large_line.pk}/hapus/")

    assert (updated.status_code, updated["Location"]) == (302, CART_URL)
    assert (removed.status_code, removed["Location"]) == (302, CART_URL)
    assert cart_lines(client) == [(small.pk, 4)]


def test_changing_above_the_stock_says_so_and_changes_nothing(client):
    _product, (small,) = product_with_variants(stocks=(5,))
    add(client, small.pk, 1)
    client.get(CART_URL)  # shows (and so consumes) the "added" message
    line = CartLine.objects.get()

    with translation.override("en"):
        client.post(f"/en/keranjang/baris/{line.pk}/", {"quantity": "6"})
        page = client.get("/en/keranjang/")

    assert messages_of(page) == ["Only 5 left in stock."]
    assert cart_lines(client) == [(small.pk, 1)]


def test_another_shoppers_line_is_not_found_and_nothing_changes(client):
    _product, (small,) = product_with_variants()
    add(client, small.pk, 1)
    theirs = CartLineFactory(cart=CartFactory(user=VerifiedUserFactory()), quantity=2)

    assert client.post(f"/keranjang/baris/{theirs.pk}/", {"quantity": "1"}).status_code == 404
    assert client.post(f"/keranjang/baris/{theirs.pk}/hapus/").status_code == 404
    assert Client().post(f"/keranjang/baris/{theirs.pk}/hapus/").status_code == 404

    theirs.refresh_from_db()
    assert theirs.quantity == 2


def test_changing_and_removing_need_the_csrf_token(client):
    user = VerifiedUserFactory()
    line = CartLineFactory(cart=CartFactory(user=user), quantity=2)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(user)

    assert guarded.post(f"/keranjang/baris/{line.pk}/", {"quantity": "1"}).status_code == 403
    assert guarded.post(f"/keranjang/baris/{line.pk}/hapus/").status_code == 403
    line.refresh_from_db()
    assert line.quantity == 2


# --- Signed in, and merging on login -------------------------------------------------------------------------------


def test_a_signed_in_shoppers_cart_is_theirs_and_counted_in_the_header(client):
    user = VerifiedUserFactory()
    client.force_login(user)
    product, (small,) = product_with_variants()

    add(client, small.pk, 2)

    assert list(CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity")) == [(small.pk, 2)]
    assert '<span class="badge" data-cart-count>2</span>' in client.get(f"/produk/{product.slug}/").content.decode()


def test_logging_in_through_the_login_page_merges_the_anonymous_cart_into_the_users(client):
    user = VerifiedUserFactory(email="ayu@contoh.id")
    _product, (small, large, scarce) = product_with_variants(stocks=(10, 10, 3))
    own_cart = CartFactory(user=user)
    CartLineFactory(cart=own_cart, variant=small, quantity=1)
    CartLineFactory(cart=own_cart, variant=scarce, quantity=2)
    add(client, small.pk, 2)
    add(client, large.pk, 1)
    add(client, scarce.pk, 3)
    anonymous_cart = Cart.objects.get(user__isnull=True)

    response = client.post("/akun/login/", {"login": "ayu@contoh.id", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert not Cart.objects.filter(pk=anonymous_cart.pk).exists()
    assert sorted(CartLine.objects.filter(cart=own_cart).values_list("variant_id", "quantity")) == sorted(
        [(small.pk, 3), (large.pk, 1), (scarce.pk, 3)]
    )
    assert '<span class="badge" data-cart-count>7</span>' in client.get(CART_URL).content.decode()


def test_logging_in_without_a_cart_makes_none(client):
    user = VerifiedUserFactory(email="made@contoh.id")

    client.post("/akun/login/", {"login": "made@contoh.id", "password": DEFAULT_PASSWORD})

    assert Cart.objects.count() == 0
    assert client.session["_auth_user_id"] == str(user.pk)


# --- Query budget --------------------------------------------------------------------------------------------------


def fill_cart(client, *, shops: int, lines_per_shop: int) -> None:
    for shop_number in range(shops):
        shop = ApprovedShopFactory()
        for line_number in range(lines_per_shop):
            variant = ProductVariantFactory(product__shop=shop, stock=9)
            ProductImageFactory(product=variant.product, is_main=True)
            add(client, variant.pk, 1 + line_number)
        assert shop_number < shops


@pytest.mark.parametrize(("signed_in", "queries"), [(False, 4), (True, 7)], ids=["anonymous", "signed in"])
def test_the_cart_page_costs_the_same_queries_for_1_line_of_1_shop_as_for_6_lines_of_3_shops(
    django_assert_num_queries, signed_in, queries
):
    small, large = Client(), Client()
    if signed_in:
        small.force_login(VerifiedUserFactory())
        large.force_login(VerifiedUserFactory())
    fill_cart(small, shops=1, lines_per_shop=1)
    fill_cart(large, shops=3, lines_per_shop=2)

    # The session, the cart, its lines with variant, product and shop, their main photos; signed in also the user
    # and the header's two permission queries (the admin link).
    with django_assert_num_queries(queries):
        assert small.get(CART_URL).status_code == 200
    with django_assert_num_queries(queries):
        response = large.get(CART_URL)
    assert len(response.context["summary"].lines) == 6
    assert len(response.context["summary"].groups) == 3
