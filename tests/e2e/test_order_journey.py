"""Issue 6's "done means", on a 360 px phone: a shopper buys from two shops in one checkout.

1. Bank transfer: product pages (a variant and a quantity) → the cart with both shops → checkout (address from the
   chained region selects, shipping per shop, bank transfer) → the order page with the amount to transfer and a
   proof of transfer; the operator finds the transfer in the CMS by that amount and confirms it; each seller
   accepts and ships with a courier and a tracking number; the shopper confirms each parcel, reviews a product,
   and the product page shows the rating.
2. Cash on delivery: checkout with COD, the order is "Diproses" at once; each seller ships and marks the parcel
   received and paid; the shopper confirms.

Everyone uses the pages' own links and buttons; the database is checked at the end.
"""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from accounts.selectors import OPERATOR_GROUP
from orders.models import Order, Review, ShopOrder
from payments.models import Payment
from shops.models import Product, ProductVariant
from shops.regions import load_regions
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.shops import ProductFactory, ProductVariantFactory
from tests.orders.builders import shop_with_shipping, two_shop_order

PHONE = {"width": 360, "height": 740}
SHOPPER_EMAIL = "ayu.lestari@contoh.id"
SELLER_A_EMAIL = "komang@kripik.test"
SELLER_B_EMAIL = "wayan@kopi.test"
OPERATOR_EMAIL = "operator.e2e@pasarumkm.test"
SHOP_A = "Kripik Bu Komang"
SHOP_B = "Kopi Pak Wayan"
SNACK = "Kripik Pisang Manis"
COFFEE = "Kopi Arabika Kintamani"
SKUS = ("KPM-250", "KPM-500", "KAK-200")


def field_label(text: str) -> re.Pattern:
    """A form label however the template decorates it: "Kata sandi", "Kata sandi:", "Kata sandi *"."""
    return re.compile(rf"^{re.escape(text)}\W*$")


