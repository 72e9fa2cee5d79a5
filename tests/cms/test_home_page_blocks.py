"""The home page's blocks: what each shows (public catalogue only, in the editor's order), where they link, the
choosers operators pick products and shops with, and the block previews of the editor."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from accounts.models import User
from cms.blocks import HomeBodyBlock
from cms.demo import seed_accounts, seed_home_page
from cms.models import HomePage
from shops.models import Product, Shop
from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return seed_home_page()


@pytest.fixture
def operator_client(client, home):
    seed_accounts()
    client.force_login(User.objects.get(email="operator@pasarumkm.test"))
    return client


def publish(home: HomePage, *blocks) -> HomePage:
    home.body = [{"type": kind, "value": value} for kind, value in blocks]
    home.save_revision().publish()
    return home


def home_html(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_hero_keeps_its_text_and_shows_the_image_cropped_around_its_focal_point(client, home):
    image = Image.objects.create(title="Banner", file=get_test_image_file(size=(1600, 800)))
    image.set_focal_point(None)
    publish(
        home,
        (
            "hero",
            {
                "heading": "Belanja langsung dari UMKM Badung",
                "text": "Produk lokal.",
                "button_text": "Mulai berjualan",
                "button_url": "/penjual/",
                "image": image.pk,
            },
        ),
    )

    html = home_html(client)

    assert "Belanja langsung dari UMKM Badung" in html
    assert '<a class="button" href="/penjual/">Mulai berjualan</a>' in html
    assert 'class="hero__image"' in html
    assert "srcset=" in html
    assert " 1200w" in html
    assert " 480w" in html
    specs = set(image.renditions.values_list("filter_spec", flat=True))
    assert {"fill-1200x500|format-webp", "fill-480x200|format-webp"} <= specs


def test_featured_products_show_public_products_in_the_editors_order(client, home):
    first = ProductFactory(title="Kopi Kintamani", slug="kopi-kintamani")
    second = ProductFactory(title="Kain Endek", slug="kain-endek")
    archived = ProductFactory(title="Sudah Diarsip", status=Product.Status.ARCHIVED)
    suspended = ProductFactory(title="Toko Dibekukan", shop=ShopFactory(status=Shop.Status.SUSPENDED))
    publish(
        home,
        ("featured_products", {"heading": "Pilihan", "products": [second.pk, archived.pk, first.pk, suspended.pk]}),
    )

    html = home_html(client)

    assert html.index("Kain Endek") < html.index("Kopi Kintamani")
    assert 'href="/produk/kopi-kintamani/"' in html
    assert 'href="/produk/kain-endek/"' in html
    assert "Rp" in html
    assert "15.000" in html
    assert "Sudah Diarsip" not in html
    assert "Toko Dibekukan" not in html


def test_featured_shops_leave_out_shops_that_are_not_public(client, home):
    shown = ApprovedShopFactory(name="Kopi Pak Wayan", slug="kopi-pak-wayan")
    hidden = ShopFactory(name="Toko Draf", status=Shop.Status.SUSPENDED)
    publish(home, ("featured_shops", {"heading": "", "shops": [hidden.pk, shown.pk]}))

    html = home_html(client)

    assert 'href="/toko/kopi-pak-wayan/"' in html
    assert "Kopi Pak Wayan" in html
    assert "Toko Draf" not in html


def test_category_grid_shows_top_level_categories_or_the_chosen_ones(client, home):
    food = CategoryFactory(name="Makanan", slug="makanan")
    crafts = CategoryFactory(name="Kerajinan", slug="kerajinan")
    CategoryFactory(name="Keripik", slug="keripik", parent=food)
    publish(home, ("category_grid", {"heading": "", "categories": []}))

    automatic = home_html(client)

    assert 'href="/kategori/makanan/"' in automatic
    assert 'href="/kategori/kerajinan/"' in automatic
    assert "Keripik" not in automatic

    publish(home, ("category_grid", {"heading": "Pilih", "categories": [crafts.pk]}))
    chosen = home_html(client)
    assert 'href="/kategori/kerajinan/"' in chosen
    assert "/kategori/makanan/" not in chosen


def test_newest_products_show_the_newest_public_products_up_to_the_count(client, home):
    now = timezone.now()
    for days, title in [(3, "Lama"), (2, "Sedang"), (1, "Baru")]:
        ProductFactory(title=title, created_at=now - timedelta(days=days))
    ProductFactory(title="Masih Draf", status=Product.Status.DRAFT, created_at=now)
    publish(home, ("newest_products", {"heading": "Terbaru", "count": 2}))

    html = home_html(client)

    assert "Terbaru" in html
    assert html.index("Baru") < html.index("Sedang")
    assert "Lama" not in html
    assert "Masih Draf" not in html


def test_workshops_block_says_none_is_scheduled_and_cta_leads_to_the_seller_pages(client, home):
    publish(
        home,
        ("upcoming_workshops", {"heading": "Pelatihan", "count": 3}),
        ("sell_cta", {"heading": "Punya usaha?", "text": "Buka toko gratis.", "button_text": "Mulai berjualan"}),
    )

    html = home_html(client)

    with translation.override("id"):
        nothing_scheduled = str(_("No workshop is scheduled yet. Check back soon."))
    assert "Pelatihan" in html
    assert nothing_scheduled in html
    assert '<a class="button" href="/penjual/">Mulai berjualan</a>' in html


def test_product_chooser_lists_only_public_products_and_searches(operator_client):
    ProductFactory(title="Kopi Kintamani")
    ProductFactory(title="Kopi Draf", status=Product.Status.DRAFT)
    ProductFactory(title="Sambal Matah")

    everything = operator_client.get("/cms/storefront/choose-product/results/")
    searched = operator_client.get("/cms/storefront/choose-product/results/", {"q": "kopi"})

    assert everything.status_code == 200
    assert {product.title for product in everything.context["results"]} == {"Kopi Kintamani", "Sambal Matah"}
    assert [product.title for product in searched.context["results"]] == ["Kopi Kintamani"]


def test_choosing_a_product_that_is_not_public_answers_404(operator_client):
    draft = ProductFactory(status=Product.Status.DRAFT)
    public = ProductFactory()

    assert operator_client.get(f"/cms/storefront/choose-product/chosen/{draft.pk}/").status_code == 404
    assert operator_client.get(f"/cms/storefront/choose-product/chosen/{public.pk}/").status_code == 200


def test_shop_chooser_lists_only_public_shops(operator_client):
    ApprovedShopFactory(name="Kopi Pak Wayan")
    ShopFactory(name="Toko Draf")

    response = operator_client.get("/cms/storefront/choose-shop/results/")

    assert [shop.name for shop in response.context["results"]] == ["Kopi Pak Wayan"]


def test_choosers_are_for_the_admin_only(client, home):
    seed_accounts()
    client.force_login(User.objects.get(email="pembeli@pasarumkm.test"))

    response = client.get("/cms/storefront/choose-product/")

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")


@pytest.mark.parametrize("name", list(HomeBodyBlock().child_blocks))
def test_every_home_block_has_a_preview_in_the_editor(operator_client, name):
    ProductFactory(title="Kopi Kintamani")
    ApprovedShopFactory(name="Kopi Pak Wayan")
    CategoryFactory(name="Makanan")
    block = HomePage.body.field.stream_block.child_blocks[name]

    assert block.is_previewable
    response = operator_client.get("/cms/block-preview/", {"id": block.definition_prefix})

    assert response.status_code == 200
    html = response.content.decode()
    assert "cms/css/pages.css" in html
    assert f"block-{name}" in html
    assert str(block.get_description())


def test_demo_builds_the_home_page_pages_menu_and_settings_once(client):
    from cms.demo import seed_storefront_pages
    from cms.models import NewsArticlePage, StandardPage, StorefrontSettings

    products = [ProductFactory(title=f"Produk Demo {number}") for number in range(3)]

    seed_storefront_pages()
    seed_storefront_pages()

    home = HomePage.objects.get()
    kinds = [block.block_type for block in home.body]
    assert kinds[0] == "hero"
    assert home.body[0].value["heading"] == "Belanja langsung dari UMKM Badung"
    assert home.body[0].value["image"] is not None
    assert {"featured_products", "featured_shops", "category_grid", "newest_products", "sell_cta"} <= set(kinds)
    assert set(StandardPage.objects.values_list("slug", flat=True)) == {"tentang", "cara-berjualan", "faq"}
    assert NewsArticlePage.objects.live().count() == 2
    assert len(StandardPage.objects.get(slug="faq").faq_items()) == 5
    settings = StorefrontSettings.objects.get()
    assert [block.value["label"] for block in settings.navigation] == [
        "Tentang",
        "Cara berjualan",
        "Tanya jawab",
        "Berita",
        "Pelatihan",
    ]
    assert str(settings.whatsapp).startswith("+62")

    html = home_html(client)
    assert all(product.title in html for product in products)
    assert 'href="/faq/"' in html
    assert 'href="/berita/"' in html
    assert 'href="/pelatihan/"' in html
    assert client.get("/faq/").status_code == 200


def test_operator_edits_the_hero_in_the_admin_and_sees_it_live(operator_client, home):
    product = ProductFactory(title="Kopi Kintamani")
    edit_url = f"/cms/pages/{home.pk}/edit/"
    assert operator_client.get(edit_url).status_code == 200  # the editor with every block and chooser

    response = operator_client.post(
        edit_url,
        {
            "title": home.title,
            "slug": home.slug,
            "body-count": "2",
            "body-0-type": "hero",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-id": "",
            "body-0-value-heading": "Oleh-oleh khas Badung",
            "body-0-value-text": "",
            "body-0-value-button_text": "",
            "body-0-value-button_url": "",
            "body-0-value-image": "",
            "body-1-type": "featured_products",
            "body-1-deleted": "",
            "body-1-order": "1",
            "body-1-id": "",
            "body-1-value-heading": "Pilihan",
            "body-1-value-products-count": "1",
            "body-1-value-products-0-value": str(product.pk),
            "body-1-value-products-0-deleted": "",
            "body-1-value-products-0-order": "0",
            "body-1-value-products-0-id": "",
            "action-publish": "publish",
        },
    )

    assert response.status_code == 302
    html = home_html(operator_client)
    assert "Oleh-oleh khas Badung" in html
    assert "Kopi Kintamani" in html
