"""The seller's statistics at /penjual/statistik/ (namespace `orders_seller_statistics`) and its CSV export.

Who: a verified user who is a member of a shop (`shops.selectors.seller_membership`, owner or staff; no shop id
from the client, so another shop's figures are never reachable). A user without a shop is sent to open one.
The figures are `orders.selectors.statistics.seller_statistics` (what counts is written there). Bad dates or
bucket: the page shows the error and the default range (last 30 days) with status 400; the CSV answers 400.
"""

import csv
from datetime import timedelta

from allauth.account.decorators import verified_email_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from marketplace.core.templatetags.money import rupiah
from shops.selectors import seller_membership

from ..charts import bar_chart
from ..selectors.statistics import (
    default_bucket,
    default_range,
    parse_range,
    seller_statistics,
    today_wita,
)

# What a cell may not start with in a CSV opened by a spreadsheet: it would run as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A text cell a spreadsheet will not run as a formula; numbers stay numbers, None an empty cell."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _label(first, bucket: str) -> str:
    return date_format(first, "M Y" if bucket == "month" else "j M")


def _errors(error) -> list[str]:
    return [str(message) for messages in error.message_dict.values() for message in messages]


def _quick_links() -> list[dict]:
    today = today_wita()
    ranges = [
        (gettext("Last 7 days"), today - timedelta(days=6)),
        (gettext("Last 30 days"), today - timedelta(days=29)),
        (gettext("Last 90 days"), today - timedelta(days=89)),
        (gettext("This month"), today.replace(day=1)),
    ]
    return [
        {"label": label, "query": urlencode({"start": start.isoformat(), "end": today.isoformat()})}
        for label, start in ranges
    ]


@verified_email_required
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    """`orders_seller_statistics:page`: summary, charts per bucket, top products, rating and repeat buyers for
    `?start=YYYY-MM-DD&end=YYYY-MM-DD&bucket=day|week|month` (default: the last 30 days)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    errors: list[str] = []
    status = 200
    try:
        start, end, bucket = parse_range(request.GET)
    except ValidationError as error:  # show it, then the default range
        errors = _errors(error)
        status = 400
        start, end = default_range()
        bucket = default_bucket(start, end)
    stats = seller_statistics(shop=shop, start=start, end=end, bucket=bucket)
    labels = [_label(row["start"], bucket) for row in stats["series"]]
    charts = {
        "sales": bar_chart(
            title=gettext("Sales per period, %(start)s to %(end)s")
            % {"start": date_format(start), "end": date_format(end)},
            labels=labels,
            values=[row["sales"] for row in stats["series"]],
            value_format=rupiah,
        ),
        "orders": bar_chart(
            title=gettext("Orders per period, %(start)s to %(end)s")
            % {"start": date_format(start), "end": date_format(end)},
            labels=labels,
            values=[row["orders"] for row in stats["series"]],
            color="#1d4ed8",
        ),
    }
    query = urlencode({"start": start.isoformat(), "end": end.isoformat(), "bucket": bucket})
    context = {
        "shop": shop,
        "stats": stats,
        "rows": [dict(row, label=label) for row, label in zip(stats["series"], labels, strict=True)],
        "charts": charts,
        "errors": errors,
        "start": start,
        "end": end,
        "bucket": bucket,
        "buckets": [("day", gettext("Day")), ("week", gettext("Week")), ("month", gettext("Month"))],
        "quick_links": _quick_links(),
        "csv_url": f"{reverse('orders_seller_statistics:csv')}?{query}",
    }
    return TemplateResponse(request, "orders/seller/statistics.html", context, status=status)


def write_statistics_csv(stats: dict, response) -> None:
    """The figures as three CSV tables one after the other: the summary, the series, the products."""
    writer = csv.writer(response)
    writer.writerow([gettext("Figure"), gettext("Value")])
    summary = [
        (gettext("Start"), stats["start"].isoformat()),
        (gettext("End"), stats["end"].isoformat()),
        (gettext("Sales"), stats["sales"]),
        (gettext("Orders"), stats["orders"]),
        (gettext("Average order"), stats["average_order"]),
        (gettext("Product page views"), stats["views"]),
        (gettext("Conversion (orders per view)"), stats["conversion"]),
        (gettext("Average rating"), stats["rating_average"]),
        (gettext("Reviews"), stats["rating_count"]),
        (gettext("Buyers"), stats["buyers"]),
        (gettext("Repeat buyers"), stats["repeat_buyers"]),
    ]
    for name, value in summary:
        writer.writerow([_cell(name), _cell(value)])
    writer.writerow([])
    writer.writerow([gettext("From"), gettext("To"), gettext("Sales"), gettext("Orders"), gettext("Views")])
    for row in stats["series"]:
        writer.writerow([row["start"].isoformat(), row["end"].isoformat(), row["sales"], row["orders"], row["views"]])
    writer.writerow([])
    writer.writerow(
        [
            gettext("Product"),
            gettext("Units"),
            gettext("Revenue"),
            gettext("Orders"),
            gettext("Views"),
            gettext("Conversion"),
        ]
    )
    for row in stats["top_products"]:
        writer.writerow(
            [
                _cell(row["title"]),
                row["units"],
                row["revenue"],
                row["orders"],
                row["views"],
                _cell(row["conversion"]),
            ]
        )


@verified_email_required
@require_safe
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """`orders_seller_statistics:csv`: the page's figures as CSV (same query string); 400 for bad input."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    try:
        start, end, bucket = parse_range(request.GET)
    except ValidationError as error:
        return HttpResponse("\n".join(_errors(error)), status=400, content_type="text/plain; charset=utf-8")
    stats = seller_statistics(shop=membership.shop, start=start, end=end, bucket=bucket)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistik-{start.isoformat()}-{end.isoformat()}.csv"'
    write_statistics_csv(stats, response)
    return response
