"""Legal data over time: the owner is warned before a verified halal certificate expires.

The halal badge is computed (`Product.badges`): it shows while the certificate is verified and
`halal_expires_on` is after today, and disappears on the expiry date without any write. Owners get one mail when
the expiry date comes within `HALAL_WARNING_DAYS` days, so they can renew in time.

`Shop.halal_expiry_warned_for` remembers the expiry date the owner was warned about, so the daily task
(`shops.tasks.warn_expiring_halal_certificates`) is idempotent: running twice sends one mail, a day the task does not
run only delays the mail to the next run (the whole window is checked, not one exact day), and a renewed
certificate (a new expiry date, verified again) warns again. "Today" is the site's date (Asia/Makassar).
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..locks import shop_qs_select_for_update
from ..models import Shop
from ..selectors import shop_owner

logger = logging.getLogger(__name__)

HALAL_WARNING_DAYS = 30
# The legal data step of the seller wizard, where the owner enters the renewed certificate.
LEGAL_DATA_STEP = 5


def _halal_expiring(*, today: date) -> QuerySet[Shop]:
    """Approved shops with a verified halal certificate expiring between today and today + 30 days (inclusive)
    whose owner was not warned yet about this expiry date."""
    return Shop.objects.filter(
        Q(halal_expiry_warned_for__isnull=True) | ~Q(halal_expiry_warned_for=F("halal_expires_on")),
        status=Shop.Status.APPROVED,
        halal_verified_at__isnull=False,
        halal_expires_on__gte=today,
        halal_expires_on__lte=today + timedelta(days=HALAL_WARNING_DAYS),
    )


@transaction.atomic
def shop_warn_halal_expiry(*, shop_id: int, today: date | None = None) -> bool:
    """Warn the owner of one shop that its halal certificate expires soon, once per expiry date.

    Locks the shop row and re-checks under the lock (approved, certificate verified, expiry within
    today..today + `HALAL_WARNING_DAYS`, not warned for this date yet); when it still holds, sets
    `halal_expiry_warned_for = halal_expires_on` and mails the owner (through the outbox, in this transaction)
    the expiry date and that the badge disappears then. Returns whether a warning was recorded; a shop without
    an owner's address is still marked (nobody to tell, and no retry every day).
    """
    today = today or timezone.localdate()
    shop = _halal_expiring(today=today).filter(pk=shop_id).first()
    if shop is None:
        return False
    shop = shop_qs_select_for_update().filter(pk=shop_id).first()
    if shop is None or not _halal_expiring(today=today).filter(pk=shop_id).exists():
        return False
    shop.halal_expiry_warned_for = shop.halal_expires_on
    shop.save(update_fields=["halal_expiry_warned_for", "updated_at"])
    _mail_owner_halal_expiring(shop=shop, today=today)
    return True


def halal_expiry_warnings_send() -> int:
    """Warn every owner whose verified halal certificate expires within `HALAL_WARNING_DAYS` days, each shop in
    its own transaction (one failure does not undo the others' mails). Returns how many owners were warned."""
    today = timezone.localdate()
    shop_ids = list(_halal_expiring(today=today).order_by("pk").values_list("pk", flat=True))
    return sum(shop_warn_halal_expiry(shop_id=shop_id, today=today) for shop_id in shop_ids)


def _mail_owner_halal_expiring(*, shop: Shop, today: date) -> None:
    owner = shop_owner(shop=shop)
    if owner is None or not owner.email:
        logger.warning(
            "Shop %s: halal certificate expires on %s, but the shop has no owner to warn.",
            shop.pk,
            shop.halal_expires_on,
        )
        return
    language = getattr(owner, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        legal_url = settings.SITE_URL + reverse("seller:step", args=[LEGAL_DATA_STEP])
        context = {
            "shop": shop,
            "owner": owner,
            "expires_on": shop.halal_expires_on,
            "days_left": (shop.halal_expires_on - today).days,
            "legal_url": legal_url,
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(render_to_string("shops/emails/halal_expiring_subject.txt", context).split())
        body = render_to_string("shops/emails/halal_expiring.txt", context)
    send_mail(subject, body, None, [owner.email])
