"""The database search backend behind the one search interface: words, filters, sorts, pages, facets and
highlights over a small catalogue, on SQLite and PostgreSQL; stemming, typos and spelling suggestions on
PostgreSQL only (the `postgres` fixture: skipped on SQLite, a failure in CI when PostgreSQL is missing)."""

import pytest

from search.backends.database import DatabaseBackend, highlight
from search.query import SearchQuery
from tests.search.catalogue import ids, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue()


def search(**kwargs):
    return DatabaseBackend().search(SearchQuery(**kwargs))


def test_words_find_public_products_in_title_description_or_shop_name_and_nothing_hidden(catalogue):
    result = search(text="kripik", sort="newest")

    # Title (balado, pisang) or description (keranjang); never the draft shop's or the archived product.
    assert result.product_ids == ids(catalogue["balado"], catalogue["pisang"], catalogue["keranjang"])
    assert result.total == 3
    assert result.backend == "database"
    assert search(text="Dapur Made", sort="newest").product_ids == ids(catalogue["pia"], catalogue["kopi"])


def test_every_word_must_match(catalogue):
    # "Keranjang Rotan Kecil" is sold by Anyaman Ayu: the shop's name counts too.
    assert search(text="anyaman rotan").product_ids == ids(catalogue["tas"], catalogue["keranjang"])
    assert search(text="kripik rotan").product_ids == ids(catalogue["keranjang"])
    assert not search(text="kripik rotan").relaxed


def test_without_words_the_filters_list_the_newest_first(catalogue):
    result = search(category="makanan")  # the category and its child

    assert result.product_ids == ids(catalogue["balado"], catalogue["pisang"], catalogue["pia"], catalogue["kopi"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "kripik"}, ["balado", "pisang"]),
        ({"category": "tidak-ada"}, []),
        ({"shop": "anyaman-ayu"}, ["tas", "topi", "keranjang"]),
        ({"district": "51.04.05"}, ["tas", "topi", "keranjang"]),
        ({"min_price": 40_000, "max_price": 90_000}, ["kopi", "topi", "keranjang"]),
        ({"in_stock": True, "category": "kripik"}, ["balado"]),
        ({"badges": ("halal",)}, ["balado", "pisang"]),
        ({"text": "kripik", "in_stock": True, "district": "51.03.01"}, ["balado"]),
    ],
)
def test_filters_narrow_the_results(catalogue, filters, expected):
    assert search(sort="newest", **filters).product_ids == ids(*(catalogue[name] for name in expected))


def test_sorts_by_price_both_ways_and_pages(catalogue):
    cheapest_first = search(category="kerajinan", sort="price_asc")
    dearest_first = search(category="kerajinan", sort="price_desc")
    second_page = search(sort="price_asc", page=2, page_size=3)

    assert cheapest_first.product_ids == ids(catalogue["keranjang"], catalogue["topi"], catalogue["tas"])
    assert dearest_first.product_ids == ids(catalogue["tas"], catalogue["topi"], catalogue["keranjang"])
    assert second_page.product_ids == ids(catalogue["keranjang"], catalogue["kopi"], catalogue["topi"])
    assert second_page.total == 7


def test_facets_count_what_matches_the_words_and_filters(catalogue):
    facets = search(text="kripik").facets

    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["category"]] == [
        ("kripik", "Kripik", 2),
        ("kerajinan", "Kerajinan", 1),
    ]
    assert [(bucket.key, bucket.count) for bucket in facets["district"]] == [("51.03.01", 2), ("51.04.05", 1)]
    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["price"]] == [
        ("0-25000", "Di bawah Rp 25.000", 2),
        ("25000-50000", "Rp 25.000 sampai Rp 50.000", 1),
    ]
    assert [(bucket.key, bucket.label, bucket.count) for bucket in facets["badge"]] == [
        ("halal", "Bersertifikat halal", 2)
    ]
    assert [(bucket.key, bucket.count) for bucket in facets["shop"]] == [("bu-komang", 2), ("anyaman-ayu", 1)]


def test_highlights_mark_the_words_in_escaped_title_and_description_excerpt(catalogue):
    result = search(text="kopi")

    assert result.highlights[catalogue["kopi"].pk] == {
        "title": "<mark>Kopi</mark> Bubuk Kintamani",
        "description": "<mark>Kopi</mark> arabika Bali.",
    }
    assert highlight("<b>Kopi</b> & teh", ["kopi"]) == "&lt;b&gt;<mark>Kopi</mark>&lt;/b&gt; &amp; teh"


def test_nothing_found_has_no_facets(catalogue):
    result = search(text="durian")

    assert (result.product_ids, result.total, result.facets) == ([], 0, {})


def test_bad_queries_are_refused_before_any_backend():
    for bad, message in (
        ({"sort": "cheapest"}, "Unknown sort"),
        ({"badges": ("organik",)}, "Unknown badges"),
        ({"page": 0}, "page must be"),
        ({"page": 101}, "page must be"),
    ):
        with pytest.raises(ValueError, match=message):
            SearchQuery(**bad)


# --- PostgreSQL: Indonesian stemming, typos, suggestions ---------------------------------------------------


def test_postgres_stems_indonesian_words(postgres, catalogue):
    # "-nya" is a suffix the Indonesian stemmer removes; Anyaman Ayu's basket counts by its shop's name.
    assert set(search(text="anyamannya").product_ids) == set(
        ids(catalogue["tas"], catalogue["topi"], catalogue["keranjang"])
    )


def test_postgres_forgives_typos_and_keeps_exact_matches_first(postgres, catalogue):
    result = search(text="kripik balad")

    assert result.product_ids[0] == catalogue["balado"].pk
    assert search(text="krpik singkong").product_ids[0] == catalogue["balado"].pk


def test_postgres_suggests_a_spelling_when_nothing_matches(postgres, catalogue):
    # "durian" is sold nowhere, so nothing matches every word; the closest title is offered, next to the
    # products with all words but one.
    result = search(text="kopi bubuk durian")

    assert (result.total, result.relaxed, result.suggestions) == (1, True, ["Kopi Bubuk Kintamani"])
    assert search(text="zzzz qqqq").suggestions == []
    assert search(text="kopi").suggestions == []  # found: no suggestion
