"""Product moderation services: operators approve products waiting for review, or reject / take them down."""

import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from rest_framework.test import APIClient

from marketplace.core.models import OutgoingEmail
from shops.errors import ProductStateError
from shops.models import Product
from shops.services import moderation, product_publish, product_update
from shops.services.moderation import product_approve, product_reject
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import ProductFactory, ShopMemberFactory

from .test_shop_operator_admin import admin_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return admin_user(operator=True)


def pending_product(**kwargs) -> Product:
    return ProductFactory(moderation=Product.Moderation.PENDING, **kwargs)


def product_state(product: Product) -> tuple:
    product.refresh_from_db()
    return (product.status, product.moderation, product.moderation_reason)


def public_slugs() -> list[str]:
    response = APIClient().get("/api/v1/products/")
    assert response.status_code == 200
    return [row["slug"] for row in response.json()["results"]]


def test_approving_a_pending_product_puts_it_on_the_storefront_and_mails_the_owner(operator):
    product = pending_product(title="Sambal Matah Bu Made")
    assert public_slugs() == []

    approved = product_approve(product=product, operator=operator)

    assert (approved.moderation, product_state(product)) == ("approved", ("active", "approved", ""))
    assert public_slugs() == [product.slug]
    owner = product.shop.members.get(role="owner").user
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "Sambal Matah Bu Made" in mail.outbox[0].subject
    assert "Sambal Matah Bu Made" in mail.outbox[0].body


def test_rejecting_a_pending_product_stores_the_reason_sends_it_back_to_draft_and_mails_it(operator):
    product = pending_product()

    product_reject(product=product, operator=operator, reason="  Foto produk buram.  ")

    assert product_state(product) == ("draft", "rejected", "Foto produk buram.")
    assert public_slugs() == []
    assert len(mail.outbox) == 1
    assert "Foto produk buram." in mail.outbox[0].body


def test_taking_down_an_approved_product_removes_it_from_the_storefront(operator):
    product = ProductFactory()
    assert public_slugs() == [product.slug]

    product_reject(product=product, operator=operator, reason="Produk ini dilarang dijual.")

    assert product_state(product) == ("draft", "rejected", "Produk ini dilarang dijual.")
    assert public_slugs() == []
    assert "Produk ini dilarang dijual." in mail.outbox[0].body


def test_rejecting_an_archived_product_keeps_it_archived(operator):
    product = pending_product(status=Product.Status.ARCHIVED)

    product_reject(product=product, operator=operator, reason="Deskripsi kosong.")

    assert product_state(product) == ("archived", "rejected", "Deskripsi kosong.")


def test_a_pending_product_is_not_in_the_public_api_list_nor_detail():
    product = pending_product()
    rejected = ProductFactory(moderation=Product.Moderation.REJECTED, moderation_reason="Tidak pantas.")

    assert public_slugs() == []
    client = APIClient()
    assert client.get(f"/api/v1/products/{product.slug}/").status_code == 404
    assert client.get(f"/api/v1/products/{rejected.slug}/").status_code == 404


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_rejection_needs_a_reason_and_changes_nothing(operator, reason):
    product = pending_product()

    with pytest.raises(ValidationError) as error:
        product_reject(product=product, operator=operator, reason=reason)

    assert [e.code for e in error.value.error_dict["reason"]] == ["required"]
    assert product_state(product) == ("active", "pending", "")
    assert mail.outbox == []


def test_a_too_long_reason_is_refused(operator):
    product = pending_product()

    with pytest.raises(ValidationError) as error:
        product_reject(product=product, operator=operator, reason="x" * (moderation.MODERATION_REASON_MAX_LENGTH + 1))

    assert [e.code for e in error.value.error_dict["reason"]] == ["max_length"]
    assert product_state(product) == ("active", "pending", "")


@pytest.mark.parametrize(
    ("moderation_state", "status"),
    [("approved", "active"), ("rejected", "draft"), ("none", "draft")],
)
def test_only_a_pending_product_can_be_approved(operator, moderation_state, status):
    product = ProductFactory(moderation=moderation_state, status=status)

    with pytest.raises(ProductStateError) as error:
        product_approve(product=product, operator=operator)

    assert error.value.status == moderation_state
    assert product_state(product) == (status, moderation_state, "")
    assert mail.outbox == []


