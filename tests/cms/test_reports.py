"""The operators' reports (`cms.reports`): figures on a small fixture against numbers worked out by hand, the CSV
files, who may see them, and constant query counts."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.programme.definitions import WITA
from cms.reports import figures
from orders.models import ShopOrder
from orders.services import fulfilment
from shops.models import Shop, Village
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductImageFactory,
    RegencyFactory,
    ShopFactory,
    SubmittedShopFactory,
    VillageFactory,
)
from tests.orders.builders import cart_with, place, shop_with_shipping, variant_of
from tests.payments.conftest import make_operator
from tests.payments.money import pay, seller_of, ship
from tests.workshops.helpers import workshop
from workshops.models import Registration, Workshop
from workshops.services import registration_create

pytestmark = pytest.mark.django_db

PERIOD = figures.Period(first="2026-01", last="2026-03")
QUERY = "?from=2026-01&to=2026-03"


def wita(*args) -> datetime:
    return datetime(*args, tzinfo=WITA)


def district(code, name):
    regency = RegencyFactory(code=code[:5], name=f"Kabupaten {name}")
    return DistrictFactory(code=code, name=name, regency=regency)


def village(of):
    return VillageFactory(code=f"{of.code}.2{Village.objects.count():03d}", district=of)


def buy(lines, *, payment_method="bank_transfer"):
    """A placed order for [(variant, quantity)] from one shop; returns its shop order."""
    buyer = VerifiedUserFactory()
    shop = lines[0][0].product.shop
    flat = shop.shipping_options.get(kind="flat")
    placed = place(
        cart_with(lines, user=buyer), buyer=buyer, shipping={shop.pk: flat.pk}, payment_method=payment_method
    )
    return ShopOrder.objects.get(order=placed.order)


def paid_on(shop_order, moment):
    ShopOrder.objects.filter(pk=shop_order.pk).update(paid_at=moment)


def collect_cash(shop_order):
    shop_order.refresh_from_db()
    if shop_order.status != "shipped":
        ship(shop_order)
        shop_order.refresh_from_db()
    return fulfilment.shop_order_mark_delivered(shop_order=shop_order, user=seller_of(shop_order.shop))


@pytest.fixture
def market():
    """Two approved shops in two districts (A: food, B: crafts), a submitted and a draft shop, and orders:

    Jan: A 2 x 15.000 paid 31 Jan 23:30 WITA (still January), B 1 x 40.000 paid 10 Jan.
    Feb: A 1 x 15.000 cash on delivery, collected (5 Feb); A 3 x 15.000 paid then cancelled; B's cash order not
         collected yet.
    Mar: one order from both shops, paid 1 Mar 00:30 WITA (28 Feb in UTC): A 15.000, B 40.000; B 40.000 refunded.
    Nov (now): A 1 x 15.000 paid (outside the period; makes A active now).
    """
    district_a = DistrictFactory(code="51.03.06", name="Kuta Utara")
    district_b = district("51.04.05", "Ubud")
    shop_a, _flat, _pickup = shop_with_shipping(cash_on_delivery=True, village=village(district_a))
    shop_b, _flat, _pickup = shop_with_shipping(cash_on_delivery=True, village=village(district_b))
    SubmittedShopFactory(village=village(district_a))
    ShopFactory(village=village(district_b))  # a draft: not registered
    Shop.objects.filter(pk=shop_a.pk).update(reviewed_at=wita(2026, 1, 15, 9))
    Shop.objects.filter(pk=shop_b.pk).update(reviewed_at=wita(2026, 3, 20, 9))
    food = CategoryFactory(name="Makanan", slug="makanan")
    chips = CategoryFactory(name="Keripik", slug="keripik", parent=food)
    crafts = CategoryFactory(name="Kerajinan", slug="kerajinan")
    chips_variant = variant_of(shop_a, price=15_000, stock=50, product__category=chips)
    craft_variant = variant_of(shop_b, price=40_000, stock=50, product__category=crafts)

    january_a = buy([(chips_variant, 2)])
    pay(january_a.order)
    paid_on(january_a, wita(2026, 1, 31, 23, 30))
    january_b = buy([(craft_variant, 1)])
    pay(january_b.order)
    paid_on(january_b, wita(2026, 1, 10, 10))

    cash = buy([(chips_variant, 1)], payment_method="cod")
    collect_cash(cash)
    paid_on(cash, wita(2026, 2, 5, 9))
    cancelled = buy([(chips_variant, 3)])
    pay(cancelled.order)
    fulfilment.shop_order_cancel(shop_order=cancelled, user=seller_of(shop_a), reason="Stok habis", actor="seller")
    paid_on(cancelled, wita(2026, 2, 10, 9))
    buy([(craft_variant, 1)], payment_method="cod")  # not collected: no paid_at

    buyer = VerifiedUserFactory()
    flat_a, flat_b = shop_a.shipping_options.get(kind="flat"), shop_b.shipping_options.get(kind="flat")
    both = place(
        cart_with([(chips_variant, 1), (craft_variant, 1)], user=buyer),
        buyer=buyer,
        shipping={shop_a.pk: flat_a.pk, shop_b.pk: flat_b.pk},
    )
    pay(both.order)
    ShopOrder.objects.filter(order=both.order).update(paid_at=wita(2026, 3, 1, 0, 30))
    refunded = buy([(craft_variant, 1)])
    pay(refunded.order)
    ShopOrder.objects.filter(pk=refunded.pk).update(status="refunded", paid_at=wita(2026, 3, 5, 9))

    recent = buy([(chips_variant, 1)])
    pay(recent.order)  # paid now
    return {"shop_a": shop_a, "shop_b": shop_b, "district_a": district_a, "district_b": district_b}


@pytest.fixture
def operator_client(client):
    client.force_login(make_operator())
    return client


# --- Figures ----------------------------------------------------------------------------------------------------


def test_sales_per_month(market):
    report = figures.sales_by_month(PERIOD)

    rows = [
        (row["month"], row["gmv"], row["orders"], row["average"], row["active_shops"], row["new_shops"])
        for row in report["rows"]
    ]
    assert rows == [
        ("2026-01", 70_000, 2, 35_000, 2, 1),
        # A sold on 31 Jan and 5 Feb (within 30 days of 1 Mar); B's 10 Jan sale is too old, its cancelled sale
        # does not count.
        ("2026-02", 15_000, 1, 15_000, 1, 0),
        # The only March sales were at 00:30 on 1 March, more than 30 days before 1 April.
        ("2026-03", 55_000, 2, 27_500, 0, 1),
    ]
    assert report["totals"] == {"gmv": 140_000, "orders": 5, "average": 28_000, "new_shops": 2}


def test_active_shops_in_the_current_month_count_up_to_now(market):
    now = timezone.now()
    month = figures.current_month(now)
    report = figures.sales_by_month(figures.Period(first=month, last=month), now=now)
    assert [(row["gmv"], row["orders"], row["active_shops"]) for row in report["rows"]] == [(15_000, 1, 1)]


def test_by_district(market):
    report = figures.districts(PERIOD)

    rows = {row["code"]: row for row in report["rows"]}
    assert set(rows) == {market["district_a"].code, market["district_b"].code}
    a, b = rows[market["district_a"].code], rows[market["district_b"].code]
    assert (a["name"], a["registered"], a["approved"], a["active"], a["gmv"], a["orders"]) == (
        "Kuta Utara",
        2,
        1,
        1,
        60_000,
        3,
    )
    assert (b["name"], b["registered"], b["approved"], b["active"], b["gmv"], b["orders"]) == (
        "Ubud",
        1,
        1,
        0,
        80_000,
        2,
    )
    assert report["totals"] == {"registered": 3, "approved": 2, "active": 1, "gmv": 140_000, "orders": 5}


def test_by_category_counts_lines_in_their_root_category(market):
    report = figures.categories(PERIOD)

    rows = [(row["slug"], row["gmv"], row["orders"], row["shops"]) for row in report["rows"]]
    # Root categories in tree order (by name); Keripik's sales count under Makanan.
    assert rows == [("kerajinan", 80_000, 2, 1), ("makanan", 60_000, 3, 1)]
    assert report["totals"] == {"gmv": 140_000, "orders": 5, "shops": 2}


def test_payment_method_mix(market):
    report = figures.payment_mix(PERIOD)

    def cells(row):
        return {
            cell["method"]: (cell["orders"], cell["orders_share"], cell["gmv"], cell["gmv_share"])
            for cell in row["methods"]
        }

    january, february, march = report["rows"]
    assert cells(january) == {
        "bank_transfer": (2, 100.0, 70_000, 100.0),
        "cod": (0, 0.0, 0, 0.0),
        "stripe": (0, 0.0, 0, 0.0),
    }
    assert cells(february)["cod"] == (1, 100.0, 15_000, 100.0)
    assert cells(march)["bank_transfer"] == (2, 100.0, 55_000, 100.0)
    totals = {
        cell["method"]: (cell["orders"], cell["orders_share"], cell["gmv"], cell["gmv_share"])
        for cell in report["totals"]
    }
    assert totals == {
        "bank_transfer": (4, 80.0, 125_000, 89.3),
        "cod": (1, 20.0, 15_000, 10.7),
        "stripe": (0, 0.0, 0, 0.0),
    }


def test_cash_on_delivery_counts_once_collected():
    shop, _flat, _pickup = shop_with_shipping(cash_on_delivery=True)
    shop_order = buy([(variant_of(shop, price=25_000), 1)], payment_method="cod")
    ship(shop_order)
    month = figures.current_month()
    period = figures.Period(first=month, last=month)
    assert figures.sales_by_month(period)["totals"]["orders"] == 0

    collect_cash(shop_order)

    assert figures.sales_by_month(period)["totals"] == {"gmv": 25_000, "orders": 1, "average": 25_000, "new_shops": 0}


def test_a_month_without_sales_has_no_shares():
    report = figures.payment_mix(figures.Period(first="2025-05", last="2025-05"))
    assert [cell["orders_share"] for cell in report["rows"][0]["methods"]] == [None, None, None]


def test_dashboard_figures(market):
    now = timezone.now()
    data = figures.dashboard_figures(now)
    assert (data["this_gmv"], data["this_orders"], data["active_shops"], data["waiting_shops"]) == (15_000, 1, 1, 1)
    assert (data["last_gmv"], data["last_orders"]) == (0, 0)


# --- The workshop funnel ----------------------------------------------------------------------------------------

T0 = wita(2026, 3, 2, 10)


def _register(item, user, *, created=T0, checked_in_days=None):
    registration = registration_create(workshop=item, user=user)
    checked_in = created + timedelta(days=checked_in_days) if checked_in_days is not None else None
    Registration.objects.filter(pk=registration.pk).update(created_at=created, checked_in_at=checked_in)
    return registration


@pytest.fixture
def cohorts():
    """W1 (completed): p1 attends after 2 days, shop approved 4 days later, first photo 3 days later, first sale 10
    days later; p2 attends after 4 days, their shop was approved 10 days before registering, no photo; p3 never
    attends but has an approved shop; a waitlisted person. W2 (published): p4 attends after 1 day, no shop. W3
    (draft): not counted."""
    first, second, draft = (workshop(capacity=3, title=f"Pelatihan {n}", slug=f"pelatihan-{n}") for n in (1, 2, 3))
    p1, p2, p3, p4, p5, waiting = (VerifiedUserFactory() for _ in range(6))
    _register(first, p1, checked_in_days=2)
    _register(first, p2, checked_in_days=4)
    _register(first, p3)
    _register(first, waiting)
    assert Registration.objects.get(user=waiting).status == "waitlisted"
    _register(second, p4, checked_in_days=1)
    _register(draft, p5, checked_in_days=1)
    Workshop.objects.filter(pk=first.pk).update(status=Workshop.Status.COMPLETED)
    Workshop.objects.filter(pk=draft.pk).update(status=Workshop.Status.DRAFT)

    shop1, _flat, _pickup = shop_with_shipping(owner=p1)
    Shop.objects.filter(pk=shop1.pk).update(reviewed_at=T0 + timedelta(days=6))
    variant = variant_of(shop1, price=20_000)
    image = ProductImageFactory(product=variant.product, is_main=True)
    type(image).objects.filter(pk=image.pk).update(created_at=T0 + timedelta(days=9))
    sale = buy([(variant, 1)])
    pay(sale.order)
    paid_on(sale, T0 + timedelta(days=19))
    shop2 = ApprovedShopFactory(owner=p2)
    Shop.objects.filter(pk=shop2.pk).update(reviewed_at=T0 - timedelta(days=10))
    ApprovedShopFactory(owner=p3)
    ApprovedShopFactory(owner=p5)
    return first, second


def test_funnel_across_cohorts_with_step_times(cohorts):
    report = figures.workshop_funnel()

    steps = [(step.key, step.count, step.share, step.median_days, step.p75_days) for step in report["steps"]]
    assert steps == [
        ("registered", 4, 100.0, None, None),
        ("attended", 3, 75.0, 2.0, 3.0),  # 1, 2 and 4 days
        ("shop_approved", 2, 66.7, 2.0, 3.0),  # 4 days, and 0 (approved before the workshop)
        ("first_product", 1, 50.0, 3.0, 3.0),
        ("first_sale", 1, 100.0, 10.0, 10.0),
    ]


def test_funnel_per_cohort(cohorts):
    first, second = cohorts
    report = figures.workshop_funnel()

    by_workshop = {cohort["pk"]: (cohort["counts"], cohort["first_sale_share"]) for cohort in report["cohorts"]}
    assert by_workshop == {first.pk: ([3, 2, 2, 1, 1], 33.3), second.pk: ([1, 1, 0, 0, 0], 0.0)}


# --- Pages and CSV ----------------------------------------------------------------------------------------------

PAGES = ["/cms/laporan/penjualan/", "/cms/laporan/wilayah/", "/cms/laporan/pembayaran/", "/cms/laporan/pelatihan/"]
CSVS = [
    "/cms/laporan/penjualan.csv",
    "/cms/laporan/kecamatan.csv",
    "/cms/laporan/kategori.csv",
    "/cms/laporan/pembayaran.csv",
    "/cms/laporan/pelatihan-corong.csv",
    "/cms/laporan/pelatihan-kohort.csv",
]


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_pages_show_the_figures(market, operator_client):
    response = operator_client.get("/cms/laporan/penjualan/" + QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-month="2026-02"' in html
    assert 'data-gmv="140000"' in html
    assert 'data-average="28000"' in html
    for url in PAGES:
        assert operator_client.get(url + QUERY).status_code == 200
    html = operator_client.get("/cms/laporan/pembayaran/" + QUERY).content.decode()
    assert 'data-method="cod" data-gmv="15000" data-share="10.7"' in html


def test_the_funnel_page(cohorts, operator_client):
    html = operator_client.get("/cms/laporan/pelatihan/").content.decode()
    assert 'data-count="3"' in html
    assert 'data-median="2.0"' in html
    assert 'data-p75="3.0"' in html


def test_a_wrong_period_is_reported_and_the_default_shown(operator_client):
    response = operator_client.get("/cms/laporan/penjualan/?from=2026-05&to=2026-02")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["report"]["rows"]) == 12
    response = operator_client.get("/cms/laporan/penjualan/?from=bulan&to=2026-02")
    assert response.context["form"].errors
    assert response.context["period"] == figures.default_period()


def test_sales_csv(market, operator_client):
    response = operator_client.get("/cms/laporan/penjualan.csv" + QUERY)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="laporan-penjualan-2026-01-2026-03.csv"'
    rows = _rows(response)
    assert len(rows[0]) == 6  # the header
    assert rows[1:] == [
        ["2026-01", "70000", "2", "35000", "2", "1"],
        ["2026-02", "15000", "1", "15000", "1", "0"],
        ["2026-03", "55000", "2", "27500", "0", "1"],
        [rows[4][0], "140000", "5", "28000", "", "2"],
    ]


def test_district_and_category_csv(market, operator_client):
    districts = _rows(operator_client.get("/cms/laporan/kecamatan.csv" + QUERY))
    assert districts[1] == [market["district_a"].code, "Kuta Utara", districts[1][2], "2", "1", "1", "60000", "3"]
    assert districts[2] == [market["district_b"].code, "Ubud", districts[2][2], "1", "1", "0", "80000", "2"]
    assert districts[3][3:] == ["3", "2", "1", "140000", "5"]
    categories = _rows(operator_client.get("/cms/laporan/kategori.csv" + QUERY))
    assert sorted(categories[1:3]) == [["Kerajinan", "80000", "2", "1"], ["Makanan", "60000", "3", "1"]]
    assert categories[3][1:] == ["140000", "5", "2"]


def test_payments_csv(market, operator_client):
    response = operator_client.get("/cms/laporan/pembayaran.csv" + QUERY)
    assert response["Content-Disposition"] == 'attachment; filename="laporan-metode-pembayaran-2026-01-2026-03.csv"'
    rows = _rows(response)
    assert len(rows) == 1 + 3 * 3 + 3
    assert rows[1][0] == "2026-01"
    assert rows[1][2:] == ["2", "100.0", "70000", "100.0"]
    assert rows[-3][2:] == ["4", "80.0", "125000", "89.3"]


def test_funnel_csv(cohorts, operator_client):
    rows = _rows(operator_client.get("/cms/laporan/pelatihan-corong.csv"))
    assert [row[1:] for row in rows[1:]] == [
        ["4", "100.0", "", ""],
        ["3", "75.0", "2.0", "3.0"],
        ["2", "66.7", "2.0", "3.0"],
        ["1", "50.0", "3.0", "3.0"],
        ["1", "100.0", "10.0", "10.0"],
    ]
    cohort_rows = _rows(operator_client.get("/cms/laporan/pelatihan-kohort.csv"))
    assert len(cohort_rows) == 3
    first = next(row for row in cohort_rows if row[0] == "Pelatihan 1")
    assert first[3:9] == ["3", "2", "2", "1", "1", "33.3"]


def test_csv_cells_cannot_run_as_formulas(operator_client):
    item = workshop(title='=HYPERLINK("http://x")', slug="formula")
    assert item.status == "published"
    rows = _rows(operator_client.get("/cms/laporan/pelatihan-kohort.csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'


def test_the_dashboard_panel_shows_for_operators_only(market, client):
    client.force_login(make_operator())
    html = client.get("/cms/").content.decode()
    assert 'data-figure="this-gmv" data-value="15000"' in html
    assert 'data-figure="waiting-shops" data-value="1"' in html
    client.force_login(make_operator(confirm=False))
    html = client.get("/cms/").content.decode()
    assert "data-figure=" not in html


# --- Permissions ------------------------------------------------------------------------------------------------


def test_admin_users_who_are_not_operators_are_refused(market, client):
    client.force_login(make_operator(confirm=False))
    for url in PAGES + CSVS:
        response = client.get(url + QUERY)
        assert (response.status_code, response["Location"]) == (302, "/cms/"), url


def test_anonymous_visitors_and_shoppers_are_sent_to_the_login(market, client):
    for url in PAGES + CSVS:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/akun/login/"), url
    client.force_login(VerifiedUserFactory())
    for url in PAGES + CSVS:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/akun/login/"), url


def test_the_menu_shows_for_operators_only(client):
    client.force_login(make_operator())
    assert "/cms/laporan/penjualan/" in client.get("/cms/").content.decode()
    client.force_login(make_operator(confirm=False))
    assert "/cms/laporan/" not in client.get("/cms/").content.decode()


# --- Query counts -----------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _more_data():
    """More shops, orders, categories and participants everywhere."""
    shop, _flat, _pickup = shop_with_shipping(village=village(district("51.04.01", "Sukawati")))
    variant = variant_of(shop, price=10_000, stock=50, product__category=CategoryFactory(name="Kopi", slug="kopi"))
    for month in (1, 2, 3):
        order = buy([(variant, 1)])
        pay(order.order)
        paid_on(order, wita(2026, month, 12, 12))
    item = workshop(capacity=5, title="Pelatihan 9", slug="pelatihan-9")
    for _ in range(3):
        user = VerifiedUserFactory()
        _register(item, user, checked_in_days=1)
        ApprovedShopFactory(owner=user)


@pytest.mark.parametrize("url", [*PAGES, *CSVS, "/cms/"])
def test_query_counts_do_not_grow_with_the_data(market, cohorts, operator_client, url):
    url = url + QUERY if url != "/cms/" else url
    before = _queries(operator_client, url)
    assert before <= 40  # the admin's own queries (session, user, menu) and a handful for the figures
    _more_data()
    assert _queries(operator_client, url) == before
