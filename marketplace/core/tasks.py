from celery import shared_task
from django.core.management import call_command


@shared_task(name="marketplace.core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (daily, from beat). Idempotent: a second run finds nothing to delete."""
    call_command("clearsessions")
