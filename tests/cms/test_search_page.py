"""`/cari/`: the shopper's search page (header search box), over the search service."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductFactory,
    ProductVariantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    snacks, crafts = CategoryFactory(name="Kripik", slug="kripik"), CategoryFactory(name="Kerajinan", slug="kerajinan")
    kuta = DistrictFactory(code="51.03.01", name="Kuta")
    komang = ApprovedShopFactory(name="Warung Bu Komang", slug="bu-komang", district=kuta)
    ayu = ApprovedShopFactory(name="Anyaman Ayu", slug="anyaman-ayu")
    made = {}
    for title, shop, category, price in (
        ("Kripik Singkong Balado", komang, snacks, 15_000),
        ("Kripik Pisang Manis", komang, snacks, 18_000),
        ("Tas Anyaman Kripik Motif", ayu, crafts, 275_000),
    ):
        product = ProductFactory(title=title, shop=shop, category=category, variant=None)
        ProductVariantFactory(product=product, price=price)
        made[title] = product
    return made


def titles(html: str) -> list[str]:
    return [re.sub(r"</?mark>", "", title) for title in re.findall(r'class="product-card__title">(.*?)</span>', html)]


def test_search_shows_matching_products_with_the_words_marked_and_facets(client, catalogue):
    response = client.get("/cari/", {"q": "kripik", "sort": "price_asc"})

    html = response.content.decode()
    assert response.status_code == 200
    assert titles(html) == ["Kripik Singkong Balado", "Kripik Pisang Manis", "Tas Anyaman Kripik Motif"]
    assert '<span class="product-card__title"><mark>Kripik</mark> Singkong Balado</span>' in html
    assert "Hasil untuk “kripik”" in html
    assert "3 produk" in html
    assert 'href="?q=kripik&amp;sort=price_asc&amp;category=kripik" rel="nofollow">Kripik <span' in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_a_facet_narrows_and_the_active_one_widens_again(client, catalogue):
    html = client.get("/cari/", {"q": "kripik", "category": "kerajinan"}).content.decode()

    assert titles(html) == ["Tas Anyaman Kripik Motif"]
    assert 'href="?q=kripik" rel="nofollow" aria-current="true" class="search-facet__active">' in html


def test_nothing_found_suggests_categories_and_a_bad_parameter_is_ignored_with_a_message(client, catalogue):
    empty = client.get("/cari/", {"q": "durian"}).content.decode()
    bad = client.get("/cari/", {"q": "kripik", "page": "abc", "min_price": "x"})

    assert "Tidak ada hasil untuk “durian”." in empty
    assert 'href="/kategori/kripik/">Kripik</a>' in empty
    assert bad.status_code == 200
    assert (
        titles(bad.content.decode())[0] == "Tas Anyaman Kripik Motif"
    )  # newest first, filters left out? no: relevance
    assert "Beberapa filter tidak dapat dipakai dan diabaikan." in bad.content.decode()


def test_search_page_costs_the_same_queries_for_one_or_three_results(client, catalogue):
    with CaptureQueriesContext(connection) as one:
        client.get("/cari/", {"q": "balado"})
    with CaptureQueriesContext(connection) as three:
        client.get("/cari/", {"q": "kripik"})

    assert len(one.captured_queries) == len(three.captured_queries) <= 14


def test_a_page_past_the_end_shows_the_last_page(client, catalogue):
    html = client.get("/cari/", {"q": "kripik", "page": "7"}).content.decode()

    assert len(titles(html)) == 3


def test_the_header_search_box_suggests_as_you_type_and_searches_in_the_pages_language(client, catalogue):
    home = client.get("/kategori/kripik/").content.decode()
    english = client.get("/en/kategori/kripik/").content.decode()
    options = client.get("/cari/saran/", {"q": "kripik s"}, headers={"HX-Request": "true"}).content.decode()

    assert 'action="/cari/"' in home
    assert 'hx-get="/cari/saran/"' in home
    assert 'list="site-search-suggestions"' in home
    assert 'action="/en/cari/"' in english
    assert options.strip() == '<option value="Kripik Singkong Balado"></option>'


def test_facets_are_a_disclosure_closed_until_opened_that_counts_the_active_filters(client, catalogue):
    plain = client.get("/en/cari/", {"q": "kripik"}).content.decode()
    narrowed = client.get(
        "/en/cari/", {"q": "kripik", "category": "kripik", "shop": "bu-komang", "min_price": "0", "max_price": "25000"}
    ).content.decode()

    # Closed on every screen as served (phones keep it so; search-facets.js and the CSS open it on wide ones).
    for html in (plain, narrowed):
        assert html.count("data-search-facets") == html.count('search-facets" data-search-facets>') == 1
        assert re.search(r'<script src="/static/cms/js/search-facets[.\w]*\.js" defer></script>', html)
    assert '<summary><h2 class="cat-filters__heading">Filter</h2></summary>' in plain
    assert (
        '<summary><h2 class="cat-filters__heading">Filter <span class="search-facets__active-count">(3 active)</span>'
        "</h2></summary>"
    ) in narrowed
    # The facets are inside the disclosure, the sort form outside it (sorting stays one tap away).
    facets = narrowed.split("data-search-facets>", 1)[1].split("</details>", 1)[0]
    assert 'class="search-facet__active"' in facets
    assert 'name="sort"' not in facets
    assert titles(narrowed) == ["Kripik Pisang Manis", "Kripik Singkong Balado"]
    # Last, so the English pages leave no active language behind for the next test.
    indonesian = client.get("/cari/", {"q": "kripik"}).content.decode()
    assert '<summary><h2 class="cat-filters__heading">Filter</h2></summary>' in indonesian


def test_the_sorts_are_offered_in_the_pages_language(client, catalogue):
    indonesian = client.get("/cari/", {"q": "kripik"}).content.decode()
    english = client.get("/en/cari/", {"q": "kripik"}).content.decode()
    for label in ("Paling sesuai", "Terbaru", "Terlaris", "Rating tertinggi"):
        assert label in indonesian
    for label in ("Best match", "Newest", "Best selling", "Highest rated"):
        assert label in english
    client.get("/cari/")  # leave Indonesian active for the next test


def test_when_no_product_has_every_word_the_page_says_it_shows_those_with_most(client, catalogue):
    html = client.get("/cari/", {"q": "kripik durian"}).content.decode()
    assert "Tidak ada produk yang memuat semua kata “kripik durian”; ini memuat semua kecuali satu." in html
    assert "Kripik Singkong Balado" in html or "Singkong Balado" in html
