"""Operators' tools of the core app in the Wagtail admin.

`/cms/email-templates/` (Settings → Email templates): the wording of the site's transactional mails
(`marketplace.core.emails`). The list shows every registered mail and, per language, whether operators
changed it; "Customise" starts from the default text, the form lists the variables the mail can use and
refuses a template with a syntax error; deleting a customisation resets the mail to its default.
Operators (the Operator group) and superusers only, whatever their Django permissions.
"""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP

from .emails import (
    TemplateSyntaxError,
    UnknownEmailError,
    check_template_syntax,
    default_template_source,
    registered_email,
    registered_emails,
)
from .models import EmailTemplate

URL_NAMESPACE = "email_templates"


def user_is_operator(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=OPERATOR_GROUP).exists())
    )


class OperatorPermissionPolicy(BasePermissionPolicy):
    """Operators and superusers may do everything with email templates; no one else."""

    def user_has_permission(self, user, action):
        return user_is_operator(user)

    def user_has_any_permission(self, user, actions):
        return bool(actions) and user_is_operator(user)

    def users_with_any_permission(self, actions):
        if not actions:
            return User.objects.none()
        return User.objects.filter(Q(is_superuser=True) | Q(groups__name=OPERATOR_GROUP), is_active=True).distinct()


register_permission_policy(EmailTemplate, OperatorPermissionPolicy(EmailTemplate), exact_class=True)


class EmailTemplateForm(WagtailAdminModelForm):
    """Refuses a subject or body that is not a valid template, with the template engine's message."""

    def clean_subject(self):
        return self._clean_template("subject")

    def clean_body(self):
        return self._clean_template("body")

    def _clean_template(self, name: str) -> str:
        source = self.cleaned_data.get(name, "")
        try:
            check_template_syntax(source)
        except TemplateSyntaxError as error:
            raise forms.ValidationError(
                _("This template has an error: %(error)s. Fix it, or leave the page to keep the saved version."),
                code="template_syntax",
                params={"error": error},
            ) from None
        return source


def _help_context(key: str, language: str) -> dict:
    """What the form shows next to the fields: the mail's variables and its default text in `language`."""
    try:
        email = registered_email(key)
    except UnknownEmailError:
        return {}
    if language not in EmailTemplate.Language.values:
        language = EmailTemplate.Language.INDONESIAN
    subject, body = default_template_source(key, language=language)
    return {
        "registered_email": email,
        "context_help": sorted(email.context_help.items()),
        "default_subject": subject,
        "default_body": body,
    }


class EmailTemplateIndexView(IndexView):
    template_name = "core/admin/email_template_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("updated_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        saved = {(template.key, template.language): template for template in EmailTemplate.objects.all()}
        add_url = reverse(f"{URL_NAMESPACE}:add")
        rows = []
        for email in registered_emails():
            languages = []
            for code, label in EmailTemplate.Language.choices:
                template = saved.get((email.key, code))
                if template is not None:
                    url = reverse(f"{URL_NAMESPACE}:edit", args=[template.pk])
                else:
                    url = f"{add_url}?key={email.key}&language={code}"
                languages.append({"code": code, "label": label, "customised": template is not None, "url": url})
            rows.append({"email": email, "languages": languages})
        context["registered_email_rows"] = rows
        return context


class EmailTemplateCreateView(CreateView):
    template_name = "core/admin/email_template_form.html"

    def get_initial(self):
        initial = super().get_initial()
        key = self.request.GET.get("key", "")
        language = self.request.GET.get("language", "")
        try:
            registered_email(key)
        except UnknownEmailError:
            return initial
        if language not in EmailTemplate.Language.values:
            language = EmailTemplate.Language.INDONESIAN
        subject, body = default_template_source(key, language=language)
        initial.update({"key": key, "language": language, "subject": subject, "body": body})
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        key = self.request.POST.get("key") or self.request.GET.get("key", "")
        language = self.request.POST.get("language") or self.request.GET.get("language", "")
        context.update(_help_context(key, language))
        return context

    def save_instance(self):
        self.form.instance.updated_by = self.request.user
        return super().save_instance()


class EmailTemplateEditView(EditView):
    template_name = "core/admin/email_template_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_help_context(self.object.key, self.object.language))
        context["reset_url"] = reverse(f"{URL_NAMESPACE}:delete", args=[self.object.pk])
        return context

    def save_instance(self):
        self.form.instance.updated_by = self.request.user
        return super().save_instance()


class EmailTemplateViewSet(ModelViewSet):
    model = EmailTemplate
    name = URL_NAMESPACE
    url_prefix = "email-templates"
    icon = "mail"
    add_to_settings_menu = True
    menu_label = _("Email templates")
    index_view_class = EmailTemplateIndexView
    add_view_class = EmailTemplateCreateView
    edit_view_class = EmailTemplateEditView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        Column("key", label=_("Email"), accessor="get_key_display"),
        Column("language", label=_("Language"), accessor="get_language_display"),
        Column("updated_by", label=_("Updated by")),
        DateColumn("updated_at", label=_("Updated at")),
    ]
    ordering = ["key", "language"]
    edit_handler = ObjectList(
        [FieldPanel("key"), FieldPanel("language"), FieldPanel("subject"), FieldPanel("body")],
        base_form_class=EmailTemplateForm,
    )


@hooks.register("register_admin_viewset")
def register_email_template_viewset():
    return EmailTemplateViewSet()
