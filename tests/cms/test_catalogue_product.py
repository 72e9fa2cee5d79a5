"""`/produk/<slug>/`: gallery, variants, stock, shop card with WhatsApp, description, related products; 404 for
what is not public and 410 for what is no longer sold."""

import datetime
import html
import re
from urllib.parse import quote

import pytest
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, ngettext

from shops.models import Product, Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
    SubmittedShopFactory,
)

pytestmark = pytest.mark.django_db


def t(msgid: str) -> str:
    with translation.override("id"):
        return gettext(msgid)


def only_left(count: int) -> str:
    with translation.override("id"):
        return ngettext("Only %(counter)s left", "Only %(counter)s left", count) % {"counter": count}


def with_renditions(image, name: str):
    image.card.name = f"products/renditions/{name}-card.webp"
    image.detail.name = f"products/renditions/{name}-detail.webp"
    image.thumbnail.name = f"products/renditions/{name}-thumb.webp"
    image.save()
    return image


def page_of(client, product, prefix: str = "") -> str:
    response = client.get(f"{prefix}/produk/{product.slug}/")
    assert response.status_code == 200
    return response.content.decode()


# --- What is shown ----------------------------------------------------------------------------------------


def test_gallery_shows_every_photo_in_order_as_detail_renditions_with_srcset(client):
    product = ProductFactory(title="Kain Endek")
    second = with_renditions(ProductImageFactory(product=product, position=2, width=2000, height=1000), "b")
    main = with_renditions(ProductImageFactory(product=product, position=1, is_main=True, width=900, height=1200), "a")
    third = ProductImageFactory(product=product, position=3, width=64, height=48)  # renditions not made yet

    page = page_of(client, product)

    gallery = page[page.index('<ul class="cat-gallery"') : page.index('<ul class="cat-thumbs">')]
    images = re.findall(r"<img [^>]*>", gallery)
    assert len(images) == 3
    assert 'src="/media/products/renditions/a-detail.webp"' in images[0]
    assert (
        'srcset="/media/products/renditions/a-card.webp 360w, /media/products/renditions/a-detail.webp 900w"'
        in (images[0])
    )
    assert 'width="900" height="1200"' in images[0]
    assert 'alt="Kain Endek"' in images[0]
    assert 'loading="lazy"' not in images[0]
    assert (
        'srcset="/media/products/renditions/b-card.webp 480w, /media/products/renditions/b-detail.webp 1200w"'
        in (images[1])
    )
    assert 'width="1200" height="600"' in images[1]
    assert 'loading="lazy"' in images[1]
    assert f'src="{third.original.url}"' in images[2]
    assert "srcset" not in images[2]
    thumbs = page[page.index('<ul class="cat-thumbs">') :]
    assert re.findall(r'<a href="(#foto-\d)"><img src="([^"]+)"', thumbs) == [
        ("#foto-1", main.thumbnail.url),
        ("#foto-2", second.thumbnail.url),
        ("#foto-3", third.original.url),
    ]


def test_variants_are_listed_with_price_and_stock_and_out_of_stock_ones_cannot_be_chosen(client):
    product = ProductFactory(title="Kopi Kintamani", variant__name="100 g", variant__price=30_000, variant__stock=0)
    ProductVariantFactory(product=product, name="250 g", price=65_000, stock=3)
    ProductVariantFactory(product=product, name="1 kg", price=220_000, stock=40)
    ProductVariantFactory(product=product, name="5 kg", price=900_000, stock=9, is_active=False)

    page = page_of(client, product)

    variants = page[page.index('<fieldset class="cat-variants">') : page.index("</fieldset>")]
    names = re.findall(r'class="cat-variant__name">([^<]*)<', variants)
    assert names == ["100 g", "250 g", "1 kg"]
    assert re.findall(r'class="cat-variant__price">([^<]*)<', variants) == ["Rp 30.000", "Rp 65.000", "Rp 220.000"]
    stocks = re.findall(r'class="cat-variant__stock">([^<]*)<', variants)
    assert stocks[:2] == [t("Out of stock"), only_left(3)]
    radios = re.findall(r'<input type="radio"[^>]*>', variants)
    assert ["disabled" in radio for radio in radios] == [True, False, False]
    assert ["checked" in radio for radio in radios] == [False, True, False]  # the cheapest one in stock
    assert "Rp 30.000 \u2013 Rp 220.000" in page
    assert f'class="cat-stock cat-stock--ok">{t("In stock")}<' in page