def rupiah(amount: int) -> str:
    return f"Rp {amount:,}".replace(",", ".")


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def receipt_photo_bytes() -> bytes:
    """A phone photo of a transfer receipt."""
    image = Image.new("RGB", (720, 960), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for y in range(80, 900, 60):
        draw.rectangle([60, y, 660, y + 18], fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def marketplace(*, cash_on_delivery: bool) -> dict:
    """Two approved shops of two sellers, each with "JNE Reguler" (Rp 10.000 / Rp 12.000) and pickup: a snack in
    two variants, and a coffee."""
    load_regions()
    seller_a = VerifiedUserFactory(email=SELLER_A_EMAIL, full_name="Komang Sari")
    seller_b = VerifiedUserFactory(email=SELLER_B_EMAIL, full_name="Wayan Sudirta")
    shop_a, flat_a, _pickup = shop_with_shipping(
        owner=seller_a, fee=10_000, cash_on_delivery=cash_on_delivery, name=SHOP_A, slug="kripik-bu-komang"
    )
    shop_b, flat_b, _pickup = shop_with_shipping(
        owner=seller_b, fee=12_000, cash_on_delivery=cash_on_delivery, name=SHOP_B, slug="kopi-pak-wayan"
    )
    snack = ProductFactory(shop=shop_a, title=SNACK, slug="kripik-pisang-manis", variant=None)
    ProductVariantFactory(product=snack, name="250 g", sku="KPM-250", price=15_000, stock=10)
    ProductVariantFactory(product=snack, name="500 g", sku="KPM-500", price=28_000, stock=5)
    coffee = ProductFactory(shop=shop_b, title=COFFEE, slug="kopi-arabika-kintamani", variant=None)
    ProductVariantFactory(product=coffee, name="", sku="KAK-200", price=40_000, stock=8)
    VerifiedUserFactory(email=SHOPPER_EMAIL, full_name="Ni Luh Ayu Lestari", phone="")
    return {"shops": (shop_a, shop_b), "flat": (flat_a, flat_b), "products": (snack, coffee)}


def log_in(page, base_url: str, email: str, next_path: str) -> None:
    page.goto(f"{base_url}/akun/login/?next={next_path}")
    main = page.get_by_role("main")
    main.get_by_label(field_label("Email")).fill(email)
    main.get_by_label(field_label("Kata sandi")).fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base_url}{next_path}")


def add_to_cart(page, *, variant: str | None, quantity: int, added: str, count: int) -> None:
    """On a product page: choose the variant and the quantity, add; the page says so and the header counts."""
    main = page.get_by_role("main")
    if variant:
        main.get_by_role("radio", name=re.compile(rf"^{re.escape(variant)}\b")).check()
    main.get_by_label(field_label("Jumlah")).fill(str(quantity))
    main.get_by_role("button", name="Tambah ke keranjang").click()
    expect(main.locator("#cart-add-result").get_by_role("status")).to_have_text(
        f"“{added}” sudah masuk keranjang Anda. Lihat keranjang"
    )
    expect(page.locator("[data-cart-count]")).to_have_text(str(count))


def fill_the_cart_from_two_shops(page, base_url: str) -> None:
    log_in(page, base_url, SHOPPER_EMAIL, "/produk/kripik-pisang-manis/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(SNACK)
    assert_fits_the_phone(page)
    add_to_cart(page, variant="500 g", quantity=2, added=f"{SNACK} (500 g)", count=2)

    page.goto(f"{base_url}/produk/kopi-arabika-kintamani/")
    expect(main.get_by_role("heading", level=1)).to_have_text(COFFEE)
    add_to_cart(page, variant=None, quantity=1, added=COFFEE, count=3)

    # The header's cart link: both shops, their subtotals, the total.
    page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Keranjang")).click()
    expect(page).to_have_url(f"{base_url}/keranjang/")
    expect(main.get_by_role("heading", level=2)).to_have_text([SHOP_A, SHOP_B])
    expect(main.locator("[data-shop-subtotal]")).to_have_text([rupiah(56_000), rupiah(40_000)])
    expect(main.locator("[data-cart-total]")).to_have_text(rupiah(96_000))
    assert_fits_the_phone(page)
    main.get_by_role("link", name="Checkout").click()
    expect(page).to_have_url(f"{base_url}/checkout/")


def check_out(page, base_url: str, data: dict, *, payment: str) -> str:
    """Fills the checkout (`fill_the_checkout`) and places the order; returns the order number from the order
    page's URL."""
    fill_the_checkout(page, data, payment=payment)
    main = page.get_by_role("main")
    main.get_by_role("button", name="Buat pesanan").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(base_url)}/pesanan/PU-\d{{6}}-[A-Z0-9]+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(main.get_by_role("heading", level=1)).to_have_text(f"Pesanan {number}")
    expect(page.locator("ul.messages")).to_contain_text(f"Terima kasih! Pesanan {number} sudah dibuat.")
    return number


def fill_the_checkout(page, data: dict, *, payment: str) -> None:
    """Fills the address through the chained selects, picks "JNE Reguler" for each shop and `payment`."""
    main = page.get_by_role("main")
    expect(main.get_by_label(field_label("Nama penerima"))).to_have_value("Ni Luh Ayu Lestari")
    main.get_by_label(field_label("No. HP / WhatsApp")).fill("0812 3456 7001")
    # The JavaScript fills each select from the region API once the one above is chosen.
    main.get_by_label(field_label("Provinsi")).select_option(label="Bali")
    main.get_by_label(field_label("Kabupaten/kota")).select_option(label="Kabupaten Badung")
    main.get_by_label(field_label("Kecamatan")).select_option(label="Kuta Utara")
    main.get_by_label(field_label("Desa")).select_option(label="Canggu")
    expect(main.get_by_label(field_label("Kode pos"))).to_have_value("80363")
    main.get_by_label(field_label("Alamat jalan")).fill("Jl. Raya Canggu No. 5")
    expect(main.get_by_role("button", name="Tampilkan pilihan")).to_be_hidden()

    shop_a, shop_b = data["shops"]
    for shop, fee in ((shop_a, 10_000), (shop_b, 12_000)):
        section = main.locator(f"[data-checkout-shop='{shop.pk}']")
        section.get_by_label(f"JNE Reguler — {rupiah(fee)}").check()
    # The page adds the chosen fees up at once (96.000 + 10.000 + 12.000)...
    expect(main.locator("[data-checkout-total]")).to_have_text(rupiah(118_000))
    main.locator(f"[data-checkout-shop='{shop_b.pk}']").get_by_label(
        field_label("Catatan untuk penjual (opsional)")
    ).fill("Tolong digiling kasar.")
    # ...and the server computes them again for this address.
    main.get_by_role("button", name="Hitung ongkir untuk alamat ini").first.click()
    expect(main.locator("[data-checkout-total]")).to_have_text(rupiah(118_000))
    expect(main.get_by_label(field_label("Desa"))).to_have_value("51.03.06.2005")
    expect(main.get_by_label(f"JNE Reguler — {rupiah(10_000)}")).to_be_checked()
    main.get_by_label(re.compile(rf"^{re.escape(payment)}")).check()
    assert_fits_the_phone(page)


def shop_order_card(page, shop_name: str):
    return page.get_by_role("main").locator("[data-shop-order]").filter(has=page.get_by_role("heading", name=shop_name))


def operator_in_the_cms(browser, base_url: str, *, email: str, permission: str, path: str):
    """An Operator-group user holding `payments.<permission>`, logged in to the CMS at `path` in a desktop
    browser context; returns the context (the caller closes it) and its page."""
    operator = VerifiedUserFactory(email=email, full_name="Operator Badung")
    group = Group.objects.get_or_create(name=OPERATOR_GROUP)[0]
    for app_label, codename in (("wagtailadmin", "access_admin"), ("payments", permission)):
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    operator.groups.add(group)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}{path}")
    main = page.get_by_role("main")
    main.get_by_label(field_label("Email")).fill(email)
    main.get_by_label(field_label("Kata sandi")).fill(DEFAULT_PASSWORD)
    main.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(path)}$"))
    return context, page


