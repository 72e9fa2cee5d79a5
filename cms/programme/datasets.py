"""The open datasets of the programme (issue 9), following the principles of Indonesia's Satu Data policy: each has
a key, a title and a description in Indonesian and English, a publisher, the period it covers, an update
frequency (daily), a licence (CC BY 4.0), a data dictionary for every column and the official Kemendagri region
codes. Column names are Indonesian snake_case, as Indonesian agencies exchange them.

Decisions:

- **Snapshots**: `publish()` (the daily task `cms.tasks.publish_open_data`) computes every dataset from
  `cms.programme.figures`, suppresses it (`cms.programme.privacy`) and stores the day's `DatasetSnapshot` (WITA
  date). Running it again the same day replaces that day's rows (the latest figures win); earlier days stay as
  history and are downloadable with `?date=YYYY-MM-DD`. The page, the downloads and the API read snapshots only
  (`latest_snapshots()` is one query for every dataset), never the live tables.
- **Suppression in the published files**: a count below 5 (zero included) is `null` in JSON, with its column named
  in the row's `"suppressed"` list, and `< 5` in CSV and on the page. Totals that would let a hidden cell be
  derived are hidden too (complementary suppression), and shares built on a hidden count are hidden.
- **Total rows** (`umkm-per-kecamatan`, `pelatihan`) come last, marked by the name column ("Jumlah") with empty
  codes; `umkm-per-kategori` has none, because a shop selling in several categories counts in each.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.core import pagecache

from . import figures
from .definitions import SALES_BANDS, WITA, month_bounds
from .privacy import SUPPRESSED_KEY, SUPPRESSED_LABEL, THRESHOLD, display, share, suppress_rows

LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
UPDATE_FREQUENCY = {"code": "daily", "id": "Harian", "en": "Daily"}
TOTAL_LABEL = "Jumlah"
# The region the programme covers (Kemendagri codes), for the catalogue's `spatial` and every file's metadata.
DEFAULT_REGION = {
    "kode_provinsi": "51",
    "nama_provinsi": "Bali",
    "kode_kabupaten": "51.03",
    "nama_kabupaten": "Kabupaten Badung",
}


def publisher() -> str:
    return settings.OPEN_DATA_PUBLISHER


def region() -> dict:
    return getattr(settings, "OPEN_DATA_REGION", DEFAULT_REGION)


def localized(pair: dict) -> str:
    """`{"id": ..., "en": ...}` in the active language (Indonesian unless English is active)."""
    return pair["en"] if (translation.get_language() or "id").startswith("en") else pair["id"]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "integer", "number"
    label: dict  # {"id", "en"}: the short header on the page
    description: dict  # {"id", "en"}
    unit: str = ""
    counted: bool = False  # counts shops or people: suppressed below 5

    def as_dictionary(self) -> dict:
        return {
            "nama": self.name,
            "name": self.name,
            "type": self.type,
            "unit": self.unit,
            "label": self.label,
            "description": self.description,
            "suppressed_below": THRESHOLD if self.counted else None,
        }


@dataclass(frozen=True)
class Computed:
    rows: list[dict]
    period_start: date | None
    period_end: date | None


@dataclass(frozen=True)
class Dataset:
    key: str
    title: dict
    description: dict
    keywords: list[str]
    columns: list[Column]
    compute: Callable[[datetime], Computed]
    # For the page: the columns shown in its table, the bars of its chart (label column, value column).
    page_columns: list[str] = field(default_factory=list)
    chart: tuple[str, str] | None = None
    has_total_row: bool = False

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


def _count(name: str, label: dict, description: dict, unit: str = "UMKM") -> Column:
    return Column(name, "integer", label, description, unit=unit, counted=True)


REGION_COLUMNS = [
    Column(
        "kode_provinsi",
        "string",
        {"id": "Kode provinsi", "en": "Province code"},
        {"id": "Kode wilayah provinsi (Kemendagri)", "en": "Province code (Kemendagri)"},
    ),
    Column(
        "nama_provinsi",
        "string",
        {"id": "Provinsi", "en": "Province"},
        {"id": "Nama provinsi", "en": "Province name"},
    ),
    Column(
        "kode_kabupaten",
        "string",
        {"id": "Kode kabupaten", "en": "Regency code"},
        {"id": "Kode wilayah kabupaten/kota (Kemendagri)", "en": "Regency or city code (Kemendagri)"},
    ),
    Column(
        "nama_kabupaten",
        "string",
        {"id": "Kabupaten", "en": "Regency"},
        {"id": "Nama kabupaten/kota", "en": "Regency or city name"},
    ),
    Column(
        "kode_kecamatan",
        "string",
        {"id": "Kode kecamatan", "en": "District code"},
        {
            "id": "Kode wilayah kecamatan (Kemendagri); kosong pada baris jumlah",
            "en": "District code (Kemendagri); empty on the total row",
        },
    ),
    Column(
        "nama_kecamatan",
        "string",
        {"id": "Kecamatan", "en": "District"},
        {"id": 'Nama kecamatan; "Jumlah" pada baris jumlah', "en": 'District name; "Jumlah" on the total row'},
    ),
]


# --- umkm-per-kecamatan ---------------------------------------------------------------------------------------


def _compute_per_district(now: datetime) -> Computed:
    raw = figures.umkm_per_district(now)
    rows = [
        {
            "kode_provinsi": row["province_code"],
            "nama_provinsi": row["province_name"],
            "kode_kabupaten": row["regency_code"],
            "nama_kabupaten": row["regency_name"],
            "kode_kecamatan": row["district_code"],
            "nama_kecamatan": row["district_name"],
            "umkm_terdaftar": row["registered"],
            "umkm_disetujui": row["approved"],
            "umkm_aktif": row["active"],
        }
        for row in raw
    ]
    counted = ["umkm_terdaftar", "umkm_disetujui", "umkm_aktif"]
    place = region()
    total = {
        "kode_provinsi": place["kode_provinsi"],
        "nama_provinsi": place["nama_provinsi"],
        "kode_kabupaten": place["kode_kabupaten"],
        "nama_kabupaten": place["nama_kabupaten"],
        "kode_kecamatan": None,
        "nama_kecamatan": TOTAL_LABEL,
    } | {name: sum(row[name] for row in rows) for name in counted}
    published = suppress_rows([*rows, total], counted, total_row=True)
    today = now.astimezone(WITA).date()
    return Computed(published, today, today)


UMKM_PER_KECAMATAN = Dataset(
    key="umkm-per-kecamatan",
    title={"id": "Jumlah UMKM per Kecamatan", "en": "UMKM per District"},
    description={
        "id": (
            "Jumlah UMKM peserta program UKM GO-DIGITAL di Pasar UMKM per kecamatan: terdaftar (mengajukan toko), "
            "disetujui (toko aktif saat ini) dan aktif (disetujui dan punya penjualan dalam 30 hari terakhir), "
            "keadaan pada tanggal snapshot. Baris terakhir adalah jumlah."
        ),
        "en": (
            "UMKM (small businesses) of the UKM GO-DIGITAL programme on Pasar UMKM per district: registered "
            "(submitted a shop), approved (shop approved now) and active (approved with a sale in the last 30 days), "
            "as on the snapshot date. The last row is the total."
        ),
    },
    keywords=["UMKM", "kecamatan", "Badung", "UKM GO-DIGITAL"],
    columns=[
        *REGION_COLUMNS,
        _count(
            "umkm_terdaftar",
            {"id": "Terdaftar", "en": "Registered"},
            {
                "id": "UMKM yang mengajukan toko (semua status kecuali draf)",
                "en": "Shops submitted for review (any status but draft)",
            },
        ),
        _count(
            "umkm_disetujui",
            {"id": "Disetujui", "en": "Approved"},
            {"id": "UMKM dengan toko yang disetujui saat ini", "en": "Shops approved now"},
        ),
        _count(
            "umkm_aktif",
            {"id": "Aktif", "en": "Active"},
            {
                "id": "UMKM disetujui dengan penjualan dalam 30 hari terakhir",
                "en": "Approved shops with a sale in the last 30 days",
            },
        ),
    ],
    compute=_compute_per_district,
    page_columns=["nama_kecamatan", "umkm_terdaftar", "umkm_disetujui", "umkm_aktif"],
    chart=("nama_kecamatan", "umkm_disetujui"),
    has_total_row=True,
)


# --- umkm-per-kategori ----------------------------------------------------------------------------------------


def _compute_per_category(now: datetime) -> Computed:
    rows = [
        {
            "kode_kategori": row["category_slug"],
            "nama_kategori": row["category_name"],
            "umkm_terdaftar": row["registered"],
            "umkm_dengan_produk_aktif": row["shops_with_products"],
            "umkm_aktif_berjualan": row["active_shops_selling"],
        }
        for row in figures.umkm_per_category(now)
    ]
    # No total row: a shop selling in several categories counts in each, so the rows do not add up to anything.
    published = suppress_rows(rows, ["umkm_terdaftar", "umkm_dengan_produk_aktif", "umkm_aktif_berjualan"])
    today = now.astimezone(WITA).date()
    return Computed(published, today, today)


UMKM_PER_KATEGORI = Dataset(
    key="umkm-per-kategori",
    title={"id": "Jumlah UMKM per Kategori Produk", "en": "UMKM per Product Category"},
    description={
        "id": (
            "Per kategori utama: UMKM terdaftar yang punya produk di kategori itu, UMKM disetujui dengan setidaknya "
            "satu produk aktif di kategori itu, dan UMKM aktif yang menjual produk kategori itu dalam 30 hari "
            "terakhir. Satu UMKM dapat terhitung di beberapa kategori, sehingga baris-barisnya tidak dijumlahkan."
        ),
        "en": (
            "Per top-level category: registered shops with a product in it, approved shops with at least one "
            "active product in it, and active shops that sold a product of it in the last 30 days. A shop may "
            "count in several categories, so the rows are not added up."
        ),
    },
    keywords=["UMKM", "kategori", "produk", "Badung"],
    columns=[
        Column(
            "kode_kategori",
            "string",
            {"id": "Kode kategori", "en": "Category code"},
            {"id": "Kode (slug) kategori utama", "en": "Top-level category code (slug)"},
        ),
        Column(
            "nama_kategori",
            "string",
            {"id": "Kategori", "en": "Category"},
            {"id": "Nama kategori utama", "en": "Top-level category name"},
        ),
        _count(
            "umkm_terdaftar",
            {"id": "UMKM terdaftar", "en": "Registered shops"},
            {
                "id": "UMKM terdaftar (bukan draf) dengan setidaknya satu produk, apa pun statusnya, di kategori ini "
                "atau di bawahnya",
                "en": "Registered shops (past draft) with at least one product, in any status, in this category or "
                "below it",
            },
        ),
        _count(
            "umkm_dengan_produk_aktif",
            {"id": "UMKM dengan produk aktif", "en": "Shops with active products"},
            {
                "id": "UMKM disetujui dengan setidaknya satu produk aktif di kategori ini atau di bawahnya",
                "en": "Approved shops with at least one active product in this category or below it",
            },
        ),
        _count(
            "umkm_aktif_berjualan",
            {"id": "UMKM aktif berjualan", "en": "Active shops selling"},
            {
                "id": "UMKM aktif dengan penjualan produk kategori ini dalam 30 hari terakhir",
                "en": "Active shops with a sale of a product of this category in the last 30 days",
            },
        ),
    ],
    compute=_compute_per_category,
    page_columns=["nama_kategori", "umkm_terdaftar", "umkm_dengan_produk_aktif", "umkm_aktif_berjualan"],
    chart=("nama_kategori", "umkm_dengan_produk_aktif"),
)


# --- pelatihan ------------------------------------------------------------------------------------------------

TRAINING_COUNTED = ["peserta", "peserta_hadir", "peserta_penjualan_pertama"]


def _compute_workshops(now: datetime) -> Computed:
    rows = [
        {
            "bulan": row["month"],
            "pelatihan_selesai": row["workshops"],
            "peserta": row["participants"],
            "peserta_hadir": row["attended"],
            "peserta_penjualan_pertama": row["first_sale"],
        }
        for row in figures.workshops_per_month()
    ]
    total = {"bulan": TOTAL_LABEL} | {
        name: sum(row[name] for row in rows) for name in ["pelatihan_selesai", *TRAINING_COUNTED]
    }
    published = suppress_rows([*rows, total], TRAINING_COUNTED, total_row=True)
    for row in published:
        row["persentase_penjualan_pertama"] = share(row["peserta_penjualan_pertama"], row["peserta"])
        if row["persentase_penjualan_pertama"] is None and (
            {"peserta", "peserta_penjualan_pertama"} & set(row[SUPPRESSED_KEY])
        ):
            row[SUPPRESSED_KEY].append("persentase_penjualan_pertama")
    today = now.astimezone(WITA).date()
    start = month_bounds(rows[0]["bulan"])[0].date() if rows else None
    return Computed(published, start, today)


PELATIHAN = Dataset(
    key="pelatihan",
    title={"id": "Pelatihan UMKM per Bulan", "en": "UMKM Workshops per Month"},
    description={
        "id": (
            "Per bulan (WITA, menurut sesi pertama): pelatihan yang selesai, peserta (pendaftaran dengan kursi; "
            "orang yang ikut dua pelatihan terhitung dua kali), peserta yang hadir, peserta yang tokonya sudah "
            "mencapai penjualan pertama, dan persentasenya. Baris terakhir adalah jumlah."
        ),
        "en": (
            "Per month (WITA, by first session): completed workshops, participants (registrations with a seat; a "
            "person in two workshops counts twice), participants who attended, participants whose shop reached "
            "its first sale, and their share. The last row is the total."
        ),
    },
    keywords=["pelatihan", "UMKM", "UKM GO-DIGITAL", "Badung"],
    columns=[
        Column(
            "bulan",
            "string",
            {"id": "Bulan", "en": "Month"},
            {
                "id": 'Bulan (YYYY-MM, WITA); "Jumlah" pada baris jumlah',
                "en": 'Month (YYYY-MM, WITA); "Jumlah" on the total row',
            },
        ),
        Column(
            "pelatihan_selesai",
            "integer",
            {"id": "Pelatihan", "en": "Workshops"},
            {"id": "Pelatihan yang selesai dilaksanakan", "en": "Workshops held (completed)"},
            unit="pelatihan",
        ),
        _count(
            "peserta",
            {"id": "Peserta", "en": "Participants"},
            {
                "id": "Pendaftaran dengan kursi pada pelatihan yang selesai",
                "en": "Seated registrations in completed workshops",
            },
            unit="orang",
        ),
        _count(
            "peserta_hadir",
            {"id": "Hadir", "en": "Attended"},
            {"id": "Peserta yang hadir (check-in)", "en": "Participants who attended (checked in)"},
            unit="orang",
        ),
        _count(
            "peserta_penjualan_pertama",
            {"id": "Penjualan pertama", "en": "First sale"},
            {
                "id": "Peserta yang toko miliknya (atau tempatnya bekerja) sudah punya penjualan",
                "en": "Participants a shop of whom (owned or staffed) has a sale",
            },
            unit="orang",
        ),
        Column(
            "persentase_penjualan_pertama",
            "number",
            {"id": "% penjualan pertama", "en": "% first sale"},
            {
                "id": "peserta_penjualan_pertama / peserta * 100, satu desimal; disembunyikan bila salah satunya < 5",
                "en": "peserta_penjualan_pertama / peserta * 100, one decimal; hidden when either is below 5",
            },
            unit="persen",
        ),
    ],
    compute=_compute_workshops,
    page_columns=[
        "bulan",
        "pelatihan_selesai",
        "peserta",
        "peserta_hadir",
        "peserta_penjualan_pertama",
        "persentase_penjualan_pertama",
    ],
    chart=("bulan", "peserta"),
    has_total_row=True,
)


# --- penjualan-bulanan ----------------------------------------------------------------------------------------


def _short_rupiah(amount: int) -> str:
    if amount >= 1_000_000_000 and amount % 1_000_000_000 == 0:
        return f"{amount // 1_000_000_000} M"
    if amount >= 1_000_000 and amount % 1_000_000 == 0:
        return f"{amount // 1_000_000} jt"
    if amount >= 1_000 and amount % 1_000 == 0:
        return f"{amount // 1_000} rb"
    return str(amount)


def band_label(low: int, high: int | None) -> str:
    """ "Rp 1 jt - < 5 jt" (with an en dash); the first band (from Rp 1) is "< Rp 1 jt", the last "≥ Rp 100 jt"."""
    if high is None:
        return f"≥ Rp {_short_rupiah(low)}"
    if low <= 1:
        return f"< Rp {_short_rupiah(high)}"
    return f"Rp {_short_rupiah(low)} \N{EN DASH} < {_short_rupiah(high)}"


def band_column(low: int, high: int | None) -> str:
    def slug(amount: int) -> str:
        return _short_rupiah(amount).replace(" ", "")

    if high is None:
        return f"umkm_penjualan_{slug(low)}_ke_atas"
    if low <= 1:
        return f"umkm_penjualan_di_bawah_{slug(high)}"
    return f"umkm_penjualan_{slug(low)}_{slug(high)}"


BAND_COLUMNS = [band_column(low, high) for low, high in SALES_BANDS]


def _compute_sales(now: datetime) -> Computed:
    rows = []
    for row in figures.sales_bands_per_month(now):
        out = {"bulan": row["month"]}
        out.update(dict(zip(BAND_COLUMNS, row["bands"], strict=True)))
        out["umkm_dengan_penjualan"] = row["shops_with_sales"]
        rows.append(out)
    # Each month's bands add up to its shops with sales: a row group. Months are not added up (no total row).
    published = suppress_rows(rows, [*BAND_COLUMNS, "umkm_dengan_penjualan"], total_column="umkm_dengan_penjualan")
    today = now.astimezone(WITA).date()
    start = month_bounds(rows[0]["bulan"])[0].date() if rows else None
    return Computed(published, start, today)


PENJUALAN_BULANAN = Dataset(
    key="penjualan-bulanan",
    title={"id": "Penjualan UMKM per Bulan menurut Rentang", "en": "Monthly UMKM Sales by Band"},
    description={
        "id": (
            "Per bulan (WITA): jumlah UMKM yang penjualannya (nilai barang, tanpa ongkos kirim, pesanan yang dibayar "
            "dan tidak dibatalkan/dikembalikan) pada bulan itu berada di tiap rentang, dan jumlah UMKM dengan "
            "penjualan. Tidak ada angka penjualan satu toko."
        ),
        "en": (
            "Per month (WITA): how many shops' sales that month (goods value, without shipping, of paid orders not "
            "cancelled or refunded) fall in each band, and how many shops had sales. No shop's own figure is "
            "published."
        ),
    },
    keywords=["penjualan", "UMKM", "rentang penjualan", "Badung"],
    columns=[
        Column(
            "bulan",
            "string",
            {"id": "Bulan", "en": "Month"},
            {"id": "Bulan (YYYY-MM, WITA)", "en": "Month (YYYY-MM, WITA)"},
        ),
        *[
            _count(
                name,
                {"id": band_label(low, high), "en": band_label(low, high)},
                {
                    "id": f"UMKM dengan penjualan bulan itu {band_label(low, high)}",
                    "en": f"Shops whose sales that month are {band_label(low, high)}",
                },
            )
            for name, (low, high) in zip(BAND_COLUMNS, SALES_BANDS, strict=True)
        ],
        _count(
            "umkm_dengan_penjualan",
            {"id": "UMKM dengan penjualan", "en": "Shops with sales"},
            {
                "id": "UMKM dengan penjualan bulan itu (jumlah semua rentang)",
                "en": "Shops with sales that month (the sum of the bands)",
            },
        ),
    ],
    compute=_compute_sales,
    page_columns=["bulan", *BAND_COLUMNS, "umkm_dengan_penjualan"],
    chart=("bulan", "umkm_dengan_penjualan"),
)


DATASETS: dict[str, Dataset] = {
    dataset.key: dataset for dataset in (UMKM_PER_KECAMATAN, UMKM_PER_KATEGORI, PELATIHAN, PENJUALAN_BULANAN)
}


# --- Publishing and reading snapshots -------------------------------------------------------------------------


def _snapshot_model():
    from cms.models import DatasetSnapshot

    return DatasetSnapshot


def publish(now: datetime | None = None) -> list:
    """Compute every dataset, suppressed, and store it as the snapshot of `now`'s WITA date (replacing that day's
    snapshot when there is one; other days are kept). Returns the snapshots. The anonymous page cache is
    invalidated after commit, so the page shows the new figures."""
    now = now or timezone.now()
    snapshot_date = now.astimezone(WITA).date()
    model = _snapshot_model()
    snapshots = []
    computed = {key: dataset.compute(now) for key, dataset in DATASETS.items()}
    with transaction.atomic():
        for key, result in computed.items():
            snapshot, _created = model.objects.update_or_create(
                dataset=key,
                snapshot_date=snapshot_date,
                defaults={
                    "computed_at": now,
                    "rows": result.rows,
                    "period_start": result.period_start,
                    "period_end": result.period_end,
                    "row_count": len(result.rows),
                },
            )
            snapshots.append(snapshot)
        pagecache.invalidate()
    return snapshots


def latest_snapshots() -> dict:
    """{dataset key: its latest snapshot} for every dataset published at least once, in one query."""
    model = _snapshot_model()
    newest = model.objects.filter(dataset=OuterRef("dataset")).order_by("-snapshot_date").values("snapshot_date")[:1]
    return {
        snapshot.dataset: snapshot
        for snapshot in model.objects.filter(dataset__in=list(DATASETS), snapshot_date=Subquery(newest))
    }


def first_publication_dates() -> dict[str, date]:
    """{dataset key: the date of its first snapshot}, in one query (the catalogue's `dct:issued`)."""
    rows = _snapshot_model().objects.values("dataset").annotate(first=Min("snapshot_date")).order_by()
    return {row["dataset"]: row["first"] for row in rows}


def snapshot_get(key: str, snapshot_date: date | None = None):
    """The dataset's snapshot of that date, or its latest; None when there is none."""
    queryset = _snapshot_model().objects.filter(dataset=key)
    if snapshot_date is not None:
        return queryset.filter(snapshot_date=snapshot_date).first()
    return queryset.order_by("-snapshot_date").first()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def download_urls(key: str) -> dict:
    return {
        "csv": absolute(reverse("open_data:download-csv", kwargs={"key": key})),
        "json": absolute(reverse("open_data:download-json", kwargs={"key": key})),
    }


def metadata(dataset: Dataset, snapshot=None) -> dict:
    """The dataset's Satu Data metadata (both languages), with the snapshot's dates when there is one."""
    return {
        "key": dataset.key,
        "title": dataset.title,
        "description": dataset.description,
        "publisher": publisher(),
        "licence": LICENCE,
        "update_frequency": UPDATE_FREQUENCY,
        "keywords": dataset.keywords,
        "region": region(),
        "snapshot_date": snapshot.snapshot_date.isoformat() if snapshot else None,
        "computed_at": snapshot.computed_at.isoformat() if snapshot else None,
        "period": {
            "start": snapshot.period_start.isoformat() if snapshot and snapshot.period_start else None,
            "end": snapshot.period_end.isoformat() if snapshot and snapshot.period_end else None,
        },
        "row_count": snapshot.row_count if snapshot else 0,
        "suppression": {
            "threshold": THRESHOLD,
            "json": 'null, with the column listed in the row\'s "suppressed" list',
            "csv": SUPPRESSED_LABEL,
            "description": {
                "id": (
                    "Angka yang menghitung kurang dari 5 toko atau orang (termasuk 0) disembunyikan, begitu pula "
                    "angka lain yang memungkinkan angka tersembunyi dihitung dari jumlahnya."
                ),
                "en": (
                    "Counts of fewer than 5 shops or people (0 included) are hidden, and so are other figures "
                    "from which a hidden one could be derived through a total."
                ),
            },
        },
        "columns": [column.as_dictionary() for column in dataset.columns],
        "downloads": download_urls(dataset.key),
    }


def csv_rows(dataset: Dataset, snapshot) -> list[list]:
    """The header (column names) and the rows as CSV cells, "< 5" for a suppressed cell."""
    names = dataset.column_names
    return [names, *[[display(row, name) for name in names] for row in snapshot.rows]]


# --- The public page ------------------------------------------------------------------------------------------


def _chart(dataset: Dataset, rows: list[dict]) -> dict | None:
    if dataset.chart is None:
        return None
    label_column, value_column = dataset.chart
    body = rows[:-1] if dataset.has_total_row else rows
    values = [row[value_column] for row in body if row[value_column] is not None]
    largest = max(values, default=0) or 1
    bar_height, gap, label_width, bar_room = 22, 6, 110, 170
    bars = []
    for index, row in enumerate(body):
        value = row[value_column]
        width = round(bar_room * value / largest) if value else 0
        bars.append(
            {
                "label": row[label_column],
                "value": display(row, value_column),
                "x": label_width,
                "width": width,
                "value_x": label_width + width + 4,
                "y": index * (bar_height + gap),
                "text_y": index * (bar_height + gap) + 15,
            }
        )
    return {
        "title": localized(dataset.column(value_column).label),
        "bars": bars,
        "bar_height": bar_height,
        "height": max(len(bars) * (bar_height + gap), bar_height),
    }


def _summary(snapshots: dict) -> dict | None:
    districts = snapshots.get(UMKM_PER_KECAMATAN.key)
    training = snapshots.get(PELATIHAN.key)
    if districts is None and training is None:
        return None

    def total(snapshot, column):
        if snapshot is None or not snapshot.rows:
            return None
        return display(snapshot.rows[-1], column)

    share_value = total(training, "persentase_penjualan_pertama")
    return {
        "registered": total(districts, "umkm_terdaftar"),
        "approved": total(districts, "umkm_disetujui"),
        "active": total(districts, "umkm_aktif"),
        "workshops": total(training, "pelatihan_selesai"),
        "participants": total(training, "peserta"),
        "first_sale_share": share_value,
    }


def page_context() -> dict:
    """What the `DataPage` shows, from the latest snapshots (one query whatever their size)."""
    snapshots = latest_snapshots()
    tables = []
    for dataset in DATASETS.values():
        snapshot = snapshots.get(dataset.key)
        rows = snapshot.rows if snapshot else []
        tables.append(
            {
                "key": dataset.key,
                "title": localized(dataset.title),
                "description": localized(dataset.description),
                "snapshot": snapshot,
                "headers": [localized(dataset.column(name).label) for name in dataset.page_columns],
                "rows": [
                    {
                        "cells": [display(row, name) for name in dataset.page_columns],
                        "is_total": dataset.has_total_row and index == len(rows) - 1,
                    }
                    for index, row in enumerate(rows)
                ],
                "chart": _chart(dataset, rows) if rows else None,
                "csv_url": reverse("open_data:download-csv", kwargs={"key": dataset.key}),
                "json_url": reverse("open_data:download-json", kwargs={"key": dataset.key}),
            }
        )
    dates = [snapshot.snapshot_date for snapshot in snapshots.values()]
    return {
        "open_data_tables": tables,
        "open_data_summary": _summary(snapshots),
        "open_data_date": max(dates) if dates else None,
        "open_data_catalog_url": reverse("open_data:catalog"),
        "open_data_api_url": reverse("api:open-data-list"),
        "open_data_licence": LICENCE,
        "open_data_publisher": publisher(),
        "suppressed_label": SUPPRESSED_LABEL,
        "suppression_threshold": THRESHOLD,
    }
