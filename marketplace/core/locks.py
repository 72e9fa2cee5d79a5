"""Row locks for the core app's models, taken briefly and in primary-key order (STYLE.md)."""

from django.db.models import QuerySet

from .models import OutgoingEmail


def outgoing_email_qs_select_for_update(*, skip_locked: bool = True) -> QuerySet[OutgoingEmail]:
    """Outgoing emails locked FOR UPDATE, ordered by id. Only inside a transaction, and never across a send.

    By default rows another transaction holds are skipped: a worker claiming a row to deliver leaves a row
    that somebody else is claiming or releasing right now to them. `skip_locked=False` waits instead (an
    operator's retry, which must see the outcome of a claim in progress). On SQLite (the demo) there are
    no row locks; the writes that follow are conditional updates, which keeps them correct there too.
    """
    return OutgoingEmail.objects.select_for_update(skip_locked=skip_locked).order_by("pk")
