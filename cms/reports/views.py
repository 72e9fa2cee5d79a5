"""The operators' reports in the Wagtail admin (`/cms/laporan/`, namespace `reports`), registered in
`cms.reports.hooks`; the figures come from `cms.reports.figures`:

- `penjualan/` sales per month (GMV, orders, average order value, active and new shops) and `penjualan.csv`;
- `wilayah/` per district and per top-level category, `kecamatan.csv` and `kategori.csv`;
- `pembayaran/` the payment-method mix per month, `pembayaran.csv`;
- `pelatihan/` the workshop funnel over every cohort and per cohort, `pelatihan-corong.csv`, `pelatihan-kohort.csv`.

Each page but the funnel takes a period (`?from=YYYY-MM&to=YYYY-MM`, the last twelve months by default; a wrong
period is reported on the page and the default is shown). CSV files have a header row, whole rupiah without
separators, months as YYYY-MM and dates in WITA, and no cell a spreadsheet would run as a formula.

Read-only pages for operators only (`shops.selectors.user_is_operator`, as the workshops' and shops' operator
screens): anyone else gets Wagtail's "no permission" answer (a redirect to the dashboard with a message);
anonymous visitors are sent to the login page by Wagtail first.
"""

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cms.programme.definitions import WITA
from shops.selectors import user_is_operator

from . import figures

NAMESPACE = "reports"
PAGE_SIZE = 50
# What a cell may not start with in a CSV opened by a spreadsheet: it would run as a formula (as payments does).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

STEP_LABELS = {
    "registered": _("Registered"),
    "attended": _("Attended"),
    "shop_approved": _("Shop approved"),
    "first_product": _("First product with a photo"),
    "first_sale": _("First sale"),
}


def user_can_see_reports(user) -> bool:
    return user_is_operator(user)


def _require_operator(request: HttpRequest) -> None:
    if not user_can_see_reports(request.user):
        raise PermissionDenied


