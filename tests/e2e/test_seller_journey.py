"""Issue 3's "done means", as a new seller on a 360 px phone: sign up, verify the email, open a shop through the
wizard, add a product with a photo from the camera input, submit the shop; an operator approves it in the
CMS; the product is then in the public API."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from accounts.selectors import OPERATOR_GROUP
from shops.demo import seed_categories
from shops.models import Category, Product, Shop, ShopMember
from shops.regions import load_regions
from tests.factories.accounts import VerifiedUserFactory

FULL_NAME = "Ni Luh Sari"
EMAIL = "niluh.sari@contoh.id"
PASSWORD = "sambal-matah-2026"
SHOP_NAME = "Sambal Bu Sari"
PRODUCT_TITLE = "Sambal Matah Botol 150 ml"
OPERATOR_EMAIL = "operator.e2e@pasarumkm.test"
OPERATOR_PASSWORD = "operator-rahasia-2026"


def field_label(text: str) -> re.Pattern:
    """A form label however the template decorates it: "Kata sandi", "Kata sandi:", "Kata sandi *"."""
    return re.compile(rf"^{re.escape(text)}\W*$")


def product_photo_bytes() -> bytes:
    """A believable, well-lit product photo (so the photo coach has nothing to say)."""
    image = Image.new("RGB", (900, 900), (236, 226, 208))
    draw = ImageDraw.Draw(image)
    for x in range(0, 900, 30):
        draw.line([(x, 0), (900 - x, 900)], fill=(180 + x % 60, 60, 40), width=6)
    draw.rectangle([300, 250, 600, 750], fill=(200, 40, 30), outline=(40, 40, 40), width=12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") == 360


def sign_up_and_verify(page, base_url: str, mailoutbox) -> None:
    main = page.get_by_role("main")
    page.goto(f"{base_url}/akun/signup/?next=/penjual/")
    main.get_by_label(field_label("Nama lengkap")).fill(FULL_NAME)
    main.get_by_label(field_label("Email")).fill(EMAIL)
    main.get_by_label(field_label("Kata sandi")).fill(PASSWORD)
    main.get_by_label(field_label("Kata sandi (lagi)")).fill(PASSWORD)
    main.get_by_role("button", name="Daftar").click()
    expect(page).to_have_url(f"{base_url}/akun/confirm-email/")

    links = re.findall(r"http://\S+", mailoutbox[-1].body)
    page.goto(links[0])
    main.get_by_role("button", name="Konfirmasi").click()
    expect(page).to_have_url(re.compile(r"/akun/login/"))
    main.get_by_label(field_label("Email")).fill(EMAIL)
    main.get_by_label(field_label("Kata sandi")).fill(PASSWORD)
    main.get_by_role("button", name="Masuk").click()


def open_shop_through_the_wizard(page, base_url: str) -> None:
    main = page.get_by_role("main")
    page.goto(f"{base_url}/penjual/")
    expect(page).to_have_url(f"{base_url}/penjual/buka/")
    assert_fits_the_phone(page)
    main.get_by_label(field_label("Nama toko")).fill(SHOP_NAME)
    main.get_by_role("button", name="Buka Toko").click()

    # 1. Name and story.
    expect(page).to_have_url(f"{base_url}/penjual/langkah/1/")
    main.get_by_label(field_label("Cerita singkat")).fill("Sambal matah segar dari dapur kami di Mengwi.")
    main.get_by_role("button", name="Simpan dan lanjutkan").click()
    # 2. Logo and banner: optional, skipped.
    expect(page).to_have_url(f"{base_url}/penjual/langkah/2/")
    main.get_by_role("link", name="Lewati langkah ini").click()
    # 3. WhatsApp, typed the way people write it.
    expect(page).to_have_url(f"{base_url}/penjual/langkah/3/")
    main.get_by_label(field_label("Nomor WhatsApp")).fill("0812 3456 7890")
    main.get_by_role("button", name="Simpan dan lanjutkan").click()
    # 4. Address: the selects fill in place from the region API.
    expect(page).to_have_url(f"{base_url}/penjual/langkah/4/")
    main.get_by_label(field_label("Provinsi")).select_option(label="Bali")
    main.get_by_label(field_label("Kabupaten/kota")).select_option(label="Kabupaten Badung")
    main.get_by_label(field_label("Kecamatan")).select_option(label="Mengwi")
    main.get_by_label(field_label("Desa")).select_option(label="Kapal")
    expect(main.get_by_label(field_label("Kode pos"))).to_have_value("80351")
    main.get_by_label(field_label("Alamat jalan")).fill("Jl. Raya Kapal No. 7")
    assert_fits_the_phone(page)
    main.get_by_role("button", name="Simpan dan lanjutkan").click()
    # 5. Legal data: optional, skipped.
    expect(page).to_have_url(f"{base_url}/penjual/langkah/5/")
    main.get_by_role("link", name="Lewati langkah ini").click()
    expect(page).to_have_url(f"{base_url}/penjual/tinjau/")

    shop = Shop.objects.get()
    assert (shop.name, shop.status, str(shop.whatsapp), shop.village.name, shop.postal_code) == (
        SHOP_NAME,
        Shop.Status.DRAFT,
        "+6281234567890",
        "Kapal",
        "80351",
    )


def add_a_product_with_a_photo(page, base_url: str, photo_path) -> None:
    """From the review page, in three screens: photo and basics, details, then publish."""
    main = page.get_by_role("main")
    main.get_by_role("link", name="Tambah produk pertama sekarang").click()
    expect(page).to_have_url(f"{base_url}/penjual/produk/tambah/")
    photo = main.get_by_label(field_label("Foto produk"))
    # The phone opens its camera for this input.
    expect(photo).to_have_attribute("capture", "environment")
    expect(photo).to_have_attribute("accept", "image/*")
    photo.set_input_files(str(photo_path))
    main.get_by_label(field_label("Nama produk")).fill(PRODUCT_TITLE)
    main.get_by_label(field_label("Kategori")).select_option(value=str(Category.objects.get(slug="sambal-bumbu").pk))
    main.get_by_label(field_label("Harga (Rp)")).fill("25.000")
    main.get_by_label(field_label("Stok")).fill("40")
    main.get_by_label(field_label("Berat (gram)")).fill("200")
    assert_fits_the_phone(page)
    main.get_by_role("button", name="Simpan dan lanjutkan").click()

    # Screen 2: the description (plain text from the phone keyboard); the variant from screen 1 is there.
    expect(page).to_have_url(re.compile(r"/penjual/produk/\d+/tambah/detail/$"))
    main.get_by_label(field_label("Deskripsi")).fill("Sambal matah segar.\nTanpa pengawet.")
    main.get_by_role("button", name="Simpan dan lanjutkan").click()

    # Screen 3: a preview with the photo, then publish.
    expect(page).to_have_url(re.compile(r"/penjual/produk/\d+/tambah/periksa/$"))
    expect(main.get_by_role("img").first).to_be_visible()
    assert_fits_the_phone(page)
    main.get_by_role("button", name="Terbitkan produk").click()
    expect(page).to_have_url(f"{base_url}/penjual/produk/")
    expect(main.locator("ul.messages")).to_contain_text(PRODUCT_TITLE)

    product = Product.objects.prefetch_related("variants", "images").get()
    assert (product.title, product.status, product.weight_grams) == (PRODUCT_TITLE, "active", 200)
    assert product.description == "<p>Sambal matah segar.<br>Tanpa pengawet.</p>"
    assert [(v.price, v.stock) for v in product.variants.all()] == [(25_000, 40)]
    [image] = product.images.all()
    assert image.is_main
    assert image.renditions_ready


def submit_the_shop(page, base_url: str) -> None:
    page.goto(f"{base_url}/penjual/")
    expect(page).to_have_url(f"{base_url}/penjual/tinjau/")
    page.get_by_role("main").get_by_role("button", name="Ajukan").click()
    expect(page).to_have_url(f"{base_url}/penjual/status/")
    assert Shop.objects.get().status == Shop.Status.SUBMITTED


def operator_approves(browser, base_url: str) -> None:
    """The operator, in their own browser, logs in through allauth and approves the shop in the CMS."""
    operator = VerifiedUserFactory(email=OPERATOR_EMAIL, password=OPERATOR_PASSWORD, full_name="Operator Badung")
    group = Group.objects.get_or_create(name=OPERATOR_GROUP)[0]
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    operator.groups.add(group)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    try:
        page.goto(f"{base_url}/cms/shops/")
        main = page.get_by_role("main")
        main.get_by_label(field_label("Email")).fill(OPERATOR_EMAIL)
        main.get_by_label(field_label("Kata sandi")).fill(OPERATOR_PASSWORD)
        main.get_by_role("button", name="Masuk").click()
        expect(page).to_have_url(re.compile(r"/cms/shops/"))
        page.get_by_role("link", name=SHOP_NAME).first.click()
        page.get_by_role("button", name="Setujui").click()
        # Back on the list, with the confirmation and the new status in the shop's row.
        expect(page.get_by_role("status")).to_contain_text(f"Toko “{SHOP_NAME}” disetujui")
        expect(page.get_by_role("row", name=re.compile(SHOP_NAME))).to_contain_text("Disetujui")
    finally:
        context.close()
    assert Shop.objects.get().status == Shop.Status.APPROVED


@pytest.mark.e2e
def test_new_seller_opens_a_shop_adds_a_product_with_a_photo_and_it_is_public_once_approved(
    live_server, browser, page, mailoutbox, tmp_path
):
    load_regions()
    seed_categories()
    base_url = live_server.url

    sign_up_and_verify(page, base_url, mailoutbox)
    open_shop_through_the_wizard(page, base_url)
    membership = ShopMember.objects.select_related("user").get()
    assert (membership.user.email, membership.role) == (EMAIL, ShopMember.Role.OWNER)

    photo_path = tmp_path / "IMG_20261128_101500.jpg"
    photo_path.write_bytes(product_photo_bytes())
    add_a_product_with_a_photo(page, base_url, photo_path)

    submit_the_shop(page, base_url)
    # Nothing of the shop is public before an operator approves it, not even its published product.
    assert page.request.get(f"{base_url}/api/v1/shops/").json()["count"] == 0
    assert page.request.get(f"{base_url}/api/v1/products/").json()["count"] == 0

    operator_approves(browser, base_url)

    shops = page.request.get(f"{base_url}/api/v1/shops/").json()
    assert [shop["name"] for shop in shops["results"]] == [SHOP_NAME]
    products = page.request.get(f"{base_url}/api/v1/products/").json()
    assert [(p["title"], p["price_min"], p["shop"]["name"]) for p in products["results"]] == [
        (PRODUCT_TITLE, 25_000, SHOP_NAME)
    ]
    detail = page.request.get(f"{base_url}/api/v1/products/{products['results'][0]['slug']}/").json()
    assert len(detail["images"]) == 1
    assert detail["images"][0]["card"].endswith(".webp")
