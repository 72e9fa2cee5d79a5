"""Keeping the search index in step with the catalogue, against the test run's real search server: the full
rebuild behind the alias, the dirty marks written with each change, the on-commit task and the sweep, and
an outage that loses nothing."""

import datetime
import io
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from search import indexing
from search.client import get_client
from search.models import DirtyProduct, IndexBuild
from search.tasks import sweep_search_index
from shops.models import Shop
from shops.services.products import product_archive, variant_set_stock
from shops.services.shops import shop_suspend
from shops.services.vacation import shop_set_vacation
from tests.core.test_tasks import wait_until
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _document(pk: int) -> dict | None:
    answer = get_client().options(ignore_status=404).get(index=django_settings.SEARCH_INDEX_ALIAS, id=pk)
    return answer["_source"] if answer.get("found") else None


def _indexes() -> list[str]:
    return sorted(get_client().indices.get(index=f"{django_settings.SEARCH_INDEX_ALIAS}-*"))


@pytest.fixture
def owner() -> User:
    return VerifiedUserFactory()


@pytest.fixture
def shop(owner):
    return ApprovedShopFactory(owner=owner, name="Dapur Sambal Made")


def test_rebuild_indexes_public_products_behind_the_alias_and_drops_the_old_index(search_server, shop):
    kept = ProductFactory(shop=shop, title="Sambal Matah Botol")
    draft = ProductFactory(shop=shop, title="Sambal Draft", status="draft")
    ProductFactory(shop=ApprovedShopFactory(status=Shop.Status.SUSPENDED), title="Sambal Toko Ditangguhkan")

    assert indexing.rebuild_index() == 1
    first = _indexes()
    assert len(first) == 1
    assert _document(kept.pk)["title"] == "Sambal Matah Botol"
    assert _document(kept.pk)["category_path"] == [kept.category.slug]
    assert _document(draft.pk) is None

    ProductFactory(shop=shop, title="Sambal Bawang")
    assert indexing.rebuild_index() == 2
    assert len(_indexes()) == 1  # the old index is gone ...
    assert _indexes() != first  # ... and the alias moved
    build = IndexBuild.objects.first()
    assert (build.succeeded, build.documents) == (True, 2)
    assert build.finished_at


def test_search_keeps_answering_from_the_old_index_while_a_rebuild_loads(search_server, shop, settings):
    ProductFactory(shop=shop, title="Kopi Kintamani")
    indexing.rebuild_index()
    ProductFactory(shop=shop, title="Kopi Munduk")
    seen_during_build = []

    def progress(done, total):
        count = get_client().count(index=settings.SEARCH_INDEX_ALIAS)["count"]
        seen_during_build.append((done, total, count))

    indexing.rebuild_index(progress=progress)
    assert seen_during_build == [(2, 2, 1)]  # the alias still showed the old index's one product
    assert get_client().count(index=settings.SEARCH_INDEX_ALIAS)["count"] == 2


def test_a_failed_rebuild_deletes_its_index_and_leaves_the_alias(search_server, shop, monkeypatch):
    ProductFactory(shop=shop)
    indexing.rebuild_index()
    before = _indexes()

    def broken(chunk):
        raise indexing.helpers.BulkIndexError("refused", [])

    monkeypatch.setattr(indexing, "documents_for", broken)
    with pytest.raises(indexing.helpers.BulkIndexError):
        indexing.rebuild_index()
    assert _indexes() == before
    assert IndexBuild.objects.filter(succeeded=False, finished_at__isnull=False).count() == 1


def test_a_change_marks_the_product_in_its_transaction_and_the_task_indexes_it_on_commit(
    search_server, shop, owner, django_capture_on_commit_callbacks
):
    product = ProductFactory(shop=shop, title="Kripik Tempe")
    indexing.rebuild_index()
    variant = product.variants.get()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        variant_set_stock(variant=variant, actor=owner, stock=0)
    assert DirtyProduct.objects.filter(product_id=product.pk).exists()  # written with the change
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert not DirtyProduct.objects.exists()
    assert _document(product.pk)["in_stock"] is False


@pytest.mark.parametrize("change", ["archive", "suspend", "vacation", "category_rename"])
def test_unpublishing_suspension_vacation_and_category_changes_reach_the_index(
    search_server, shop, owner, change, django_capture_on_commit_callbacks
):
    category = CategoryFactory(name="Sambal", slug="sambal", parent=CategoryFactory(name="Makanan", slug="makanan"))
    product = ProductFactory(shop=shop, title="Sambal Roa", category=category)
    indexing.rebuild_index()
    until = timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "archive":
            product_archive(product=product, actor=owner)
        elif change == "suspend":
            shop_suspend(shop=shop, operator=SuperuserFactory(), reason="Melanggar aturan")
        elif change == "vacation":
            shop_set_vacation(shop=shop, actor=owner, closed_until=until)
        else:
            category.name, category.slug = "Sambal dan Bumbu", "sambal-bumbu"
            category.save()
    document = _document(product.pk)
    if change in ("archive", "suspend"):
        assert document is None
    elif change == "vacation":
        assert document["closed_until"] == until.isoformat()
    else:
        assert (document["category"], document["category_name"]) == ("sambal-bumbu", ["Makanan", "Sambal dan Bumbu"])
    assert not DirtyProduct.objects.exists()


def test_a_deleted_product_is_removed_from_the_index(search_server, shop, django_capture_on_commit_callbacks):
    product = ProductFactory(shop=shop)
    indexing.rebuild_index()
    pk = product.pk
    with django_capture_on_commit_callbacks(execute=True):
        product.delete()
    assert _document(pk) is None
    assert not DirtyProduct.objects.exists()