# --- The period -------------------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    start = forms.CharField(label=_("From month"), max_length=7, required=False)
    end = forms.CharField(label=_("To month"), max_length=7, required=False)

    def __init__(self, *args, default: figures.Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default

    def clean_start(self):
        return self._month(self.cleaned_data.get("start"), self.default.first)

    def clean_end(self):
        return self._month(self.cleaned_data.get("end"), self.default.last)

    def _month(self, value, default):
        if not value:
            return default
        month = figures.parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Choose a month, for example 2026-11."))
        return month

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The first month comes after the last one."))
            if len(figures.months_between(start, end)) > figures.MAX_MONTHS:
                raise forms.ValidationError(_("Choose at most %(count)s months.") % {"count": figures.MAX_MONTHS})
        return cleaned


def _period(request: HttpRequest) -> tuple[figures.Period, PeriodForm]:
    default = figures.default_period()
    data = {"start": request.GET.get("from", ""), "end": request.GET.get("to", "")}
    form = PeriodForm(data, default=default)
    if form.is_valid():
        return figures.Period(first=form.cleaned_data["start"], last=form.cleaned_data["end"]), form
    return default, form


def _query(period: figures.Period) -> str:
    return urlencode({"from": period.first, "to": period.last})


# --- CSV --------------------------------------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv(filename: str, header: list, rows: list[list]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(str(title)) for title in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _context(request, *, title: str, period=None, form=None, **extra) -> dict:
    context = {
        "page_title": title,
        "header_icon": "table",
        "period": period,
        "form": form,
        "links": [
            (reverse(f"{NAMESPACE}:sales"), _("Sales"), "sales"),
            (reverse(f"{NAMESPACE}:regions"), _("Districts and categories"), "regions"),
            (reverse(f"{NAMESPACE}:payments"), _("Payment methods"), "payments"),
            (reverse(f"{NAMESPACE}:funnel"), _("Workshop funnel"), "funnel"),
        ],
    }
    if period is not None:
        context["query"] = _query(period)
    context.update(extra)
    return context


# --- Sales ------------------------------------------------------------------------------------------------------


def _sales_csv_rows(report) -> tuple[list, list]:
    header = [
        gettext("Month"),
        gettext("GMV (Rp)"),
        gettext("Orders"),
        gettext("Average order value (Rp)"),
        gettext("Active shops at month end"),
        gettext("New shops"),
    ]
    rows = [
        [row["month"], row["gmv"], row["orders"], row["average"], row["active_shops"], row["new_shops"]]
        for row in report["rows"]
    ]
    totals = report["totals"]
    rows.append([gettext("Total"), totals["gmv"], totals["orders"], totals["average"], "", totals["new_shops"]])
    return header, rows


@require_safe
def sales(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, form = _period(request)
    report = figures.sales_by_month(period)
    context = _context(
        request,
        title=gettext("Sales"),
        period=period,
        form=form,
        report=report,
        current="sales",
        csv_url=reverse(f"{NAMESPACE}:sales-csv") + "?" + _query(period),
    )
    return TemplateResponse(request, "cms/reports/sales.html", context)


@require_safe
def sales_csv(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, _form = _period(request)
    header, rows = _sales_csv_rows(figures.sales_by_month(period))
    return _csv(f"laporan-penjualan-{period.slug}.csv", header, rows)


# --- Districts and categories -----------------------------------------------------------------------------------


def _districts_csv(report) -> tuple[list, list]:
    header = [
        gettext("District code"),
        gettext("District"),
        gettext("Regency or city"),
        gettext("Registered shops"),
        gettext("Approved shops"),
        gettext("Active shops"),
        gettext("GMV (Rp)"),
        gettext("Orders"),
    ]
    rows = [
        [
            row["code"],
            row["name"] or gettext("No district"),
            row["regency"],
            row["registered"],
            row["approved"],
            row["active"],
            row["gmv"],
            row["orders"],
        ]
        for row in report["rows"]
    ]
    totals = report["totals"]
    rows.append(
        [
            "",
            gettext("Total"),
            "",
            totals["registered"],
            totals["approved"],
            totals["active"],
            totals["gmv"],
            totals["orders"],
        ]
    )
    return header, rows


def _categories_csv(report) -> tuple[list, list]:
    header = [gettext("Category"), gettext("GMV (Rp)"), gettext("Orders"), gettext("Shops selling")]
    rows = [
        [row["name"] or gettext("Deleted products"), row["gmv"], row["orders"], row["shops"]] for row in report["rows"]
    ]
    totals = report["totals"]
    rows.append([gettext("Total"), totals["gmv"], totals["orders"], totals["shops"]])
    return header, rows


@require_safe
def regions(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, form = _period(request)
    district_report = figures.districts(period)
    page = Paginator(district_report["rows"], PAGE_SIZE).get_page(request.GET.get("p"))
    context = _context(
        request,
        title=gettext("Districts and categories"),
        period=period,
        form=form,
        districts=district_report,
        page=page,
        district_rows=list(page.object_list),
        categories=figures.categories(period),
        current="regions",
        districts_csv_url=reverse(f"{NAMESPACE}:districts-csv") + "?" + _query(period),
        categories_csv_url=reverse(f"{NAMESPACE}:categories-csv") + "?" + _query(period),
    )
    return TemplateResponse(request, "cms/reports/regions.html", context)


@require_safe
def districts_csv(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, _form = _period(request)
    header, rows = _districts_csv(figures.districts(period))
    return _csv(f"laporan-kecamatan-{period.slug}.csv", header, rows)


@require_safe
def categories_csv(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, _form = _period(request)
    header, rows = _categories_csv(figures.categories(period))
    return _csv(f"laporan-kategori-{period.slug}.csv", header, rows)


# --- Payment methods --------------------------------------------------------------------------------------------


def _payments_csv(report) -> tuple[list, list]:
    header = [
        gettext("Month"),
        gettext("Payment method"),
        gettext("Orders"),
        gettext("Share of orders (%)"),
        gettext("GMV (Rp)"),
        gettext("Share of GMV (%)"),
    ]
    rows = []
    for row in report["rows"]:
        for cell in row["methods"]:
            rows.append(
                [row["month"], str(cell["label"]), cell["orders"], cell["orders_share"], cell["gmv"], cell["gmv_share"]]
            )
    for cell in report["totals"]:
        rows.append(
            [gettext("Total"), str(cell["label"]), cell["orders"], cell["orders_share"], cell["gmv"], cell["gmv_share"]]
        )
    return header, rows


@require_safe
def payments(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, form = _period(request)
    context = _context(
        request,
        title=gettext("Payment methods"),
        period=period,
        form=form,
        report=figures.payment_mix(period),
        current="payments",
        csv_url=reverse(f"{NAMESPACE}:payments-csv") + "?" + _query(period),
    )
    return TemplateResponse(request, "cms/reports/payments.html", context)


@require_safe
def payments_csv(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    period, _form = _period(request)
    header, rows = _payments_csv(figures.payment_mix(period))
    return _csv(f"laporan-metode-pembayaran-{period.slug}.csv", header, rows)


# --- The workshop funnel ----------------------------------------------------------------------------------------


def _funnel_csv(report) -> tuple[list, list]:
    header = [
        gettext("Step"),
        gettext("Participants"),
        gettext("Share of the previous step (%)"),
        gettext("Median days from the previous step"),
        gettext("75th percentile days from the previous step"),
    ]
    rows = [
        [str(STEP_LABELS[step.key]), step.count, step.share, step.median_days, step.p75_days]
        for step in report["steps"]
    ]
    return header, rows


def _cohorts_csv(report) -> tuple[list, list]:
    labels = [str(label) for label in STEP_LABELS.values()]
    header = [
        gettext("Workshop"),
        gettext("Status"),
        gettext("First session (WITA)"),
        *labels,
        gettext("Reached the first sale (%)"),
        *[gettext("Median days to: %(step)s") % {"step": label} for label in labels[1:]],
    ]
    rows = []
    for cohort in report["cohorts"]:
        starts = cohort["first_starts_at"]
        rows.append(
            [
                cohort["title"],
                cohort["workshop"].get_status_display(),
                starts.astimezone(WITA).strftime("%Y-%m-%d %H:%M") if starts else "",
                *cohort["counts"],
                cohort["first_sale_share"],
                *[step.median_days for step in cohort["steps"][1:]],
            ]
        )
    return header, rows


@require_safe
def funnel(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    report = figures.workshop_funnel()
    page = Paginator(report["cohorts"], PAGE_SIZE).get_page(request.GET.get("p"))
    steps = [{"step": step, "label": STEP_LABELS[step.key]} for step in report["steps"]]
    context = _context(
        request,
        title=gettext("Workshop funnel"),
        steps=steps,
        step_labels=list(STEP_LABELS.values()),
        page=page,
        cohorts=list(page.object_list),
        current="funnel",
        funnel_csv_url=reverse(f"{NAMESPACE}:funnel-csv"),
        cohorts_csv_url=reverse(f"{NAMESPACE}:cohorts-csv"),
    )
    return TemplateResponse(request, "cms/reports/funnel.html", context)


def _today() -> str:
    return timezone.now().astimezone(WITA).strftime("%Y-%m-%d")


@require_safe
def funnel_csv(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    header, rows = _funnel_csv(figures.workshop_funnel())
    return _csv(f"laporan-corong-pelatihan-{_today()}.csv", header, rows)


@require_safe
def cohorts_csv(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    header, rows = _cohorts_csv(figures.workshop_funnel())
    return _csv(f"laporan-kohort-pelatihan-{_today()}.csv", header, rows)
