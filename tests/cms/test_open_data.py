"""The public figures and open data (issue 9): datasets computed on fixtures match hand-computed values (written
literally), small cells are suppressed, snapshots are stored daily with history, and the page, the downloads,
the API and the DCAT catalogue serve the snapshots with constant query counts."""

import csv
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cms.demo import seed_home_page
from cms.models import DataPage, DatasetSnapshot
from cms.programme import datasets, figures
from cms.programme.definitions import WITA
from cms.programme.demo import seed_data_page, seed_open_data
from cms.programme.privacy import suppress_rows
from cms.tasks import publish_open_data
from orders.models import Cart, CartLine, ShippingOption, ShopOrder
from orders.services.checkout import order_place
from shops.models import Product, ShopMember
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductVariantFactory,
    ShopFactory,
    SubmittedShopFactory,
    VillageFactory,
)
from tests.payments.money import money_operator, pay
from workshops.models import Registration, Workshop, WorkshopSession

pytestmark = pytest.mark.django_db

SITE_URL = "https://pasar.example.id"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


# --- Builders -------------------------------------------------------------------------------------------------


def district(code: str, name: str):
    return DistrictFactory(code=code, name=name)


def kuta():
    return district("51.03.01", "Kuta")


def mengwi():
    return district("51.03.02", "Mengwi")


def petang():
    return district("51.03.04", "Petang")


def shop_in(place, factory=ApprovedShopFactory, **fields):
    return factory(village=None, district=place, **fields)


class Seller:
    """Places real orders through `orders.services` and pays them, then dates them where a test needs it."""

    def __init__(self):
        self.operator = money_operator()
        home = mengwi()
        self.village = VillageFactory(code="51.03.02.2001", district=home, name="Sading", postal_code="80351")

    def address(self) -> dict:
        place = self.village.district
        return {
            "recipient_name": "Ni Luh Ayu",
            "phone": "+6281234567001",
            "province": place.regency.province,
            "regency": place.regency,
            "district": place,
            "village": self.village,
            "street_address": "Jl. Raya Sading No. 5",
            "postal_code": "80351",
        }

    def sale(self, shop, *, price=15_000, paid_at=None, category=None) -> ShopOrder:
        flat = ShippingOption.objects.filter(shop=shop, kind="flat").first() or ShippingOption.objects.create(
            shop=shop, kind="flat", name="JNE Reguler", fee=10_000, position=0
        )
        extra = {"product__category": category} if category is not None else {}
        variant = ProductVariantFactory(product__shop=shop, price=price, stock=10, **extra)
        buyer = VerifiedUserFactory()  # one cart per user: a new buyer for each order
        cart = Cart.objects.create(user=buyer)
        CartLine.objects.create(cart=cart, variant=variant, quantity=1, price_when_added=price)
        placed = order_place(
            cart=cart,
            buyer=buyer,
            email="ayu@example.com",
            address=self.address(),
            shipping={shop.pk: flat.pk},
            notes={},
            payment_method="bank_transfer",
            idempotency_key=uuid.uuid4().hex,
        )
        pay(placed.order, operator=self.operator)
        shop_order = ShopOrder.objects.get(order=placed.order, shop=shop)
        if paid_at is not None:
            ShopOrder.objects.filter(pk=shop_order.pk).update(paid_at=paid_at)
        return shop_order


def wita(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=WITA)


def column(rows, name):
    return [row[name] for row in rows]


# --- umkm-per-kecamatan ---------------------------------------------------------------------------------------


def test_umkm_per_district_counts_and_suppresses_small_districts_with_a_complement():
    seller = Seller()
    in_mengwi = [shop_in(mengwi()) for _ in range(7)]
    shop_in(mengwi(), SubmittedShopFactory)
    shop_in(mengwi(), ShopFactory)  # draft: not registered
    shop_in(kuta())
    shop_in(kuta())
    shop_in(kuta(), ShopFactory)  # draft
    in_petang = [shop_in(petang()) for _ in range(6)]
    for shop in in_mengwi[:5]:
        seller.sale(shop)
    seller.sale(in_petang[0], paid_at=timezone.now() - timedelta(days=40))  # too old to make it active

    rows = datasets.UMKM_PER_KECAMATAN.compute(timezone.now()).rows

    # Raw: Kuta 2/2/0, Mengwi 8/7/5, Petang 6/6/0, total 16/15/5. Kuta's 2 is hidden, and Petang's 6 with it
    # (the smallest other cell of the column), so neither can be worked out from the total.
    assert column(rows, "kode_kecamatan") == ["51.03.01", "51.03.02", "51.03.04", None]
    assert column(rows, "nama_kecamatan") == ["Kuta", "Mengwi", "Petang", "Jumlah"]
    assert column(rows, "umkm_terdaftar") == [None, 8, None, 16]
    assert column(rows, "umkm_disetujui") == [None, 7, None, 15]
    assert column(rows, "umkm_aktif") == [None, 5, None, 5]
    assert rows[0]["suppressed"] == ["umkm_terdaftar", "umkm_disetujui", "umkm_aktif"]
    assert rows[1]["suppressed"] == []
    assert rows[3]["suppressed"] == []
    assert {row["kode_provinsi"] for row in rows} == {"51"}
    assert {row["kode_kabupaten"] for row in rows} == {"51.03"}


