"""The operators' shop review in the Wagtail admin: list with filters, and actions that go through the services."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import OPERATOR_GROUP
from marketplace.core.models import OutgoingEmail
from shops.models import Shop
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import DistrictFactory, ShopFactory

pytestmark = pytest.mark.django_db

INDEX = "/cms/shops/"


def review_url(shop: Shop) -> str:
    return f"/cms/shops/{shop.pk}/review/"


def admin_user(*, operator: bool):
    """A user who may enter the Wagtail admin; an operator through the Operator group, or not."""
    user = VerifiedUserFactory()
    group = Group.objects.get_or_create(name=OPERATOR_GROUP if operator else "Editor")[0]
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(group)
    return user


@pytest.fixture
def operator_client(client):
    client.force_login(admin_user(operator=True))
    return client


def shop_state(shop: Shop) -> tuple:
    shop.refresh_from_db()
    return (shop.status, shop.status_reason, shop.reviewed_at, shop.reviewed_by_id)


def test_operator_lists_shops_filtered_by_status(operator_client):
    ShopFactory(name="Kopi Menunggu", status="submitted")
    ShopFactory(name="Kripik Disetujui", status="approved")

    everything = operator_client.get(INDEX)
    submitted = operator_client.get(INDEX, {"status": "submitted"})

    assert everything.status_code == 200
    assert [shop.name for shop in everything.context["object_list"]] == ["Kopi Menunggu", "Kripik Disetujui"]
    assert submitted.status_code == 200
    assert [shop.name for shop in submitted.context["object_list"]] == ["Kopi Menunggu"]


def test_operator_lists_shops_filtered_by_district(operator_client):
    ShopFactory(name="Toko Canggu")
    denpasar = DistrictFactory(
        code="51.71.01", name="Denpasar Selatan", regency__code="51.71", regency__name="Kota Denpasar"
    )
    ShopFactory(name="Toko Sanur", village=None, district=denpasar)

    response = operator_client.get(INDEX, {"district": "51.71.01"})

    assert response.status_code == 200
    assert [shop.name for shop in response.context["object_list"]] == ["Toko Sanur"]


def test_a_non_operator_cannot_see_the_shop_list_nor_review(client):
    shop = ShopFactory(status="submitted")
    client.force_login(admin_user(operator=False))

    listing = client.get(INDEX)
    review = client.get(review_url(shop))
    approve = client.post(review_url(shop), {"action": "approve"})

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(r.status_code, r["Location"]) for r in (listing, review, approve)] == [(302, "/cms/")] * 3
    assert shop_state(shop) == ("submitted", "", None, None)


def test_operator_approves_through_the_service_and_the_owner_is_mailed(
    operator_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    shop = ShopFactory(status="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(review_url(shop), {"action": "approve"})

    assert (response.status_code, response["Location"]) == (302, INDEX)
    assert shop_state(shop)[0] == "approved"
    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_operator_rejects_with_a_reason(operator_client):
    shop = ShopFactory(status="submitted")

    response = operator_client.post(review_url(shop), {"action": "reject", "reason": "Foto toko belum ada."})

    assert response.status_code == 302
    assert shop_state(shop)[:2] == ("rejected", "Foto toko belum ada.")


def test_a_rejection_without_a_reason_is_refused_with_a_field_error(operator_client):
    shop = ShopFactory(status="submitted")

    response = operator_client.post(review_url(shop), {"action": "reject", "reason": "  "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Tuliskan alasannya; pemilik toko akan membacanya."]
    assert shop_state(shop) == ("submitted", "", None, None)


def test_an_action_the_status_does_not_allow_is_refused_with_a_message(operator_client):
    shop = ShopFactory(status="draft")

    response = operator_client.post(review_url(shop), {"action": "approve"})

    assert (response.status_code, response["Location"]) == (302, review_url(shop))
    assert shop_state(shop) == ("draft", "", None, None)


def test_the_review_page_offers_only_the_actions_of_the_shops_status(operator_client):
    submitted = operator_client.get(review_url(ShopFactory(status="submitted")))
    approved = operator_client.get(review_url(ShopFactory(status="approved")))
    draft = operator_client.get(review_url(ShopFactory(status="draft")))

    assert [action["key"] for action in submitted.context["actions"]] == ["approve", "reject"]
    assert [action["key"] for action in approved.context["actions"]] == ["suspend"]
    assert draft.context["actions"] == []


def test_the_generic_edit_and_delete_views_are_refused_even_to_a_superuser(client):
    shop = ShopFactory(status="submitted", name="Nama Asli")
    client.force_login(SuperuserFactory())

    edit = client.post(f"/cms/shops/edit/{shop.pk}/", {"name": "Diubah"})
    delete = client.post(f"/cms/shops/delete/{shop.pk}/")
    add = client.get("/cms/shops/new/")

    assert (edit.status_code, delete.status_code, add.status_code) == (302, 302, 302)
    assert Shop.objects.values_list("name", "status").get() == ("Nama Asli", "submitted")


def test_the_shop_list_costs_the_same_queries_for_3_or_10_shops(operator_client):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = operator_client.get(INDEX)
        assert response.status_code == 200
        return len(captured)

    for number in range(3):
        ShopFactory(name=f"Toko {number:02d}", status="submitted")
    queries_for_3 = queries_for_list()
    for number in range(3, 10):
        ShopFactory(name=f"Toko {number:02d}", status="submitted")

    assert queries_for_list() == queries_for_3
