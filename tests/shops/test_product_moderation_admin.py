"""Product moderation in the Wagtail admin (/cms/products/): the list with its filters, and the moderation page
whose buttons call the services."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from shops.models import Product
from shops.services.moderation import REJECT_REASON_REQUIRED_MESSAGE
from tests.factories.accounts import SuperuserFactory
from tests.factories.shops import CategoryFactory, ProductFactory, ProductImageFactory, ProductVariantFactory

from .test_shop_operator_admin import admin_user

pytestmark = pytest.mark.django_db

INDEX = "/cms/products/"


def moderation_url(product: Product) -> str:
    return f"/cms/products/{product.pk}/moderate/"


@pytest.fixture
def operator_client(client):
    client.force_login(admin_user(operator=True))
    return client


def indonesian(message) -> str:
    with translation.override("id"):
        return str(message)


def product_state(product: Product) -> tuple:
    product.refresh_from_db()
    return (product.status, product.moderation, product.moderation_reason)


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [product.title for product in response.context["object_list"]]


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_the_list_shows_waiting_products_first_the_longest_waiting_first(operator_client):
    ProductFactory(title="Disetujui Lama", created_at=days_ago(9))
    ProductFactory(title="Menunggu Baru", moderation="pending", created_at=days_ago(1))
    ProductFactory(title="Menunggu Lama", moderation="pending", created_at=days_ago(5))
    ProductFactory(title="Ditolak", moderation="rejected", status="draft", created_at=days_ago(3))

    assert titles(operator_client.get(INDEX)) == ["Menunggu Lama", "Menunggu Baru", "Disetujui Lama", "Ditolak"]


def test_the_list_filters_by_moderation_status_shop_and_category(operator_client):
    food = CategoryFactory(name="Makanan")
    sambal = CategoryFactory(name="Sambal", parent=food)
    waiting = ProductFactory(title="Sambal Menunggu", moderation="pending", category=sambal)
    ProductFactory(title="Kopi Disetujui")
    ProductFactory(title="Kopi Arsip", status="archived")

    assert titles(operator_client.get(INDEX, {"moderation": "pending"})) == ["Sambal Menunggu"]
    assert titles(operator_client.get(INDEX, {"status": "archived"})) == ["Kopi Arsip"]
    assert titles(operator_client.get(INDEX, {"shop": waiting.shop_id})) == ["Sambal Menunggu"]
    # A category holds what is below it too.
    assert titles(operator_client.get(INDEX, {"category": sambal.pk})) == ["Sambal Menunggu"]
    assert titles(operator_client.get(INDEX, {"category": food.pk})) == ["Sambal Menunggu"]


def test_each_row_opens_the_moderation_page(operator_client):
    product = ProductFactory(moderation="pending")

    response = operator_client.get(INDEX)

    assert moderation_url(product) in response.content.decode()


def test_the_moderation_page_shows_photos_description_variants_and_shop(operator_client):
    product = ProductFactory(
        moderation="pending", description="<p>Renyah <strong>gurih</strong></p><script>alert(1)</script>"
    )
    ProductVariantFactory(product=product, name="500 g", price=27_500)
    image = ProductImageFactory(product=product, is_main=True)

    response = operator_client.get(moderation_url(product))

    assert response.status_code == 200
    html = response.content.decode()
    assert image.original.url in html
    assert "<strong>gurih</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "500 g" in html
    assert "Rp 27.500" in html
    assert "Rp 15.000" in html
    assert product.shop.name in html
    assert [action["key"] for action in response.context["actions"]] == ["approve", "reject"]


def test_an_approved_product_offers_only_take_down_and_a_rejected_one_nothing(operator_client):
    approved = operator_client.get(moderation_url(ProductFactory()))
    rejected = operator_client.get(moderation_url(ProductFactory(moderation="rejected", status="draft")))

    assert [action["key"] for action in approved.context["actions"]] == ["reject"]
    assert rejected.context["actions"] == []


def test_operator_approves_from_the_page_and_the_owner_is_mailed(operator_client):
    product = ProductFactory(moderation="pending")

    response = operator_client.post(moderation_url(product), {"action": "approve"})

    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert product_state(product) == ("active", "approved", "")
    assert len(mail.outbox) == 1


def test_operator_rejects_with_a_reason_from_the_page(operator_client):
    product = ProductFactory(moderation="pending")

    response = operator_client.post(moderation_url(product), {"action": "reject", "reason": "Foto buram."})

    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert product_state(product) == ("draft", "rejected", "Foto buram.")
    assert "Foto buram." in mail.outbox[0].body


def test_operator_takes_down_an_approved_product(operator_client):
    product = ProductFactory()

    response = operator_client.post(moderation_url(product), {"action": "reject", "reason": "Barang terlarang."})

    assert response.status_code == 302
    assert product_state(product) == ("draft", "rejected", "Barang terlarang.")


def test_a_rejection_without_a_reason_shows_a_field_error_and_changes_nothing(operator_client):
    product = ProductFactory(moderation="pending")

    response = operator_client.post(moderation_url(product), {"action": "reject", "reason": " "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [indonesian(REJECT_REASON_REQUIRED_MESSAGE)]
    assert product_state(product) == ("active", "pending", "")
    assert mail.outbox == []


def test_an_action_the_state_does_not_allow_is_refused_with_a_message(operator_client):
    product = ProductFactory(moderation="rejected", status="draft", moderation_reason="Foto buram.")

    response = operator_client.post(moderation_url(product), {"action": "approve"})

    assert (response.status_code, response["Location"]) == (302, moderation_url(product))
    assert product_state(product) == ("draft", "rejected", "Foto buram.")
    assert mail.outbox == []


def test_a_non_operator_cannot_see_the_list_nor_moderate(client):
    product = ProductFactory(moderation="pending")
    client.force_login(admin_user(operator=False))

    listing = client.get(INDEX)
    page = client.get(moderation_url(product))
    approve = client.post(moderation_url(product), {"action": "approve"})
    reject = client.post(moderation_url(product), {"action": "reject", "reason": "Tidak."})

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(r.status_code, r["Location"]) for r in (listing, page, approve, reject)] == [(302, "/cms/")] * 4
    assert product_state(product) == ("active", "pending", "")
    assert mail.outbox == []


def test_a_seller_without_admin_access_is_sent_to_log_in(client):
    product = ProductFactory(moderation="pending")
    client.force_login(product.shop.members.get(role="owner").user)

    response = client.post(moderation_url(product), {"action": "approve"})

    assert (response.status_code, response["Location"]) == (302, f"/akun/login/?next={moderation_url(product)}")
    assert product_state(product) == ("active", "pending", "")


def test_the_generic_edit_delete_and_add_views_are_refused_even_to_a_superuser(client):
    product = ProductFactory(title="Judul Asli", moderation="pending")
    client.force_login(SuperuserFactory())

    edit = client.post(f"/cms/products/edit/{product.pk}/", {"title": "Diubah"})
    delete = client.post(f"/cms/products/delete/{product.pk}/")
    add = client.get("/cms/products/new/")

    assert (edit.status_code, delete.status_code, add.status_code) == (302, 302, 302)
    assert Product.objects.values_list("title", "moderation").get() == ("Judul Asli", "pending")


def test_the_menu_shows_products_and_categories_to_operators_only(client):
    client.force_login(admin_user(operator=True))
    operator_menu = client.get("/cms/").content.decode()
    client.force_login(admin_user(operator=False))
    editor_menu = client.get("/cms/").content.decode()

    assert (INDEX in operator_menu, "/cms/categories/" in operator_menu) == (True, True)
    assert (INDEX in editor_menu, "/cms/categories/" in editor_menu) == (False, False)


def test_the_product_list_costs_the_same_queries_for_3_or_10_products(operator_client):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = operator_client.get(INDEX)
        assert response.status_code == 200
        return len(captured)

    for _number in range(3):
        ProductFactory(moderation="pending")
    queries_for_3 = queries_for_list()
    for _number in range(7):
        ProductFactory(moderation="pending")

    assert queries_for_list() == queries_for_3


def test_the_moderation_page_lists_who_decided_what_from_the_audit_log(client):
    operator = admin_user(operator=True)
    operator.full_name = "Ni Luh Admin"
    operator.save()
    client.force_login(operator)
    product = ProductFactory(moderation="pending")
    client.post(moderation_url(product), {"action": "approve"})
    client.post(moderation_url(product), {"action": "reject", "reason": "Ternyata barang KW."})

    response = client.get(moderation_url(product))

    assert [(entry["approved"], entry["user"], entry["reason"]) for entry in response.context["history"]] == [
        (False, operator, "Ternyata barang KW."),
        (True, operator, ""),
    ]
    assert "Ni Luh Admin" in response.content.decode()
