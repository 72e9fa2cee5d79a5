"""The operators' money pages in the Wagtail admin, registered in `payments.wagtail_hooks`:

- `/cms/pembayaran/` (namespace `payments_money`): the payments overview — pending bank transfers (their own
  screen is `payments.views_operator`), flagged payments, manual refunds the platform still has to pay back (with
  the form recording how: `refund_record_paid_back`), failed refunds, cancelled paid orders still to refund,
  payouts due; and `refund/`, the refund of a shop order found by its number (`refund_create(actor="operator")`).
- `/cms/pencairan/` (namespace `payouts_operator`): the shops' payable balances, "Create batch"
  (`payout_batch_create`), the batches, a batch's payouts, its CSV for the bank (`payout_batch_export`, a POST:
  exporting moves the payouts to processing) and per payout "Mark paid" / "Mark failed".
- `/cms/rekonsiliasi/` (namespace `reconciliation`): one day's reconciliation (`?date=YYYY-MM-DD`, yesterday in
  WITA by default) as a page and as CSV (`csv/`).

Thin views: check `payments.manage_payouts`, read through `payments.selectors_operator`, write through one
service whose refusals (ValidationError, PaymentStateError) are shown as messages or form errors — nothing
changes then. Anyone without the permission gets Wagtail's "no permission" answer (a redirect to the dashboard
with a message); anonymous visitors are sent to the login page by Wagtail first.
"""

import csv
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core.errors import StateConflictError
from marketplace.core.money import format_rupiah

from .models import Payment, Refund
from .selectors import parse_amount, payable_balances, shop_order_money
from .selectors_operator import (
    RECONCILIATION_CSV_COLUMNS,
    payments_overview,
    payout_batch_get,
    payout_batch_list,
    payout_batch_payouts,
    payout_get,
    reconciliation_csv_rows,
    reconciliation_for_day,
    report_default_day,
    shop_order_find,
    shop_order_refunds,
)
from .services.payments import payment_flag_resolve
from .services.payouts import (
    payout_batch_create,
    payout_batch_export,
    payout_mark_failed,
    payout_mark_paid,
    payout_reference,
)
from .services.refunds import refund_create, refund_record_paid_back

PERMISSION = "payments.manage_payouts"
OVERVIEW_NAMESPACE = "payments_money"
PAYOUTS_NAMESPACE = "payouts_operator"
RECONCILIATION_NAMESPACE = "reconciliation"
BATCHES_PER_PAGE = 30
MAX_TEXT = 500

# What each reconciliation row means, as the page shows it (the CSV uses the keys).
ROW_LABELS = {
    "orders_paid": _("Orders paid (shop order totals)"),
    "provider_total": _("Received by the provider"),
    "unique_codes": _("Bank transfer unique codes (kept by the platform)"),
    "provider_net": _("Received, less unique codes"),
    "stripe_events": _("Stripe checkout sessions completed (events)"),
    "ledger_sales": _("Ledger: sales and shipping"),
    "commission": _("Ledger: commission"),
    "refunds": _("Refunds"),
    "refunds_by_platform": _("Refunds paid back by the platform"),
    "ledger_refunds": _("Ledger: refunds"),
}


