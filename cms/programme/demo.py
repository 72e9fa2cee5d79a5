"""Demo data for the open data (issue 9): the "Data Terbuka" page at `/data/` and the first day's snapshots, so the
demo and CI show published figures without waiting for the nightly task. Idempotent."""

from django.db import transaction

from cms.models import DataPage, HomePage

from . import datasets

DATA_PAGE_INTRO = (
    "<p>Angka program UKM GO-DIGITAL Kabupaten Badung yang dapat dibaca siapa saja: UMKM terdaftar, disetujui dan "
    "aktif per kecamatan dan kategori, pelatihan dan pesertanya, serta penjualan bulanan dalam rentang. Semua data "
    "dapat diunduh sebagai CSV atau JSON dengan lisensi CC BY 4.0.</p>"
)


@transaction.atomic
def seed_data_page() -> DataPage | None:
    """The DataPage (slug "data") under the site's home page, created once; None without a home page."""
    home = HomePage.objects.first()
    if home is None:
        return None
    page = DataPage.objects.child_of(home).first()
    if page is None:
        page = home.add_child(instance=DataPage(title="Data Terbuka", slug="data", intro=DATA_PAGE_INTRO))
        page.save_revision().publish()
    return page


def seed_open_data() -> int:
    """The data page and today's snapshot of every dataset; returns the number of snapshots written."""
    seed_data_page()
    return len(datasets.publish())
