"""The anonymous page cache (marketplace.core.pagecache): storefront pages are served from the cache to visitors
without a session, and every change to what they show is visible at once, through the paths people use to make
it (a seller's quick edit, an operator publishing the home page, a shop going on holiday).

The test database runs in a transaction that is rolled back, so changes are wrapped in
`django_capture_on_commit_callbacks(execute=True)`: the invalidation runs on commit, as in production.
"""

import copy
import datetime

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from cms.demo import seed_home_page
from marketplace.core import pagecache
from shops.models import ShopMember
from shops.services import shop_suspend
from shops.services.categories import category_update
from tests.factories.accounts import SuperuserFactory
from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

HIT, MISS = "hit", "miss"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    pagecache._outage_until = 0.0
    yield
    pagecache._outage_until = 0.0


@pytest.fixture
def catalogue():
    category = CategoryFactory(name="Kripik", slug="kripik")
    shop = ApprovedShopFactory(name="Warung Bu Komang", slug="warung-bu-komang")
    product = ProductFactory(shop=shop, category=category, title="Kripik Pisang", slug="kripik-pisang")
    return {"category": category, "shop": shop, "product": product, "variant": product.variants.get()}


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response


def test_anonymous_visitors_get_the_second_view_from_the_cache_without_a_query(
    client, catalogue, django_assert_num_queries
):
    for url in ("/kategori/kripik/", "/produk/kripik-pisang/", "/toko/warung-bu-komang/"):
        first = get(client, url)
        with django_assert_num_queries(0):
            second = get(client, url)

        assert first["X-Page-Cache"] == MISS
        assert second["X-Page-Cache"] == HIT
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]


def test_a_sellers_quick_price_edit_shows_on_every_page_at_once(client, catalogue, django_capture_on_commit_callbacks):
    urls = ["/kategori/kripik/", "/produk/kripik-pisang/", "/toko/warung-bu-komang/"]
    for url in urls:
        get(client, url)
        assert "Rp 15.000" in get(client, url).content.decode()

    seller = Client()
    seller.force_login(catalogue["shop"].members.get(role=ShopMember.Role.OWNER).user)
    variant = catalogue["variant"]
    with django_capture_on_commit_callbacks(execute=True):
        response = seller.post(
            f"/penjual/produk/{variant.product_id}/varian/{variant.pk}/cepat/", {"price": "17500", "stock": "4"}
        )
    assert response.status_code in (200, 302)

    for url in urls:
        response = get(client, url)
        html = response.content.decode()
        assert response["X-Page-Cache"] == MISS, url
        assert "Rp 17.500" in html, url
        assert "Rp 15.000" not in html, url


def test_a_shop_going_on_holiday_and_a_product_archived_show_at_once(
    client, catalogue, django_capture_on_commit_callbacks
):
    get(client, "/produk/kripik-pisang/")
    get(client, "/kategori/kripik/")
    shop = catalogue["shop"]

    with django_capture_on_commit_callbacks(execute=True):
        shop.closed_until = timezone.localdate() + datetime.timedelta(days=7)
        shop.save(update_fields=["closed_until"])
    assert "Shop on holiday" in get(client, "/en/kategori/kripik/").content.decode()
    assert "Toko sedang libur" in get(client, "/kategori/kripik/").content.decode()

    product = catalogue["product"]
    with django_capture_on_commit_callbacks(execute=True):
        product.status = product.Status.ARCHIVED
        product.save(update_fields=["status"])
    assert client.get("/produk/kripik-pisang/").status_code == 410
    assert "Kripik Pisang" not in get(client, "/kategori/kripik/").content.decode()


def test_publishing_the_home_page_shows_the_new_hero_at_once(client, django_capture_on_commit_callbacks):
    home = seed_home_page()
    assert "Belanja langsung dari UMKM Badung" in get(client, "/").content.decode()
    assert get(client, "/")["X-Page-Cache"] == HIT

    home = home.specific
    blocks = copy.deepcopy(list(home.body.raw_data))  # the demo's block data is a module constant
    hero = next(block for block in blocks if block["type"] == "hero")
    hero["value"]["heading"] = "Pasar Natal UMKM Badung"
    home.body = blocks
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision().publish()

    html = get(client, "/").content.decode()
    assert "Pasar Natal UMKM Badung" in html
    assert "Belanja langsung dari UMKM Badung" not in html


def test_languages_and_htmx_fragments_are_cached_apart(client, catalogue):
    indonesian = get(client, "/kategori/kripik/")
    english = get(client, "/en/kategori/kripik/")
    fragment = get(client, "/kategori/kripik/", headers={"HX-Request": "true"})

    assert english["X-Page-Cache"] == MISS
    assert fragment["X-Page-Cache"] == MISS
    assert '<html lang="id">' in indonesian.content.decode()
    assert '<html lang="en">' in get(client, "/en/kategori/kripik/").content.decode()
    assert get(client, "/kategori/kripik/", headers={"HX-Request": "true"}).content == fragment.content


def test_filtered_listings_are_cached_per_query_string(client, catalogue):
    get(client, "/kategori/kripik/")

    response = get(client, "/kategori/kripik/?sort=price_asc")

    assert response["X-Page-Cache"] == MISS
    assert get(client, "/kategori/kripik/?sort=price_asc")["X-Page-Cache"] == HIT


