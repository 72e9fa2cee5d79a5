"""On the shop review page an operator verifies legal data (badges for shoppers) and flags a shop whose new
products must wait for review; both through the services, refused to non-operators."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.forms.models import model_to_dict
from django.utils import timezone, translation

from shops import services
from shops.models import Product, Shop
from tests.factories.shops import ApprovedShopFactory, ProductFactory

from .test_shop_operator_admin import admin_user, review_url

pytestmark = pytest.mark.django_db


def indonesian(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


def shop_row(shop: Shop) -> dict:
    return model_to_dict(Shop.objects.get(pk=shop.pk))


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def operator_client(client):
    client.force_login(admin_user(operator=True))
    return client


@pytest.fixture
def legal_shop():
    return ApprovedShopFactory(
        nib="1234567890123",
        halal_certificate_number="ID51110000123450123",
        halal_expires_on=timezone.localdate() + datetime.timedelta(days=400),
        pirt_number="2065103010012-27",
    )


def test_the_operator_verifies_documents_and_shoppers_then_see_the_badges(operator_client, legal_shop, client):
    assert operator_client.get(f"/api/v1/shops/{legal_shop.slug}/").json()["badges"] == []

    page = operator_client.get(review_url(legal_shop))
    assert page.status_code == 200
    assert page.context["unverified_documents"] == ["nib", "halal", "pirt"]

    response = operator_client.post(review_url(legal_shop), {"action": "verify_legal", "documents": ["nib", "halal"]})

    assert (response.status_code, response["Location"]) == (302, review_url(legal_shop))
    legal_shop.refresh_from_db()
    assert legal_shop.nib_verified_at is not None
    assert legal_shop.halal_verified_at is not None
    assert legal_shop.pirt_verified_at is None
    assert sorted(operator_client.get(f"/api/v1/shops/{legal_shop.slug}/").json()["badges"]) == ["halal", "nib"]
    assert operator_client.get(review_url(legal_shop)).context["unverified_documents"] == ["pirt"]


def test_verifying_nothing_or_an_empty_document_changes_nothing_and_says_why(operator_client):
    shop = ApprovedShopFactory(nib="1234567890123")
    before = shop_row(shop)

    nothing = operator_client.post(review_url(shop), {"action": "verify_legal"}, follow=True)
    empty = operator_client.post(review_url(shop), {"action": "verify_legal", "documents": ["pirt"]}, follow=True)

    assert indonesian("Tick at least one document you have checked.") in page_messages(nothing)
    assert indonesian("There is nothing to verify: this field is empty.") in page_messages(empty)
    assert shop_row(shop) == before


def test_a_flagged_shops_new_products_wait_for_an_operator(operator_client, settings):
    settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW = False
    shop = ApprovedShopFactory()
    owner = shop.members.get(role="owner").user

    response = operator_client.post(review_url(shop), {"action": "product_review", "required": "1"})

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.review_new_products is True
    product = ProductFactory(shop=shop, status=Product.Status.DRAFT, moderation=Product.Moderation.NONE)
    services.product_publish(product=product, actor=owner)
    product.refresh_from_db()
    assert (product.status, product.moderation) == ("active", "pending")

    operator_client.post(review_url(shop), {"action": "product_review", "required": "0"})
    shop.refresh_from_db()
    assert shop.review_new_products is False
    other = ProductFactory(shop=shop, status=Product.Status.DRAFT, moderation=Product.Moderation.NONE)
    services.product_publish(product=other, actor=owner)
    other.refresh_from_db()
    assert (other.status, other.moderation) == ("active", "approved")


def test_a_non_operator_can_neither_verify_nor_flag(client, legal_shop):
    client.force_login(admin_user(operator=False))
    before = shop_row(legal_shop)

    verify = client.post(review_url(legal_shop), {"action": "verify_legal", "documents": ["nib"]})
    flag = client.post(review_url(legal_shop), {"action": "product_review", "required": "1"})

    assert [(r.status_code, r["Location"]) for r in (verify, flag)] == [(302, "/cms/")] * 2
    assert shop_row(legal_shop) == before


def test_an_operator_cannot_verify_their_own_shop(client, legal_shop):
    operator = admin_user(operator=True)
    legal_shop.members.create(user=operator, role="staff")
    client.force_login(operator)
    before = shop_row(legal_shop)

    response = client.post(review_url(legal_shop), {"action": "verify_legal", "documents": ["nib"]})

    assert response.status_code in (302, 403)
    assert shop_row(legal_shop) == before
