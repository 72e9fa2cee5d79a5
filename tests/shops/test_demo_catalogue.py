"""The demo shops and products of `manage.py seed_demo` (shops.demo_catalogue, shops.demo_photos).

Seeding makes 120 photos through the upload pipeline, so the module seeds once (through the command, as
`make demo` does) inside a transaction rolled back at the end, and every test reads that data; each test's
own changes are rolled back by the `db` fixture as usual.
"""

import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import User
from marketplace.core.models import OutgoingEmail
from orders.models import Order
from payments.models import LedgerEntry, Payment
from shops import demo_photos
from shops.demo import DEMO_CATEGORIES
from shops.demo_catalogue import DEMO_SHOPS, seed_shops_and_products
from shops.models import Product, ProductImage, ProductVariant, Shop, ShopMember
from shops.selectors import product_list_public
from shops.services import shop_create, shop_slug_base

BADUNG_DISTRICTS = {"Kuta", "Kuta Selatan", "Kuta Utara", "Mengwi", "Abiansemal", "Petang"}
DEMO_SLUGS = [spec.slug for spec in DEMO_SHOPS]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run `seed_demo` once for the module; everything it wrote is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", force=True, stdout=out)
        yield {"output": out.getvalue(), "mails": len(mail.outbox), "outbox_rows": OutgoingEmail.objects.count()}
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def operator() -> User:
    return User.objects.get(email="operator@pasarumkm.test")


def seller() -> User:
    return User.objects.get(email="penjual@pasarumkm.test")