def operator_confirms_the_transfer(browser, base_url: str, amount: int, number: str) -> None:
    """The operator, at the office, searches the pending transfers by the amount on the bank statement."""
    context, page = operator_in_the_cms(
        browser, base_url, email=OPERATOR_EMAIL, permission="confirm_bank_transfer", path="/cms/transfer-bank/"
    )
    try:
        # Another shopper's transfer waits too; the amount tells them apart.
        expect(page.get_by_test_id("pending-count")).to_have_text("2 transfer menunggu konfirmasi")
        search = page.get_by_role("search")
        search.get_by_label("Cari").fill(rupiah(amount))
        search.get_by_role("button", name="Cari").click()
        expect(page.get_by_test_id("pending-count")).to_have_text("1 transfer menunggu konfirmasi")
        row = page.get_by_role("row", name=re.compile(number))
        expect(row).to_contain_text(f"{SHOP_A}, {SHOP_B}")
        expect(row.get_by_role("link", name="Lihat bukti")).to_be_visible()
        row.get_by_role("link", name=number).click()
        expect(page.get_by_test_id("payment-status")).to_have_text("Menunggu pembayaran")
        page.get_by_role("button", name="Konfirmasi pembayaran diterima").click()
        expect(page).to_have_url(re.compile(r"/cms/transfer-bank/$"))
        expect(page.get_by_text(f"Pembayaran pesanan {number} dikonfirmasi")).to_be_visible()
        expect(page.get_by_test_id("pending-count")).to_have_text("1 transfer menunggu konfirmasi")
        expect(page.get_by_role("row", name=re.compile(number))).to_have_count(0)
    finally:
        context.close()


