"""The email backend every part of the site sends through: an outbox in the database (DESIGN §4).

`EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"`: `send_mail`, allauth's verification and
password-reset mails and everything else write an `OutgoingEmail` row in the current transaction instead
of talking to SMTP in the request. `marketplace.core.tasks.deliver_email` sends the row after commit
through the real backend, `EMAIL_DELIVERY_BACKEND` (from `EMAIL_URL`), retrying with backoff; the beat
task `sweep_outgoing_email` picks up whatever the fast path missed. So SMTP, the broker or a worker being
down never fails a request, and never loses a mail.
"""

import logging

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError

from .services import outgoing_email_queue

logger = logging.getLogger(__name__)


class OutboxEmailBackend(BaseEmailBackend):
    """Stores messages as outgoing emails, one row each, and queues their delivery after commit.

    Never talks to the network. A message that cannot be stored (a header with a newline, a MIME attachment
    object, attachments over the size limit) raises at once, whatever `fail_silently` says: that is a bug
    in the caller, not an outage. `fail_silently` only swallows a database error (as Django's SMTP backend
    swallows a network error), for callers such as error reporting that must never raise.
    """

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        """Returns the number of messages stored (messages without any recipient are skipped)."""
        if not email_messages:
            return 0
        try:
            return len(outgoing_email_queue(messages=email_messages))
        except DatabaseError:
            if not self.fail_silently:
                raise
            logger.exception("Could not store %s outgoing email(s) in the outbox.", len(email_messages))
            return 0
