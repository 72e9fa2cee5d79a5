"""Review pages and API: the shopper's `/pesanan/<number>/ulasan/`, the seller's `/penjual/ulasan/`, the
storefront's product and shop pages (average, latest reviews, one query more, the page cache refreshed), and
`POST /api/v1/orders/{number}/reviews/`, `GET /api/v1/products/{slug}/reviews/`; with the permission matrix:
another shopper, a guest and another shop's member are refused and nothing changes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from marketplace.core import pagecache
from orders.models import Review
from orders.services.reviews import review_create, review_reply
from shops.models import Product, Shop
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ShopMemberFactory

from .builders import two_shop_order
from .test_reviews import deliver, delivered_order, line_of, owner_of, second_order_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Pages and messages are read in English (the msgids): the Indonesian catalogue is merged separately."""
    with translation.override("en"):
        yield


def reviews_url(order) -> str:
    return f"/en/pesanan/{order.number}/ulasan/"


def nothing_reviewed(product_id, shop_id) -> bool:
    product, shop = Product.objects.get(pk=product_id), Shop.objects.get(pk=shop_id)
    return (
        not Review.objects.exists()
        and (product.rating_count, product.rating_total) == (0, 0)
        and (shop.rating_count, shop.rating_total) == (0, 0)
    )


# --- The shopper's page ----------------------------------------------------------------------------------------


def test_the_buyer_sees_one_form_per_delivered_line_with_five_labelled_star_radios(client):
    placed, (shop_a, shop_b), _variants = two_shop_order(payment_method="cod")
    order = placed.order
    deliver(order.shop_orders.get(shop=shop_a))  # shop B's part is still on its way
    line_a = line_of(order, shop_a)
    client.force_login(order.buyer)

    response = client.get(reviews_url(order))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count('<form method="post"') == 1 + html.count('action="/en/akun/logout/"')
    assert f'id="line-{line_a.pk}"' in html
    assert f'id="line-{line_of(order, shop_b).pk}"' not in html
    assert f'<input type="hidden" name="line" value="{line_a.pk}"' in html
    radios = re.findall(r'<input type="radio" name="rating" value="(\d)"[^>]*id="review-(\d+)-rating_\d"', html)
    assert radios == [(str(value), str(line_a.pk)) for value in range(1, 6)]
    assert "<legend>Your rating *</legend>" in html
    assert "1 star</span></label>" in html
    assert "5 stars</span></label>" in html


def test_the_buyer_publishes_a_review_and_then_sees_it_instead_of_the_form(client):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    line = line_of(order, shop_a)
    client.force_login(order.buyer)

    response = client.post(reviews_url(order), {"line": line.pk, "rating": "4", "text": "Renyah, <b>enak</b>."})

    assert response.status_code == 302
    assert response["Location"] == f"{reviews_url(order)}#line-{line.pk}"
    review = Review.objects.get()
    assert (review.order_line_id, review.rating, review.text, review.author_id) == (
        line.pk,
        4,
        "Renyah, <b>enak</b>.",
        order.buyer_id,
    )
    assert Product.objects.get(pk=variant_a.product_id).rating_total == 4
    page = client.get(reviews_url(order)).content.decode()
    assert "Your review" in page
    assert "Renyah, &lt;b&gt;enak&lt;/b&gt;." in page
    assert f'name="line" value="{line.pk}"' not in page
    assert "is published" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"rating": "6"}, "Choose from 1 to 5 stars."),
        ({"rating": ""}, "Choose from 1 to 5 stars."),
        ({"rating": "5", "text": "x" * 2001}, "At most 2,000 characters."),
    ],
)
def test_bad_input_shows_the_error_on_the_page_and_saves_nothing(client, data, error):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    line = line_of(order, shop_a)
    client.force_login(order.buyer)

    response = client.post(reviews_url(order), {"line": line.pk, **data})

    assert response.status_code == 400
    assert '<p class="error" role="alert"' in response.content.decode()
    assert error in response.content.decode()
    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


def test_a_second_review_of_a_line_is_refused_with_a_message(client):
    order, (shop_a, _shop_b), _variants = delivered_order()
    line = line_of(order, shop_a)
    review_create(order_line=line, user=order.buyer, rating=5, text="Pertama")
    client.force_login(order.buyer)

    response = client.post(reviews_url(order), {"line": line.pk, "rating": "1"}, follow=True)

    assert "You already reviewed this product from this order." in response.content.decode()
    assert list(Review.objects.values_list("rating", "text")) == [(5, "Pertama")]


def test_a_line_not_delivered_yet_is_refused_with_a_message(client):
    placed, (shop_a, _shop_b), (variant_a, _variant_b) = two_shop_order(payment_method="cod")
    client.force_login(placed.order.buyer)

    response = client.post(reviews_url(placed.order), {"line": line_of(placed.order, shop_a).pk, "rating": "5"})

    assert response.status_code == 302
    page = client.get(reviews_url(placed.order)).content.decode()
    assert "You can review the products once the order has been delivered." in page
    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