def test_signed_in_visitors_and_anyone_with_a_session_are_never_served_nor_stored(client, catalogue):
    user = catalogue["shop"].members.get().user
    client.force_login(user)
    assert "X-Page-Cache" not in get(client, "/kategori/kripik/")
    assert "X-Page-Cache" not in get(client, "/kategori/kripik/")

    anonymous = Client()
    assert get(anonymous, "/kategori/kripik/")["X-Page-Cache"] == MISS  # the signed-in views stored nothing


def test_pages_with_messages_or_forms_and_private_areas_are_not_cached(client, catalogue):
    client.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in get(client, "/kategori/kripik/")

    anonymous = Client()
    # The login page embeds a CSRF token (and sets its cookie): never stored, never served from the cache.
    assert "X-Page-Cache" not in get(anonymous, "/akun/login/")
    assert "X-Page-Cache" not in get(anonymous, "/akun/login/")
    assert "X-Page-Cache" not in anonymous.get("/api/v1/products/")
    assert anonymous.get("/kategori/tidak-ada/").status_code == 404
    assert "X-Page-Cache" not in anonymous.get("/kategori/tidak-ada/")


def test_only_an_opted_in_response_without_cookies_is_stored(rf: RequestFactory, catalogue):
    """The middleware around stand-in views on a cacheable URL: only the plain opted-in answer is kept."""

    def opted_in(request):
        pagecache.allow_page_cache(request)
        return HttpResponse("hello")

    def opted_in_with_cookie(request):
        response = opted_in(request)
        response.set_cookie("csrftoken", "secret")
        return response

    def not_opted_in(request):
        return HttpResponse("hello")

    def private(request):
        response = opted_in(request)
        response["Cache-Control"] = "private"
        return response

    for view, url in ((opted_in_with_cookie, "/kategori/kripik/"), (not_opted_in, "/toko/warung-bu-komang/")):
        middleware = pagecache.PageCacheMiddleware(view)
        assert "X-Page-Cache" not in middleware(rf.get(url)), view.__name__
        assert "X-Page-Cache" not in middleware(rf.get(url)), view.__name__
    middleware = pagecache.PageCacheMiddleware(private)
    assert "X-Page-Cache" not in middleware(rf.get("/produk/kripik-pisang/?private"))

    middleware = pagecache.PageCacheMiddleware(opted_in)
    assert middleware(rf.get("/produk/kripik-pisang/"))["X-Page-Cache"] == MISS
    assert middleware(rf.get("/produk/kripik-pisang/"))["X-Page-Cache"] == HIT


def test_urls_of_views_that_are_never_cached_cost_no_cache_lookup(client, catalogue, monkeypatch):
    calls = []
    real_read = pagecache._read
    monkeypatch.setattr(pagecache, "_read", lambda key: calls.append(key) or real_read(key))

    # (Any other path may be a Wagtail page: those are looked up, and a 404 is a miss.)
    for url in ("/akun/login/", "/api/v1/products/", "/penjual/", "/en/akun/signup/"):
        client.get(url)
    assert calls == []

    get(client, "/kategori/kripik/")
    assert len(calls) == 1  # the generation and the page, in one round trip (get_many)


def test_one_transaction_with_many_changes_invalidates_once(django_capture_on_commit_callbacks, monkeypatch):
    category = CategoryFactory()
    generations = []
    monkeypatch.setattr(pagecache, "_new_generation", lambda: generations.append(1) or f"g{len(generations)}")

    with django_capture_on_commit_callbacks(execute=True):
        ProductFactory.create_batch(3, category=category)  # three products, three variants

    assert len(generations) == 1
    assert cache.get(pagecache.GENERATION_KEY) == "g1"


def test_a_cache_outage_serves_pages_uncached_and_pauses_before_trying_again(client, catalogue, monkeypatch):
    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "get_many", broken)

    first = get(client, "/kategori/kripik/")
    second = get(client, "/kategori/kripik/")

    assert "Kripik Pisang" in first.content.decode()
    assert "X-Page-Cache" not in first
    assert "X-Page-Cache" not in second
    assert len(calls) == 1  # the second request did not try the cache during the pause


def test_the_page_cache_can_be_turned_off(client, catalogue, settings):
    settings.PAGE_CACHE_SECONDS = 0

    assert "X-Page-Cache" not in get(client, "/kategori/kripik/")
    assert "X-Page-Cache" not in get(client, "/kategori/kripik/")


def test_an_operator_renaming_a_category_or_suspending_a_shop_shows_at_once(
    client, catalogue, django_capture_on_commit_callbacks
):
    operator = SuperuserFactory()
    assert "Kripik" in get(client, "/produk/kripik-pisang/").content.decode()
    get(client, "/toko/warung-bu-komang/")

    with django_capture_on_commit_callbacks(execute=True):
        category_update(category=catalogue["category"], operator=operator, name="Keripik & Camilan")
    assert "Keripik &amp; Camilan" in get(client, "/produk/kripik-pisang/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop=catalogue["shop"], operator=operator, reason="Dokumen palsu.")
    assert client.get("/toko/warung-bu-komang/").status_code == 410
    assert client.get("/produk/kripik-pisang/").status_code == 404
