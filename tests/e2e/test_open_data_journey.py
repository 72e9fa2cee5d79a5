"""Issue 9's public side in the browser: a visitor opens the "Data Terbuka" page, reads the figures of the day's
snapshot (small counts shown as "< 5"), and downloads a dataset as CSV from the page's own link; the file holds
the same figures with the official region codes. The English page offers the same."""

import csv
import io

import pytest
from playwright.sync_api import expect

from cms.demo import seed_home_page
from cms.programme.demo import seed_open_data
from shops.models import District
from shops.regions import load_regions
from tests.factories.shops import ApprovedShopFactory

SUPPRESSED = "< 5"


def approved_shops_in(district: District, count: int) -> None:
    village = district.villages.order_by("code").first()
    for _ in range(count):
        ApprovedShopFactory(village=village)


def district_row(table, name: str):
    return table.get_by_role("row").filter(has=table.page.get_by_role("rowheader", name=name, exact=True))


@pytest.mark.e2e
def test_a_visitor_reads_the_open_data_page_and_downloads_a_csv(live_server, page):
    load_regions()
    seed_home_page()
    mengwi = District.objects.select_related("regency__province").get(regency_id="51.03", name="Mengwi")
    kuta = District.objects.select_related("regency__province").get(regency_id="51.03", name="Kuta")
    approved_shops_in(mengwi, 7)
    approved_shops_in(kuta, 2)
    assert seed_open_data() >= 4

    page.goto(f"{live_server.url}/data/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Data Terbuka")
    expect(main.locator("[data-snapshot-date]")).to_be_visible()
    expect(main.locator("[data-figure='approved'] strong")).to_have_text("9")
    districts = main.locator("[data-dataset='umkm-per-kecamatan']")
    expect(district_row(districts, "Mengwi")).to_contain_text("7")
    expect(district_row(districts, "Kuta")).to_contain_text(SUPPRESSED)
    expect(main.locator("[data-privacy-note]")).to_contain_text(SUPPRESSED)

    with page.expect_download() as download_info:
        districts.locator("[data-download='csv']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    by_name = {row["nama_kecamatan"]: row for row in rows}
    assert by_name["Mengwi"]["kode_kecamatan"] == mengwi.pk
    assert by_name["Mengwi"]["umkm_disetujui"] == "7"
    assert by_name["Kuta"]["umkm_disetujui"] == SUPPRESSED

    page.goto(f"{live_server.url}/en/data/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(
        page.get_by_role("main").locator("[data-dataset='umkm-per-kecamatan'] [data-download='csv']")
    ).to_be_visible()
