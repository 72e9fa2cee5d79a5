import base64
from datetime import datetime
from email.mime.base import MIMEBase
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .emails import email_key_choices

# Attachments travel base64-encoded inside the row. Anything bigger than this (all attachments of one
# message together) is refused when the message is queued: link to the file instead of attaching it.
OUTGOING_EMAIL_MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, *, now: datetime) -> "OutgoingEmailQuerySet":
        """Pending rows whose next attempt has come and that no worker holds a live claim on."""
        return self.filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
        )


class OutgoingEmail(models.Model):
    """One email waiting for delivery, delivered, or given up on: the durable intent to send it (DESIGN §4).

    `marketplace.core.mail.OutboxEmailBackend` writes a row in the caller's transaction, and
    `marketplace.core.tasks.deliver_email` sends it through the real backend after commit. The message
    is stored serialized (see `marketplace.core.mail.outgoing_email_fields`); attachments are stored
    base64-encoded and are limited in size.

    A row is *due* while it is pending, its `next_attempt_at` has passed and nobody holds a live claim
    (`claimed_until` empty or past). A worker claims a row before sending and releases the claim when it
    records the outcome; a claim left behind by a worker that died expires on its own.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("body"), blank=True)
    content_subtype = models.CharField(_("body type"), max_length=50, default="plain")
    from_email = models.TextField(_("from"))
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    bcc = models.JSONField(_("bcc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [[content, mimetype], ...], e.g. the HTML version of the body.
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    # [{"filename", "mimetype", "content_base64", "is_text"}, ...]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            # The sweep: pending rows whose next attempt is due, oldest first.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="core_outgoingemail_due_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @classmethod
    def from_message(cls, message: EmailMessage) -> "OutgoingEmail":
        """An unsaved row holding everything needed to send `message` later, exactly as it is now.

        Validates the message the way sending would (bad headers raise `BadHeaderError` here, in the
        caller, not later in a worker) and gives it a Message-ID now, so every retry of this row sends the
        same Message-ID and a receiver can recognise a duplicate. Raises `TypeError` for a MIME attachment
        object and `ValueError` for attachments over OUTGOING_EMAIL_MAX_ATTACHMENT_BYTES: both are the
        caller's mistake and must not wait in the outbox.
        """
        message.message()
        headers = {str(name): str(value) for name, value in message.extra_headers.items()}
        if "message-id" not in {name.lower() for name in headers}:
            headers["Message-ID"] = make_msgid(domain=DNS_NAME)
        alternatives = []
        for content, mimetype in getattr(message, "alternatives", []):
            if not isinstance(content, str):
                raise TypeError(f"The outbox stores text alternatives only, not {type(content).__name__}.")
            alternatives.append([content, mimetype])
        return cls(
            subject=str(message.subject),
            body=str(message.body),
            content_subtype=message.content_subtype,
            from_email=str(message.from_email),
            to=[str(address) for address in message.to],
            cc=[str(address) for address in message.cc],
            bcc=[str(address) for address in message.bcc],
            reply_to=[str(address) for address in message.reply_to],
            headers=headers,
            alternatives=alternatives,
            attachments=_serialize_attachments(message.attachments),
        )

    def to_message(self) -> EmailMultiAlternatives:
        """The Django message to hand to the delivery backend, rebuilt from the row."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email,
            to=self.to,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            headers=dict(self.headers),
            alternatives=[tuple(alternative) for alternative in self.alternatives],
        )
        message.content_subtype = self.content_subtype
        for attachment in self.attachments:
            content = base64.b64decode(attachment["content_base64"])
            if attachment["is_text"]:
                content = content.decode()
            message.attach(attachment["filename"], content, attachment["mimetype"])
        return message


def _serialize_attachments(attachments: list) -> list[dict]:
    serialized = []
    total_bytes = 0
    for attachment in attachments:
        if isinstance(attachment, MIMEBase):
            raise TypeError("The outbox cannot store MIME attachment objects; attach (filename, content, mimetype).")
        filename, content, mimetype = attachment
        is_text = isinstance(content, str)
        raw = content.encode() if is_text else bytes(content)
        total_bytes += len(raw)
        serialized.append(
            {
                "filename": filename,
                "mimetype": mimetype,
                "content_base64": base64.b64encode(raw).decode("ascii"),
                "is_text": is_text,
            }
        )
    if total_bytes > OUTGOING_EMAIL_MAX_ATTACHMENT_BYTES:
        raise ValueError(
            f"Attachments of {total_bytes} bytes are over the outbox limit of "
            f"{OUTGOING_EMAIL_MAX_ATTACHMENT_BYTES} bytes; link to the file instead."
        )
    return serialized


class EmailTemplate(models.Model):
    """An operator's wording of one registered mail in one language (`marketplace.core.emails`).

    Without a row the mail uses its default templates (files, translated); with one, `render_email` uses
    this subject and body (Django template syntax, plain text) and falls back to the default if they fail.
    Deleting the row resets the mail to its default.
    """

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Indonesian")
        ENGLISH = "en", _("English")

    key = models.CharField(_("email"), max_length=60, choices=email_key_choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.INDONESIAN)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="core_emailtemplate_one_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"