@pytest.mark.parametrize(
    ("stocks", "state"),
    [((0,), "out"), ((0, 0), "out"), ((3,), "low"), ((2, 3), "low"), ((6,), "ok"), ((0, 6), "ok")],
)
def test_stock_state_is_out_low_up_to_five_or_in_stock(client, stocks, state):
    product = ProductFactory(variant__stock=stocks[0])
    for stock in stocks[1:]:
        ProductVariantFactory(product=product, stock=stock)

    page = page_of(client, product)

    text = {"out": t("Out of stock"), "low": only_left(sum(stocks)), "ok": t("In stock")}[state]
    assert f'<p class="cat-stock cat-stock--{state}">{html.escape(text)}</p>' in page
    assert (html.escape(t("Not available to order right now.")) in page) is (state == "out")


def test_a_single_variant_product_shows_no_choice(client):
    product = ProductFactory(variant__name="250 g")

    page = page_of(client, product)

    assert 'type="radio"' not in page
    assert "250 g" in page


def test_shop_card_links_to_the_shop_and_whatsapp_with_an_indonesian_message_naming_the_product(client, settings):
    settings.SITE_URL = "https://pasarumkm.id"
    shop = ApprovedShopFactory(name="Warung Bu Made", slug="warung-bu-made", whatsapp="+6281234567890")
    product = ProductFactory(shop=shop, title="Sambal Matah & Bawang", slug="sambal-matah")

    for prefix in ("", "/en"):
        page = page_of(client, product, prefix)

        with translation.override("id"):
            message = gettext("Hello %(shop)s, I am interested in “%(product)s” on Pasar UMKM: %(url)s") % {
                "shop": "Warung Bu Made",
                "product": "Sambal Matah & Bawang",
                "url": "https://pasarumkm.id/produk/sambal-matah/",
            }
        expected = f"https://wa.me/6281234567890?text={quote(message, safe='')}"
        assert f'href="{html.escape(expected)}"' in page
        assert f'href="{prefix}/toko/warung-bu-made/"' in page


def test_shop_without_whatsapp_has_no_whatsapp_button(client):
    product = ProductFactory(shop=ApprovedShopFactory(whatsapp=""))

    assert "wa.me" not in page_of(client, product)


def test_description_is_sanitised_rich_text_and_badges_are_shown(client):
    shop = ApprovedShopFactory(pirt_number="2065103010123", pirt_verified_at=timezone.now())
    product = ProductFactory(
        shop=shop, description='<p><b>Renyah</b> <a href="https://contoh.id">beli</a><script>alert(1)</script></p>'
    )

    page = page_of(client, product)

    description = page[page.index('class="cat-product__description"') :]
    assert "<b>Renyah</b>" in description
    assert "<script>" not in description
    assert "contoh.id" not in description
    assert re.findall(r'class="cat-badge cat-badge--(\w+)"', page[: page.index("cat-product__description")]) == ["pirt"]


def test_related_products_are_up_to_eight_other_public_products_of_the_same_category(client):
    coffee = CategoryFactory(slug="kopi")
    other = CategoryFactory(slug="teh")
    product = ProductFactory(category=coffee, title="Kopi Utama")
    for number in range(10):
        ProductFactory(
            category=coffee,
            title=f"Kopi Lain {number}",
            created_at=timezone.now() - datetime.timedelta(days=number + 1),
        )
    ProductFactory(category=coffee, title="Kopi Draf", status=Product.Status.DRAFT)
    ProductFactory(category=other, title="Teh Melati")

    page = page_of(client, product)

    related = page[page.index('class="cat-related"') :]
    titles = re.findall(r'class="product-card__title">([^<]*)<', related)
    assert titles == [f"Kopi Lain {number}" for number in range(8)]
    assert all('loading="lazy"' in img for img in re.findall(r"<img [^>]*>", related))