def user_can_manage_payouts(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def _require_permission(request: HttpRequest) -> None:
    if not user_can_manage_payouts(request.user):
        raise PermissionDenied


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [message for field_messages in error.message_dict.values() for message in field_messages]
    return list(error.messages)


# --- Forms ----------------------------------------------------------------------------------------------------


class PaidBackForm(forms.Form):
    # Not required here: the service says what is missing, in its own words.
    manual_note = forms.CharField(
        label=_("How it was paid back"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Bank, account, transfer reference")}),
    )


class ShopOrderSearchForm(forms.Form):
    number = forms.CharField(label=_("Shop order number"), max_length=40, required=False)


class OperatorRefundForm(forms.Form):
    """The amount as operators type it ("Rp 15.000", "15000"); the service checks everything else."""

    amount = forms.CharField(label=_("Amount to refund"), max_length=30)
    reason = forms.CharField(
        label=_("Reason (the shopper reads it)"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    manual_note = forms.CharField(
        label=_("How it was paid back"),
        max_length=MAX_TEXT,
        required=False,
        help_text=_("Required for a bank transfer or cash on delivery: bank, account, transfer reference."),
    )


class MarkPaidForm(forms.Form):
    reference = forms.CharField(label=_("Bank reference"), max_length=255, required=False)


class MarkFailedForm(forms.Form):
    reason = forms.CharField(label=_("Why it failed"), max_length=MAX_TEXT)


class ReportDayForm(forms.Form):
    date = forms.DateField(label=_("Day"), input_formats=["%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}))


# --- The payments overview ------------------------------------------------------------------------------------


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _require_permission(request)
    context = {
        "page_title": _("Payments"),
        "header_icon": "doc-full",
        "overview": payments_overview(minimum=settings.PAYOUT_MINIMUM),
        "paid_back_form": PaidBackForm(),
        "payout_minimum": settings.PAYOUT_MINIMUM,
    }
    return TemplateResponse(request, "payments/operator/overview.html", context)


def _attempt(request: HttpRequest, action, success: str) -> bool:
    """Run a service call; its refusal (field errors, a state conflict) becomes error messages and changes
    nothing, its success the `success` message. Returns whether it succeeded."""
    try:
        action()
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return False
    except StateConflictError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


@require_POST
def refund_paid_back(request: HttpRequest, refund_id: int) -> HttpResponse:
    """Record how a pending manual refund was paid back (the platform transferred the money)."""
    _require_permission(request)
    refund = Refund.objects.select_related("shop_order").filter(pk=refund_id).first()
    if refund is None:
        raise Http404
    form = PaidBackForm(request.POST)
    if not form.is_valid():
        for field_messages in form.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect(reverse(f"{OVERVIEW_NAMESPACE}:index"))
    _attempt(
        request,
        lambda: refund_record_paid_back(
            refund=refund, operator=request.user, manual_note=form.cleaned_data["manual_note"]
        ),
        _("Refund of %(amount)s for %(number)s recorded as paid back.")
        % {"amount": format_rupiah(refund.amount), "number": refund.shop_order.number},
    )
    return redirect(reverse(f"{OVERVIEW_NAMESPACE}:index"))


@require_POST
def flag_resolve(request: HttpRequest, payment_id: int) -> HttpResponse:
    """An operator handled a flagged payment and says what was done; it leaves the list."""
    _require_permission(request)
    payment = Payment.objects.select_related("order").filter(pk=payment_id).first()
    if payment is None:
        raise Http404
    _attempt(
        request,
        lambda: payment_flag_resolve(
            payment=payment, operator=request.user, resolution=request.POST.get("resolution", "")
        ),
        _("The flag on %(number)s is resolved.") % {"number": payment.order.number},
    )
    return redirect(reverse(f"{OVERVIEW_NAMESPACE}:index"))


# --- Refund by an operator ------------------------------------------------------------------------------------


def _refund_url(number: str) -> str:
    return f"{reverse(f'{OVERVIEW_NAMESPACE}:refund')}?{urlencode({'number': number})}"


@require_http_methods(["GET", "HEAD", "POST"])
def refund_shop_order(request: HttpRequest) -> HttpResponse:
    """Find a shop order by number (`?number=`); show where its money went and its refunds; POST refunds part
    or all of it (the service decides how: a Stripe refund, or recorded as paid back by hand)."""
    _require_permission(request)
    search_form = ShopOrderSearchForm(request.GET or None)
    number = search_form.cleaned_data["number"].strip() if search_form.is_valid() else ""
    shop_order = shop_order_find(number=number) if number else None
    form = OperatorRefundForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if shop_order is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            amount = parse_amount(data["amount"])
            try:
                refund = refund_create(
                    shop_order=shop_order,
                    amount=amount if amount is not None else 0,
                    reason=data["reason"],
                    user=request.user,
                    actor="operator",
                    manual_note=data["manual_note"],
                )
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            except StateConflictError as error:
                messages.error(request, error.message)
                return redirect(_refund_url(shop_order.number))
            else:
                if refund.status == Refund.Status.SUCCEEDED:
                    text = _("Refund of %(amount)s for %(number)s recorded.")
                else:
                    text = _("Refund of %(amount)s for %(number)s sent; it shows as refunded once it went through.")
                messages.success(request, text % {"amount": format_rupiah(refund.amount), "number": shop_order.number})
                return redirect(_refund_url(shop_order.number))
        status = 400
    context = {
        "page_title": _("Refund an order"),
        "header_icon": "doc-full",
        "search_form": search_form,
        "number": number,
        "shop_order": shop_order,
        "money": shop_order_money(shop_order=shop_order) if shop_order else None,
        "refunds": list(shop_order_refunds(shop_order=shop_order)) if shop_order else [],
        "form": form,
    }
    return TemplateResponse(request, "payments/operator/refund.html", context, status=status)


# --- Payout batches -------------------------------------------------------------------------------------------


@require_GET
def payouts_index(request: HttpRequest) -> HttpResponse:
    """Shops with a payable balance (those without a bank account marked) and the batches."""
    _require_permission(request)
    overview_rows = payable_balances(minimum=settings.PAYOUT_MINIMUM)
    page = Paginator(payout_batch_list(), BATCHES_PER_PAGE).get_page(request.GET.get("p"))
    context = {
        "page_title": _("Payouts"),
        "header_icon": "doc-full",
        "payable": overview_rows,
        "payable_total": sum(row.payable for row in overview_rows),
        "payable_with_bank": [row for row in overview_rows if row.account and row.account.has_bank_account],
        "payout_minimum": settings.PAYOUT_MINIMUM,
        "page": page,
        "batches": page.object_list,
    }
    return TemplateResponse(request, "payments/operator/payouts.html", context)


@require_POST
def payout_batch_new(request: HttpRequest) -> HttpResponse:
    """Create a batch of every shop with a bank account and a payable balance."""
    _require_permission(request)
    try:
        batch = payout_batch_create(operator=request.user)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect(reverse(f"{PAYOUTS_NAMESPACE}:index"))
    messages.success(request, _("Batch %(number)s created.") % {"number": batch.number})
    return redirect(reverse(f"{PAYOUTS_NAMESPACE}:batch", args=[batch.pk]))


def _get_batch(batch_id):
    batch = payout_batch_get(batch_id=batch_id)
    if batch is None:
        raise Http404
    return batch


@require_GET
def payout_batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    _require_permission(request)
    batch = _get_batch(batch_id)
    payouts = list(payout_batch_payouts(batch=batch))
    for payout in payouts:
        payout.batch = batch  # the reference reads the batch's number: no query per row
        payout.reference_text = payout_reference(payout)
    context = {
        "page_title": _("Payout batch %(number)s") % {"number": batch.number},
        "header_icon": "doc-full",
        "batch": batch,
        "payouts": payouts,
        "total": sum(payout.amount for payout in payouts if payout.status != "failed"),
        "index_url": reverse(f"{PAYOUTS_NAMESPACE}:index"),
        "paid_form": MarkPaidForm(),
        "failed_form": MarkFailedForm(),
    }
    return TemplateResponse(request, "payments/operator/payout_batch.html", context)


@require_POST
def payout_batch_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's CSV for the bank, as a download; exporting moves its pending payouts to processing."""
    _require_permission(request)
    batch = _get_batch(batch_id)
    content = payout_batch_export(batch=batch, operator=request.user)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _get_payout(payout_id):
    payout = payout_get(payout_id=payout_id)
    if payout is None or payout.batch_id is None:
        raise Http404
    return payout


def _back_to_batch(payout) -> HttpResponse:
    return redirect(reverse(f"{PAYOUTS_NAMESPACE}:batch", args=[payout.batch_id]))


@require_POST
def payout_paid(request: HttpRequest, payout_id: int) -> HttpResponse:
    _require_permission(request)
    payout = _get_payout(payout_id)
    form = MarkPaidForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    _attempt(
        request,
        lambda: payout_mark_paid(payout=payout, operator=request.user, reference=reference),
        _("Payout of %(amount)s to %(shop)s marked paid.")
        % {"amount": format_rupiah(payout.amount), "shop": payout.shop.name},
    )
    return _back_to_batch(payout)


@require_POST
def payout_failed(request: HttpRequest, payout_id: int) -> HttpResponse:
    _require_permission(request)
    payout = _get_payout(payout_id)
    _attempt(
        request,
        lambda: payout_mark_failed(payout=payout, operator=request.user, reason=request.POST.get("reason", "")),
        _("Payout of %(amount)s to %(shop)s marked failed; the amount is back in the shop's balance.")
        % {"amount": format_rupiah(payout.amount), "shop": payout.shop.name},
    )
    return _back_to_batch(payout)


# --- Reconciliation -------------------------------------------------------------------------------------------


def _report_day(request: HttpRequest):
    """The day asked for (`?date=YYYY-MM-DD`), else yesterday in WITA; the form carries a bad value's error."""
    if "date" not in request.GET:
        day = report_default_day()
        return day, ReportDayForm(initial={"date": day})
    form = ReportDayForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["date"], form
    return report_default_day(), form


@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    _require_permission(request)
    day, form = _report_day(request)
    report = reconciliation_for_day(day=day)
    methods = [
        {
            "method": method,
            "rows": [{"row": row, "label": ROW_LABELS[row.key]} for row in method.rows],
        }
        for method in report.methods
    ]
    context = {
        "page_title": _("Reconciliation"),
        "header_icon": "doc-full",
        "form": form,
        "report": report,
        "methods": methods,
        "platform": report.platform,
        "csv_url": f"{reverse(f'{RECONCILIATION_NAMESPACE}:csv')}?{urlencode({'date': day.isoformat()})}",
    }
    return TemplateResponse(request, "payments/operator/reconciliation.html", context)


@require_GET
def reconciliation_csv(request: HttpRequest) -> HttpResponse:
    _require_permission(request)
    day, _form = _report_day(request)
    report = reconciliation_for_day(day=day)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECONCILIATION_CSV_COLUMNS)
    writer.writerows(reconciliation_csv_rows(report))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rekonsiliasi-{day.isoformat()}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
