from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutgoingEmail
from .services import outgoing_email_retry_now


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The email outbox for operators: read only, plus "Retry now" for pending and failed mails."""

    list_display = ["created_at", "subject", "recipients", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "cc", "bcc", "subject"]
    ordering = ["-created_at", "-pk"]
    actions = ["retry_now"]

    def get_queryset(self, request):
        # The list never shows the (possibly large) content; the detail page loads it when it needs it.
        return super().get_queryset(request).defer("body", "alternatives", "attachments")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Nobody edits a mail; "change" permission on the list is what allows the retry action.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("recipients"))
    def recipients(self, outgoing_email: OutgoingEmail) -> str:
        return ", ".join(outgoing_email.to + outgoing_email.cc + outgoing_email.bcc)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = outgoing_email_retry_now(outgoing_email_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d email queued for delivery.", "%(count)d emails queued for delivery.", count)
            % {"count": count},
            messages.SUCCESS,
        )
