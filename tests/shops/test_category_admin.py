"""The category tree in the Wagtail admin (/cms/categories/) and the services beneath it: operators add top-level
categories and subcategories, edit name/slug/icon, and delete only what has no products."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import ngettext

from shops.models import Category
from shops.services.categories import SLUG_TAKEN_MESSAGE, category_create, category_delete, category_update
from tests.factories.shops import CategoryFactory, ProductFactory

from .test_shop_operator_admin import admin_user

pytestmark = pytest.mark.django_db

INDEX = "/cms/categories/"
ADD = "/cms/categories/new/"


def add_child_url(category: Category) -> str:
    return f"/cms/categories/new/{category.pk}/"


def edit_url(category: Category) -> str:
    return f"/cms/categories/edit/{category.pk}/"


def delete_url(category: Category) -> str:
    return f"/cms/categories/delete/{category.pk}/"


@pytest.fixture
def operator():
    return admin_user(operator=True)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def tree():
    food = CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman", icon="food")
    CategoryFactory(name="Kerajinan", slug="kerajinan", icon="craft")
    CategoryFactory(name="Sambal", slug="sambal", parent=food, icon="chili")
    snacks = CategoryFactory(name="Kripik & Camilan", slug="kripik-camilan", parent=food, icon="snack")
    CategoryFactory(name="Kripik Pisang", slug="kripik-pisang", parent=snacks)
    return food


def indonesian(message) -> str:
    with translation.override("id"):
        return str(message)


def tree_rows() -> list[tuple[int, str, str, str]]:
    return [(category.depth, category.name, category.slug, category.icon) for category in Category.get_tree()]


# --- The pages -------------------------------------------------------------------------------------------


def test_the_index_shows_the_tree_in_order_indented_by_depth(operator_client, tree):
    response = operator_client.get(INDEX)

    assert response.status_code == 200
    assert [(category.depth, category.name) for category in response.context["object_list"]] == [
        (1, "Kerajinan"),
        (1, "Makanan & Minuman"),
        (2, "Kripik & Camilan"),
        (3, "Kripik Pisang"),
        (2, "Sambal"),
    ]
    html = response.content.decode()
    assert 'style="padding-inline-start: 4rem" data-depth="3"' in html
    assert add_child_url(tree) in html


def test_operator_adds_a_top_level_category_with_a_slug_made_from_the_name(operator_client, tree):
    response = operator_client.post(ADD, {"name": "Kopi & Teh", "slug": "", "icon": "coffee"})

    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert (1, "Kopi & Teh", "kopi-dan-teh", "coffee") in tree_rows()
    assert [row[1] for row in tree_rows() if row[0] == 1] == ["Kerajinan", "Kopi & Teh", "Makanan & Minuman"]


def test_operator_adds_a_subcategory_which_takes_its_sorted_place(operator_client, tree):
    response = operator_client.post(add_child_url(tree), {"name": "Bumbu Dapur", "slug": "bumbu", "icon": "chili"})

    assert response.status_code == 302
    assert tree_rows() == [
        (1, "Kerajinan", "kerajinan", "craft"),
        (1, "Makanan & Minuman", "makanan-minuman", "food"),
        (2, "Bumbu Dapur", "bumbu", "chili"),
        (2, "Kripik & Camilan", "kripik-camilan", "snack"),
        (3, "Kripik Pisang", "kripik-pisang", "other"),
        (2, "Sambal", "sambal", "chili"),
    ]


def test_the_add_form_suggests_the_slug_from_the_name_in_the_browser(operator_client):
    response = operator_client.get(ADD)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-w-sync-target-value="#id_slug"' in html
    assert 'data-controller="w-slug"' in html


def test_a_taken_slug_is_refused_on_the_field_and_nothing_is_added(operator_client, tree):
    before = tree_rows()

    response = operator_client.post(ADD, {"name": "Sambal Lagi", "slug": "sambal", "icon": "chili"})

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [indonesian(SLUG_TAKEN_MESSAGE)]
    assert tree_rows() == before


def test_a_blank_name_and_a_bad_icon_are_refused_on_their_fields(operator_client, tree):
    before = tree_rows()

    response = operator_client.post(ADD, {"name": " ", "slug": "", "icon": "rocket"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "icon"}
    assert tree_rows() == before


def test_operator_renames_a_category_and_it_moves_to_its_sorted_place(operator_client, tree):
    sambal = Category.objects.get(slug="sambal")

    response = operator_client.post(edit_url(sambal), {"name": "Aneka Sambal", "slug": "aneka-sambal", "icon": "food"})

    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert tree_rows() == [
        (1, "Kerajinan", "kerajinan", "craft"),
        (1, "Makanan & Minuman", "makanan-minuman", "food"),
        (2, "Aneka Sambal", "aneka-sambal", "food"),
        (2, "Kripik & Camilan", "kripik-camilan", "snack"),
        (3, "Kripik Pisang", "kripik-pisang", "other"),
    ]


def test_renaming_a_parent_keeps_its_children_and_products(operator_client, tree):
    snacks = Category.objects.get(slug="kripik-camilan")
    product = ProductFactory(category=Category.objects.get(slug="kripik-pisang"))

    operator_client.post(edit_url(snacks), {"name": "Camilan", "slug": "kripik-camilan", "icon": "snack"})

    product.refresh_from_db()
    assert product.category.get_parent().name == "Camilan"
    assert [row[1] for row in tree_rows()] == [
        "Kerajinan",
        "Makanan & Minuman",
        "Camilan",
        "Kripik Pisang",
        "Sambal",
    ]


def test_an_edit_to_a_slug_of_another_category_is_refused(operator_client, tree):
    sambal = Category.objects.get(slug="sambal")
    before = tree_rows()

    response = operator_client.post(edit_url(sambal), {"name": "Sambal", "slug": "kerajinan", "icon": "chili"})

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [indonesian(SLUG_TAKEN_MESSAGE)]
    assert tree_rows() == before


def test_operator_deletes_a_category_without_products_with_what_is_below_it(operator_client, tree):
    snacks = Category.objects.get(slug="kripik-camilan")

    confirm = operator_client.get(delete_url(snacks))
    response = operator_client.post(delete_url(snacks))

    assert confirm.status_code == 200
    assert "Kripik Pisang" in confirm.content.decode()
    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert [row[2] for row in tree_rows()] == ["kerajinan", "makanan-minuman", "sambal"]


def test_a_category_with_products_below_it_cannot_be_deleted(operator_client, tree):
    ProductFactory(category=Category.objects.get(slug="kripik-pisang"))
    before = tree_rows()

    confirm = operator_client.get(delete_url(tree))
    response = operator_client.post(delete_url(tree), follow=True)

    assert confirm.status_code == 200
    assert 'data-testid="category-has-products"' in confirm.content.decode()
    assert f'action="{delete_url(tree)}"' not in confirm.content.decode()
    assert response.status_code == 200
    with translation.override("id"):
        expected = ngettext(
            "This category (or a category below it) has %(count)s product; it cannot be deleted. Move the "
            "product to another category first.",
            "This category (or a category below it) has %(count)s products; it cannot be deleted. Move the "
            "products to another category first.",
            1,
        ) % {"count": 1}
    assert [str(message) for message in response.context["messages"]] == [expected]
    assert tree_rows() == before


def test_a_non_operator_with_admin_access_is_refused_everywhere_and_nothing_changes(client, tree):
    client.force_login(admin_user(operator=False))
    before = tree_rows()

    responses = [
        client.get(INDEX),
        client.post(ADD, {"name": "Baru", "slug": "baru", "icon": "other"}),
        client.post(add_child_url(tree), {"name": "Baru", "slug": "baru", "icon": "other"}),
        client.post(edit_url(tree), {"name": "Diubah", "slug": "diubah", "icon": "other"}),
        client.post(delete_url(tree)),
    ]

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/cms/")] * 5
    assert tree_rows() == before


def test_the_index_costs_the_same_queries_for_3_or_12_categories(operator_client):
    def queries_for_index() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = operator_client.get(INDEX)
        assert response.status_code == 200
        return len(captured)

    parent = CategoryFactory()
    for _number in range(2):
        CategoryFactory(parent=parent)
    queries_for_3 = queries_for_index()
    for _number in range(9):
        CategoryFactory(parent=parent)

    assert queries_for_index() == queries_for_3


# --- The services ----------------------------------------------------------------------------------------


def test_category_create_refuses_a_non_operator():
    with pytest.raises(PermissionDenied):
        category_create(operator=admin_user(operator=False), name="Kopi", slug="kopi", icon="coffee")

    assert Category.objects.count() == 0


def test_category_create_makes_a_free_slug_when_the_name_slug_is_taken(operator):
    CategoryFactory(name="Kopi", slug="kopi")
    drinks = CategoryFactory(name="Minuman", slug="minuman")

    category = category_create(operator=operator, name="Kopi", slug="", icon="coffee", parent=drinks)

    assert (category.depth, category.slug) == (2, "kopi-2")


def test_a_name_used_by_a_sibling_is_refused_but_not_under_another_parent(operator, tree):
    with pytest.raises(ValidationError) as error:
        category_create(operator=operator, name="sambal", slug="", icon="chili", parent=tree)

    other = category_create(operator=operator, name="Sambal", slug="", icon="chili")

    assert [e.code for e in error.value.error_dict["name"]] == ["duplicate_name"]
    assert (other.depth, other.slug) == (1, "sambal-2")


@pytest.mark.parametrize("slug", ["Kopi Teh", "kopi_teh", "-kopi", "kopi--teh"])
def test_a_slug_that_is_not_lowercase_letters_digits_and_dashes_is_refused(operator, slug):
    with pytest.raises(ValidationError) as error:
        category_create(operator=operator, name="Kopi", slug=slug, icon="coffee")

    assert [e.code for e in error.value.error_dict["slug"]] == ["invalid"]
    assert Category.objects.count() == 0


def test_category_update_with_a_blank_slug_makes_it_from_the_new_name(operator, tree):
    sambal = Category.objects.get(slug="sambal")

    updated = category_update(category=sambal, operator=operator, name="Sambal Bali", slug="")

    assert (updated.name, updated.slug) == ("Sambal Bali", "sambal-bali")


def test_category_update_and_delete_refuse_a_non_operator(tree):
    editor = admin_user(operator=False)
    before = tree_rows()

    with pytest.raises(PermissionDenied):
        category_update(category=tree, operator=editor, name="Diubah")
    with pytest.raises(PermissionDenied):
        category_delete(category=tree, operator=editor)

    assert tree_rows() == before


def test_category_delete_refuses_a_category_with_its_own_products(operator, tree):
    sambal = Category.objects.get(slug="sambal")
    ProductFactory(category=sambal, status="archived")
    ProductFactory(category=sambal, status="draft")

    with pytest.raises(ValidationError) as error:
        category_delete(category=sambal, operator=operator)

    assert [e.code for e in error.value.error_dict["__all__"]] == ["has_products"]
    assert Category.objects.filter(slug="sambal").exists()