# --- umkm-per-kategori ----------------------------------------------------------------------------------------


def test_umkm_per_category_counts_shops_with_products_and_active_sellers_by_top_category():
    seller = Seller()
    food = CategoryFactory(name="Makanan", slug="makanan")
    crisps = CategoryFactory(name="Keripik", slug="keripik", parent=food)
    craft = CategoryFactory(name="Kerajinan", slug="kerajinan")
    shops = [shop_in(mengwi()) for _ in range(6)]
    for shop in shops[:5]:
        seller.sale(shop, category=crisps)  # each gets an active product in Keripik (under Makanan) and a sale
    ProductVariantFactory(product__shop=shops[5], product__category=crisps)
    ProductVariantFactory(product__shop=shops[5], product__category=craft)
    ProductVariantFactory(product__shop=shops[4], product__category=craft, product__status=Product.Status.DRAFT)

    rows = datasets.UMKM_PER_KATEGORI.compute(timezone.now()).rows

    by_slug = {row["kode_kategori"]: row for row in rows}
    assert by_slug["makanan"]["umkm_terdaftar"] == 6
    assert by_slug["makanan"]["umkm_dengan_produk_aktif"] == 6
    assert by_slug["makanan"]["umkm_aktif_berjualan"] == 5
    assert by_slug["kerajinan"]["umkm_dengan_produk_aktif"] is None  # 1
    assert by_slug["kerajinan"]["umkm_aktif_berjualan"] is None  # 0
    assert by_slug["kerajinan"]["suppressed"] == ["umkm_terdaftar", "umkm_dengan_produk_aktif", "umkm_aktif_berjualan"]
    assert "keripik" not in by_slug  # top-level categories only
    # Before suppression: Kerajinan holds one shop's active product (the draft one does not count), no sale.
    raw = {row["category_slug"]: row for row in figures.umkm_per_category(timezone.now())}
    assert raw["kerajinan"]["registered"] == 2  # the draft product counts for a registered shop
    assert raw["kerajinan"]["shops_with_products"] == 1
    assert raw["kerajinan"]["active_shops_selling"] == 0


# --- pelatihan ------------------------------------------------------------------------------------------------


