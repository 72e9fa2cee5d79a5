"""`/api/v1/seller/imports/`: upload, progress, confirm and cancel, with the permission matrix of every endpoint."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from shops.imports import services
from shops.models import Product, ProductImport, ProductVariant
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import CategoryFactory, ShopFactory, ShopMemberFactory

BASE = "/api/v1/seller/imports/"
HEADER = ["sku", "nama_produk", "nama_varian", "harga", "stok", "kategori", "berat_gram", "deskripsi", "status"]


def csv_file(rows, name="produk.csv") -> SimpleUploadedFile:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def row(sku, title="Keripik Pisang", price=15000):
    return [sku, title, "", price, 10, "camilan", 250, "", ""]


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _restore_language():
    with translation.override("id"):
        yield


@pytest.fixture
def shop(db):
    CategoryFactory(slug="camilan", name="Camilan")
    return ShopFactory()


@pytest.fixture
def owner(shop):
    return shop.members.get().user


def job_for(shop, user, rows, capture) -> ProductImport:
    with capture(execute=True):
        product_import = services.product_import_create(shop=shop, actor=user, uploaded_file=csv_file(rows))
    product_import.refresh_from_db()
    return product_import


def state(shop):
    return (
        list(
            ProductImport.objects.filter(shop=shop)
            .order_by("pk")
            .values_list("pk", "status", "confirmed_by", "updated_at")
        ),
        list(Product.objects.filter(shop=shop).values_list("pk", "title")),
        list(ProductVariant.objects.filter(shop=shop).values_list("sku", "price")),
    )


# --- Permission matrix --------------------------------------------------------------------------------------

ROLES = {
    "owner": lambda shop: shop.members.get(role="owner").user,
    "staff": lambda shop: ShopMemberFactory(shop=shop).user,
    "member_of_another_shop": lambda shop: ShopFactory().members.get().user,
    "shopper": lambda shop: VerifiedUserFactory(),
    "operator": lambda shop: SuperuserFactory(),
    "anonymous": lambda shop: None,
}

ENDPOINTS = {
    "list": lambda client, job: client.get(BASE),
    "create": lambda client, job: client.post(BASE, {"file": csv_file([row("NEW-1")])}, format="multipart"),
    "detail": lambda client, job: client.get(f"{BASE}{job.pk}/"),
    "confirm": lambda client, job: client.post(f"{BASE}{job.pk}/confirm/"),
    "cancel": lambda client, job: client.post(f"{BASE}{job.pk}/cancel/"),
}

ALLOWED = {"list": 200, "create": 202, "detail": 200, "confirm": 202, "cancel": 200}
# A member of another shop works on their own shop: they list and upload there, never reach this shop's job.
OTHER_SHOP = {"list": 200, "create": 202, "detail": 404, "confirm": 404, "cancel": 404}
EXPECTED = {
    "owner": ALLOWED,
    "staff": ALLOWED,
    "member_of_another_shop": OTHER_SHOP,
    "shopper": dict.fromkeys(ENDPOINTS, 403),
    "operator": dict.fromkeys(ENDPOINTS, 403),
    "anonymous": dict.fromkeys(ENDPOINTS, 401),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_permission_matrix(role, endpoint, shop, owner, django_capture_on_commit_callbacks):
    job = job_for(shop, owner, [row("A-1")], django_capture_on_commit_callbacks)
    user = ROLES[role](shop)
    before = state(shop)
    others_before = ProductImport.objects.exclude(shop=shop).count()

    with django_capture_on_commit_callbacks(execute=True):
        response = ENDPOINTS[endpoint](client_for(user), job)

    expected = EXPECTED[role][endpoint]
    assert response.status_code == expected
    if expected >= 400 or role == "member_of_another_shop" or endpoint in {"list", "detail"}:
        assert state(shop) == before
    if role == "member_of_another_shop" and endpoint == "create":
        assert ProductImport.objects.exclude(shop=shop).count() == others_before + 1
    if role == "member_of_another_shop" and endpoint == "list":
        assert response.json()["count"] == 0
    if role in {"owner", "staff"} and endpoint == "confirm":
        assert list(ProductVariant.objects.filter(shop=shop).values_list("sku", flat=True)) == ["A-1"]


# --- Behaviour ------------------------------------------------------------------------------------------------


def test_upload_answers_202_with_the_job_and_its_progress(shop, owner, django_capture_on_commit_callbacks):
    client = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BASE, {"file": csv_file([row("A"), row("B", title="Sambal", price=0)])}, format="multipart"
        )
    product_import = ProductImport.objects.get()
    detail = client.get(f"{BASE}{product_import.pk}/").json()

    assert response.status_code == 202
    assert response.json()["id"] == product_import.pk
    assert response.json()["status"] == "uploaded"  # the answer is written before the check runs
    assert {key: detail[key] for key in ("status", "total_rows", "processed_rows", "percent", "valid_rows")} == {
        "status": "validated",
        "total_rows": 2,
        "processed_rows": 2,
        "percent": 100,
        "valid_rows": 1,
    }
    assert detail["error_count"] == 1
    assert detail["errors"] == [
        {
            "row": 3,
            "column": "harga",
            "code": "min_value",
            "message": translation.gettext("The price is at least Rp 1."),
        }
    ]
    assert [item["sku"] for item in detail["preview"]["rows"]] == ["A"]


def test_progress_while_checking(shop, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        product_import = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_file([row("A")]))
    ProductImport.objects.filter(pk=product_import.pk).update(
        status="validating", total_rows=10_000, processed_rows=3000
    )

    detail = client_for(owner).get(f"{BASE}{product_import.pk}/").json()

    assert (detail["status"], detail["processed_rows"], detail["total_rows"], detail["percent"]) == (
        "validating",
        3000,
        10_000,
        30,
    )


def test_confirm_imports_the_good_rows_and_the_detail_reports_the_counts(
    shop, owner, django_capture_on_commit_callbacks
):
    product_import = job_for(
        shop, owner, [row("A"), row("B", title="Sambal"), row("C", title="")], django_capture_on_commit_callbacks
    )
    client = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}{product_import.pk}/confirm/")
    detail = client.get(f"{BASE}{product_import.pk}/").json()

    assert response.status_code == 202
    assert (detail["status"], detail["products_created"], detail["created_count"], detail["updated_count"]) == (
        "done",
        2,
        2,
        0,
    )
    assert detail["preview"]["new_products"] == 2
    assert sorted(ProductVariant.objects.values_list("sku", flat=True)) == ["A", "B"]


@pytest.mark.parametrize("action", ["confirm", "cancel"])
def test_confirm_or_cancel_in_the_wrong_status_is_a_conflict_and_changes_nothing(
    action, shop, owner, django_capture_on_commit_callbacks
):
    product_import = job_for(shop, owner, [row("A", price="gratis")], django_capture_on_commit_callbacks)
    if action == "cancel":
        ProductImport.objects.filter(pk=product_import.pk).update(status="done")
    before = state(shop)

    response = client_for(owner).post(f"{BASE}{product_import.pk}/{action}/")

    assert response.status_code == 409
    assert response.json()["detail"]
    assert state(shop) == before


def test_a_file_that_is_not_a_table_is_a_field_error_and_nothing_is_stored(shop, owner):
    response = client_for(owner).post(
        BASE, {"file": SimpleUploadedFile("x.csv", b"\x00\x01\x02binary")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["file"] == [
        translation.gettext("Upload a CSV or XLSX file (for example the template from this page).")
    ]
    assert ProductImport.objects.count() == 0


def test_missing_file_is_a_field_error(shop, owner):
    response = client_for(owner).post(BASE, {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()
    assert ProductImport.objects.count() == 0


def test_the_list_is_paginated_newest_first_in_constant_queries(
    shop, owner, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = client_for(owner)
    job_for(shop, owner, [row("A")], django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(10) as few:
        client.get(BASE)
    jobs = [job_for(shop, owner, [row(sku)], django_capture_on_commit_callbacks) for sku in "BCDE"]

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(BASE)

    body = response.json()
    assert body["count"] == 5
    assert [item["id"] for item in body["results"][:4]] == [job.pk for job in reversed(jobs)]
    assert "errors" not in body["results"][0]
