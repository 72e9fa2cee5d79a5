"""The seller's statistics (/penjual/statistik/, its CSV, `GET /api/v1/seller/statistics/`): figures on a small
fixture checked against values computed by hand, empty periods filled, another shop never counted, constant
queries, permissions, and the demo seller's real demo sales."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.urls import reverse
from rest_framework.test import APIClient

from orders.models import Review, ShopOrder
from orders.selectors.statistics import buckets, seller_statistics
from orders.services import fulfilment
from orders.services.reviews import review_create
from shops.models import ProductViewDay
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.orders.builders import cart_with, place, shop_with_shipping, variant_of
from tests.payments.money import complete, pay
from tests.shops.test_demo_catalogue import demo, seeded  # noqa: F401 - the module fixture seeds once

WITA = ZoneInfo("Asia/Makassar")
START, END = date(2026, 11, 1), date(2026, 11, 7)  # Sunday 1 to Saturday 7 November 2026
URL = "/penjual/statistik/"
API_URL = "/api/v1/seller/statistics/"


def wita(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WITA)


def order(shop, option, lines, *, buyer, payment_method="bank_transfer"):
    placed = place(cart_with(lines), buyer=buyer, shipping={shop.pk: option.pk}, payment_method=payment_method)
    return placed.order, placed.order.shop_orders.get(shop=shop)


def dated(shop_order, *, placed: datetime, paid: datetime | None):
    ShopOrder.objects.filter(pk=shop_order.pk).update(paid_at=paid)
    type(shop_order.order).objects.filter(pk=shop_order.order_id).update(created_at=placed)


@pytest.fixture
def fixture(db):
    """Shop A (P1 at Rp 10.000, P2 at Rp 25.000) and shop B; two buyers, of whom buyer 1 orders twice.

    In 1-7 November (WITA) the sales are: O1 buyer 1, 2 P1 = 20.000 paid 1 Nov 10:00; O2 buyer 1, P1 + P2 =
    35.000 paid 4 Nov 00:30 WITA (still 3 Nov in UTC); O3 buyer 2, cash on delivery, 2 P2 = 50.000 placed 5 Nov
    09:00 (not collected yet). Not sales: O4 awaiting payment, O5 cancelled, O6 refunded, O7 paid 8 Nov 00:10
    WITA (after the range), and shop B's order.
    """
    shop, flat, _pickup = shop_with_shipping(cash_on_delivery=True, fee=10_000)
    other, other_flat, _ = shop_with_shipping(fee=10_000)
    p1 = variant_of(shop, price=10_000, stock=100)
    p2 = variant_of(shop, price=25_000, stock=100)
    elsewhere = variant_of(other, price=99_000, stock=100)
    buyer1, buyer2 = VerifiedUserFactory(), VerifiedUserFactory()

    o1, so1 = order(shop, flat, [(p1, 2)], buyer=buyer1)
    pay(o1)
    complete(so1)
    o2, so2 = order(shop, flat, [(p1, 1), (p2, 1)], buyer=buyer1)
    pay(o2)
    complete(so2)
    _o3, so3 = order(shop, flat, [(p2, 2)], buyer=buyer2, payment_method="cod")
    _o4, so4 = order(shop, flat, [(p1, 1)], buyer=buyer2)
    _o5, so5 = order(shop, flat, [(p2, 1)], buyer=buyer2)
    fulfilment.shop_order_cancel(shop_order=so5, user=buyer2, reason="", actor="shopper")
    o6, so6 = order(shop, flat, [(p1, 1)], buyer=buyer2)
    pay(o6)
    o7, so7 = order(shop, flat, [(p1, 1)], buyer=buyer2)
    pay(o7)
    complete(so7)
    ob, sob = order(other, other_flat, [(elsewhere, 1)], buyer=buyer1)
    pay(ob)

    ShopOrder.objects.filter(pk=so6.pk).update(status=ShopOrder.Status.REFUNDED)
    dated(so1, placed=wita(1, 9), paid=wita(1, 10))
    dated(so2, placed=wita(3, 20), paid=wita(4, 0, 30))
    dated(so3, placed=wita(5, 9), paid=None)
    dated(so4, placed=wita(2, 9), paid=None)
    dated(so5, placed=wita(2, 10), paid=None)
    dated(so6, placed=wita(2, 11), paid=wita(2, 12))
    dated(so7, placed=wita(7, 23), paid=wita(8, 0, 10))
    dated(sob, placed=wita(2, 9), paid=wita(2, 10))

    buyer1.refresh_from_db()
    r1 = review_create(order_line=so1.lines.get(), user=buyer1, rating=5, text="")
    r2 = review_create(order_line=so2.lines.get(variant=p2), user=buyer1, rating=3, text="")
    r7 = review_create(order_line=so7.lines.get(), user=buyer2, rating=1, text="")
    Review.objects.filter(pk=r1.pk).update(created_at=wita(3, 8))
    Review.objects.filter(pk=r2.pk).update(created_at=wita(6, 8))
    Review.objects.filter(pk=r7.pk).update(created_at=wita(8, 8))  # after the range

    ProductViewDay.objects.create(product=p1.product, day=date(2026, 11, 1), views=10)
    ProductViewDay.objects.create(product=p1.product, day=date(2026, 11, 4), views=10)
    ProductViewDay.objects.create(product=p2.product, day=date(2026, 11, 5), views=40)
    ProductViewDay.objects.create(product=p1.product, day=date(2026, 11, 8), views=100)  # after the range
    ProductViewDay.objects.create(product=elsewhere.product, day=date(2026, 11, 2), views=50)  # shop B
    seller = shop.members.get(role="owner").user
    return {"shop": shop, "other": other, "seller": seller, "p1": p1.product, "p2": p2.product}


def test_figures_match_the_hand_computed_values(fixture):
    stats = seller_statistics(shop=fixture["shop"], start=START, end=END, bucket="day")
    assert stats["sales"] == 105_000
    assert stats["orders"] == 3
    assert stats["average_order"] == 35_000
    assert stats["views"] == 60
    assert stats["conversion"] == 0.05
    assert stats["rating_average"] == 4.0
    assert stats["rating_count"] == 2
    assert stats["buyers"] == 2
    assert stats["repeat_buyers"] == 1
    assert stats["repeat_share"] == 0.5
    assert [(row["start"].day, row["sales"], row["orders"], row["views"]) for row in stats["series"]] == [
        (1, 20_000, 1, 10),
        (2, 0, 0, 0),
        (3, 0, 0, 0),
        (4, 35_000, 1, 10),
        (5, 50_000, 1, 40),
        (6, 0, 0, 0),
        (7, 0, 0, 0),
    ]
    top = [
        (row["product_id"], row["units"], row["revenue"], row["orders"], row["views"], row["conversion"])
        for row in stats["top_products"]
    ]
    assert top == [
        (fixture["p2"].pk, 3, 75_000, 2, 40, 0.05),
        (fixture["p1"].pk, 3, 30_000, 2, 20, 0.1),
    ]


def test_weekly_and_monthly_buckets_are_clipped_to_the_range(fixture):
    weekly = seller_statistics(shop=fixture["shop"], start=START, end=END, bucket="week")
    assert [(row["start"], row["end"], row["sales"], row["orders"]) for row in weekly["series"]] == [
        (date(2026, 11, 1), date(2026, 11, 1), 20_000, 1),
        (date(2026, 11, 2), date(2026, 11, 7), 85_000, 2),
    ]
    monthly = seller_statistics(shop=fixture["shop"], start=date(2026, 10, 15), end=date(2026, 11, 30), bucket="month")
    assert [(row["start"], row["end"], row["sales"], row["orders"]) for row in monthly["series"]] == [
        (date(2026, 10, 15), date(2026, 10, 31), 0, 0),
        (date(2026, 11, 1), date(2026, 11, 30), 115_000, 4),  # O7 on 8 November is in November
    ]


def test_buckets_fill_a_range_without_gaps():
    assert buckets(date(2026, 12, 30), date(2027, 1, 2), "day") == [
        (date(2026, 12, 30), date(2026, 12, 30)),
        (date(2026, 12, 31), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 1)),
        (date(2027, 1, 2), date(2027, 1, 2)),
    ]
    months = buckets(date(2026, 1, 31), date(2026, 12, 31), "month")
    assert len(months) == 12
    assert months[1] == (date(2026, 2, 1), date(2026, 2, 28))


def test_another_shop_is_never_counted(fixture):
    stats = seller_statistics(shop=fixture["other"], start=START, end=END, bucket="day")
    assert stats["sales"] == 99_000
    assert stats["orders"] == 1
    assert stats["views"] == 50
    assert [row["product_id"] for row in stats["top_products"]] not in ([fixture["p1"].pk], [fixture["p2"].pk])


def test_constant_queries_whatever_the_range(fixture, django_assert_num_queries):
    with django_assert_num_queries(5):
        seller_statistics(shop=fixture["shop"], start=START, end=END, bucket="day")
    with django_assert_num_queries(5):
        seller_statistics(shop=fixture["shop"], start=date(2025, 12, 1), end=date(2026, 11, 30), bucket="day")


def test_the_page_shows_the_figures(client, fixture, django_assert_max_num_queries):
    client.force_login(fixture["seller"])
    with django_assert_max_num_queries(15):
        response = client.get(URL, {"start": "2026-11-01", "end": "2026-11-07"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-sales="105000"' in content
    assert 'data-orders="3"' in content
    assert 'role="img"' in content
    assert "<svg" in content
    assert content.count("data-bucket=") == 7
    assert f'data-product="{fixture["p2"].pk}"' in content
    assert response.context["stats"]["sales"] == 105_000


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-11-07", "end": "2026-11-01"},
        {"start": "2025-01-01", "end": "2026-11-07"},
        {"start": "kemarin", "end": "2026-11-07"},
        {"bucket": "year"},
    ],
)
def test_bad_input_shows_an_error_and_the_default_range(client, fixture, query):
    client.force_login(fixture["seller"])
    response = client.get(URL, query)
    assert response.status_code == 400
    assert response.context["errors"]
    assert (response.context["end"] - response.context["start"]).days == 29
    assert "data-errors" in response.content.decode()
    assert client.get(reverse("orders_seller_statistics:csv"), query).status_code == 400


def test_english_error_message(client, fixture):
    client.force_login(fixture["seller"])
    response = client.get("/en/penjual/statistik/", {"start": "2026-11-07", "end": "2026-11-01"})
    assert "The end date is before the start date." in response.content.decode()


def test_a_user_without_a_shop_is_sent_to_open_one(client, fixture):
    client.force_login(VerifiedUserFactory())
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("seller:start")
    assert client.get(reverse("orders_seller_statistics:csv")).status_code == 302


def test_an_unverified_or_anonymous_user_sees_nothing(client, fixture):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    response = client.get(URL)
    assert "stats" not in (response.context or {})


def test_another_sellers_page_shows_only_their_shop(client, fixture):
    client.force_login(fixture["other"].members.get(role="owner").user)
    response = client.get(URL, {"start": "2026-11-01", "end": "2026-11-07"})
    assert response.status_code == 200
    assert response.context["stats"]["sales"] == 99_000
    assert f'data-product="{fixture["p1"].pk}"' not in response.content.decode()


def test_csv_export(client, fixture):
    client.force_login(fixture["seller"])
    response = client.get(
        reverse("orders_seller_statistics:csv"), {"start": "2026-11-01", "end": "2026-11-07", "bucket": "week"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = [line.split(",") for line in response.content.decode().splitlines()]
    assert ["2026-11-01", "2026-11-01", "20000", "1", "10"] in rows
    assert ["2026-11-02", "2026-11-07", "85000", "2", "50"] in rows
    assert any(row[1:] == ["105000"] for row in rows)
    assert [fixture["p2"].title, "3", "75000", "2", "40", "0.05"] in rows


def test_csv_cells_are_guarded_against_formulas(client, fixture):
    fixture["p2"].__class__.objects.filter(pk=fixture["p2"].pk).update(title="=HYPERLINK(1)")
    client.force_login(fixture["seller"])
    content = client.get(
        reverse("orders_seller_statistics:csv"), {"start": "2026-11-01", "end": "2026-11-07"}
    ).content.decode()
    assert "\n=HYPERLINK" not in content
    assert "'=HYPERLINK(1)" in content


def test_api_gives_the_same_figures(fixture):
    api = APIClient()
    api.force_authenticate(fixture["seller"])
    response = api.get(API_URL, {"start": "2026-11-01", "end": "2026-11-07", "bucket": "week"})
    assert response.status_code == 200
    data = response.json()
    assert data["sales"] == 105_000
    assert data["orders"] == 3
    assert data["conversion"] == 0.05
    assert data["repeat_buyers"] == 1
    assert data["rating_average"] == 4.0
    assert [(row["start"], row["sales"]) for row in data["series"]] == [("2026-11-01", 20_000), ("2026-11-02", 85_000)]
    assert data["top_products"][0]["product_id"] == fixture["p2"].pk


def test_api_refuses_bad_input_and_callers_without_a_shop(fixture):
    api = APIClient()
    api.force_authenticate(fixture["seller"])
    response = api.get(API_URL, {"start": "2026-11-07", "end": "2026-11-01"})
    assert response.status_code == 400
    assert "end" in response.json() or "end" in str(response.json())
    api.force_authenticate(VerifiedUserFactory())
    assert api.get(API_URL).status_code == 404
    assert APIClient().get(API_URL).status_code in (401, 403)


def test_api_is_in_the_schema(client):
    response = client.get("/api/schema/")
    assert b"/api/v1/seller/statistics/" in response.content


def test_the_demo_sellers_page_shows_their_demo_sales(client, demo):  # noqa: F811
    from accounts.models import User
    from orders.selectors.statistics import SALE_STATUSES
    from shops.models import Shop

    seller = User.objects.get(email="penjual@pasarumkm.test")
    shop = Shop.objects.get(members__user=seller, members__role="owner")
    # The demo orders are all placed today: every shop order of the demo shop that is a sale.
    expected = ShopOrder.objects.filter(shop=shop, status__in=SALE_STATUSES).aggregate(total=Sum("subtotal"))["total"]
    assert expected
    assert expected > 0
    client.force_login(seller)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["stats"]["sales"] == expected
    assert f'data-sales="{expected}"' in response.content.decode()
