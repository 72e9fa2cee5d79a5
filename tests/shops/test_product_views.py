"""The product page view counter: the beacon (`shops.views_counter`) counts in the cache only, and the beat task
`shops.tasks.flush_product_views` moves the counts into `ProductViewDay`."""

from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from shops import views_counter
from shops.models import ProductViewDay
from shops.tasks import flush_product_views
from tests.factories.shops import ProductFactory

BROWSER = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def beacon(client, product_id, user_agent=BROWSER, method="post", **extra):
    return getattr(client, method)(f"/v/produk/{product_id}/", HTTP_USER_AGENT=user_agent, **extra)


def counted(product_id, day=None) -> int | None:
    return cache.get(views_counter.counter_key(day or views_counter.today_wita(), product_id))


def test_the_beacon_url_is_language_neutral():
    assert reverse("product_view_beacon", args=[7]) == "/v/produk/7/"


@pytest.mark.django_db
def test_a_browser_post_counts_in_the_cache_without_touching_the_database(client, django_assert_num_queries):
    product = ProductFactory()
    with django_assert_num_queries(0):
        response = beacon(client, product.pk)
        beacon(client, product.pk)
    assert response.status_code == 204
    assert response.content == b""
    assert "sessionid" not in response.cookies
    assert counted(product.pk) == 2
    assert not ProductViewDay.objects.exists()


@pytest.mark.django_db
def test_one_address_counts_at_most_twenty_views_of_a_product_an_hour(client):
    product, other = ProductFactory(), ProductFactory()
    for _ in range(views_counter.MAX_VIEWS_PER_ADDRESS + 5):
        assert beacon(client, product.pk).status_code == 204
    beacon(client, other.pk)
    beacon(client, product.pk, REMOTE_ADDR="203.0.113.9")
    # Behind the proxy every request comes from its address: the visitor is the last X-Forwarded-For hop.
    beacon(client, product.pk, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.10")
    assert counted(product.pk) == views_counter.MAX_VIEWS_PER_ADDRESS + 2
    assert counted(other.pk) == 1


@pytest.mark.django_db
def test_get_bots_and_missing_user_agents_count_nothing(client):
    product = ProductFactory()
    assert beacon(client, product.pk, method="get").status_code == 405
    assert beacon(client, product.pk, user_agent=GOOGLEBOT).status_code == 204
    assert beacon(client, product.pk, user_agent="").status_code == 204
    assert beacon(client, product.pk, user_agent="curl/8.0").status_code == 204
    assert counted(product.pk) is None


@pytest.mark.django_db
def test_the_flush_moves_counts_into_the_database_and_a_second_flush_adds_nothing(client):
    first, second = ProductFactory(), ProductFactory()
    for _ in range(3):
        beacon(client, first.pk)
    beacon(client, second.pk)
    today = views_counter.today_wita()

    assert flush_product_views() == 4
    assert ProductViewDay.objects.get(product=first, day=today).views == 3
    assert ProductViewDay.objects.get(product=second, day=today).views == 1
    assert counted(first.pk) == 0

    assert flush_product_views() == 0
    assert ProductViewDay.objects.get(product=first, day=today).views == 3

    beacon(client, first.pk)
    beacon(client, first.pk)
    assert flush_product_views() == 2
    assert ProductViewDay.objects.get(product=first, day=today).views == 5
    assert ProductViewDay.objects.count() == 2


@pytest.mark.django_db
def test_views_counted_between_the_read_and_the_decrement_are_kept(client, monkeypatch):
    product = ProductFactory()
    beacon(client, product.pk)
    beacon(client, product.pk)
    backend = type(caches["default"])
    original_decr = backend.decr

    def decr_after_two_more_views(self, key, delta=1, version=None):
        # Two visitors arrive after the flush read the counter, before it subtracts what it moved.
        views_counter.record_view(product.pk)
        views_counter.record_view(product.pk)
        return original_decr(self, key, delta, version)

    monkeypatch.setattr(backend, "decr", decr_after_two_more_views)
    assert flush_product_views() == 2
    monkeypatch.setattr(backend, "decr", original_decr)

    assert ProductViewDay.objects.get(product=product).views == 2
    assert counted(product.pk) == 2
    assert flush_product_views() == 2
    assert ProductViewDay.objects.get(product=product).views == 4


@pytest.mark.django_db
def test_the_flush_keeps_days_apart_and_drops_ids_that_are_no_product():
    product = ProductFactory()
    today = views_counter.today_wita()
    yesterday = today - timedelta(days=1)
    views_counter.record_view(product.pk, day=yesterday)
    views_counter.record_view(product.pk, day=today)
    views_counter.record_view(product.pk, day=today)
    views_counter.record_view(987654, day=today)

    assert flush_product_views() == 3
    assert dict(ProductViewDay.objects.values_list("day", "views")) == {yesterday: 1, today: 2}
    assert counted(987654) == 0


@pytest.mark.django_db
def test_the_flush_adds_to_a_row_already_there():
    product = ProductFactory()
    today = views_counter.today_wita()
    ProductViewDay.objects.create(product=product, day=today, views=10)
    views_counter.record_view(product.pk)
    flush_product_views()
    assert ProductViewDay.objects.get(product=product, day=today).views == 11


@pytest.mark.django_db
def test_one_flush_at_a_time():
    product = ProductFactory()
    views_counter.record_view(product.pk)
    cache.add("product-views:flush-lock", 1, 60)  # another run holds the lock
    assert flush_product_views() == 0
    assert not ProductViewDay.objects.exists()


def test_days_are_wita_days(monkeypatch):
    # 23:30 UTC on 1 November is 07:30 on 2 November in Makassar.
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 1, 23, 30, tzinfo=views_counter.WITA).astimezone(tz) + timedelta(hours=8)

    monkeypatch.setattr(views_counter, "datetime", Clock)
    assert views_counter.today_wita() == date(2026, 11, 2)
    assert views_counter.counter_key(date(2026, 11, 2), 5) == "product-views:2026-11-02:5"


@pytest.mark.django_db
def test_the_product_page_carries_the_beacon_script(client):
    product = ProductFactory()
    response = client.get(reverse("storefront:product", args=[product.slug]))
    assert response.status_code == 200
    assert f'data-url="/v/produk/{product.pk}/"' in response.content.decode()
    assert "shops/views.js" in response.content.decode()