def test_breadcrumbs_title_meta_description_and_canonical(client, settings):
    settings.SITE_URL = "https://pasarumkm.id"
    food = CategoryFactory(name="Makanan", slug="makanan")
    snack = CategoryFactory(name="Camilan", slug="camilan", parent=food)
    shop = ApprovedShopFactory(name="Warung Bu Made")
    long_text = "Renyah " * 60
    product = ProductFactory(
        shop=shop, category=snack, title="Keripik", slug="keripik", description=f"<p><b>Pisang</b> {long_text}</p>"
    )

    page = page_of(client, product)

    crumbs = page[page.index('class="cat-breadcrumbs"') : page.index("</nav>", page.index('class="cat-breadcrumbs"'))]
    assert re.findall(r'<a href="([^"]+)">', crumbs) == ["/", "/kategori/makanan/", "/kategori/camilan/"]
    assert '<span aria-current="page">Keripik</span>' in crumbs
    assert "<title>Keripik · Warung Bu Made · Pasar UMKM</title>" in page
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert description.startswith("Pisang Renyah Renyah")
    assert len(description) <= 155
    assert "<" not in description
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', page) == ["https://pasarumkm.id/produk/keripik/"]


# --- Vacation ---------------------------------------------------------------------------------------------


def test_shop_on_vacation_shows_the_reopening_day_and_the_product_cannot_be_chosen(client):
    closed_until = timezone.localdate() + datetime.timedelta(days=4)
    product = ProductFactory(shop=ApprovedShopFactory(closed_until=closed_until), variant__stock=9)
    ProductVariantFactory(product=product, stock=9)

    page = page_of(client, product)

    with translation.override("id"):
        day = date_format(closed_until, "j F Y")
        notice = gettext("Shop on holiday until %(date)s. This product cannot be ordered until then.") % {"date": day}
    assert html.escape(notice) in page
    assert html.escape(t("Not available to order right now.")) in page
    radios = re.findall(r'<input type="radio"[^>]*>', page)
    assert len(radios) == 2
    assert all("disabled" in radio and "checked" not in radio for radio in radios)


def test_vacation_that_ended_yesterday_leaves_the_product_buyable(client):
    product = ProductFactory(shop=ApprovedShopFactory(closed_until=timezone.localdate() - datetime.timedelta(days=1)))

    page = page_of(client, product)

    assert 'class="cat-notice cat-notice--closed"' not in page
    assert html.escape(t("Not available to order right now.")) not in page


# --- Not public: 404, no longer sold: 410 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: ProductFactory(status=Product.Status.DRAFT),
        lambda: ProductFactory(moderation=Product.Moderation.PENDING),
        lambda: ProductFactory(moderation=Product.Moderation.REJECTED),
        lambda: ProductFactory(shop=ShopFactory()),
        lambda: ProductFactory(shop=SubmittedShopFactory()),
        lambda: ProductFactory(shop=ApprovedShopFactory(status=Shop.Status.REJECTED)),
        lambda: ProductFactory(shop=ApprovedShopFactory(status=Shop.Status.SUSPENDED)),
        lambda: ProductFactory(variant=None),
        # Archived, but never public or no longer of a public shop: an ordinary 404.
        lambda: ProductFactory(status=Product.Status.ARCHIVED, moderation=Product.Moderation.REJECTED),
        lambda: ProductFactory(status=Product.Status.ARCHIVED, shop=ApprovedShopFactory(status=Shop.Status.SUSPENDED)),
    ],
    ids=[
        "draft",
        "pending",
        "rejected",
        "draft-shop",
        "submitted-shop",
        "rejected-shop",
        "suspended-shop",
        "no-variant",
        "archived-rejected",
        "archived-suspended-shop",
    ],
)
def test_product_that_is_not_public_is_404(client, make):
    product = make()

    assert client.get(f"/produk/{product.slug}/").status_code == 404


def test_unknown_product_is_404(client):
    assert client.get("/produk/tidak-ada/").status_code == 404


def test_archived_product_answers_410_no_longer_sold_and_suggests_its_category_and_shop(client):
    category = CategoryFactory(name="Camilan", slug="camilan")
    shop = ApprovedShopFactory(name="Warung Bu Made", slug="warung-bu-made")
    product = ProductFactory(shop=shop, category=category, title="Keripik Lama", status=Product.Status.ARCHIVED)

    response = client.get(f"/produk/{product.slug}/")

    assert response.status_code == 410
    page = response.content.decode()
    assert f"<h1>{t('This product is no longer sold')}</h1>" in page
    assert 'href="/kategori/camilan/"' in page
    assert 'href="/toko/warung-bu-made/"' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "Keripik Lama" in page
