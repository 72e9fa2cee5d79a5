"""The import job through its services and Celery tasks: check, confirm, apply in batches, update by SKU, claims,
crash recovery and the sweep."""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from shops.imports import claims, services, tasks, writing
from shops.imports.errors import ProductImportStateError
from shops.models import Product, ProductImport, ProductVariant, ShopMember
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import CategoryFactory, ProductFactory, ShopFactory, ShopMemberFactory

HEADER = ["sku", "nama_produk", "nama_varian", "harga", "stok", "kategori", "berat_gram", "deskripsi", "status"]


def csv_upload(rows, name="produk.csv") -> SimpleUploadedFile:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def row(sku, title="Keripik Pisang", variant="", price=15000, stock=10, category="camilan", weight=250, status=""):
    return [sku, title, variant, price, stock, category, weight, "", status]


@pytest.fixture
def shop(db):
    CategoryFactory(slug="camilan", name="Camilan")
    return ShopFactory()


@pytest.fixture
def owner(shop):
    return shop.members.get(role=ShopMember.Role.OWNER).user


def upload(shop, actor, rows, capture) -> ProductImport:
    with capture(execute=True):
        product_import = services.product_import_create(shop=shop, actor=actor, uploaded_file=csv_upload(rows))
    product_import.refresh_from_db()
    return product_import


def confirm(product_import, actor, capture) -> ProductImport:
    with capture(execute=True):
        services.product_import_confirm(product_import=product_import, actor=actor)
    product_import.refresh_from_db()
    return product_import


def catalogue():
    return (
        sorted(Product.objects.values_list("title", "slug", "status", "moderation", "weight_grams", "category__slug")),
        sorted(ProductVariant.objects.values_list("sku", "name", "price", "stock", "product__title")),
    )


# --- Upload and check ---------------------------------------------------------------------------------------


def test_upload_queues_the_check_after_commit_which_stores_counts_errors_and_preview(
    shop, owner, django_capture_on_commit_callbacks
):
    rows = [row("KP-1", variant="250 g"), row("KP-2", variant="500 g", price=0), row("SM-1", title="Sambal")]
    with django_capture_on_commit_callbacks() as callbacks:
        product_import = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_upload(rows))

    assert len(callbacks) == 1
    assert ProductImport.objects.get().status == ProductImport.Status.UPLOADED
    callbacks[0]()
    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.VALIDATED
    assert (product_import.total_rows, product_import.valid_rows, product_import.error_count) == (3, 1, 2)
    assert [(error["row"], error["column"], error["code"]) for error in product_import.errors] == [
        (2, "nama_produk", "product_has_errors"),
        (3, "harga", "min_value"),
    ]
    assert product_import.preview["rows"] == [
        {
            "row": 4,
            "sku": "SM-1",
            "title": "Sambal",
            "variant_name": "",
            "price": 15000,
            "stock": 10,
            "action": "create",
            "product_action": "create",
        }
    ]
    assert product_import.percent == 100
    assert product_import.original_name == "produk.csv"
    assert product_import.file.name.startswith("imports/")
    assert "produk" not in product_import.file.name
    assert Product.objects.count() == 0  # nothing is imported before the seller confirms


