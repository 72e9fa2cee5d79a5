"""The owner hears about every review decision by one mail in Indonesian, sent through the outbox after commit."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from accounts.selectors import OPERATOR_GROUP
from marketplace.core.models import OutgoingEmail
from shops import services
from shops.errors import ShopStateError
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import ShopFactory

pytestmark = pytest.mark.django_db

REASON = "Foto toko belum ada dan alamat jalan kurang lengkap."


@pytest.fixture
def outbox(settings):
    """Mail goes through the outbox (as in production) and is delivered to mail.outbox after commit."""
    settings.EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def operator():
    return SuperuserFactory(email="operator@pasarumkm.id")


@pytest.fixture
def owner():
    return VerifiedUserFactory(email="made@contoh.id", full_name="Made Sari")


def in_indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        return gettext(msgid) % params


def approve_then_roll_back(shop, operator) -> None:
    with transaction.atomic():
        services.shop_approve(shop=shop, operator=operator)
        raise RuntimeError("abort")


def test_approval_sends_one_mail_to_the_owner_in_indonesian(
    outbox, operator, owner, django_capture_on_commit_callbacks
):
    shop = ShopFactory(status="submitted", name="Kopi Petang", slug="kopi-petang", owner=owner)

    # An operator reading the admin in English still writes to the owner in the site's language.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.shop_approve(shop=shop, operator=operator)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["made@contoh.id"]
    assert sent.subject == "[Pasar UMKM] " + in_indonesian("Your shop %(name)s is approved", name="Kopi Petang")
    assert sent.body.startswith(in_indonesian("Hello %(name)s,", name="Made"))
    assert "http://127.0.0.1:8000/toko/kopi-petang/" in sent.body
    assert OutgoingEmail.objects.get().status == "sent"


def test_rejection_mail_carries_the_reason(outbox, operator, owner, django_capture_on_commit_callbacks):
    shop = ShopFactory(status="submitted", name="Endek & Songket Mengwi", owner=owner)

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_reject(shop=shop, operator=operator, reason=REASON)

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.to, sent.subject) == (
        ["made@contoh.id"],
        "[Pasar UMKM] " + in_indonesian("Your shop %(name)s needs changes", name="Endek & Songket Mengwi"),
    )
    assert f"\n\n{REASON}\n\n" in sent.body
    assert "http://127.0.0.1:8000/penjual/" in sent.body


def test_a_reason_with_markup_is_mailed_as_written(outbox, operator, owner, django_capture_on_commit_callbacks):
    shop = ShopFactory(status="approved", owner=owner)

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_suspend(shop=shop, operator=operator, reason="Harga <50% tidak wajar & menyesatkan")

    assert "Harga <50% tidak wajar & menyesatkan" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("status", "action", "msgid"),
    [
        ("approved", "suspend", "Your shop %(name)s is suspended"),
        ("suspended", "reinstate", "Your shop %(name)s is open again"),
    ],
)
def test_suspension_and_reinstatement_each_mail_the_owner_once(
    status, action, msgid, outbox, operator, owner, django_capture_on_commit_callbacks
):
    shop = ShopFactory(status=status, name="Anyaman Petang", owner=owner)
    kwargs = {"reason": REASON} if action == "suspend" else {}

    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, f"shop_{action}")(shop=shop, operator=operator, **kwargs)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["made@contoh.id"], "[Pasar UMKM] " + in_indonesian(msgid, name="Anyaman Petang"))
    ]


def test_a_refused_approval_sends_no_mail(outbox, operator, django_capture_on_commit_callbacks):
    shop = ShopFactory(status="draft")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ShopStateError):
        services.shop_approve(shop=shop, operator=operator)

    assert mail.outbox == []
    assert OutgoingEmail.objects.count() == 0


def test_a_rolled_back_approval_sends_no_mail(outbox, operator, django_capture_on_commit_callbacks):
    shop = ShopFactory(status="submitted")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="abort"):
        approve_then_roll_back(shop, operator)

    assert mail.outbox == []
    assert OutgoingEmail.objects.count() == 0
    shop.refresh_from_db()
    assert shop.status == "submitted"


def test_submission_mails_every_operator_once(outbox, owner, django_capture_on_commit_callbacks):
    SuperuserFactory(email="admin@pasarumkm.id")
    group_operator = VerifiedUserFactory(email="ops@pasarumkm.id")
    group_operator.groups.add(Group.objects.create(name=OPERATOR_GROUP))
    VerifiedUserFactory(email="pembeli@contoh.id")
    shop = ShopFactory(name="Sambal Bu Ketut", owner=owner)

    with django_capture_on_commit_callbacks(execute=True):
        services.shop_submit(shop=shop, actor=owner)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["admin@pasarumkm.id", "ops@pasarumkm.id"],
            "[Pasar UMKM] " + in_indonesian("Shop %(name)s is waiting for review", name="Sambal Bu Ketut"),
        )
    ]
    assert f"http://127.0.0.1:8000/cms/shops/{shop.pk}/review/" in mail.outbox[0].body
