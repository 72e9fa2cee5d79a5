"""Claims on import jobs: how one worker at a time owns a job, and how a lost worker's job is taken over.

As the email outbox (`marketplace.core.services`): a worker owns a job while `claimed_until` lies in the future.
It claims with a conditional update (the expected status and an empty or run-out claim), renews the claim with
every progress write, and every write it makes is conditional on still holding it (`Claim.still_ours`), so two
workers never work on one job and a task queued twice does nothing the second time.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import ProductImport

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 5 * 60  # renewed with every progress write: a batch or a 1,000-row step takes seconds
MAX_ATTEMPTS = 3


class LostClaim(Exception):
    """The job is no longer ours (another worker took it after our claim ran out): stop, roll the batch back."""


def default_language_text(message) -> str:
    """Text stored on the job is in the site's default language (Indonesian), whoever runs the task."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


@dataclass
class Claim:
    product_import: ProductImport
    until: object  # the claimed_until value we wrote; every write of ours is conditional on it

    def still_ours(self):
        return ProductImport.objects.filter(
            pk=self.product_import.pk, status=self.product_import.status, claimed_until=self.until
        )

    def renew(self, **changes) -> bool:
        """Write `changes` and push the claim out; False when the job is no longer ours (cancelled, taken)."""
        now = timezone.now()
        until = now + timedelta(seconds=CLAIM_SECONDS)
        updated = self.still_ours().update(claimed_until=until, updated_at=now, **changes)
        if updated:
            self.until = until
        return bool(updated)

    def finish(self, **changes) -> bool:
        return bool(self.still_ours().update(claimed_until=None, updated_at=timezone.now(), **changes))


def claim_job(*, product_import_id: int, statuses: tuple, status: str) -> Claim | None:
    """Claim a job in one of `statuses` whose claim is empty or ran out, moving it to `status`; None when it is
    not there, in another status, or claimed by a live worker. After `MAX_ATTEMPTS` claims the job fails."""
    now = timezone.now()
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    with transaction.atomic():
        product_import = (
            ProductImport.objects.select_for_update()
            .filter(unclaimed, pk=product_import_id, status__in=statuses)
            .first()
        )
        if product_import is None:
            return None
        if product_import.attempts >= MAX_ATTEMPTS:
            ProductImport.objects.filter(pk=product_import.pk, attempts=product_import.attempts).update(
                status=ProductImport.Status.FAILED,
                claimed_until=None,
                finished_at=now,
                updated_at=now,
                failure=default_language_text(
                    _("The job stopped several times before finishing. Upload the file again.")
                ),
            )
            logger.error("Product import %s failed after %s attempts.", product_import.pk, product_import.attempts)
            return None
        until = now + timedelta(seconds=CLAIM_SECONDS)
        # Conditional on what was just read: SQLite has no row locks, and this keeps the claim exclusive there too.
        claimed = (
            ProductImport.objects.filter(unclaimed, pk=product_import.pk, attempts=product_import.attempts)
            .filter(status__in=statuses)
            .update(status=status, claimed_until=until, attempts=F("attempts") + 1, updated_at=now)
        )
        if not claimed:
            return None
    product_import.refresh_from_db()
    return Claim(product_import=product_import, until=until)