def test_a_file_that_is_not_a_table_is_refused_at_upload_and_nothing_is_stored(shop, owner):
    with pytest.raises(ValidationError) as error:
        services.product_import_create(
            shop=shop, actor=owner, uploaded_file=SimpleUploadedFile("foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
        )

    assert error.value.message_dict["file"]
    assert ProductImport.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(shop, owner, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_BYTES", 100)

    with pytest.raises(ValidationError) as error:
        services.product_import_create(
            shop=shop, actor=owner, uploaded_file=csv_upload([row(f"S{n}") for n in range(9)])
        )

    assert error.value.error_dict["file"][0].code == "too_large"
    assert ProductImport.objects.count() == 0


def test_only_the_shops_owner_and_staff_can_upload(shop):
    staff = ShopMemberFactory(shop=shop).user
    services.product_import_create(shop=shop, actor=staff, uploaded_file=csv_upload([row("A")]))

    for outsider in (VerifiedUserFactory(), ShopFactory().members.get().user):
        with pytest.raises(PermissionDenied):
            services.product_import_create(shop=shop, actor=outsider, uploaded_file=csv_upload([row("A")]))
    assert ProductImport.objects.filter(shop=shop).count() == 1


def test_a_file_with_only_bad_rows_is_invalid_and_cannot_be_confirmed(shop, owner, django_capture_on_commit_callbacks):
    product_import = upload(shop, owner, [row("A", price="gratis")], django_capture_on_commit_callbacks)

    assert product_import.status == ProductImport.Status.INVALID
    with pytest.raises(ProductImportStateError):
        services.product_import_confirm(product_import=product_import, actor=owner)
    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.INVALID
    assert Product.objects.count() == 0


def test_a_file_unreadable_as_a_whole_ends_invalid_with_its_error(shop, owner, django_capture_on_commit_callbacks):
    content = b"sku,warna\nA,merah\n"
    with django_capture_on_commit_callbacks(execute=True):
        product_import = services.product_import_create(
            shop=shop, actor=owner, uploaded_file=SimpleUploadedFile("x.csv", content)
        )
    product_import.refresh_from_db()

    assert product_import.status == ProductImport.Status.INVALID
    assert [error["code"] for error in product_import.errors] == [
        "unknown_column",
        "missing_column",
        "missing_column",
        "missing_column",
    ]
    assert product_import.error_count == 4


# --- Confirm and apply --------------------------------------------------------------------------------------


def test_confirming_imports_only_the_good_rows(shop, owner, django_capture_on_commit_callbacks):
    rows = [
        row("KP-1", variant="250 g", status="active"),
        row("KP-2", variant="500 g", price=27000),
        row("SM-1", title="Sambal", price="mahal"),
    ]
    product_import = upload(shop, owner, rows, django_capture_on_commit_callbacks)

    product_import = confirm(product_import, owner, django_capture_on_commit_callbacks)

    assert product_import.status == ProductImport.Status.DONE
    assert (product_import.products_created, product_import.created_count, product_import.updated_count) == (1, 2, 0)
    assert product_import.confirmed_by == owner
    assert catalogue() == (
        [("Keripik Pisang", "keripik-pisang", "active", "approved", 250, "camilan")],
        [("KP-1", "250 g", 15000, 10, "Keripik Pisang"), ("KP-2", "500 g", 27000, 10, "Keripik Pisang")],
    )


def test_importing_again_updates_by_sku_instead_of_duplicating(shop, owner, django_capture_on_commit_callbacks):
    first = [row("KP-1", variant="250 g"), row("KP-2", variant="500 g")]
    confirm(upload(shop, owner, first, django_capture_on_commit_callbacks), owner, django_capture_on_commit_callbacks)
    product = Product.objects.get()

    second = [
        row("KP-1", title="Keripik Pisang Manis", variant="250 g", price=16000, stock=3, category="", weight=""),
        row("KP-3", title="Keripik Pisang Manis", variant="1 kg", price=50000, category="", weight=""),
    ]
    product_import = upload(shop, owner, second, django_capture_on_commit_callbacks)
    assert product_import.preview["updated_products"] == 1
    product_import = confirm(product_import, owner, django_capture_on_commit_callbacks)

    assert (product_import.products_created, product_import.products_updated) == (0, 1)
    assert (product_import.created_count, product_import.updated_count) == (1, 1)
    assert catalogue() == (
        [("Keripik Pisang Manis", "keripik-pisang", "draft", "none", 250, "camilan")],
        [
            ("KP-1", "250 g", 16000, 3, "Keripik Pisang Manis"),
            ("KP-2", "500 g", 15000, 10, "Keripik Pisang Manis"),
            ("KP-3", "1 kg", 50000, 10, "Keripik Pisang Manis"),
        ],
    )
    assert Product.objects.get().pk == product.pk  # the slug stays, links last


def test_new_products_get_free_slugs_like_the_product_form(shop, owner, django_capture_on_commit_callbacks):
    ProductFactory(title="Kopi Bali", slug="kopi-bali")
    ProductFactory(title="Kopi Bali", slug="kopi-bali-2")
    rows = [row("K-1", title="Kopi Bali"), row("K-2", title="Kopi & Teh"), row("K-3", title="Kopi dan Teh")]

    confirm(upload(shop, owner, rows, django_capture_on_commit_callbacks), owner, django_capture_on_commit_callbacks)

    assert sorted(Product.objects.filter(shop=shop).values_list("slug", flat=True)) == [
        "kopi-bali-3",
        "kopi-dan-teh",
        "kopi-dan-teh-2",
    ]


@override_settings(SHOPS_NEW_PRODUCTS_NEED_REVIEW=True)
def test_new_active_products_wait_for_review_when_the_marketplace_asks_for_it(
    shop, owner, django_capture_on_commit_callbacks
):
    rows = [row("A-1", title="Aktif", status="active"), row("D-1", title="Draf", status="draft")]

    confirm(upload(shop, owner, rows, django_capture_on_commit_callbacks), owner, django_capture_on_commit_callbacks)

    assert dict(Product.objects.values_list("title", "moderation")) == {"Aktif": "pending", "Draf": "none"}
    assert dict(Product.objects.values_list("title", "status")) == {"Aktif": "active", "Draf": "draft"}


def test_active_publishes_a_draft_and_draft_never_unpublishes(shop, owner, django_capture_on_commit_callbacks):
    ProductFactory(shop=shop, title="Draf Lama", status="draft", moderation="none", variant__sku="D-1")
    ProductFactory(shop=shop, title="Sudah Tayang", variant__sku="T-1")
    rows = [row("D-1", title="Draf Lama", status="aktif"), row("T-1", title="Sudah Tayang", status="draft")]

    confirm(upload(shop, owner, rows, django_capture_on_commit_callbacks), owner, django_capture_on_commit_callbacks)

    assert dict(Product.objects.values_list("title", "status")) == {"Draf Lama": "active", "Sudah Tayang": "active"}
    assert Product.objects.get(title="Draf Lama").moderation == "approved"


def test_apply_writes_in_batches_and_records_progress(shop, owner, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(writing, "BATCH_ROWS", 2)
    rows = [row(f"S-{number}", title=f"Produk {number // 2}") for number in range(7)]
    product_import = upload(shop, owner, rows, django_capture_on_commit_callbacks)
    progress = []
    original = writing.apply_batch

    def spy(**kwargs):
        result = original(**kwargs)
        progress.append(ProductImport.objects.get(pk=product_import.pk).processed_rows)
        return result

    monkeypatch.setattr(writing, "apply_batch", spy)
    product_import = confirm(product_import, owner, django_capture_on_commit_callbacks)

    assert progress == [2, 4, 6, 7]
    assert product_import.status == ProductImport.Status.DONE
    assert product_import.processed_rows == 7
    assert (product_import.products_created, product_import.created_count) == (4, 7)


def test_a_run_that_dies_mid_import_is_resumed_by_the_sweep_without_duplicates(
    shop, owner, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(writing, "BATCH_ROWS", 2)
    rows = [row(f"S-{number}", title=f"Produk {number // 2}") for number in range(6)]
    product_import = upload(shop, owner, rows, django_capture_on_commit_callbacks)
    original = writing.apply_batch
    calls = []

    def dies_on_the_second_batch(**kwargs):
        calls.append(kwargs["covered"])
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return original(**kwargs)

    monkeypatch.setattr(writing, "apply_batch", dies_on_the_second_batch)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        services.product_import_confirm(product_import=product_import, actor=owner)
    product_import.refresh_from_db()
    assert (product_import.status, product_import.processed_rows) == (ProductImport.Status.IMPORTING, 2)
    assert ProductVariant.objects.count() == 2

    # The claim is still alive: the sweep leaves the job alone.
    assert services.product_import_sweep() == 0
    # Later the claim has run out and the job is quiet: the sweep queues it again, and it resumes.
    ProductImport.objects.filter(pk=product_import.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1), updated_at=timezone.now() - timedelta(minutes=5)
    )
    monkeypatch.setattr(writing, "apply_batch", original)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_product_imports() == 1
    product_import.refresh_from_db()

    assert product_import.status == ProductImport.Status.DONE
    assert (product_import.products_created, product_import.created_count) == (3, 6)
    assert sorted(ProductVariant.objects.values_list("sku", flat=True)) == [f"S-{number}" for number in range(6)]
    assert product_import.attempts == 2


def test_tasks_run_twice_do_nothing_the_second_time(shop, owner, django_capture_on_commit_callbacks):
    product_import = upload(shop, owner, [row("A-1")], django_capture_on_commit_callbacks)
    checked = ProductImport.objects.values().get(pk=product_import.pk)

    tasks.validate_product_import(product_import.pk)
    assert ProductImport.objects.values().get(pk=product_import.pk) == checked

    product_import = confirm(product_import, owner, django_capture_on_commit_callbacks)
    before = (catalogue(), ProductImport.objects.values().get(pk=product_import.pk))
    tasks.apply_product_import(product_import.pk)
    assert (catalogue(), ProductImport.objects.values().get(pk=product_import.pk)) == before


def test_a_job_claimed_by_a_live_worker_is_left_alone(shop, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        product_import = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_upload([row("A")]))
    ProductImport.objects.filter(pk=product_import.pk).update(
        status=ProductImport.Status.VALIDATING, claimed_until=timezone.now() + timedelta(minutes=3)
    )

    tasks.validate_product_import(product_import.pk)

    product_import.refresh_from_db()
    assert (product_import.status, product_import.attempts, product_import.total_rows) == ("validating", 0, 0)


def test_a_job_that_keeps_losing_its_worker_fails_for_good(shop, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        product_import = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_upload([row("A")]))
    ProductImport.objects.filter(pk=product_import.pk).update(
        status=ProductImport.Status.VALIDATING,
        attempts=claims.MAX_ATTEMPTS,
        claimed_until=timezone.now() - timedelta(seconds=1),
    )

    tasks.validate_product_import(product_import.pk)

    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.FAILED
    assert product_import.failure


def test_the_sweep_queues_quiet_unclaimed_jobs_only(shop, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        fresh = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_upload([row("A")]))
        lost = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_upload([row("B")]))
    ProductImport.objects.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(minutes=2))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.product_import_sweep() == 1

    assert len(callbacks) == 1
    assert ProductImport.objects.get(pk=lost.pk).status == ProductImport.Status.VALIDATED
    assert ProductImport.objects.get(pk=fresh.pk).status == ProductImport.Status.UPLOADED


# --- Cancel, and the catalogue changing underneath -----------------------------------------------------------


def test_cancel_before_importing_and_not_after(shop, owner, django_capture_on_commit_callbacks):
    product_import = upload(shop, owner, [row("A")], django_capture_on_commit_callbacks)

    services.product_import_cancel(product_import=product_import, actor=owner)
    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.CANCELLED
    tasks.apply_product_import(product_import.pk)
    with pytest.raises(ProductImportStateError):
        services.product_import_confirm(product_import=product_import, actor=owner)

    done = confirm(
        upload(shop, owner, [row("B")], django_capture_on_commit_callbacks), owner, django_capture_on_commit_callbacks
    )
    with pytest.raises(ProductImportStateError):
        services.product_import_cancel(product_import=done, actor=owner)
    assert ProductImport.objects.get(pk=done.pk).status == ProductImport.Status.DONE
    assert list(ProductVariant.objects.values_list("sku", flat=True)) == ["B"]


def test_cancelling_while_the_check_runs_stops_it(shop, owner, django_capture_on_commit_callbacks, monkeypatch):
    original = services.validate

    def cancelled_meanwhile(*, shop, parsed, progress):
        services.product_import_cancel(product_import=ProductImport.objects.get(), actor=owner)
        progress(1000)
        return original(shop=shop, parsed=parsed)

    monkeypatch.setattr(services, "validate", cancelled_meanwhile)
    product_import = upload(shop, owner, [row("A")], django_capture_on_commit_callbacks)

    assert product_import.status == ProductImport.Status.CANCELLED
    assert (product_import.valid_rows, product_import.preview) == (0, {})


def test_a_sku_added_by_hand_before_the_import_runs_becomes_an_update(shop, owner, django_capture_on_commit_callbacks):
    product_import = upload(shop, owner, [row("KP-1", price=20000)], django_capture_on_commit_callbacks)
    ProductFactory(shop=shop, title="Keripik Pisang", variant__sku="KP-1", variant__price=1000)

    product_import = confirm(product_import, owner, django_capture_on_commit_callbacks)

    assert (product_import.created_count, product_import.updated_count) == (0, 1)
    assert list(ProductVariant.objects.values_list("sku", "price")) == [("KP-1", 20000)]


def test_a_sku_taken_while_importing_skips_that_product_with_an_error(
    shop, owner, django_capture_on_commit_callbacks, monkeypatch
):
    product_import = upload(shop, owner, [row("KP-1"), row("SM-1", title="Sambal")], django_capture_on_commit_callbacks)
    original = services._validate_file

    def someone_adds_kp1_meanwhile(job):
        result = original(job)
        ProductFactory(shop=shop, title="Lain", variant__sku="KP-1")
        return result

    monkeypatch.setattr(services, "_validate_file", someone_adds_kp1_meanwhile)
    product_import = confirm(product_import, owner, django_capture_on_commit_callbacks)

    assert product_import.status == ProductImport.Status.DONE
    assert [(error["row"], error["code"]) for error in product_import.errors] == [(2, "changed_meanwhile")]
    assert (product_import.products_created, product_import.valid_rows) == (1, 1)
    assert sorted(Product.objects.values_list("title", flat=True)) == ["Lain", "Sambal"]


def test_the_import_fails_when_the_confirming_member_left_the_shop(shop, django_capture_on_commit_callbacks):
    staff_member = ShopMemberFactory(shop=shop)
    product_import = upload(shop, staff_member.user, [row("A")], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.product_import_confirm(product_import=product_import, actor=staff_member.user)
    staff_member.delete()

    callbacks[0]()

    product_import.refresh_from_db()
    assert product_import.status == ProductImport.Status.FAILED
    assert Product.objects.count() == 0


# --- A real worker ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_imports(celery_worker):
    CategoryFactory(slug="camilan")
    shop = ShopFactory()
    owner = shop.members.get().user

    product_import = services.product_import_create(shop=shop, actor=owner, uploaded_file=csv_upload([row("W-1")]))
    product_import = wait_for(product_import, ProductImport.Status.VALIDATED)
    services.product_import_confirm(product_import=product_import, actor=owner)
    wait_for(product_import, ProductImport.Status.DONE)

    assert list(ProductVariant.objects.values_list("sku", flat=True)) == ["W-1"]


def wait_for(product_import, status, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        product_import.refresh_from_db()
        if product_import.status == status:
            return product_import
        time.sleep(0.1)
    raise AssertionError(f"import still {product_import.status}, expected {status}")
