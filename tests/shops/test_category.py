"""The category tree: order, descendants for filtering, and the idempotent demo seed."""

import pytest
from django.db import IntegrityError

from shops import selectors
from shops.demo import DEMO_CATEGORIES, seed_categories
from shops.models import Category
from tests.factories.shops import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    food = CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman", icon="food")
    crafts = CategoryFactory(name="Kerajinan", slug="kerajinan", icon="craft")
    CategoryFactory(name="Sambal", slug="sambal", parent=food, icon="chili")
    snacks = CategoryFactory(name="Kripik & Camilan", slug="kripik-camilan", parent=food, icon="snack")
    CategoryFactory(name="Kopi & Teh", slug="kopi-teh", parent=food, icon="coffee")
    CategoryFactory(name="Kripik Pisang", slug="kripik-pisang", parent=snacks)
    CategoryFactory(name="Anyaman", slug="anyaman", parent=crafts)
    return food


def test_category_tree_lists_each_parent_before_its_children_sorted_by_name(tree):
    assert [(category.depth, category.slug) for category in selectors.category_tree()] == [
        (1, "kerajinan"),
        (2, "anyaman"),
        (1, "makanan-minuman"),
        (2, "kopi-teh"),
        (2, "kripik-camilan"),
        (3, "kripik-pisang"),
        (2, "sambal"),
    ]


def test_category_with_descendants_holds_the_category_and_everything_below_it(tree):
    assert [category.slug for category in selectors.category_with_descendants(slug="makanan-minuman")] == [
        "makanan-minuman",
        "kopi-teh",
        "kripik-camilan",
        "kripik-pisang",
        "sambal",
    ]
    assert [category.slug for category in selectors.category_with_descendants(slug="kripik-camilan")] == [
        "kripik-camilan",
        "kripik-pisang",
    ]
    assert [category.slug for category in selectors.category_with_descendants(slug="anyaman")] == ["anyaman"]


def test_category_with_descendants_of_an_unknown_slug_is_empty(tree):
    assert list(selectors.category_with_descendants(slug="tidak-ada")) == []


def test_category_with_descendants_works_as_a_filter_in_one_query(tree, django_assert_num_queries):
    descendants = selectors.category_with_descendants(slug="kripik-camilan")

    with django_assert_num_queries(1):
        names = list(Category.objects.filter(pk__in=descendants.values("pk")).values_list("name", flat=True))

    assert sorted(names) == ["Kripik & Camilan", "Kripik Pisang"]


def test_category_slugs_are_unique(tree):
    with pytest.raises(IntegrityError):
        CategoryFactory(name="Sambal lagi", slug="sambal")


def test_category_shows_the_emoji_of_its_icon(tree):
    assert Category.objects.get(slug="sambal").icon_emoji == "🌶️"


def test_seed_categories_builds_the_badung_demo_tree():
    created = seed_categories()

    expected = len(DEMO_CATEGORIES) + sum(len(children) for *_parent, children in DEMO_CATEGORIES)
    assert created == expected == Category.objects.count() == 18
    assert [c.slug for c in selectors.category_with_descendants(slug="kain-fashion")] == [
        "kain-fashion",
        "kain-endek",
        "pakaian",
    ]
    assert [c.slug for c in Category.get_root_nodes()] == [
        "jasa",
        "kain-fashion",
        "kecantikan",
        "kerajinan",
        "makanan-minuman",
        "oleh-oleh",
        "pertanian",
    ]
    assert Category.find_problems() == ([], [], [], [], [])


def test_seed_categories_a_second_time_changes_nothing():
    seed_categories()
    before = list(Category.objects.order_by("path").values_list("path", "slug", "name", "icon", "numchild"))

    assert seed_categories() == 0

    assert list(Category.objects.order_by("path").values_list("path", "slug", "name", "icon", "numchild")) == before


def test_seed_categories_keeps_an_operators_rename_and_adds_what_is_missing():
    seed_categories()
    Category.objects.filter(slug="jasa").update(name="Jasa & Layanan")
    Category.objects.get(slug="pakaian").delete()

    assert seed_categories() == 1

    assert Category.objects.get(slug="jasa").name == "Jasa & Layanan"
    assert Category.objects.get(slug="pakaian").get_parent().slug == "kain-fashion"