def snapshot() -> dict:
    """Every row count the catalogue seeding touches, and the last change to shops, products and variants."""
    return {
        "users": User.objects.count(),
        "shops": list(Shop.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "members": ShopMember.objects.count(),
        "products": list(Product.objects.order_by("pk").values_list("pk", "status", "moderation", "updated_at")),
        "variants": list(ProductVariant.objects.order_by("pk").values_list("pk", "price", "stock", "updated_at")),
        "images": list(ProductImage.objects.order_by("pk").values_list("pk", "thumbnail")),
    }


# --- The data itself (no database) -------------------------------------------------------------------------


def test_the_demo_data_is_consistent():
    category_slugs = {slug for _name, slug, _icon, children in DEMO_CATEGORIES for _n, slug, _i in children}
    category_slugs |= {slug for _name, slug, _icon, _children in DEMO_CATEGORIES}
    # The slug is how a second run recognises a shop: it must be what shop_create makes of the name.
    assert [shop_slug_base(spec.name) for spec in DEMO_SHOPS] == DEMO_SLUGS
    assert sum(1 for spec in DEMO_SHOPS if not spec.owner_email) == 1  # the demo seller's shop
    owners = [spec.owner_email for spec in DEMO_SHOPS if spec.owner_email]
    assert len(owners) == len(set(owners))
    titles = [(spec.slug, item.title) for spec in DEMO_SHOPS for item in spec.products]
    assert len(titles) == len(set(titles))
    for spec in DEMO_SHOPS:
        assert spec.village_code.startswith("51.03.")
        for item in spec.products:
            assert item.category in category_slugs, item.title
            assert 1 <= len(item.variants) <= 3, item.title
            assert len({variant.name for variant in item.variants}) == len(item.variants), item.title
            for variant in item.variants:
                assert isinstance(variant.price, int)
                assert variant.price >= 1000
                assert variant.price % 500 == 0


def test_photos_are_drawn_the_same_every_time_and_pass_as_photos():
    photo = demo_photos.product_photo(title="Kopi Arabika Pelaga", colour=(112, 72, 46), motif="cup", seed=7)
    again = demo_photos.product_photo(title="Kopi Arabika Pelaga", colour=(112, 72, 46), motif="cup", seed=7)
    other = demo_photos.product_photo(title="Kopi Arabika Pelaga", colour=(112, 72, 46), motif="cup", seed=8)

    assert photo == again != other
    image = Image.open(io.BytesIO(photo))
    assert (image.format, image.size) == ("PNG", (demo_photos.PHOTO_EDGE, demo_photos.PHOTO_EDGE))
    for motif in demo_photos.MOTIFS:
        assert demo_photos.product_photo(title="X", colour=(10, 120, 200), motif=motif, seed=1)
    logo = Image.open(io.BytesIO(demo_photos.shop_logo(name="Kopi Pelaga Bu Komang", colour=(112, 72, 46))))
    assert logo.mode == "RGBA"
    assert logo.getpixel((0, 0))[3] == 0


def test_initials_skip_small_words():
    assert demo_photos.initials("Kripik Pisang dan Cokelat") == "KP"
    assert demo_photos.initials("Ukir & Perak Jimbaran") == "UP"
    assert demo_photos.initials("Manggis") == "M"


# --- After `seed_demo` -------------------------------------------------------------------------------------


def test_seed_demo_prints_a_summary_and_sends_no_mail(demo):
    assert "8 approved shops, 1 waiting for review, 120 active products" in demo["output"]
    assert "this run: 9 shops, 120 products, 120 photos" in demo["output"]
    assert demo["mails"] == 0
    assert demo["outbox_rows"] == 0


def test_eight_approved_shops_with_full_profiles_in_the_badung_districts(demo):
    shops = list(
        Shop.objects.filter(status=Shop.Status.APPROVED, slug__in=DEMO_SLUGS).select_related("district", "village")
    )

    assert len(shops) >= 8
    assert {shop.district.name for shop in shops} == BADUNG_DISTRICTS
    for shop in shops:
        assert shop.regency_id == "51.03"
        assert shop.province_id == "51"
        assert shop.village.district_id == shop.district_id
        assert shop.postal_code == shop.village.postal_code
        assert shop.story
        assert shop.street_address
        assert str(shop.whatsapp).startswith("+628")
        assert shop.logo.name.endswith(".webp")
        assert shop.banner.name.endswith(".webp")
        assert shop.reviewed_by == operator()
        assert ShopMember.objects.filter(shop=shop, role=ShopMember.Role.OWNER).count() == 1


def test_one_shop_waits_for_review(demo):
    waiting = Shop.objects.get(status=Shop.Status.SUBMITTED, slug__in=DEMO_SLUGS)

    assert waiting.submitted_at is not None
    assert waiting.reviewed_at is None
    assert waiting.district.name in BADUNG_DISTRICTS
    assert not waiting.products.exists()


def test_some_shops_have_verified_legal_data_so_their_badges_show(demo):
    shops = Shop.objects.filter(status=Shop.Status.APPROVED, slug__in=DEMO_SLUGS)
    badges = {shop.slug: Product(shop=shop).badges for shop in shops}

    assert badges["dapur-sambal-made"] == ["halal", "pirt", "nib"]
    assert {"halal", "pirt", "nib"} <= {badge for shop_badges in badges.values() for badge in shop_badges}
    assert any(not shop_badges for shop_badges in badges.values())  # and some shops have none
    halal = shops.exclude(halal_verified_at=None)
    assert halal.count() >= 2
    assert all(shop.halal_expires_on > timezone.localdate() for shop in halal)


def test_the_demo_seller_owns_an_approved_shop_with_products(demo):
    membership = ShopMember.objects.select_related("shop").get(user=seller(), role=ShopMember.Role.OWNER)

    assert membership.shop.slug == "dapur-sambal-made"
    assert membership.shop.status == Shop.Status.APPROVED
    assert membership.shop.products.filter(status=Product.Status.ACTIVE).count() >= 10
    assert not ShopMember.objects.filter(user=operator()).exists()
    # The shop people log in to shows photos the coach has nothing to say about.
    advice = ProductImage.objects.filter(product__shop=membership.shop).values_list("coach_advice", flat=True)
    assert list(advice) == [[]] * membership.shop.products.count()


def test_every_product_is_public_with_variants_and_a_photo_with_renditions(demo):
    products = Product.objects.filter(shop__slug__in=DEMO_SLUGS)

    assert products.count() >= 100
    assert set(products.values_list("status", flat=True)) == {Product.Status.ACTIVE}
    assert set(products.values_list("moderation", flat=True)) == {Product.Moderation.APPROVED}
    assert product_list_public().filter(shop__slug__in=DEMO_SLUGS).count() == products.count()
    top_categories = {category.get_root().slug for category in {product.category for product in products}}
    assert top_categories == {slug for _name, slug, _icon, _children in DEMO_CATEGORIES}
    for product in products.prefetch_related("variants", "images"):
        assert product.description
        assert product.weight_grams >= 1
        assert 1 <= len(product.variants.all()) <= 3
        images = list(product.images.all())
        assert [(image.is_main, image.renditions_ready) for image in images] == [(True, True)], product.title
    variants = ProductVariant.objects.filter(shop__slug__in=DEMO_SLUGS)
    assert variants.filter(stock=0).exists()
    assert variants.filter(stock__gt=0).count() > 100
    assert variants.filter(name="250 g").exists()
    assert variants.filter(name="500 g").exists()


def test_the_public_api_lists_the_demo_products(demo):
    client = APIClient()

    response = client.get("/api/v1/products/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Product.objects.filter(shop__slug__in=DEMO_SLUGS).count()
    card = body["results"][0]
    assert card["image"].endswith("-card.webp")
    assert card["price_min"] >= 1
    newest_shops = {row["shop"]["slug"] for row in body["results"]}
    assert len(newest_shops) == 8  # created round robin: the first page shows every approved shop
    kopi = client.get("/api/v1/products/", {"shop": "kopi-pelaga-bu-komang"}).json()
    assert kopi["count"] == 15


def test_a_second_run_creates_and_changes_nothing(demo):
    before = snapshot()

    result = seed_shops_and_products(operator=operator(), seller=seller())

    assert (result.shops_created, result.products_created, result.photos_added) == (0, 0, 0)
    assert (result.shops_approved, result.shops_submitted, result.products_active) == (8, 1, 120)
    assert snapshot() == before
    assert len(mail.outbox) == 0


def test_an_interrupted_run_is_finished_by_the_next_one(demo):
    shop = Shop.objects.get(slug="kebun-carangsari")
    shop.products.get(title="Manggis").delete()
    waiting = Shop.objects.get(slug="kerajinan-lontar-tuban")
    waiting.delete()
    before = Product.objects.count()

    result = seed_shops_and_products(operator=operator(), seller=seller())

    assert (result.shops_created, result.products_created) == (1, 1)
    assert Product.objects.count() == before + 1
    manggis = shop.products.get(title="Manggis")
    assert manggis.status == Product.Status.ACTIVE
    assert manggis.images.get().renditions_ready
    assert Shop.objects.get(slug="kerajinan-lontar-tuban").status == Shop.Status.SUBMITTED


def test_a_demo_owner_who_opened_another_shop_is_left_alone(demo):
    """The demo seller may have opened a shop in the wizard on a fresh database before seeding: keep it."""
    own = Shop.objects.get(slug="dapur-sambal-made")
    # A shop with orders cannot be deleted (their history is protected): remove the demo orders and their
    # money first.
    LedgerEntry.objects.filter(shop_order__order__shop_orders__shop=own).delete()
    Payment.objects.filter(order__shop_orders__shop=own).delete()
    Order.objects.filter(shop_orders__shop=own).delete()
    ShopMember.objects.filter(shop=own).delete()
    Shop.objects.filter(pk=own.pk).delete()
    mine = shop_create(owner=seller(), name="Toko Saya Sendiri")
    before = Product.objects.count()

    result = seed_shops_and_products(operator=operator(), seller=seller())

    assert result.shops_skipped == ["dapur-sambal-made"]
    assert (result.shops_created, result.products_created) == (0, 0)
    assert Product.objects.count() == before
    mine.refresh_from_db()
    assert mine.status == Shop.Status.DRAFT
    assert not mine.products.exists()
