"""A shopper browses the storefront on a phone (360 px) and on a laptop (1280 px): home → a category with a
filter → a product → its shop. Screenshots of every step are kept in tests/e2e/artifacts/ (git-ignored)."""

import io
import mimetypes
import re
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from cms.demo import seed_home_page
from shops.demo import seed_categories
from shops.models import Category
from shops.services import product_image_add
from shops.tasks import make_product_image_renditions
from tests.factories.shops import ApprovedShopFactory, ProductFactory, ProductVariantFactory

from .conftest import ARTIFACTS_DIR

SHOP_NAME = "Warung Kripik Bu Komang"


def photo(colour) -> SimpleUploadedFile:
    image = Image.new("RGB", (900, 900), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, 900, 40):
        draw.line([(x, 0), (900 - x, 900)], fill=(250, 240, 220), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def catalogue() -> dict:
    """One shop with three snacks (one sold out) in "Kripik & Camilan", each with a real photo and renditions."""
    seed_categories()
    snacks = Category.objects.get(slug="kripik-camilan")
    shop = ApprovedShopFactory(name=SHOP_NAME, story="Kripik singkong dan pisang dari Abiansemal.")
    owner = shop.members.get(role="owner").user
    products = {}
    for title, stock, colour in (
        ("Kripik Singkong Balado", 12, (190, 60, 30)),
        ("Kripik Pisang Manis", 3, (200, 160, 40)),
        ("Rempeyek Kacang", 0, (150, 110, 60)),
    ):
        product = ProductFactory(shop=shop, category=snacks, title=title, variant=None)
        ProductVariantFactory(product=product, price=18_000, stock=stock)
        image = product_image_add(product=product, actor=owner, uploaded_file=photo(colour))
        make_product_image_renditions(image.pk)
        products[title] = product
    return {"shop": shop, "category": snacks, "products": products}


def serve_media(context, base_url: str) -> None:
    """Production serves /media/ from the front proxy, and the live server does not serve it at all: answer the
    browser's media requests from the storage the test wrote to, so the photos really load."""

    def fulfil(route):
        name = unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
        if not default_storage.exists(name):
            route.fulfill(status=404, body="")
            return
        with default_storage.open(name) as stored:
            route.fulfill(body=stored.read(), content_type=mimetypes.guess_type(name)[0] or "image/webp")

    context.route(f"{base_url}{settings.MEDIA_URL}**", fulfil)


def screenshot(page, width: int, step: str) -> None:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"storefront-{width}-{step}.png"), full_page=True)


def assert_no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.e2e
@pytest.mark.parametrize("width", [360, 1280])
def test_shopper_goes_from_home_to_a_filtered_category_to_a_product_and_its_shop(live_server, browser, width):
    data = catalogue()
    seed_home_page()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    serve_media(context, live_server.url)
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        # Home: the category grid leads to "Makanan & Minuman", which lists its subcategories' products too;
        # a subcategory link narrows it down.
        page.goto(f"{live_server.url}/")
        screenshot(page, width, "1-home")
        assert_no_sideways_scroll(page, width)
        main.get_by_role("link", name=re.compile("Makanan & Minuman")).first.click()
        expect(page).to_have_url(f"{live_server.url}/kategori/makanan-minuman/")
        expect(main.get_by_role("link", name=re.compile("Rempeyek Kacang"))).to_be_visible()
        main.get_by_role("link", name=re.compile("Kripik & Camilan")).first.click()
        expect(page).to_have_url(f"{live_server.url}/kategori/kripik-camilan/")
        expect(main.get_by_role("heading", level=1)).to_contain_text("Kripik & Camilan")

        # Only what is in stock.
        more = main.get_by_text("Filter lainnya")
        if more.is_visible():
            more.click()
        main.get_by_label("Hanya yang ada stok").check()
        main.get_by_role("button", name="Terapkan filter").click()
        expect(page).to_have_url(re.compile(r"/kategori/kripik-camilan/\?.*in_stock=on"))
        expect(main.get_by_role("link", name=re.compile("Rempeyek Kacang"))).to_have_count(0)
        screenshot(page, width, "2-category-filtered")
        assert_no_sideways_scroll(page, width)

        # The product: photo, price, low stock, the shop's WhatsApp.
        main.get_by_role("link", name=re.compile("Kripik Pisang Manis")).first.click()
        product = data["products"]["Kripik Pisang Manis"]
        expect(page).to_have_url(f"{live_server.url}/produk/{product.slug}/")
        expect(main.get_by_role("heading", level=1)).to_have_text("Kripik Pisang Manis")
        expect(main).to_contain_text("Rp 18.000")
        expect(main).to_contain_text("Stok tinggal 3")
        gallery_image = main.get_by_role("img", name=re.compile("Kripik Pisang Manis")).first
        expect(gallery_image).to_be_visible()
        expect(gallery_image).to_have_attribute("srcset", re.compile(r"\.webp \d+w"))
        # The browser picked a WebP rendition from the srcset and decoded it.
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=gallery_image.element_handle())
        assert page.evaluate("(img) => img.currentSrc", gallery_image.element_handle()).endswith(".webp")
        whatsapp = main.get_by_role("link", name="Chat penjual lewat WhatsApp")
        expect(whatsapp).to_have_attribute("href", re.compile(r"^https://wa\.me/6281234567890\?text="))
        screenshot(page, width, "3-product")
        assert_no_sideways_scroll(page, width)

        # The shop.
        main.get_by_role("link", name=re.compile(SHOP_NAME)).first.click()
        expect(page).to_have_url(f"{live_server.url}/toko/{data['shop'].slug}/")
        expect(main.get_by_role("heading", level=1)).to_have_text(SHOP_NAME)
        expect(main.get_by_role("link", name=re.compile("Rempeyek Kacang"))).to_be_visible()
        screenshot(page, width, "4-shop")
        assert_no_sideways_scroll(page, width)
    finally:
        context.close()