def seller_fulfils(browser, base_url: str, email: str, number: str, *, tracking: str, accept: bool, deliver: bool):
    """A seller on their phone: the order list → the shop order → accept (if paid) → ship → (COD) delivered."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        log_in(page, base_url, email, "/penjual/pesanan/")
        assert_fits_the_phone(page)
        main.get_by_role("link", name=re.compile(rf"^{re.escape(number)}-\d$")).click()
        status = main.locator("[data-status]")
        shop_order_number = page.url.rstrip("/").rsplit("/", 1)[1]
        if accept:
            expect(status).to_have_text("Dibayar")
            main.get_by_role("button", name="Terima pesanan").click()
            expect(page.locator("ul.messages")).to_contain_text(f"Pesanan {shop_order_number} diterima.")
        expect(status).to_have_text("Diproses")
        main.get_by_label(field_label("Kurir")).fill("JNE")
        main.get_by_label(field_label("Nomor resi")).fill(tracking)
        assert_fits_the_phone(page)
        main.get_by_role("button", name="Tandai sudah dikirim").click()
        expect(page.locator("ul.messages")).to_contain_text(f"Pesanan {shop_order_number} ditandai sudah dikirim.")
        expect(status).to_have_text("Dikirim")
        expect(main).to_contain_text(tracking)
        if deliver:
            main.get_by_role("button", name="Tandai sudah diterima pembeli (dan dibayar, COD)").click()
            expect(page.locator("ul.messages")).to_contain_text(f"Pesanan {shop_order_number} ditandai sudah sampai.")
            expect(status).to_have_text("Tiba di tujuan")
    finally:
        context.close()


def confirm_received(page, shop_name: str) -> None:
    card = shop_order_card(page, shop_name)
    card.get_by_role("button", name="Pesanan diterima").click()
    expect(page.locator("ul.messages")).to_contain_text("selesai")
    expect(shop_order_card(page, shop_name).locator("[data-status]")).to_have_text("Selesai")


@pytest.mark.e2e
def test_shopper_pays_two_shops_by_bank_transfer_operator_confirms_sellers_ship_and_shopper_reviews(
    live_server, browser, tmp_path
):
    data = marketplace(cash_on_delivery=False)
    other_order = two_shop_order(payment_method="bank_transfer")[0].order
    base_url = live_server.url
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        fill_the_cart_from_two_shops(page, base_url)
        number = check_out(page, base_url, data, payment="Transfer bank")

        # The order page: both shops wait for the money; the exact amount (with its unique code) to transfer.
        payment = Payment.objects.get(order__number=number)
        assert payment.amount == 118_000 + payment.unique_code
        expect(main.locator("[data-transfer-instructions]")).to_contain_text(rupiah(payment.amount))
        expect(main.locator("[data-shop-order] [data-status]")).to_have_text(["Menunggu pembayaran"] * 2)
        assert_fits_the_phone(page)

        # The proof of transfer, from the order page.
        main.get_by_role("link", name="Unggah bukti transfer").click()
        expect(page).to_have_url(f"{base_url}/pembayaran/{number}/bukti/")
        expect(page.get_by_test_id("transfer-amount")).to_have_text(rupiah(payment.amount))
        receipt = tmp_path / "IMG_20261128_bukti.jpg"
        receipt.write_bytes(receipt_photo_bytes())
        main.get_by_label(field_label("Bukti transfer")).set_input_files(str(receipt))
        main.get_by_role("button", name="Unggah bukti").click()
        expect(page.get_by_test_id("proof-status")).to_contain_text("Bukti diunggah")
        main.get_by_role("link", name=re.compile("Kembali ke pesanan")).click()
        expect(page).to_have_url(f"{base_url}/pesanan/{number}/")

        operator_confirms_the_transfer(browser, base_url, payment.amount, number)
        page.reload()
        expect(main.locator("[data-shop-order] [data-status]")).to_have_text(["Dibayar"] * 2)
        expect(main.locator("[data-transfer-instructions]")).to_have_count(0)

        seller_fulfils(browser, base_url, SELLER_A_EMAIL, number, tracking="JNE0012345601", accept=True, deliver=False)
        seller_fulfils(browser, base_url, SELLER_B_EMAIL, number, tracking="JNE0012345602", accept=True, deliver=False)

        # The shopper follows the order from the account menu, sees the tracking numbers, confirms each parcel.
        page.get_by_role("banner").locator("details.account-menu > summary").click()
        page.get_by_role("banner").get_by_role("link", name="Pesanan saya").click()
        main.get_by_role("link", name=number).click()
        expect(page).to_have_url(f"{base_url}/pesanan/{number}/")
        expect(main.locator("[data-shop-order] [data-status]")).to_have_text(["Dikirim"] * 2)
        expect(main.locator("[data-tracking]")).to_have_text(["JNE0012345601", "JNE0012345602"])
        confirm_received(page, SHOP_A)
        confirm_received(page, SHOP_B)

        # From the order page to the review page: five stars and a few words for the snack.
        main.get_by_role("link", name="Ulas pesanan Anda").click()
        expect(page).to_have_url(f"{base_url}/pesanan/{number}/ulasan/")
        card = main.get_by_role("listitem").filter(has=page.get_by_role("heading", name=SNACK))
        card.get_by_label("5 bintang").check()
        card.get_by_role("textbox").fill("Renyah, manisnya pas. Pasti pesan lagi!")
        assert_fits_the_phone(page)
        card.get_by_role("button", name=re.compile("^Terbitkan ulasan")).click()
        expect(page.locator("ul.messages")).to_contain_text(f"Ulasan Anda untuk {SNACK} sudah diterbitkan.")
        expect(main.get_by_role("listitem").filter(has=page.get_by_role("heading", name=SNACK))).to_contain_text(
            "Ulasan Anda"
        )

        # The product page shows the rating and the review.
        page.goto(f"{base_url}/produk/kripik-pisang-manis/")
        reviews = main.locator("section.cat-reviews")
        expect(reviews).to_contain_text("5,0 dari 5 · 1 ulasan")
        expect(reviews).to_contain_text("Renyah, manisnya pas. Pasti pesan lagi!")
    finally:
        context.close()

    order = Order.objects.get(number=number)
    assert (order.payment_method, order.subtotal, order.shipping_total, order.total) == (
        "bank_transfer",
        96_000,
        22_000,
        118_000,
    )
    assert list(order.shop_orders.order_by("number").values_list("shop__name", "status", "tracking_number")) == [
        (SHOP_A, ShopOrder.Status.COMPLETED, "JNE0012345601"),
        (SHOP_B, ShopOrder.Status.COMPLETED, "JNE0012345602"),
    ]
    assert order.shop_orders.get(shop__name=SHOP_B).note_to_seller == "Tolong digiling kasar."
    payment.refresh_from_db()
    assert (payment.status, bool(payment.proof)) == (Payment.Status.SUCCEEDED, True)
    assert dict(ProductVariant.objects.filter(sku__in=SKUS).values_list("sku", "stock")) == {
        "KPM-250": 10,
        "KPM-500": 3,
        "KAK-200": 7,
    }
    # The other shopper's transfer still waits.
    assert list(Payment.objects.filter(status=Payment.Status.PENDING).values_list("order", flat=True)) == [
        other_order.pk
    ]
    [review] = Review.objects.all()
    assert (review.rating, review.text, review.product_id) == (
        5,
        "Renyah, manisnya pas. Pasti pesan lagi!",
        data["products"][0].pk,
    )
    snack = Product.objects.get(pk=data["products"][0].pk)
    assert (snack.rating_count, snack.rating_total, snack.sold_count) == (1, 5, 2)


@pytest.mark.e2e
def test_shopper_pays_cash_on_delivery_sellers_ship_and_deliver_and_shopper_confirms(live_server, browser):
    data = marketplace(cash_on_delivery=True)
    base_url = live_server.url
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    main = page.get_by_role("main")
    try:
        fill_the_cart_from_two_shops(page, base_url)
        number = check_out(page, base_url, data, payment="Bayar di Tempat (COD)")

        # Nothing to pay now: both shops start at once.
        expect(main.locator("[data-shop-order] [data-status]")).to_have_text(["Diproses"] * 2)
        expect(main.locator("[data-transfer-instructions]")).to_have_count(0)
        expect(main).to_contain_text("Bayar di Tempat (COD)")
        assert_fits_the_phone(page)

        seller_fulfils(browser, base_url, SELLER_A_EMAIL, number, tracking="JNT8800112201", accept=False, deliver=True)
        seller_fulfils(browser, base_url, SELLER_B_EMAIL, number, tracking="JNT8800112202", accept=False, deliver=True)

        page.reload()
        expect(main.locator("[data-shop-order] [data-status]")).to_have_text(["Tiba di tujuan"] * 2)
        expect(main.locator("[data-payment-status]")).to_have_text("Dibayar")
        confirm_received(page, SHOP_A)
        confirm_received(page, SHOP_B)
        expect(main.get_by_role("link", name="Ulas pesanan Anda")).to_be_visible()
    finally:
        context.close()

    order = Order.objects.get(number=number)
    assert (order.payment_method, order.total) == ("cod", 118_000)
    assert list(order.shop_orders.order_by("number").values_list("status", flat=True)) == [
        ShopOrder.Status.COMPLETED,
        ShopOrder.Status.COMPLETED,
    ]
    assert all(order.shop_orders.values_list("paid_at", flat=True))
    assert Payment.objects.get(order=order).status == Payment.Status.SUCCEEDED
    assert dict(ProductVariant.objects.values_list("sku", "stock")) == {"KPM-250": 10, "KPM-500": 3, "KAK-200": 7}