def test_another_shopper_gets_404_for_the_page_and_the_post(client):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    client.force_login(VerifiedUserFactory())

    assert client.get(reviews_url(order)).status_code == 404
    assert client.post(reviews_url(order), {"line": line_of(order, shop_a).pk, "rating": "5"}).status_code == 404
    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


def test_a_line_of_another_order_posted_to_my_order_is_404(client):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    other = second_order_of(variant_a)
    client.force_login(order.buyer)

    response = client.post(reviews_url(order), {"line": line_of(other, shop_a).pk, "rating": "5"})

    assert response.status_code == 404
    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


def test_a_guest_is_told_reviews_need_an_account_and_cannot_post(client):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()

    page = client.get(reviews_url(order))
    posted = client.post(reviews_url(order), {"line": line_of(order, shop_a).pk, "rating": "5"})

    assert page.status_code == 403
    assert "An order placed as a guest has no account and cannot be reviewed." in page.content.decode()
    assert posted.status_code == 403
    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


# --- The seller's page -----------------------------------------------------------------------------------------


def reviewed_shop(count=2):
    """Shop A with `count` reviews of its product (5 stars, then 4) from different orders; returns (shop, reviews)."""
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    reviews = [review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="Enak")]
    for _ in range(count - 1):
        other = second_order_of(variant_a)
        reviews.append(review_create(order_line=line_of(other, shop_a), user=other.buyer, rating=4, text="Lumayan"))
    return shop_a, reviews


def test_the_seller_sees_the_shops_reviews_with_a_reply_form_under_each_unanswered_one(client):
    shop, (first, second) = reviewed_shop()
    review_reply(review=first, user=owner_of(shop), text="Terima kasih!")
    client.force_login(ShopMemberFactory(shop=shop).user)  # staff too

    response = client.get("/en/penjual/ulasan/")
    html = response.content.decode()

    assert response.status_code == 200
    assert f'action="/en/penjual/ulasan/{second.pk}/balas/"' in html
    assert f'action="/en/penjual/ulasan/{first.pk}/balas/"' not in html
    assert "Terima kasih!" in html
    assert "4.5 out of 5 · 2 reviews" in html


def test_the_seller_replies_once(client):
    shop, (review, _second) = reviewed_shop()
    client.force_login(owner_of(shop))
    url = f"/en/penjual/ulasan/{review.pk}/balas/"

    first = client.post(url, {"text": "Terima kasih, Kak!"})
    second = client.post(url, {"text": "Lagi"}, follow=True)

    assert first.status_code == 302
    assert first["Location"] == f"/en/penjual/ulasan/#review-{review.pk}"
    assert "This review already has a reply." in second.content.decode()
    assert Review.objects.get(pk=review.pk).reply == "Terima kasih, Kak!"


def test_an_empty_reply_shows_the_error_and_saves_nothing(client):
    shop, (review, _second) = reviewed_shop()
    client.force_login(owner_of(shop))

    response = client.post(f"/en/penjual/ulasan/{review.pk}/balas/", {"text": "   "})

    assert response.status_code == 400
    assert "Write your reply." in response.content.decode()
    assert Review.objects.filter(pk=review.pk, reply="", replied_at=None).exists()


def test_another_shops_member_the_buyer_and_a_guest_cannot_reply(client):
    _shop, (review, _second) = reviewed_shop()
    _order, (other_shop, _), _variants = delivered_order()
    url = f"/en/penjual/ulasan/{review.pk}/balas/"

    client.force_login(owner_of(other_shop))
    assert client.post(url, {"text": "Bukan toko saya"}).status_code == 404
    assert "/balas/" not in client.get("/en/penjual/ulasan/").content.decode()
    client.force_login(review.author)  # a shopper without a shop
    assert client.post(url, {"text": "Saya pembeli"})["Location"] == "/en/penjual/buka/"
    client.logout()
    assert client.post(url, {"text": "Tamu"})["Location"].startswith("/en/akun/login/")

    assert Review.objects.filter(pk=review.pk, reply="", replied_at=None).exists()


def test_the_seller_page_costs_the_same_queries_for_2_or_8_reviews(client):
    small, _ = reviewed_shop(2)
    large, _ = reviewed_shop(8)
    counts = []
    for shop in (small, large):
        client.force_login(owner_of(shop))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/penjual/ulasan/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Storefront ------------------------------------------------------------------------------------------------


def product_page_queries(client, slug) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/en/produk/{slug}/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_product_page_shows_the_average_and_latest_five_reviews_with_replies_for_one_query_more(client):
    shop, reviews = reviewed_shop(6)
    review_reply(review=reviews[-1], user=owner_of(shop), text="Maaf, Kak, kami perbaiki.")
    product = reviews[0].product
    unreviewed = Product.objects.filter(shop__in=Shop.objects.exclude(pk=shop.pk)).first()

    without, _html = product_page_queries(client, unreviewed.slug)
    with_reviews, html = product_page_queries(client, product.slug)

    assert with_reviews == without + 1
    assert "4.2 out of 5 · 6 reviews" in html  # (5 + 4 * 5) / 6 = 4.17
    assert html.count('<li id="ulasan-') == 5
    assert f'id="ulasan-{reviews[0].pk}"' not in html  # the oldest is not among the latest five
    assert "Maaf, Kak, kami perbaiki." in html
    assert "Seller&#x27;s reply" in html or "Seller's reply" in html
    assert "No reviews yet" in product_page_queries(client, unreviewed.slug)[1]