@pytest.mark.parametrize(("moderation_state", "status"), [("rejected", "draft"), ("none", "draft")])
def test_a_rejected_or_never_published_product_cannot_be_rejected(operator, moderation_state, status):
    product = ProductFactory(moderation=moderation_state, status=status, moderation_reason="")

    with pytest.raises(ProductStateError):
        product_reject(product=product, operator=operator, reason="Lagi.")

    assert product_state(product) == (status, moderation_state, "")


def test_a_non_operator_cannot_moderate_and_nothing_changes():
    product = pending_product()
    seller = product.shop.members.get(role="owner").user
    admin_without_operator_group = admin_user(operator=False)

    for user in (seller, admin_without_operator_group, VerifiedUserFactory()):
        with pytest.raises(PermissionDenied):
            product_approve(product=product, operator=user)
        with pytest.raises(PermissionDenied):
            product_reject(product=product, operator=user, reason="Tidak.")

    assert product_state(product) == ("active", "pending", "")
    assert mail.outbox == []


def test_an_operator_cannot_moderate_a_product_of_their_own_shop(operator):
    product = pending_product()
    ShopMemberFactory(shop=product.shop, user=operator)

    with pytest.raises(PermissionDenied):
        product_approve(product=product, operator=operator)

    assert product_state(product) == ("active", "pending", "")


def test_a_second_approval_of_the_same_product_is_refused():
    product = pending_product()
    product_approve(product=product, operator=SuperuserFactory())

    with pytest.raises(ProductStateError):
        product_approve(product=product, operator=SuperuserFactory())

    assert product_state(product) == ("active", "approved", "")
    assert len(mail.outbox) == 1


def test_the_mail_goes_through_the_outbox_and_a_refused_action_writes_none(
    operator, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    product = pending_product()

    with django_capture_on_commit_callbacks(execute=True):
        product_approve(product=product, operator=operator)
    with pytest.raises(ProductStateError):
        product_approve(product=product, operator=operator)

    assert OutgoingEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_rejected_product_fixed_and_published_again_waits_for_review(operator, settings):
    settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW = True
    product = pending_product()
    seller = product.shop.members.get(role="owner").user
    product_reject(product=product, operator=operator, reason="Foto buram.")

    product_update(product=product, actor=seller, title="Keripik Pisang (foto baru)")
    product_publish(product=product, actor=seller)

    assert product_state(product) == ("active", "pending", "")
    assert public_slugs() == []
    product_approve(product=product, operator=operator)
    assert public_slugs() == [product.slug]


def test_a_taken_down_product_published_again_waits_for_review_even_when_new_products_need_none(operator, settings):
    settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW = False
    product = ProductFactory()
    seller = product.shop.members.get(role="owner").user
    product_reject(product=product, operator=operator, reason="Barang terlarang.")

    product_publish(product=product, actor=seller)

    assert product_state(product) == ("active", "pending", "")
    assert public_slugs() == []


# --- Two operators at once (PostgreSQL) ---------------------------------------------------------------------

READ_TO_WRITE_PAUSE = 0.3


class SlowRead:
    """Stands in for the product queryset: reads the row, then pauses, so a rival read happens before our write."""

    def __init__(self, queryset):
        self.queryset = queryset

    def select_related(self, *fields):
        return SlowRead(self.queryset.select_related(*fields))

    def get(self, **lookup):
        product = self.queryset.get(**lookup)
        time.sleep(READ_TO_WRITE_PAUSE)
        return product


def race_two_approvals(product: Product) -> list[str]:
    operators = [SuperuserFactory(), SuperuserFactory()]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def approve(index: int):
        start.wait()
        time.sleep(index * READ_TO_WRITE_PAUSE / 3)  # the first operator reads first
        try:
            product_approve(product=product, operator=operators[index])
            outcomes.append("approved")
        except ProductStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_operators_would_both_approve(postgres, monkeypatch):
    monkeypatch.setattr(moderation, "product_qs_select_for_update", lambda: SlowRead(Product.objects.all()))
    product = pending_product()

    assert race_two_approvals(product) == ["approved", "approved"]
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_only_one_of_two_operators_approves(postgres, monkeypatch):
    real = moderation.product_qs_select_for_update
    monkeypatch.setattr(moderation, "product_qs_select_for_update", lambda: SlowRead(real()))
    product = pending_product()

    assert race_two_approvals(product) == ["approved", "refused"]
    assert product_state(product) == ("active", "approved", "")
    assert len(mail.outbox) == 1
