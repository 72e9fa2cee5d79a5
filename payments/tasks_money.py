"""Tasks of refunds and payouts (imported by `payments.tasks`, which Celery discovers).

Each takes ids, reloads its rows and is idempotent; the beat sweeps pick up whatever the fast path missed (a
broker that was down when the refund was created, a worker that died mid-request).
"""

from celery import shared_task

from .errors import ProviderError
from .models import Refund
from .services import payouts, refunds

RETRY_BACKOFF_MAX = 600


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(ProviderError,),
    retry_backoff=True,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    max_retries=8,
)
def process_refund(refund_id: int) -> None:
    """Send a pending card refund to the provider; a retryable provider error is retried with backoff (the
    provider's refusals fail the refund instead of raising)."""
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is not None:
        refunds.refund_process(refund=refund)


@shared_task(acks_late=True, ignore_result=True)
def resend_refunds() -> int:
    """Beat: card refunds that were never accepted by the provider are sent again."""
    count = 0
    for refund_id in list(refunds.refunds_to_resend()):
        try:
            refunds.refund_process(refund=Refund(pk=refund_id))
        except ProviderError:
            continue  # still down: the next sweep tries again
        count += 1
    return count


@shared_task(acks_late=True, ignore_result=True)
def run_stripe_payouts() -> int:
    """Beat: transfer what is due to shops paid through Stripe. Safe to run twice at once."""
    return payouts.payouts_stripe_run()