def test_the_product_page_shows_short_author_names_only(client):
    buyer = VerifiedUserFactory(full_name="Ni Luh Ayu Lestari", email="ayu.lestari@contoh.id")
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order(buyer=buyer)
    review_create(order_line=line_of(order, shop_a), user=buyer, rating=5, text="Mantap")

    html = client.get(f"/en/produk/{variant_a.product.slug}/").content.decode()

    assert "Ni Luh Ayu L." in html
    assert "Lestari" not in html
    assert "ayu.lestari" not in html


def test_the_shop_page_shows_the_shops_average(client):
    shop, _reviews = reviewed_shop(2)

    html = client.get(f"/en/toko/{shop.slug}/").content.decode()

    assert "4.5 out of 5 · 2 reviews" in html
    assert "★★★★★" in html


def test_a_new_review_refreshes_the_cached_product_page(client, settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 300
    pagecache._outage_until = 0.0
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    url = f"/en/produk/{variant_a.product.slug}/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="Baru saja tiba")
    response = client.get(url)

    assert response["X-Page-Cache"] == "miss"
    assert "Baru saja tiba" in response.content.decode()


# --- API -------------------------------------------------------------------------------------------------------


def api_url(order) -> str:
    return f"/api/v1/orders/{order.number}/reviews/"


def test_the_api_creates_a_review(client):
    buyer = VerifiedUserFactory(full_name="Made Wirawan")
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order(buyer=buyer)
    line = line_of(order, shop_a)
    client.force_login(buyer)

    response = client.post(
        api_url(order), {"line": line.pk, "rating": 5, "text": " Mantap "}, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    review = Review.objects.get()
    assert body == {
        "id": review.pk,
        "rating": 5,
        "text": "Mantap",
        "author_name": "Made W.",
        "created_at": body["created_at"],
        "reply": "",
        "replied_at": None,
    }
    assert Product.objects.get(pk=variant_a.product_id).rating_count == 1


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"rating": 0}, 400, "rating"),
        ({"rating": 6}, 400, "rating"),
        ({"rating": "lima"}, 400, "rating"),
        ({"rating": 5, "text": "x" * 2001}, 400, "text"),
        ({"rating": 5, "line": "other"}, 400, "line"),
    ],
)
def test_the_api_refuses_bad_input_and_saves_nothing(client, payload, status, field):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    other = second_order_of(variant_a)
    line_id = line_of(other, shop_a).pk if payload.get("line") == "other" else line_of(order, shop_a).pk
    client.force_login(order.buyer)

    response = client.post(api_url(order), {**payload, "line": line_id}, content_type="application/json")

    assert response.status_code == status
    assert list(response.json()) == [field]
    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


def test_the_api_answers_409_for_a_second_review_and_a_line_not_delivered(client):
    placed, (shop_a, shop_b), _variants = two_shop_order(payment_method="cod")
    order = placed.order
    deliver(order.shop_orders.get(shop=shop_a))
    client.force_login(order.buyer)
    first = {"line": line_of(order, shop_a).pk, "rating": 5}

    assert client.post(api_url(order), first, content_type="application/json").status_code == 201
    again = client.post(api_url(order), first, content_type="application/json")
    early = client.post(
        api_url(order), {"line": line_of(order, shop_b).pk, "rating": 5}, content_type="application/json"
    )

    assert (again.status_code, again.json()) == (409, {"detail": "Anda sudah mengulas produk ini dari pesanan ini."})
    assert (early.status_code, early.json()) == (
        409,
        {"detail": "Anda dapat mengulas produk setelah pesanan diterima."},
    )
    assert Review.objects.count() == 1


def test_the_api_refuses_another_shopper_another_shops_member_and_a_guest(client):
    order, (shop_a, shop_b), (variant_a, _variant_b) = delivered_order()
    payload = {"line": line_of(order, shop_a).pk, "rating": 5}

    for user in (VerifiedUserFactory(), owner_of(shop_b), owner_of(shop_a)):
        client.force_login(user)
        assert client.post(api_url(order), payload, content_type="application/json").status_code == 404
    client.logout()
    assert client.post(api_url(order), payload, content_type="application/json").status_code in (401, 403)

    assert nothing_reviewed(variant_a.product_id, shop_a.pk)


def test_the_api_lists_a_public_products_reviews_newest_first(client, django_assert_max_num_queries):
    shop, reviews = reviewed_shop(3)
    review_reply(review=reviews[0], user=owner_of(shop), text="Terima kasih")
    product = reviews[0].product

    with django_assert_max_num_queries(3):
        response = client.get(f"/api/v1/products/{product.slug}/reviews/")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [review.pk for review in reversed(reviews)]
    assert body["results"][-1]["reply"] == "Terima kasih"
    assert client.get("/api/v1/products/tidak-ada/reviews/").status_code == 404
