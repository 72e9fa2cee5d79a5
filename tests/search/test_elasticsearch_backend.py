"""The Elasticsearch search backend behind the one search interface, against the test run's search server
(`search_server`: osmem with standard analysis, or a real Elasticsearch): words, typos, filters, sorts, pages,
facets and totals equal to the database backend's on the same catalogue, escaped highlights, as-you-type and
"did you mean", and a server that cannot be reached raising the client's error (the service falls back)."""

import datetime

import elasticsearch
import pytest
from django.utils import timezone

from marketplace.core.richtext import rich_text_to_plain
from search.backends.database import DatabaseBackend, highlight
from search.backends.elasticsearch import ElasticsearchBackend
from search.indexing import rebuild_index
from search.query import SearchQuery
from shops.models import Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductVariantFactory,
)
from tests.search.catalogue import ids, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(search_server):
    """The database backend's catalogue and a shop whose halal certificate expired yesterday, indexed."""
    products = make_catalogue(expired_halal_shop=True)
    rebuild_index()
    return products


def search(**kwargs):
    return ElasticsearchBackend().search(SearchQuery(**kwargs))


def test_words_find_public_products_in_title_description_or_shop_name_and_nothing_hidden(catalogue):
    result = search(text="kripik", sort="newest")

    # Title (balado, pisang) or description (keranjang); never the draft shop's or the archived product.
    assert result.product_ids == ids(catalogue["balado"], catalogue["pisang"], catalogue["keranjang"])
    assert (result.total, result.backend) == (3, "elasticsearch")
    assert search(text="Dapur Made", sort="newest").product_ids == ids(catalogue["pia"], catalogue["kopi"])


def test_every_word_must_match_in_some_field(catalogue):
    ProductFactory(title="Kopi Robusta Lampung", shop=Shop.objects.get(slug="dapur-made"), category=CategoryFactory())
    rebuild_index()

    # "Keranjang Rotan Kecil" is sold by Anyaman Ayu: the shop's name counts too.
    assert set(search(text="anyaman rotan").product_ids) == set(ids(catalogue["tas"], catalogue["keranjang"]))
    assert search(text="kripik rotan").product_ids == ids(catalogue["keranjang"])
    assert search(text="kopi bali").product_ids == ids(catalogue["kopi"])  # not every coffee
    assert not search(text="kripik rotan").relaxed


@pytest.mark.parametrize("backend", [ElasticsearchBackend, DatabaseBackend])
def test_when_no_product_has_every_word_those_with_all_but_one_are_found(catalogue, backend):
    def found(text):
        return backend().search(SearchQuery(text=text))

    most = found("rotan durian")

    assert most.relaxed
    assert set(most.product_ids) == set(found("rotan").product_ids) != set()
    assert found("durian salak").total == 0  # not even one word of two: nothing


def test_typos_are_forgiven(catalogue):
    # "pedes" is one letter from "Pedas" (the description), "krpik" one from "Kripik".
    assert search(text="kripik pedes").product_ids == ids(catalogue["balado"])
    assert search(text="krpik singkong").product_ids == ids(catalogue["balado"])
    assert search(text="kopi bubk").product_ids == ids(catalogue["kopi"])


def test_exact_matches_rank_above_typo_matches(catalogue):
    shop = ApprovedShopFactory(name="Toko Rasa", slug="toko-rasa")
    category = CategoryFactory(name="Camilan", slug="camilan")
    exact = ProductFactory(title="Kripik Pedas Level Lima", shop=shop, category=category)
    misspelt = ProductFactory(title="Kripik Pedes", shop=shop, category=category)  # newer and shorter
    rebuild_index()

    result = search(text="kripik pedas")

    # Both exact matches (the title; "Pedas" in the balado's description) before the misspelt title.
    assert set(result.product_ids[:2]) == set(ids(exact, catalogue["balado"]))
    assert result.product_ids[2:] == ids(misspelt)


def test_without_words_the_filters_list_the_newest_first(catalogue):
    result = search(category="makanan")  # the category and its child

    assert result.product_ids == ids(
        catalogue["balado"], catalogue["pisang"], catalogue["pia"], catalogue["kopi"], catalogue["sambal"]
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "kripik"}, ["balado", "pisang"]),
        ({"category": "tidak-ada"}, []),
        ({"shop": "anyaman-ayu"}, ["tas", "topi", "keranjang"]),
        ({"district": "51.04.05"}, ["tas", "topi", "keranjang", "sambal"]),
        ({"min_price": 25_000, "max_price": 60_000}, ["pia", "kopi", "keranjang", "sambal"]),
        ({"max_price": 18_000}, ["balado", "pisang"]),
        ({"in_stock": True, "category": "kripik"}, ["balado"]),
        ({"badges": ("halal",)}, ["balado", "pisang"]),  # Dapur Oma's certificate expired yesterday
        ({"badges": ("halal", "nib")}, []),
        ({"text": "kripik", "in_stock": True, "district": "51.03.01"}, ["balado"]),
    ],
)
def test_filters_narrow_the_results_as_the_database_does(catalogue, filters, expected):
    result = search(sort="newest", **filters)

    assert result.product_ids == ids(*(catalogue[name] for name in expected))
    assert result.product_ids == DatabaseBackend().search(SearchQuery(sort="newest", **filters)).product_ids


