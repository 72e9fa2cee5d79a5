"""What makes the storefront's cached pages stale on the workshops side (`marketplace.core.pagecache`).

The home page's "upcoming workshops" block and the public workshop pages show workshops, their sessions and
their free seats, so saving or deleting a workshop, a session or a registration invalidates the anonymous page
cache once the transaction commits (as `cms.signals` does for the catalogue). Sessions are written with
`bulk_create` (no signal) only inside `workshop_create`/`workshop_update`, which save the workshop in the same
transaction. Time alone (a workshop starting) is covered by the cache's expiry (`PAGE_CACHE_SECONDS`).

Connected from `WorkshopsConfig.ready`, so a Celery worker's changes (a workshop completed by the hourly task)
invalidate the cache too.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from marketplace.core import pagecache

from .models import Registration, Workshop, WorkshopSession

SAVED_OR_DELETED = (Workshop, WorkshopSession, Registration)
# A registration's fields no public page shows: saving only these (a check-in, a reminder sent) leaves the cache
# alone, so checking in a room of participants does not empty the storefront's cache thirty times.
PRIVATE_REGISTRATION_FIELDS = frozenset({"checked_in_at", "checked_in_by", "certificate_code", "reminded_at"})


def workshops_changed(sender=None, update_fields=None, **kwargs) -> None:
    if sender is Registration and update_fields and set(update_fields) <= PRIVATE_REGISTRATION_FIELDS:
        return
    pagecache.invalidate()


def connect() -> None:
    for model in SAVED_OR_DELETED:
        label = model._meta.label
        post_save.connect(workshops_changed, sender=model, dispatch_uid=f"pagecache_saved_{label}")
        post_delete.connect(workshops_changed, sender=model, dispatch_uid=f"pagecache_deleted_{label}")
    m2m_changed.connect(workshops_changed, sender=Workshop.trainers.through, dispatch_uid="pagecache_workshop_trainers")