def completed_workshop(starts_at, slug):
    item = Workshop.objects.create(
        title="Jualan Online",
        slug=slug,
        capacity=20,
        status=Workshop.Status.COMPLETED,
        registration_deadline=starts_at - timedelta(days=1),
        venue_name="Aula",
        venue_address="Jl. Raya 1",
    )
    WorkshopSession.objects.create(workshop=item, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
    WorkshopSession.objects.create(
        workshop=item, starts_at=starts_at + timedelta(days=40), ends_at=starts_at + timedelta(days=40, hours=3)
    )
    return item


def register(workshop, user, *, attended=False, status=Registration.Status.REGISTERED):
    return Registration.objects.create(
        workshop=workshop,
        user=user,
        status=status,
        checked_in_at=workshop.sessions.first().starts_at if attended else None,
    )


def test_workshops_per_month_counts_participants_attendance_and_first_sales():
    seller = Seller()
    selling_shop = shop_in(mengwi())
    seller.sale(selling_shop)
    owner = selling_shop.members.get(role="owner").user

    def sold():
        user = VerifiedUserFactory()
        ShopMember.objects.create(shop=selling_shop, user=user, role=ShopMember.Role.STAFF)
        return user

    september_a = completed_workshop(wita(2026, 9, 10), "september-a")
    september_b = completed_workshop(wita(2026, 9, 30, hour=20), "september-b")  # 12:00 UTC, still September WITA
    october = completed_workshop(wita(2026, 10, 5), "october")
    published = completed_workshop(wita(2026, 10, 6), "published")
    Workshop.objects.filter(pk=published.pk).update(status=Workshop.Status.PUBLISHED)

    register(september_a, owner, attended=True)
    register(september_a, sold(), attended=True)
    register(september_a, VerifiedUserFactory(), attended=True)
    register(september_a, VerifiedUserFactory())
    register(september_a, VerifiedUserFactory(), status=Registration.Status.CANCELLED)
    register(september_a, VerifiedUserFactory(), status=Registration.Status.WAITLISTED)
    register(september_b, sold(), attended=True)
    register(september_b, VerifiedUserFactory(), attended=True)
    register(september_b, VerifiedUserFactory())
    for _ in range(5):
        register(october, sold(), attended=True)
    register(october, VerifiedUserFactory())
    register(published, sold(), attended=True)

    rows = datasets.PELATIHAN.compute(timezone.now()).rows

    # September: 2 workshops, 7 participants, 5 attended, 3 first sales; October: 1, 6, 5, 5; total 3, 13, 10, 8.
    # September's 3 is hidden, and October's 5 with it (the only other cell of the column); the total stays.
    assert column(rows, "bulan") == ["2026-09", "2026-10", "Jumlah"]
    assert column(rows, "pelatihan_selesai") == [2, 1, 3]
    assert column(rows, "peserta") == [7, 6, 13]
    assert column(rows, "peserta_hadir") == [5, 5, 10]
    assert column(rows, "peserta_penjualan_pertama") == [None, None, 8]
    assert column(rows, "persentase_penjualan_pertama") == [None, None, 61.5]
    assert rows[0]["suppressed"] == ["peserta_penjualan_pertama", "persentase_penjualan_pertama"]
    assert rows[2]["suppressed"] == []


# --- penjualan-bulanan ----------------------------------------------------------------------------------------


def test_monthly_sales_bands_count_shops_per_band_from_their_month_total():
    seller = Seller()
    shops = [shop_in(mengwi()) for _ in range(7)]
    for shop in shops[:6]:
        seller.sale(shop, price=50_000, paid_at=wita(2026, 9, 3))
    seller.sale(shops[6], price=2_000_000, paid_at=wita(2026, 9, 30, hour=23))  # WITA: still September
    for shop in shops[:5]:  # 600 000 + 500 000 = 1 100 000 in October: the 1-5 jt band
        seller.sale(shop, price=600_000, paid_at=wita(2026, 10, 2))
        seller.sale(shop, price=500_000, paid_at=wita(2026, 10, 20))
    cancelled = seller.sale(shops[6], price=30_000_000, paid_at=wita(2026, 10, 21))
    ShopOrder.objects.filter(pk=cancelled.pk).update(status=ShopOrder.Status.CANCELLED)

    computed = datasets.PENJUALAN_BULANAN.compute(wita(2026, 11, 2))

    rows = computed.rows
    assert column(rows, "bulan") == ["2026-09", "2026-10", "2026-11"]
    # September: 6 below 1 jt, 1 in 1-5 jt (hidden, with the empty bands), 7 with sales.
    assert [rows[0][name] for name in datasets.BAND_COLUMNS] == [6, None, None, None, None]
    assert rows[0]["umkm_dengan_penjualan"] == 7
    # October: 5 in 1-5 jt; the cancelled 30 jt order does not count.
    assert [rows[1][name] for name in datasets.BAND_COLUMNS] == [None, 5, None, None, None]
    assert rows[1]["umkm_dengan_penjualan"] == 5
    # November so far: nothing, all hidden.
    assert rows[2]["umkm_dengan_penjualan"] is None
    assert computed.period_start.isoformat() == "2026-09-01"
    assert computed.period_end.isoformat() == "2026-11-02"
    assert datasets.PENJUALAN_BULANAN.column("umkm_penjualan_1jt_5jt").label["id"] == "Rp 1 jt \N{EN DASH} < 5 jt"


def test_a_single_band_with_a_lone_small_cell_hides_the_next_smallest_and_not_the_total():
    rows = [
        {"bulan": "2026-09", "a": 6, "b": 4, "c": 9, "total": 19},
    ]
    published = suppress_rows(rows, ["a", "b", "c", "total"], total_column="total")
    assert published[0] == {"bulan": "2026-09", "a": None, "b": None, "c": 9, "total": 19, "suppressed": ["a", "b"]}


# --- Snapshots ------------------------------------------------------------------------------------------------


def test_publish_stores_one_snapshot_per_dataset_and_day_and_keeps_history():
    shop_in(mengwi())
    datasets.publish(wita(2026, 11, 1))
    datasets.publish(wita(2026, 11, 2, hour=1))  # 2026-11-01 17:00 UTC: 2 November in WITA
    for _ in range(6):
        shop_in(mengwi())
    datasets.publish(wita(2026, 11, 2, hour=9))  # the same day again: replaces that day's rows

    assert DatasetSnapshot.objects.count() == 8
    dates = sorted({snapshot.snapshot_date.isoformat() for snapshot in DatasetSnapshot.objects.all()})
    assert dates == ["2026-11-01", "2026-11-02"]
    first = DatasetSnapshot.objects.get(dataset="umkm-per-kecamatan", snapshot_date="2026-11-01")
    second = DatasetSnapshot.objects.get(dataset="umkm-per-kecamatan", snapshot_date="2026-11-02")
    assert first.rows[0]["umkm_disetujui"] is None  # 1 shop
    assert second.rows[0]["umkm_disetujui"] == 7
    assert second.computed_at == wita(2026, 11, 2, hour=9)
    assert second.row_count == 2


def test_the_daily_task_publishes_todays_snapshot():
    assert publish_open_data() == 4
    assert publish_open_data() == 4
    today = timezone.now().astimezone(WITA).date()
    assert DatasetSnapshot.objects.filter(snapshot_date=today).count() == 4
    assert DatasetSnapshot.objects.count() == 4


# --- The public page ------------------------------------------------------------------------------------------


@pytest.fixture
def data_page():
    seed_home_page()
    return seed_data_page()


def test_the_page_says_the_first_publication_is_pending_before_any_snapshot(client, data_page):
    response = client.get("/data/")
    assert response.status_code == 200
    assert b"data-snapshot-pending" in response.content
    assert b"data-snapshot-date" not in response.content


def test_the_page_shows_the_snapshot_not_the_live_figures(client, data_page):
    for _ in range(7):
        shop_in(mengwi())
    shop_in(kuta())
    datasets.publish()
    for _ in range(10):  # after the snapshot: not shown until the next publication
        shop_in(kuta())

    response = client.get("/data/")

    assert response.status_code == 200
    content = response.content.decode()
    today = timezone.now().astimezone(WITA).date().isoformat()
    assert f'data-snapshot-date="{today}"' in content
    # Kuta's 1 and Mengwi's 7 (the complement) are hidden; the total 8 is shown.
    assert '<li class="open-data__figure" data-figure="approved"><strong>8</strong>' in content
    assert '<th scope="row">Kuta</th><td>&lt; 5</td><td>&lt; 5</td><td>&lt; 5</td>' in content
    assert '<th scope="row">Mengwi</th><td>&lt; 5</td><td>&lt; 5</td><td>&lt; 5</td>' in content
    assert 'role="img"' in content
    assert 'href="/data/umkm-per-kecamatan.csv"' in content
    assert 'href="/data/catalog.json"' in content
    assert "https://creativecommons.org/licenses/by/4.0/" in content
    assert "data-privacy-note" in content


def test_the_english_page_is_served_at_en_data(client, data_page):
    datasets.publish()
    with translation.override("en"):
        response = client.get("/en/data/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "UMKM per District" in content
    assert "Registered" in content


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(client, data_page, django_assert_num_queries):
    datasets.publish()
    client.get("/data/")  # warm the caches (site, settings, menu)
    with CaptureQueriesContext(connection) as few:
        client.get("/data/")
    small = len(few.captured_queries)
    assert small <= 8, few.captured_queries
    for code in range(10, 40):
        district(f"51.03.{code}", f"Kecamatan {code}")
    datasets.publish()
    client.get("/data/")
    with django_assert_num_queries(small):
        response = client.get("/data/")
    # 10 names each in the table, the chart's bars and the chart's title.
    assert response.content.decode().count("Kecamatan 3") == 30


# --- Downloads, API and catalogue -----------------------------------------------------------------------------


@pytest.fixture
def published():
    for _ in range(7):
        shop_in(mengwi())
    for _ in range(2):
        shop_in(kuta())
    for _ in range(6):
        shop_in(petang())
    return datasets.publish(wita(2026, 11, 20))


def test_the_csv_download_has_a_header_and_shows_hidden_cells_as_below_five(client, published):
    response = client.get("/data/umkm-per-kecamatan.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "max-age=3600" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="umkm-per-kecamatan-2026-11-20.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert table == [
        [
            "kode_provinsi",
            "nama_provinsi",
            "kode_kabupaten",
            "nama_kabupaten",
            "kode_kecamatan",
            "nama_kecamatan",
            "umkm_terdaftar",
            "umkm_disetujui",
            "umkm_aktif",
        ],
        ["51", "Bali", "51.03", "Kabupaten Badung", "51.03.01", "Kuta", "< 5", "< 5", "< 5"],
        ["51", "Bali", "51.03", "Kabupaten Badung", "51.03.02", "Mengwi", "7", "7", "< 5"],
        ["51", "Bali", "51.03", "Kabupaten Badung", "51.03.04", "Petang", "< 5", "< 5", "< 5"],
        ["51", "Bali", "51.03", "Kabupaten Badung", "", "Jumlah", "15", "15", "< 5"],
    ]


def test_the_json_download_has_metadata_dictionary_and_rows(client, published):
    response = client.get("/data/umkm-per-kecamatan.json")
    assert response.status_code == 200
    data = response.json()
    meta = data["metadata"]
    assert meta["key"] == "umkm-per-kecamatan"
    assert meta["publisher"] == "Pemerintah Kabupaten Badung — Program UKM GO-DIGITAL"
    assert meta["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["update_frequency"]["code"] == "daily"
    assert meta["snapshot_date"] == "2026-11-20"
    assert meta["period"] == {"start": "2026-11-20", "end": "2026-11-20"}
    assert meta["region"]["kode_kabupaten"] == "51.03"
    assert [column["name"] for column in meta["columns"]][-3:] == ["umkm_terdaftar", "umkm_disetujui", "umkm_aktif"]
    assert all(column["description"]["id"] and column["description"]["en"] for column in meta["columns"])
    assert meta["downloads"]["csv"] == f"{SITE_URL}/data/umkm-per-kecamatan.csv"
    assert data["rows"][1] == {
        "kode_provinsi": "51",
        "nama_provinsi": "Bali",
        "kode_kabupaten": "51.03",
        "nama_kabupaten": "Kabupaten Badung",
        "kode_kecamatan": "51.03.02",
        "nama_kecamatan": "Mengwi",
        "umkm_terdaftar": 7,
        "umkm_disetujui": 7,
        "umkm_aktif": None,
        "suppressed": ["umkm_aktif"],
    }


def test_a_past_snapshot_is_downloadable_by_date_and_unknown_ones_are_404(client, published):
    shop_in(kuta())
    datasets.publish(wita(2026, 11, 21))
    assert client.get("/data/umkm-per-kecamatan.json").json()["metadata"]["snapshot_date"] == "2026-11-21"
    past = client.get("/data/umkm-per-kecamatan.json?date=2026-11-20").json()
    assert past["metadata"]["snapshot_date"] == "2026-11-20"
    assert client.get("/data/umkm-per-kecamatan.csv?date=2026-10-01").status_code == 404
    assert client.get("/data/umkm-per-kecamatan.csv?date=kemarin").status_code == 404
    assert client.get("/data/tidak-ada.csv").status_code == 404


def test_a_download_before_the_first_publication_is_404(client):
    assert client.get("/data/pelatihan.csv").status_code == 404


def test_downloads_cost_the_same_queries_whatever_the_number_of_rows(client, published, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/data/umkm-per-kecamatan.csv")
    for code in range(10, 40):
        district(f"51.03.{code}", f"Kecamatan {code}")
    datasets.publish(wita(2026, 11, 22))
    with django_assert_num_queries(1):
        response = client.get("/data/umkm-per-kecamatan.csv")
    assert len(response.content.decode().splitlines()) == 35


def test_the_api_lists_every_dataset_with_links_and_the_latest_date(client, published, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/open-data/")
    assert response.status_code == 200
    data = response.json()
    assert [item["key"] for item in data] == [
        "umkm-per-kecamatan",
        "umkm-per-kategori",
        "pelatihan",
        "penjualan-bulanan",
    ]
    first = data[0]
    assert first["snapshot_date"] == "2026-11-20"
    assert first["downloads"] == {
        "csv": f"{SITE_URL}/data/umkm-per-kecamatan.csv",
        "json": f"{SITE_URL}/data/umkm-per-kecamatan.json",
    }
    assert first["licence"]["name"] == "CC BY 4.0"
    assert "columns" not in first
    assert "max-age=3600" in response["Cache-Control"]


def test_the_api_list_says_pending_before_the_first_publication(client):
    data = client.get("/api/v1/open-data/").json()
    assert {item["snapshot_date"] for item in data} == {None}


def test_the_api_detail_has_the_data_dictionary(client, published):
    response = client.get("/api/v1/open-data/penjualan-bulanan/")
    assert response.status_code == 200
    data = response.json()
    names = [column["name"] for column in data["columns"]]
    assert names == [
        "bulan",
        "umkm_penjualan_di_bawah_1jt",
        "umkm_penjualan_1jt_5jt",
        "umkm_penjualan_5jt_25jt",
        "umkm_penjualan_25jt_100jt",
        "umkm_penjualan_100jt_ke_atas",
        "umkm_dengan_penjualan",
    ]
    assert data["columns"][2]["label"] == {"id": "Rp 1 jt \N{EN DASH} < 5 jt", "en": "Rp 1 jt \N{EN DASH} < 5 jt"}
    assert data["columns"][2]["suppressed_below"] == 5
    assert data["columns"][0]["suppressed_below"] is None
    assert data["suppression"]["csv"] == "< 5"
    assert client.get("/api/v1/open-data/tidak-ada/").status_code == 404


def test_the_dcat_catalogue_lists_each_dataset_with_two_absolute_distributions(client, published):
    response = client.get("/data/catalog.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    catalogue = json.loads(response.content)
    assert set(catalogue["@context"]) >= {"dcat", "dct", "foaf", "vcard"}
    assert catalogue["@type"] == "dcat:Catalog"
    entries = catalogue["dcat:dataset"]
    assert [entry["dct:identifier"] for entry in entries] == [
        "umkm-per-kecamatan",
        "umkm-per-kategori",
        "pelatihan",
        "penjualan-bulanan",
    ]
    for entry in entries:
        assert entry["@type"] == "dcat:Dataset"
        assert entry["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
        assert entry["dct:accrualPeriodicity"] == {"@id": "http://purl.org/cld/freq/daily"}
        assert entry["dct:spatial"]["dct:identifier"] == "51.03"
        assert entry["dct:issued"]["@value"] == "2026-11-20"
        assert entry["dct:publisher"]["foaf:name"] == "Pemerintah Kabupaten Badung — Program UKM GO-DIGITAL"
        distributions = entry["dcat:distribution"]
        assert [item["dcat:mediaType"] for item in distributions] == ["text/csv", "application/json"]
        for item in distributions:
            assert item["@type"] == "dcat:Distribution"
            assert item["dcat:downloadURL"]["@id"].startswith(f"{SITE_URL}/data/{entry['dct:identifier']}.")
    assert entries[0]["dct:temporal"]["dcat:startDate"]["@value"] == "2026-11-20"


def test_the_catalogue_says_when_a_dataset_was_first_published_and_last_modified(client, published):
    later = datasets.publish(wita(2026, 11, 22))
    entries = json.loads(client.get("/data/catalog.json").content)["dcat:dataset"]
    assert {entry["dct:issued"]["@value"] for entry in entries} == {"2026-11-20"}
    modified = {datetime.fromisoformat(entry["dct:modified"]["@value"]) for entry in entries}
    assert modified == {later[0].computed_at}


def test_seed_open_data_creates_the_page_once_and_publishes(client):
    seed_home_page()
    assert seed_open_data() == 4
    assert seed_open_data() == 4
    assert DataPage.objects.count() == 1
    assert DataPage.objects.get().url_path.endswith("/data/")
    assert client.get("/data/").status_code == 200


def test_nothing_published_names_a_shop_or_a_person(client, data_page):
    shops = [shop_in(mengwi()) for _ in range(6)]
    datasets.publish()
    published = json.dumps([snapshot.rows for snapshot in DatasetSnapshot.objects.all()])
    page = client.get("/data/").content.decode()
    for shop in shops:
        owner = shop.members.get(role="owner").user
        for text in (shop.name, shop.slug, owner.email, owner.full_name):
            assert text not in published
            assert text not in page


def test_the_open_data_endpoints_are_read_only(client, published):
    count = DatasetSnapshot.objects.count()
    assert client.post("/data/umkm-per-kecamatan.csv").status_code == 405
    assert client.post("/data/catalog.json").status_code == 405
    assert client.post("/api/v1/open-data/", {}, content_type="application/json").status_code == 405
    assert client.delete("/api/v1/open-data/pelatihan/").status_code == 405
    assert DatasetSnapshot.objects.count() == count
