"""Bulk import pages of the seller dashboard at /penjual/impor/ (names in the `seller` namespace).

The shop is always the signed-in user's (`seller_membership`); owner and staff both import (staff manage
products). A job of another shop is a 404. While a job is being checked or imported its page shows a progress
bar that htmx refreshes every two seconds from a small fragment; when the job stops working the fragment asks
htmx to reload the whole page (`HX-Refresh`), which then shows the errors and the preview. Without JavaScript
the page refreshes itself (a `<noscript>` meta refresh) and has a reload link. Confirm and cancel are plain
form posts that redirect back.
"""

from allauth.account.decorators import verified_email_required
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..imports import selectors, services
from ..imports.errors import ProductImportStateError
from ..imports.parsing import COLUMNS, MAX_FILE_BYTES, MAX_ROWS
from ..imports.template_files import instruction_lines, template_csv, template_xlsx
from ..imports.validation import MAX_STORED_ERRORS
from ..models import ProductImport
from ..selectors import seller_membership

PAGE_SIZE = 20
POLL_SECONDS = 2
TEMPLATE_FILES = {
    "csv": (template_csv, "text/csv; charset=utf-8"),
    "xlsx": (template_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
TEMPLATE_NAME = "templat-impor-produk"


def _file_limits_text() -> str:
    return _("At most %(size)s MB and %(rows)s rows.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024),
        "rows": f"{MAX_ROWS:,}".replace(",", "."),
    }


def _file_limits_help():
    """Translated when the form is shown, not once when this module is imported."""
    return lazy(_file_limits_text, str)()


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        help_text=_file_limits_help(),
    )


def _shop_or_redirect(request: HttpRequest):
    membership = seller_membership(user=request.user)
    if membership is None:
        return None, redirect("seller:start")
    return membership.shop, None


def _job_or_404(shop, pk: int) -> ProductImport:
    product_import = selectors.product_import_get_for_shop(shop=shop, product_import_id=pk)
    if product_import is None:
        raise Http404
    return product_import


@verified_email_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    shop, response = _shop_or_redirect(request)
    if response:
        return response
    form = ProductImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product_import = services.product_import_create(
                    shop=shop, actor=request.user, uploaded_file=form.cleaned_data["file"]
                )
            except ValidationError as error:
                for message in error.message_dict.get("file", []):
                    form.add_error("file", message)
            else:
                return redirect("seller:import-detail", pk=product_import.pk)
        status = 400
    page = Paginator(selectors.product_import_list_for_shop(shop=shop), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "shop": shop,
        "form": form,
        "page": page,
        "columns": COLUMNS,
        "instructions": instruction_lines()[1:],
    }
    return TemplateResponse(request, "shops/seller/imports/list.html", context, status=status)


@verified_email_required
@require_GET
def import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    _shop, response = _shop_or_redirect(request)
    if response:
        return response
    if file_format not in TEMPLATE_FILES:
        raise Http404
    make, content_type = TEMPLATE_FILES[file_format]
    response = HttpResponse(make(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.{file_format}"'
    return response


def _detail_context(product_import: ProductImport) -> dict:
    preview = product_import.preview or {}
    return {
        "job": product_import,
        "poll_seconds": POLL_SECONDS,
        "preview_rows": preview.get("rows", []),
        "summary": preview,
        "products_to_import": preview.get("new_products", 0) + preview.get("updated_products", 0),
        "can_confirm": product_import.status == ProductImport.Status.VALIDATED and product_import.valid_rows > 0,
        "can_cancel": product_import.status in services.CANCELLABLE,
        "errors_shown": len(product_import.errors),
        "errors_capped": product_import.error_count > len(product_import.errors),
        "max_stored_errors": MAX_STORED_ERRORS,
    }


@verified_email_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shop, response = _shop_or_redirect(request)
    if response:
        return response
    product_import = _job_or_404(shop, pk)
    return TemplateResponse(
        request, "shops/seller/imports/detail.html", {"shop": shop, **_detail_context(product_import)}
    )


@verified_email_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls. Once the job no longer works, htmx reloads the page (HX-Refresh)."""
    shop, response = _shop_or_redirect(request)
    if response:
        return response
    product_import = _job_or_404(shop, pk)
    response = TemplateResponse(request, "shops/seller/imports/_progress.html", _detail_context(product_import))
    if request.htmx and not product_import.is_working:
        response["HX-Refresh"] = "true"
    return response


def _job_action(request: HttpRequest, pk: int, action, done_message) -> HttpResponse:
    """Confirm or cancel: call the service, say how it went, back to the job's page."""
    shop, response = _shop_or_redirect(request)
    if response:
        return response
    product_import = _job_or_404(shop, pk)
    try:
        action(product_import=product_import, actor=request.user)
    except ProductImportStateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("seller:import-detail", pk=product_import.pk)


@verified_email_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_action(
        request,
        pk,
        services.product_import_confirm,
        _("The import has started. You can leave this page; it continues in the background."),
    )


@verified_email_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_action(
        request, pk, services.product_import_cancel, _("The import was cancelled. Nothing was changed in your shop.")
    )
