"""The import pages at /penjual/impor/, driven with Django's test client as a seller uses them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from shops.imports import services
from shops.models import Product, ProductImport, ProductVariant
from tests.factories.accounts import SuperuserFactory, UserFactory, VerifiedUserFactory
from tests.factories.shops import CategoryFactory, ShopFactory, ShopMemberFactory

LIST = "/penjual/impor/"
HEADER = ["sku", "nama_produk", "nama_varian", "harga", "stok", "kategori", "berat_gram", "deskripsi", "status"]


def detail_url(product_import) -> str:
    return f"/penjual/impor/{product_import.pk}/"


def indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def csv_file(rows, name="produk.csv") -> SimpleUploadedFile:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def row(sku, title="Keripik Pisang", price=15000):
    return [sku, title, "", price, 10, "camilan", 250, "", "active"]


@pytest.fixture(autouse=True)
def _restore_language():
    with translation.override("id"):
        yield


@pytest.fixture
def shop(db):
    CategoryFactory(slug="camilan", name="Camilan")
    return ShopFactory()


@pytest.fixture
def owner(client, shop):
    user = shop.members.get().user
    client.force_login(user)
    return user


def job_for(shop, user, rows, capture) -> ProductImport:
    with capture(execute=True):
        product_import = services.product_import_create(shop=shop, actor=user, uploaded_file=csv_file(rows))
    product_import.refresh_from_db()
    return product_import


def job_state():
    return list(ProductImport.objects.order_by("pk").values_list("pk", "status", "confirmed_by", "updated_at"))


# --- Access -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, "/penjual/impor/templat/csv/", "/penjual/impor/1/", "/penjual/impor/1/progres/"])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/akun/login/?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [VerifiedUserFactory, SuperuserFactory], ids=["shopper", "operator"])
def test_a_user_without_a_shop_is_sent_to_open_one_and_nothing_is_stored(client, make_user):
    client.force_login(make_user())

    assert client.get(LIST).url == "/penjual/buka/"
    response = client.post(LIST, {"file": csv_file([row("A")])})

    assert (response.status_code, response.url) == (302, "/penjual/buka/")
    assert ProductImport.objects.count() == 0


@pytest.mark.django_db
def test_a_user_with_an_unverified_email_cannot_upload(client, shop):
    user = UserFactory()
    ShopMemberFactory(shop=shop, user=user)
    client.force_login(user)

    response = client.post(LIST, {"file": csv_file([row("A")])})

    assert response.status_code == 200  # allauth's "verify your email" page
    assert ProductImport.objects.count() == 0


def test_another_shops_job_is_not_found_and_nothing_changes(client, shop, django_capture_on_commit_callbacks):
    other_shop = ShopFactory()
    other_job = job_for(other_shop, other_shop.members.get().user, [row("A")], django_capture_on_commit_callbacks)
    client.force_login(shop.members.get().user)
    before = job_state()

    for url in (detail_url(other_job), f"{detail_url(other_job)}progres/"):
        assert client.get(url).status_code == 404
    for url in (f"{detail_url(other_job)}konfirmasi/", f"{detail_url(other_job)}batal/"):
        assert client.post(url).status_code == 404

    assert job_state() == before
    assert Product.objects.count() == 0


# --- List, templates and upload ----------------------------------------------------------------------------


def test_the_list_page_offers_both_templates_and_the_upload_form_in_constant_queries(
    client, shop, owner, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    job_for(shop, owner, [row("A")], django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for sku in "BCDE":
        job_for(shop, owner, [row(sku)], django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="/penjual/impor/templat/xlsx/"' in content
    assert 'href="/penjual/impor/templat/csv/"' in content
    assert 'enctype="multipart/form-data"' in content
    assert content.count('href="/penjual/impor/') >= 2 + 5
    assert indonesian("Import products") in content


def test_templates_download_as_csv_and_as_a_workbook_with_categories_and_instructions(client, shop, owner):
    csv_response = client.get("/penjual/impor/templat/csv/")
    xlsx_response = client.get("/penjual/impor/templat/xlsx/")

    assert csv_response["Content-Disposition"] == 'attachment; filename="templat-impor-produk.csv"'
    assert csv_response.content.decode("utf-8-sig").splitlines()[0] == ",".join(HEADER)
    workbook = load_workbook(io.BytesIO(xlsx_response.content), read_only=True)
    assert workbook.sheetnames == ["Produk", "Kategori", "Petunjuk"]
    assert ["camilan", "Camilan"] in [list(values) for values in workbook["Kategori"].iter_rows(values_only=True)]
    assert client.get("/penjual/impor/templat/pdf/").status_code == 404


def test_uploading_a_file_checks_it_and_shows_errors_preview_and_the_confirm_button(
    client, shop, owner, django_capture_on_commit_callbacks
):
    rows = [row("KP-1"), row("SM-1", title="Sambal Matah", price=0)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"file": csv_file(rows)})
    product_import = ProductImport.objects.get()

    assert response.status_code == 302
    assert response.url == detail_url(product_import)
    page = client.get(response.url).content.decode()
    assert product_import.status == ProductImport.Status.VALIDATED
    assert '<td class="num">3</td><td>harga</td><td>' + indonesian("The price is at least Rp 1.") in page
    assert "SKU KP-1</small>" in page
    assert f'action="{detail_url(product_import)}konfirmasi/"' in page
    assert 'hx-trigger="every' not in page  # nothing left to poll
    assert Product.objects.count() == 0


def test_a_file_that_is_not_a_table_is_refused_with_a_message_and_nothing_is_stored(client, shop, owner):
    response = client.post(LIST, {"file": SimpleUploadedFile("foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00")})

    assert response.status_code == 400
    assert (
        indonesian("Upload a CSV or XLSX file (for example the template from this page).") in response.content.decode()
    )
    assert ProductImport.objects.count() == 0


def test_staff_can_import_too(client, shop, django_capture_on_commit_callbacks):
    staff = ShopMemberFactory(shop=shop).user
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(LIST, {"file": csv_file([row("A")])})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{detail_url(ProductImport.objects.get())}konfirmasi/")

    assert response.status_code == 302
    assert list(ProductVariant.objects.values_list("sku", flat=True)) == ["A"]


# --- Progress -------------------------------------------------------------------------------------------------


def test_while_working_the_page_polls_the_progress_fragment_and_refreshes_without_javascript(
    client, shop, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        product_import = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_file([row("A")]))
    ProductImport.objects.filter(pk=product_import.pk).update(status="validating", total_rows=4000, processed_rows=1000)

    page = client.get(detail_url(product_import)).content.decode()
    fragment = client.get(f"{detail_url(product_import)}progres/", headers={"HX-Request": "true"})

    assert f'hx-get="{detail_url(product_import)}progres/"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress max="100" value="25"' in fragment.content.decode()
    assert "HX-Refresh" not in fragment


def test_when_the_job_stops_working_the_fragment_asks_htmx_to_reload_the_page(
    client, shop, owner, django_capture_on_commit_callbacks
):
    product_import = job_for(shop, owner, [row("A")], django_capture_on_commit_callbacks)

    fragment = client.get(f"{detail_url(product_import)}progres/", headers={"HX-Request": "true"})

    assert fragment["HX-Refresh"] == "true"
    assert '<progress max="100" value="100"' in fragment.content.decode()
    assert "hx-get" not in fragment.content.decode()


# --- Confirm and cancel -------------------------------------------------------------------------------------


def test_confirming_imports_the_good_rows_and_reports_the_result(
    client, shop, owner, django_capture_on_commit_callbacks
):
    product_import = job_for(shop, owner, [row("KP-1"), row("X", title="")], django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{detail_url(product_import)}konfirmasi/")

    assert response.status_code == 302
    assert response.url == detail_url(product_import)
    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.DONE
    assert list(Product.objects.values_list("title", "status")) == [("Keripik Pisang", "active")]
    page = client.get(response.url).content.decode()
    assert "konfirmasi/" not in page


def test_confirming_a_job_that_is_not_ready_changes_nothing(client, shop, owner, django_capture_on_commit_callbacks):
    product_import = job_for(shop, owner, [row("A", price="gratis")], django_capture_on_commit_callbacks)
    before = job_state()

    response = client.post(f"{detail_url(product_import)}konfirmasi/", follow=True)

    assert response.redirect_chain == [(detail_url(product_import), 302)]
    assert indonesian("This import cannot be started now.") in response.content.decode()
    assert job_state() == before
    assert Product.objects.count() == 0


def test_cancelling_a_checked_job(client, shop, owner, django_capture_on_commit_callbacks):
    product_import = job_for(shop, owner, [row("A")], django_capture_on_commit_callbacks)

    response = client.post(f"{detail_url(product_import)}batal/")

    assert response.status_code == 302
    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.CANCELLED
    assert client.get(f"{detail_url(product_import)}konfirmasi/").status_code == 405
