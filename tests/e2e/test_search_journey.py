"""A shopper searches on a phone (360 px): a misspelt query in the header's search box, the facets' disclosure,
a category facet, the cheapest first, a product; then the search server goes down and search still answers,
from the database. And on a wide screen the facets are always open, with or without JavaScript.

The journey starts a search server of its own (osmem-server: standard analysis, which forgives typos), since
it stops it halfway. Screenshots of every step are kept in tests/e2e/artifacts/search-*.png (git-ignored).
The page cache is on in journeys (tests/e2e/conftest.py): each search uses words not searched before.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from cms.demo import seed_home_page
from search import breaker
from search.indexing import rebuild_index
from shops.demo import seed_categories
from shops.models import Category, Product
from tests.conftest import skip_without
from tests.factories.shops import ApprovedShopFactory, ProductFactory, ProductVariantFactory

from .conftest import ARTIFACTS_DIR

PHONE = 360


def catalogue() -> dict[str, Product]:
    """Four snacks of two shops in "Kripik & Camilan" and a gift box with "kripik" in "Oleh-oleh"."""
    seed_categories()
    snacks, gifts = Category.objects.get(slug="kripik-camilan"), Category.objects.get(slug="oleh-oleh")
    komang = ApprovedShopFactory(name="Warung Kripik Bu Komang")
    ayu = ApprovedShopFactory(name="Camilan Bu Ayu")
    products = {}
    for title, shop, category, price in (
        ("Kripik Singkong Balado", komang, snacks, 22_000),
        ("Kripik Pisang Manis", komang, snacks, 18_000),
        ("Kripik Tempe Sagu", ayu, snacks, 25_000),
        ("Kripik Kaca Pedas", ayu, snacks, 12_000),
        ("Paket Kripik Oleh-oleh", ayu, gifts, 95_000),
    ):
        product = ProductFactory(shop=shop, category=category, title=title, variant=None)
        ProductVariantFactory(product=product, price=price, stock=10)
        products[title] = product
    return products


def start_search_server(settings):
    """A search server of the test's own, with the settings pointing at it under a fresh alias."""
    try:
        from osmem_server import OsmemError, OsmemServer
    except ImportError:
        skip_without("Search server", "osmem-server is not installed")
    try:
        server = OsmemServer.start(japanese=False)
    except OsmemError as error:
        skip_without("Search server", str(error))
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_NODE_CLASS = "tests.search.osmem.OsmemCompatibleNode"
    settings.SEARCH_ANALYSIS = "standard"
    settings.SEARCH_INDEX_ALIAS = f"test-journey-{uuid.uuid4().hex[:12]}"
    return server


def screenshot(page, step: str) -> None:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"search-{step}.png"), full_page=True)


def search_from_the_header(page, words: str) -> None:
    box = page.get_by_role("search").get_by_label("Cari produk")
    box.fill(words)
    box.press("Enter")


def answering_backend(page, base_url: str, words: str) -> str:
    response = page.request.get(f"{base_url}/api/v1/search/", params={"q": words})
    assert response.status == 200
    return response.json()["backend"]


@pytest.mark.e2e
def test_shopper_finds_a_misspelt_snack_narrows_sorts_and_still_finds_when_the_search_server_is_down(
    live_server, page, settings
):
    products = catalogue()
    seed_home_page()
    server = start_search_server(settings)
    breaker.reset()
    main = page.get_by_role("main")
    try:
        assert rebuild_index() == 5

        # A typo in the header's search box: the search server forgives it.
        page.goto(f"{live_server.url}/")
        search_from_the_header(page, "kripk")
        expect(page).to_have_url(f"{live_server.url}/cari/?q=kripk")
        expect(main.get_by_role("heading", level=1)).to_have_text("Hasil untuk “kripk”")
        expect(main.get_by_role("link", name=re.compile("Kripik Pisang Manis"))).to_be_visible()
        expect(main.get_by_role("status")).to_have_text("5 produk")
        assert answering_backend(page, live_server.url, "kripk") == "elasticsearch"
        screenshot(page, "1-results")

        # On a phone the facets wait behind "Filter"; opened, a category narrows the results.
        category_link = main.get_by_role("link", name=re.compile(r"^Kripik & Camilan \(4\)"))
        expect(category_link).to_be_hidden()
        main.get_by_role("heading", name="Filter", exact=True).click()
        expect(category_link).to_be_visible()
        screenshot(page, "2-facets-open")
        category_link.click()
        expect(page).to_have_url(re.compile(r"/cari/\?q=kripk&category=kripik-camilan$"))
        expect(main.get_by_role("link", name=re.compile("Paket Kripik Oleh-oleh"))).to_have_count(0)
        expect(main.get_by_role("status")).to_have_text("4 produk")
        expect(main.get_by_role("heading", name=re.compile(r"^Filter \(1 \w+\)$"))).to_be_visible()
        expect(main.locator("details.search-facets")).not_to_have_attribute("open", "")

        # The cheapest first.
        main.get_by_role("combobox", name="Urutkan").select_option("price_asc")
        main.get_by_role("button", name="Terapkan").click()
        expect(page).to_have_url(re.compile(r"[?&]sort=price_asc(&|$)"))
        expect(page).to_have_url(re.compile(r"[?&]category=kripik-camilan(&|$)"))
        prices = main.locator(".product-card__price")
        expect(prices).to_have_text(["Rp 12.000", "Rp 18.000", "Rp 22.000", "Rp 25.000"])
        screenshot(page, "3-cheapest-first")

        # A product.
        main.get_by_role("link", name=re.compile("Kripik Pisang Manis")).click()
        expect(page).to_have_url(f"{live_server.url}/produk/{products['Kripik Pisang Manis'].slug}/")
        expect(main.get_by_role("heading", level=1)).to_have_text("Kripik Pisang Manis")
        screenshot(page, "4-product")

        # The search server goes down: the same box still finds, from the database.
        server.close()
        search_from_the_header(page, "kripik pisang")
        expect(page).to_have_url(f"{live_server.url}/cari/?q=kripik+pisang")
        expect(main.get_by_role("link", name=re.compile("Kripik Pisang Manis"))).to_be_visible()
        expect(main.get_by_role("status")).to_have_text("1 produk")
        assert answering_backend(page, live_server.url, "kripik pisang") == "database"
        screenshot(page, "5-search-server-down")
    finally:
        server.close()
        breaker.reset()


@pytest.mark.e2e
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_facets_are_always_open_beside_the_results_on_a_wide_screen(live_server, browser, javascript):
    catalogue()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/cari/?q=kripik")
        expect(page.get_by_role("link", name=re.compile(r"^Kripik & Camilan \(4\)"))).to_be_visible()
        if javascript:  # the disclosure's state, which assistive technology announces, says so too
            expect(page.locator("details.search-facets")).to_have_attribute("open", "")
        screenshot(page, f"wide-{'javascript' if javascript else 'no-javascript'}")
    finally:
        context.close()