def test_a_price_range_finds_a_product_with_any_variant_in_it_as_the_database_does(catalogue):
    ProductVariantFactory(product=catalogue["balado"], price=75_000, name="1 kg")
    rebuild_index()
    query = {"min_price": 70_000, "max_price": 80_000, "sort": "newest"}

    assert search(**query).product_ids == [catalogue["balado"].pk]
    assert DatabaseBackend().search(SearchQuery(**query)).product_ids == [catalogue["balado"].pk]


def test_in_stock_leaves_out_shops_on_vacation_today(catalogue):
    today = timezone.localdate()
    for slug, closed_until in (("dapur-made", today), ("anyaman-ayu", today - datetime.timedelta(days=1))):
        Shop.objects.filter(slug=slug).update(closed_until=closed_until)
    rebuild_index()

    in_stock = search(in_stock=True).product_ids

    # Dapur Made is closed through today; Anyaman Ayu reopened today; Kripik Pisang has no stock.
    assert in_stock == ids(*(catalogue[name] for name in ("balado", "tas", "topi", "keranjang", "sambal")))
    assert catalogue["pia"].pk in search().product_ids  # on vacation, still listed without the filter
    assert in_stock == DatabaseBackend().search(SearchQuery(in_stock=True)).product_ids


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "best_selling", "rating", "relevance"])
def test_sorts_order_as_the_database_does(catalogue, sort):
    result = search(sort=sort)

    assert result.product_ids == DatabaseBackend().search(SearchQuery(sort=sort)).product_ids
    assert result.total == 8


def test_sorts_by_price_both_ways_and_pages(catalogue):
    cheapest_first = search(category="kerajinan", sort="price_asc")
    dearest_first = search(category="kerajinan", sort="price_desc")
    second_page = search(sort="price_asc", page=2, page_size=3)
    last_page = search(sort="price_asc", page=3, page_size=3)

    assert cheapest_first.product_ids == ids(catalogue["keranjang"], catalogue["topi"], catalogue["tas"])
    assert dearest_first.product_ids == ids(catalogue["tas"], catalogue["topi"], catalogue["keranjang"])
    assert second_page.product_ids == ids(catalogue["pia"], catalogue["keranjang"], catalogue["kopi"])
    assert last_page.product_ids == ids(catalogue["topi"], catalogue["tas"])
    assert (second_page.total, last_page.total) == (8, 8)


FACET_QUERIES = [
    {},
    {"text": "kripik"},
    {"text": "anyaman"},
    {"text": "kopi bali"},
    {"category": "makanan"},
    {"in_stock": True},
    {"badges": ("halal",)},
    {"min_price": 25_000, "max_price": 90_000},
    {"text": "kripik", "district": "51.03.01"},
    {"shop": "anyaman-ayu"},
    {"text": "durian"},
]


@pytest.mark.parametrize("filters", FACET_QUERIES)
def test_facets_and_totals_equal_the_databases(catalogue, filters):
    found = search(**filters)
    expected = DatabaseBackend().search(SearchQuery(**filters))

    assert found.facets == expected.facets
    assert found.total == expected.total
    assert set(found.product_ids) == set(expected.product_ids)


def test_facets_count_what_matches_the_words_and_filters(catalogue):
    facets = search(text="kripik").facets

    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["category"]] == [
        ("kripik", "Kripik", 2),
        ("kerajinan", "Kerajinan", 1),
    ]
    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["district"]] == [
        ("51.03.01", "Kuta", 2),
        ("51.04.05", "Ubud", 1),
    ]
    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["price"]] == [
        ("0-25000", "Di bawah Rp 25.000", 2),
        ("25000-50000", "Rp 25.000 sampai Rp 50.000", 1),
    ]
    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["badge"]] == [
        ("halal", "Bersertifikat halal", 2)
    ]
    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["shop"]] == [
        ("bu-komang", "Warung Bu Komang", 2),
        ("anyaman-ayu", "Anyaman Ayu", 1),
    ]


def test_shop_facet_keeps_the_ten_biggest_shops_ordered_as_the_database_does(search_server):
    category = CategoryFactory(name="Kripik", slug="kripik")
    for number in range(12):  # shop 0 has 3 products, 1 to 11 one each: ties are ordered by name
        shop = ApprovedShopFactory(name=f"Toko {chr(ord('L') - number)}", slug=f"toko-{number}")
        for _product in range(3 if number == 0 else 1):
            ProductFactory(shop=shop, category=category)
    rebuild_index()

    facets = search().facets

    assert facets == DatabaseBackend().search(SearchQuery()).facets
    assert [bucket.label for bucket in facets["shop"]][:3] == ["Toko L", "Toko A", "Toko B"]
    assert len(facets["shop"]) == 10


