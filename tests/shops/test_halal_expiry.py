"""The owner is warned once before a verified halal certificate expires; the badge disappears on the expiry date."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from shops.models import Shop
from shops.services import legal
from shops.tasks import warn_expiring_halal_certificates
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ProductFactory

pytestmark = pytest.mark.django_db

# 2026-03-10 17:00 UTC is already 2026-03-11 01:00 in Asia/Makassar (UTC+8): "today" is 11 March.
LATE_EVENING_UTC = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)


def indonesian(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


def at(day: date):
    """The clock at 09:00 in Bali on `day`."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def site_clock():
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        yield


def halal_shop(expires_on: date, **kwargs) -> Shop:
    return ApprovedShopFactory(
        owner=kwargs.pop("owner", None) or VerifiedUserFactory(full_name="Made Wirawan"),
        halal_certificate_number="ID51110000123",
        halal_expires_on=expires_on,
        halal_verified_at=timezone.now() - timedelta(days=300),
        **kwargs,
    )


def warned_for(shop: Shop) -> date | None:
    return Shop.objects.values_list("halal_expiry_warned_for", flat=True).get(pk=shop.pk)


def test_owner_is_warned_thirty_days_ahead_with_the_date_and_the_badge_consequence():
    owner = VerifiedUserFactory(full_name="Made Wirawan", email="made@contoh.id")
    shop = halal_shop(TODAY + timedelta(days=30), owner=owner, name="Warung Bu Made")

    assert warn_expiring_halal_certificates.delay().get() == 1

    assert warned_for(shop) == date(2026, 4, 10)
    [message] = mail.outbox
    assert message.to == ["made@contoh.id"]
    assert "Warung Bu Made" in message.subject
    assert "10 April 2026" in message.subject
    assert "ID51110000123" in message.body
    assert "10 April 2026" in message.body
    assert (
        indonesian(
            "From that date the Halal badge disappears from your shop and your products, until a renewed certificate "
            "is verified."
        )
        in message.body
    )
    assert f"{settings.SITE_URL}/penjual/langkah/5/" in message.body


def test_today_is_the_site_date_not_utc():
    # 10 April is 30 days after 11 March (Bali) but 31 days after 10 March (UTC).
    shop = halal_shop(date(2026, 4, 10))

    assert legal.halal_expiry_warnings_send() == 1
    assert warned_for(shop) == date(2026, 4, 10)


def test_a_certificate_expiring_later_is_warned_once_it_enters_the_window():
    shop = halal_shop(TODAY + timedelta(days=31))

    assert legal.halal_expiry_warnings_send() == 0
    assert (warned_for(shop), mail.outbox) == (None, [])

    with at(TODAY + timedelta(days=1)):
        assert legal.halal_expiry_warnings_send() == 1
    assert len(mail.outbox) == 1


def test_running_twice_sends_one_mail():
    shop = halal_shop(TODAY + timedelta(days=10))

    assert legal.halal_expiry_warnings_send() == 1
    assert legal.halal_expiry_warnings_send() == 0
    with at(TODAY + timedelta(days=1)):
        assert legal.halal_expiry_warnings_send() == 0

    assert len(mail.outbox) == 1
    assert warned_for(shop) == shop.halal_expires_on


def test_a_missed_day_neither_skips_nor_repeats_the_mail():
    halal_shop(TODAY + timedelta(days=30))

    # The task did not run on the day the certificate entered the window; the next run still warns, once.
    with at(TODAY + timedelta(days=2)):
        assert legal.halal_expiry_warnings_send() == 1
    with at(TODAY + timedelta(days=3)):
        assert legal.halal_expiry_warnings_send() == 0
    assert len(mail.outbox) == 1


def test_a_certificate_expiring_today_is_still_warned():
    shop = halal_shop(TODAY)

    assert legal.halal_expiry_warnings_send() == 1
    assert warned_for(shop) == TODAY
    assert "11 Maret 2026" in mail.outbox[0].body


def test_a_renewed_certificate_warns_again():
    shop = halal_shop(TODAY + timedelta(days=5))
    assert legal.halal_expiry_warnings_send() == 1
    renewed = date(2027, 3, 1)
    Shop.objects.filter(pk=shop.pk).update(halal_expires_on=renewed, halal_verified_at=timezone.now())

    assert legal.halal_expiry_warnings_send() == 0  # a year away
    with at(renewed - timedelta(days=20)):
        assert legal.halal_expiry_warnings_send() == 1

    assert warned_for(shop) == renewed
    assert len(mail.outbox) == 2
    assert "1 Maret 2027" in mail.outbox[1].body


@pytest.mark.parametrize(
    "values",
    [
        {"halal_verified_at": None},
        {"halal_expires_on": TODAY - timedelta(days=1)},
        {"status": Shop.Status.SUSPENDED},
        {"status": Shop.Status.DRAFT},
        {"halal_expiry_warned_for": TODAY + timedelta(days=10)},
    ],
    ids=["not verified", "already expired", "suspended", "draft", "already warned"],
)
def test_no_warning_for_unverified_expired_non_public_or_already_warned_certificates(values):
    shop = halal_shop(TODAY + timedelta(days=10))
    Shop.objects.filter(pk=shop.pk).update(**values)
    before = Shop.objects.filter(pk=shop.pk).values().get()

    assert legal.halal_expiry_warnings_send() == 0

    assert mail.outbox == []
    assert Shop.objects.filter(pk=shop.pk).values().get() == before


def test_the_service_rechecks_a_single_shop():
    shop = halal_shop(TODAY + timedelta(days=10))
    other = halal_shop(TODAY + timedelta(days=40))

    assert legal.shop_warn_halal_expiry(shop_id=other.pk) is False
    assert legal.shop_warn_halal_expiry(shop_id=shop.pk) is True
    assert legal.shop_warn_halal_expiry(shop_id=shop.pk) is False
    assert len(mail.outbox) == 1


def test_each_owner_gets_their_own_mail():
    first = halal_shop(TODAY + timedelta(days=3), owner=VerifiedUserFactory(email="satu@contoh.id"))
    second = halal_shop(TODAY + timedelta(days=20), owner=VerifiedUserFactory(email="dua@contoh.id"))

    assert legal.halal_expiry_warnings_send() == 2

    assert sorted(message.to[0] for message in mail.outbox) == ["dua@contoh.id", "satu@contoh.id"]
    assert (warned_for(first), warned_for(second)) == (first.halal_expires_on, second.halal_expires_on)


# --- The badge --------------------------------------------------------------------------------------------


def badges_of(product) -> list[str]:
    """`Product.badges` of a fresh copy (no cached shop)."""
    product.refresh_from_db()
    return product.badges


def test_the_halal_badge_shows_the_day_before_expiry_and_is_gone_on_the_expiry_date(client):
    expires_on = TODAY + timedelta(days=10)
    product = ProductFactory(shop=halal_shop(expires_on))

    with at(expires_on - timedelta(days=1)):
        assert badges_of(product) == ["halal"]
        assert client.get(f"/api/v1/products/{product.slug}/").json()["badges"] == ["halal"]
        assert client.get(f"/api/v1/shops/{product.shop.slug}/").json()["badges"] == ["halal"]
    with at(expires_on):
        assert badges_of(product) == []
        assert client.get(f"/api/v1/products/{product.slug}/").json()["badges"] == []
        assert client.get(f"/api/v1/shops/{product.shop.slug}/").json()["badges"] == []
