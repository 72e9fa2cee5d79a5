"""The seller's money at /penjual/saldo/ (namespace `payments_seller`): balance, ledger, monthly CSV statement,
payouts and where they go; and the seller's refunds, posted from the order page (/penjual/pesanan/<number>/).

Who: a verified user who is a member of a shop. The shop is the one `shops.selectors.seller_membership` finds
(no shop id from the client); a shop order is found with `shop_order_get_for_seller`, so another shop's order
is a 404 and changes nothing. Owner and staff both see the balance and may refund (the refund rules are the
service's); only the owner changes where payouts go: staff see the bank account read-only and their posts are
refused (403) before anything is read. Errors of a form re-render its page (400) with the messages next to the
fields; a state that no longer allows the action answers 409; nothing changes then.
"""

import csv

from allauth.account.decorators import verified_email_required
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shops.models import ShopMember
from shops.selectors import seller_membership

from .errors import ProviderError
from .forms_seller import BankAccountForm, add_service_errors
from .selectors import shop_balance, shop_ledger_entries
from .selectors_seller import (
    WITA,
    ledger_entries_with_commission,
    month_current,
    month_parse,
    shop_payout_account,
    shop_payouts,
    shop_statement,
    stripe_connect_state,
)
from .services.payouts import payout_account_update_bank

PAGE_SIZE = 25
PAYOUTS_SHOWN = 20
TEMPLATES = "payments/seller"
OWNER_ONLY_MESSAGE = _("Only the shop owner can do this.")
NOT_A_MONTH_MESSAGE = _("Choose a month, for example 2026-11.")
# What a cell may not start with in a CSV opened by a spreadsheet: it would run as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def stripe_connect_available() -> bool:
    """The Stripe Connect block is shown only when Connect is on and Stripe's keys are configured."""
    return bool(settings.STRIPE_CONNECT_ENABLED and settings.STRIPE_SECRET_KEY)


def _refused(request: HttpRequest, shop, message=OWNER_ONLY_MESSAGE) -> HttpResponse:
    return TemplateResponse(request, "shops/seller/refused.html", {"shop": shop, "message": message}, status=403)


# --- The balance page -----------------------------------------------------------------------------------------


def _balance_context(request: HttpRequest, membership: ShopMember, *, bank_form: BankAccountForm | None = None):
    """Everything the page shows, at a fixed number of queries whatever the number of entries: the balance (1),
    the page of entries and its count (2), the commissions of its sales (1), the payouts (1), the payout
    account (1)."""
    shop = membership.shop
    month_value = request.GET.get("month", "").strip()
    month = month_parse(month_value)
    if month is not None:
        entries = shop_ledger_entries(shop=shop, start=month.start, end=month.end)
    else:
        entries = shop_ledger_entries(shop=shop)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    account = shop_payout_account(shop=shop)
    is_owner = membership.role == ShopMember.Role.OWNER
    if bank_form is None:
        initial = {}
        if account is not None:
            initial = {
                "bank_name": account.bank_name,
                "account_number": account.account_number,
                "account_holder": account.account_holder,
            }
        bank_form = BankAccountForm(initial=initial)
    statement_month = month or month_current()
    return {
        "shop": shop,
        "is_owner": is_owner,
        "balance": shop_balance(shop=shop),
        "auto_complete_days": settings.ORDER_AUTO_COMPLETE_DAYS,
        "month": month,
        "month_value": str(month) if month else "",
        "month_invalid": bool(month_value) and month is None,
        "page": page,
        "entries": ledger_entries_with_commission(page.object_list),
        "statement_month": statement_month,
        "statement_url": reverse("payments_seller:statement", kwargs={"month": str(statement_month)}),
        "previous_month": str(statement_month.previous),
        "next_month": str(statement_month.next) if statement_month.next.start <= timezone.now() else "",
        "payouts": list(shop_payouts(shop=shop)[:PAYOUTS_SHOWN]),
        "account": account,
        "bank_form": bank_form,
        "stripe_available": stripe_connect_available(),
        "stripe_state": stripe_connect_state(account),
        "stripe_back": request.GET.get("stripe", ""),
    }