def test_nothing_found_has_no_facets(catalogue):
    result = search(text="durian")

    assert (result.product_ids, result.total, result.facets) == ([], 0, {})


def test_a_search_asks_the_database_once_for_the_category_names(catalogue, django_assert_num_queries):
    with django_assert_num_queries(1):
        search(text="kripik")
    with django_assert_num_queries(0):
        search(text="durian")
        ElasticsearchBackend().suggest("kri")


def test_highlights_mark_the_words_in_escaped_title_and_description(catalogue):
    result = search(text="kopi")

    assert result.highlights[catalogue["kopi"].pk] == {
        "title": "<mark>Kopi</mark> Bubuk Kintamani",
        "description": "<mark>Kopi</mark> arabika Bali.",
    }
    kopi = catalogue["kopi"].pk  # (PostgreSQL's database backend also finds "Topi" by trigram similarity)
    assert result.highlights[kopi] == DatabaseBackend().search(SearchQuery(text="kopi")).highlights[kopi]


def test_highlights_escape_html_in_titles_and_descriptions(catalogue):
    product = ProductFactory(
        title="Kripik <b>Pedas</b> & 'Gurih'",
        description="<p>Rasa <em>pedas</em> &amp; manis.</p>",
        category=CategoryFactory(),
    )
    rebuild_index()

    marked = search(text="pedas").highlights[product.pk]

    assert marked["title"] == "Kripik &lt;b&gt;<mark>Pedas</mark>&lt;/b&gt; &amp; &#x27;Gurih&#x27;"
    assert marked["title"] == highlight(product.title, ["pedas"])
    assert marked["description"] == highlight(rich_text_to_plain(product.description), ["pedas"])
    assert "<" not in marked["description"].replace("<mark>", "").replace("</mark>", "")


def test_highlights_of_a_long_description_are_an_excerpt_and_fields_without_the_word_are_escaped(catalogue):
    filler = "Renyah dan gurih, dibuat setiap pagi di dapur kami. " * 8
    product = ProductFactory(
        title="Rengginang <Udang>",
        description=f"<p>{filler}Terasi asli Lombok. {filler}</p>",
        category=CategoryFactory(),
    )
    rebuild_index()

    marked = search(text="terasi").highlights[product.pk]

    assert marked["title"] == "Rengginang &lt;Udang&gt;"  # matched in the description only
    assert marked["description"].startswith("…")
    assert marked["description"].endswith("…")
    assert "<mark>Terasi</mark>" in marked["description"]
    assert len(marked["description"].replace("<mark>", "").replace("</mark>", "")) < 200


def test_suggest_completes_titles_as_shoppers_type(catalogue):
    backend = ElasticsearchBackend()

    assert set(backend.suggest("kri")) == {"Kripik Singkong Balado", "Kripik Pisang Manis"}
    assert set(backend.suggest("anyaman")) == {"Tas Anyaman Rotan", "Topi Anyaman Pandan"}  # a later word
    assert backend.suggest("rotan kec") == ["Keranjang Rotan Kecil"]
    assert backend.suggest("pandan top") == ["Topi Anyaman Pandan"]  # words in another order
    assert backend.suggest("kri", limit=1) in (["Kripik Singkong Balado"], ["Kripik Pisang Manis"])
    assert backend.suggest("  ") == backend.suggest("durian") == []


def test_suggest_gives_each_title_once(catalogue):
    for slug in ("dapur-made", "anyaman-ayu"):
        ProductFactory(title="Kripik Pisang Manis", shop=Shop.objects.get(slug=slug))
    rebuild_index()

    suggestions = ElasticsearchBackend().suggest("kripik pis")

    assert suggestions == ["Kripik Pisang Manis"]


def test_did_you_mean_when_nothing_matches(catalogue):
    # "durian" is sold nowhere, so nothing matches every word; the closest title is offered, next to the
    # products with all words but one.
    result = search(text="kopi bubuk durian")

    assert (result.total, result.relaxed, result.suggestions) == (1, True, ["Kopi Bubuk Kintamani"])
    assert search(text="zzzz qqqq").suggestions == []
    assert search(text="kopi").suggestions == []  # found: no suggestion
    assert search(category="tidak-ada").suggestions == []  # no words: nothing to correct


def test_an_unreachable_server_raises_the_clients_error(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_NODE_CLASS = ""

    with pytest.raises(elasticsearch.ConnectionError):
        search(text="kripik")
    with pytest.raises(elasticsearch.ConnectionError):
        ElasticsearchBackend().suggest("kri")


def test_a_parent_categorys_name_finds_the_products_below_it(search_server):
    crafts = CategoryFactory(name="Kerajinan Tangan", slug="kerajinan-tangan")
    basket = ProductFactory(title="Keranjang Bambu", category=CategoryFactory(name="Anyaman", parent=crafts))
    ProductFactory(title="Kopi Bubuk")
    rebuild_index()

    assert search(text="kerajinan").product_ids == [basket.pk]