def test_a_rolled_back_change_leaves_no_mark(search_server, shop):
    from django.db import transaction

    product = ProductFactory(shop=shop)
    DirtyProduct.objects.all().delete()

    def change_then_fail():
        with transaction.atomic():
            product.title = "Tidak jadi"
            product.save()
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not DirtyProduct.objects.exists()


def test_an_outage_keeps_the_marks_and_the_sweep_indexes_them_when_the_server_is_back(
    search_server, shop, settings, django_capture_on_commit_callbacks, caplog
):
    product = ProductFactory(shop=shop, title="Madu Hutan")
    indexing.rebuild_index()
    server_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        product.title = "Madu Hutan Sumbawa"
        product.save()  # the request carries on; the on-commit task finds the server down
    assert DirtyProduct.objects.filter(product_id=product.pk).exists()
    assert "dirty products stay marked" in caplog.text
    assert sweep_search_index() == 0

    settings.ELASTICSEARCH_URL = server_url
    assert sweep_search_index() == 1
    assert _document(product.pk)["title"] == "Madu Hutan Sumbawa"
    assert not DirtyProduct.objects.exists()


def test_a_product_marked_again_while_it_is_being_indexed_stays_dirty(search_server, shop, monkeypatch):
    product = ProductFactory(shop=shop)
    indexing.rebuild_index()
    DirtyProduct.objects.create(product_id=product.pk)
    write = indexing._write

    def write_then_change_again(index, actions):
        acknowledged = write(index, actions)
        DirtyProduct.objects.filter(product_id=product.pk).update(token=uuid.uuid4())  # a save meanwhile
        return acknowledged

    monkeypatch.setattr(indexing, "_write", write_then_change_again)
    assert indexing.sync_dirty() == 1
    assert DirtyProduct.objects.filter(product_id=product.pk).exists()


def test_marks_made_during_a_rebuild_are_kept_for_the_new_index(search_server, shop):
    product = ProductFactory(shop=shop)
    indexing.rebuild_index()
    IndexBuild.objects.create(index_name="running")  # another rebuild is loading
    DirtyProduct.objects.create(product_id=product.pk)
    assert indexing.sync_dirty() == 1  # written to the current index ...
    assert DirtyProduct.objects.filter(product_id=product.pk).exists()  # ... and kept for the new one
    IndexBuild.objects.filter(index_name="running").update(finished_at=timezone.now())
    assert indexing.sync_dirty() == 1
    assert not DirtyProduct.objects.exists()


def test_marks_wait_until_the_first_index_is_built(search_server, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = ProductFactory(shop=shop)
    assert DirtyProduct.objects.filter(product_id=product.pk).exists()
    assert not get_client().indices.exists(index=django_settings.SEARCH_INDEX_ALIAS)
    indexing.rebuild_index()
    assert not DirtyProduct.objects.exists()
    assert _document(product.pk)


def test_nothing_is_marked_without_a_search_server(shop, settings):
    settings.ELASTICSEARCH_URL = ""
    ProductFactory(shop=shop)
    assert not DirtyProduct.objects.exists()


def test_search_reindex_command_shows_progress_and_the_count(search_server, shop):
    for index in range(3):
        ProductFactory(shop=shop, title=f"Tas Anyaman {index}")
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    output = out.getvalue()
    assert "[##############################] 3/3 products (100%" in output
    assert "Indexed 3 products into" in output


def test_search_reindex_command_refuses_without_a_search_server(settings):
    settings.ELASTICSEARCH_URL = ""
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
        call_command("search_reindex", stdout=io.StringIO())


def test_search_reindex_command_reports_an_unreachable_server(search_server, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="old index still serves searches"):
        call_command("search_reindex", stdout=io.StringIO())


@pytest.mark.celery_worker
def test_a_real_worker_indexes_a_change_after_commit(search_server, celery_worker):
    shop = ApprovedShopFactory()
    product = ProductFactory(shop=shop, title="Gula Aren Cair")
    indexing.rebuild_index()
    product.title = "Gula Aren Cair Organik"
    product.save()  # commits (transactional test): the task goes through Redis to the worker
    assert wait_until(lambda: (_document(product.pk) or {}).get("title") == "Gula Aren Cair Organik")
    assert wait_until(lambda: not DirtyProduct.objects.exists())


def test_the_sweep_builds_the_first_index_itself(search_server, shop):
    product = ProductFactory(shop=shop, title="Kain Endek")
    assert sweep_search_index() == 1
    assert _document(product.pk)["title"] == "Kain Endek"
    assert IndexBuild.objects.get().succeeded


def test_operators_see_what_waits_for_the_index_and_the_builds_read_only(client, shop):
    DirtyProduct.objects.create(product_id=4242)
    IndexBuild.objects.create(index_name="pasar-products-20261128", documents=120, succeeded=True)
    client.force_login(SuperuserFactory())

    waiting = client.get("/django-admin/search/dirtyproduct/")
    builds = client.get("/django-admin/search/indexbuild/")

    assert waiting.status_code == builds.status_code == 200
    assert "4242" in waiting.content.decode()
    assert "pasar-products-20261128" in builds.content.decode()
    assert client.get("/django-admin/search/dirtyproduct/add/").status_code == 403
    assert client.post("/django-admin/search/dirtyproduct/4242/delete/").status_code == 403
    assert DirtyProduct.objects.filter(product_id=4242).exists()