@verified_email_required
@require_safe
def balance(request: HttpRequest) -> HttpResponse:
    """`payments_seller:balance`: the balance, the ledger (`?month=YYYY-MM`, 25 per page), the payouts and the
    payout settings."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    return TemplateResponse(request, f"{TEMPLATES}/balance.html", _balance_context(request, membership))


def _cell(value):
    """A text cell a spreadsheet will not run as a formula; numbers stay numbers."""
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@verified_email_required
@require_safe
def statement_csv(request: HttpRequest, month: str) -> HttpResponse:
    """`payments_seller:statement`: the month's statement as CSV (dates in WITA): the opening balance, each entry
    with its running balance, the closing balance. Amounts are whole rupiah without separators, so a
    spreadsheet can add them up. Balances count every entry, pending and available."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    parsed = month_parse(month)
    if parsed is None:
        raise Http404
    shop = membership.shop
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="saldo-{shop.slug}-{parsed}.csv"'
    write_statement(response, shop=shop, month=parsed)
    return response


def write_statement(stream, *, shop, month) -> None:
    """The CSV statement of `shop` for `month` written to `stream` (the page and the API share it)."""
    statement = shop_statement(shop=shop, month=month)
    writer = csv.writer(stream)
    header = (_("Date (WITA)"), _("Kind"), _("Order"), _("Description"), _("Amount"), _("Balance"))
    writer.writerow([str(title) for title in header])
    writer.writerow(["", _cell(gettext("Opening balance")), "", "", "", statement.opening])
    for row in statement.rows:
        entry = row.entry
        writer.writerow(
            [
                timezone.localtime(entry.created_at, WITA).strftime("%Y-%m-%d %H:%M"),
                _cell(entry.get_kind_display()),
                _cell(entry.shop_order.number if entry.shop_order_id else ""),
                _cell(entry.summary),
                entry.amount,
                row.balance,
            ]
        )
    writer.writerow(["", _cell(gettext("Closing balance")), "", "", "", statement.closing])


# --- Payout settings ------------------------------------------------------------------------------------------


@verified_email_required
@require_POST
def bank_account_update(request: HttpRequest) -> HttpResponse:
    """`payments_seller:bank-account`: the owner's bank account for payouts (staff: 403, nothing read)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    if membership.role != ShopMember.Role.OWNER:
        return _refused(request, membership.shop)
    form = BankAccountForm(request.POST)
    if form.is_valid():
        try:
            payout_account_update_bank(shop=membership.shop, user=request.user, **form.cleaned_data)
        except PermissionDenied:
            return _refused(request, membership.shop)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your bank account for payouts is saved."))
            return redirect(reverse("payments_seller:balance") + "#pencairan")
    context = _balance_context(request, membership, bank_form=form)
    return TemplateResponse(request, f"{TEMPLATES}/balance.html", context, status=400)


@verified_email_required
@require_POST
def stripe_connect(request: HttpRequest) -> HttpResponse:
    """`payments_seller:stripe-connect`: the owner goes to Stripe's onboarding; Stripe sends them back to the
    balance page (`?stripe=return`, or `?stripe=refresh` when the link expired and a new one is needed). The
    account's state changes only when Stripe's `account.updated` event arrives, never from the redirect."""
    from .services.connect import stripe_connect_onboarding_url  # the Stripe side is optional in the demo

    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    if membership.role != ShopMember.Role.OWNER:
        return _refused(request, membership.shop)
    if not stripe_connect_available():
        raise Http404
    page = request.build_absolute_uri(reverse("payments_seller:balance"))
    try:
        url = stripe_connect_onboarding_url(
            shop=membership.shop,
            user=request.user,
            refresh_url=f"{page}?stripe=refresh#pencairan",
            return_url=f"{page}?stripe=return#pencairan",
        )
    except PermissionDenied:
        return _refused(request, membership.shop)
    except ProviderError as error:
        if error.retryable:
            messages.error(request, _("Stripe could not be reached. Try again in a moment."))
        else:
            messages.error(request, error.message)  # the gateway's translated reason
        return redirect(reverse("payments_seller:balance") + "#pencairan")
    return redirect(url)
