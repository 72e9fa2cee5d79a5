"""SEO template tags (`{% load seo %}`) and the SEO head of base.html: Open Graph and Twitter cards, JSON-LD for
products, shops and breadcrumbs, canonical and hreflang links."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from cms.demo import seed_home_page
from shops import selectors
from shops.models import Product, Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)

SITE = "https://pasar.example"
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def render(source: str, path: str = "/", **context) -> str:
    request = RequestFactory().get(path)
    return Template("{% load seo %}" + source).render(RequestContext(request, context))


def meta(html: str) -> dict[str, str]:
    """{property or name: content} of the meta tags in `html`."""
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))


class ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append([dict(attrs).get("type"), ""])

    def handle_data(self, data):
        if self.lasttag == "script" and self.scripts:
            self.scripts[-1][1] += data


def script_elements(html: str) -> list[tuple[str, str]]:
    """(type, text) of every script element, as an HTML parser splits the document."""
    parser = ScriptCollector()
    parser.feed(html)
    parser.close()
    return [tuple(script) for script in parser.scripts]


def jsonld(html: str) -> dict:
    blocks = JSONLD.findall(html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def shop(db):
    return ApprovedShopFactory(
        name="Warung Bu Made",
        slug="warung-bu-made",
        logo="shops/logos/warung.webp",
        whatsapp="+6281234567890",
    )


def public_product(slug: str):
    product = selectors.product_get_public(slug=slug)
    assert product is not None
    return product


# --- Open Graph --------------------------------------------------------------------------------------------


def test_open_graph_with_an_image_is_a_large_card_with_absolute_urls(db):
    image = ProductImageFactory(is_main=True, detail="products/renditions/keripik-detail.webp")

    with translation.override("id"):
        html = render(
            '{% open_graph title="Keripik Pisang" description=text image=image url="/produk/keripik/" '
            'type="product" %}',
            text="<p>Renyah &amp; gurih,</p><p>tanpa pengawet.</p>",
            image=image,
        )

    tags = meta(html)
    assert tags["og:site_name"] == "Pasar UMKM"
    assert tags["og:title"] == tags["twitter:title"] == "Keripik Pisang"
    assert tags["og:description"] == tags["twitter:description"] == "Renyah &amp; gurih, tanpa pengawet."
    assert tags["og:type"] == "product"
    assert tags["og:url"] == f"{SITE}/produk/keripik/"
    assert tags["og:image"] == tags["twitter:image"] == f"{SITE}/media/products/renditions/keripik-detail.webp"
    assert tags["og:image:alt"] == "Keripik Pisang"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:locale"] == "id_ID"
    assert tags["og:locale:alternate"] == "en_US"


def test_open_graph_without_an_image_is_a_summary_card_of_the_current_page_in_english(db):
    with translation.override("en"):
        html = render("{% open_graph %}", path="/en/akun/login/?next=/penjual/")

    tags = meta(html)
    assert tags["twitter:card"] == "summary"
    assert "og:image" not in tags
    assert "twitter:image" not in tags
    assert tags["og:title"] == "Pasar UMKM"
    assert tags["og:type"] == "website"
    assert tags["og:url"] == f"{SITE}/en/akun/login/"
    assert tags["og:locale"] == "en_US"
    assert tags["og:description"].startswith("Buy directly from local small businesses")


def test_open_graph_escapes_what_a_seller_wrote(db):
    html = render("{% open_graph title=title %}", title='Kopi "Bali" <b>asli</b>')

    assert 'content="Kopi &quot;Bali&quot; &lt;b&gt;asli&lt;/b&gt;"' in html
    assert "<b>" not in html


def test_open_graph_takes_a_shops_logo_file(shop):
    html = render("{% open_graph title=shop.name image=shop.logo %}", shop=shop)

    assert meta(html)["og:image"] == f"{SITE}/media/shops/logos/warung.webp"


def test_open_graph_uses_an_image_while_its_renditions_are_being_made(db):
    image = ProductImageFactory(is_main=True)  # no renditions yet: the original

    html = render("{% open_graph image=image %}", image=image)

    assert meta(html)["og:image"] == f"{SITE}/media/{image.original.name}"


# --- Product JSON-LD ---------------------------------------------------------------------------------------


def test_product_jsonld_with_one_price_is_an_offer_in_rupiah_sold_by_the_shop(shop):
    category = CategoryFactory(name="Camilan")
    product = ProductFactory(shop=shop, slug="keripik-pisang", title="Keripik Pisang", category=category, variant=None)
    ProductVariantFactory(product=product, sku="KP-250", price=15_000, stock=4)
    ProductImageFactory(product=product, is_main=True, position=0, detail="products/renditions/kp-1.webp")
    ProductImageFactory(product=product, position=1, detail="products/renditions/kp-2.webp")

    data = jsonld(render("{% product_jsonld product %}", product=public_product("keripik-pisang")))

    assert data == {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Keripik Pisang",
        "description": "Renyah, manis gurih. Tanpa pengawet.",
        "url": f"{SITE}/produk/keripik-pisang/",
        "image": [f"{SITE}/media/products/renditions/kp-1.webp", f"{SITE}/media/products/renditions/kp-2.webp"],
        "sku": "KP-250",
        "category": "Camilan",
        "brand": {"@type": "Brand", "name": "Warung Bu Made"},
        "offers": {
            "@type": "Offer",
            "price": 15000,
            "itemCondition": "https://schema.org/NewCondition",
            "priceCurrency": "IDR",
            "availability": "https://schema.org/InStock",
            "url": f"{SITE}/produk/keripik-pisang/",
            "seller": {"@type": "Organization", "name": "Warung Bu Made", "url": f"{SITE}/toko/warung-bu-made/"},
        },
    }


def test_product_jsonld_with_variants_of_different_prices_is_an_aggregate_offer(shop):
    product = ProductFactory(shop=shop, slug="kopi-kintamani", variant=None)
    ProductVariantFactory(product=product, price=45_000, stock=0)
    ProductVariantFactory(product=product, price=85_000, stock=2)
    ProductVariantFactory(product=product, price=150_000, stock=0, is_active=False)  # not sold: not counted

    data = jsonld(render("{% product_jsonld product %}", product=public_product("kopi-kintamani")))

    assert "sku" not in data
    assert data["offers"] == {
        "@type": "AggregateOffer",
        "lowPrice": 45000,
        "highPrice": 85000,
        "offerCount": 2,
        "priceCurrency": "IDR",
        "availability": "https://schema.org/InStock",
        "url": f"{SITE}/produk/kopi-kintamani/",
        "seller": {"@type": "Organization", "name": "Warung Bu Made", "url": f"{SITE}/toko/warung-bu-made/"},
    }


def test_product_and_shop_jsonld_carry_their_review_rating_only_once_reviewed(shop):
    ProductFactory(shop=shop, slug="kopi-kintamani")

    def product_data():
        return jsonld(render("{% product_jsonld product %}", product=public_product("kopi-kintamani")))

    assert "aggregateRating" not in product_data()

    Product.objects.filter(slug="kopi-kintamani").update(rating_count=2, rating_total=9)
    Shop.objects.filter(pk=shop.pk).update(rating_count=3, rating_total=13)

    rating = {"@type": "AggregateRating", "ratingValue": 4.5, "reviewCount": 2, "bestRating": 5, "worstRating": 1}
    assert product_data()["aggregateRating"] == rating
    shop_data = jsonld(render("{% shop_jsonld shop %}", shop=selectors.shop_get_public(slug=shop.slug)))
    assert shop_data["aggregateRating"] == {**rating, "ratingValue": 4.3, "reviewCount": 3}


def test_product_jsonld_is_out_of_stock_without_stock_or_while_the_shop_is_on_holiday(shop):
    sold_out = ProductFactory(shop=shop, slug="habis", variant=None)
    ProductVariantFactory(product=sold_out, price=10_000, stock=0)
    ProductFactory(shop=shop, slug="ada-stok")

    sold_out_data = jsonld(render("{% product_jsonld product %}", product=public_product("habis")))
    assert sold_out_data["offers"]["availability"] == "https://schema.org/OutOfStock"

    shop.closed_until = timezone.localdate() + timedelta(days=3)
    shop.save(update_fields=["closed_until"])
    closed_data = jsonld(render("{% product_jsonld product %}", product=public_product("ada-stok")))
    assert closed_data["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_product_jsonld_cannot_close_the_script_whatever_the_seller_wrote(shop, django_assert_num_queries):
    title = "</script><script>alert(1)</script>"
    # Stored rich text is escaped; its plain text (in the JSON) is not: "</script>" again.
    description = "Pedas &lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; &lt;!--"
    ProductFactory(shop=shop, slug="jahat", title=title, description=description)
    product = public_product("jahat")

    with django_assert_num_queries(0):
        html = render("{% product_jsonld product %}", product=product)

    # A browser sees one script element, whose whole text is the JSON (the seller's text stays inside it).
    assert html.count("</script>") == 1
    assert "<!--" not in html
    assert script_elements(html) == [("application/ld+json", JSONLD.findall(html)[0])]
    data = jsonld(html)
    assert data["name"] == title
    assert data["description"] == "Pedas </script><script>alert(2)</script> <!--"


def test_product_jsonld_of_a_product_page_selector_costs_no_query(shop, django_assert_num_queries):
    product = ProductFactory(shop=shop, slug="sambal-matah")
    ProductImageFactory(product=product, is_main=True, position=0)
    product = public_product("sambal-matah")

    with django_assert_num_queries(0):
        data = jsonld(render("{% product_jsonld product %}", product=product))

    assert data["offers"]["@type"] == "Offer"
    assert len(data["image"]) == 1


# --- Shop JSON-LD ------------------------------------------------------------------------------------------


def test_shop_jsonld_is_a_local_business_with_its_address_whatsapp_and_logo(shop, django_assert_num_queries):
    public_shop = selectors.shop_get_public(slug="warung-bu-made")

    with django_assert_num_queries(0):
        data = jsonld(render("{% shop_jsonld shop %}", shop=public_shop))

    assert data == {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": "Warung Bu Made",
        "description": "Keripik pisang dan sambal matah buatan rumah sejak 1998.",
        "url": f"{SITE}/toko/warung-bu-made/",
        "image": f"{SITE}/media/shops/logos/warung.webp",
        "logo": f"{SITE}/media/shops/logos/warung.webp",
        "telephone": "+6281234567890",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Jl. Pantai Berawa No. 12, Canggu",
            "addressLocality": "Kuta Utara",
            "addressRegion": "Kabupaten Badung",
            "postalCode": "80363",
            "addressCountry": "ID",
        },
    }


def test_shop_jsonld_leaves_out_what_the_shop_has_not_filled_in(db):
    ApprovedShopFactory(slug="toko-baru", whatsapp="", village=None, district=None, street_address="", postal_code="")

    data = jsonld(render("{% shop_jsonld shop %}", shop=selectors.shop_get_public(slug="toko-baru")))

    assert "telephone" not in data
    assert "logo" not in data
    assert "image" not in data
    assert data["address"] == {"@type": "PostalAddress", "addressRegion": "Kabupaten Badung", "addressCountry": "ID"}


# --- Breadcrumbs JSON-LD -----------------------------------------------------------------------------------


def test_breadcrumbs_jsonld_lists_the_trail_with_absolute_urls(db):
    items = [("Beranda", "/"), ("Makanan", "/kategori/makanan/"), ("Keripik </script> Pisang", None)]

    html = render("{% breadcrumbs_jsonld items %}", items=items)

    assert html.count("</script>") == 1
    assert jsonld(html) == {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Beranda", "item": f"{SITE}/"},
            {"@type": "ListItem", "position": 2, "name": "Makanan", "item": f"{SITE}/kategori/makanan/"},
            {"@type": "ListItem", "position": 3, "name": "Keripik </script> Pisang"},
        ],
    }


def test_storefront_breadcrumbs_follow_the_category_tree_to_the_product(db):
    food = CategoryFactory(name="Makanan", slug="makanan")
    snacks = CategoryFactory(name="Keripik", slug="keripik", parent=food)

    with translation.override("en"):
        html = render(
            "{% storefront_breadcrumbs category ancestors title as crumbs %}{% breadcrumbs_jsonld crumbs %}",
            category=snacks,
            ancestors=[food],
            title="Keripik Pisang",
        )
    category_only = render(
        "{% storefront_breadcrumbs category as crumbs %}{% breadcrumbs_jsonld crumbs %}", category=food
    )

    assert [(item["name"], item.get("item")) for item in jsonld(html)["itemListElement"]] == [
        ("Home", f"{SITE}/en/"),
        ("Makanan", f"{SITE}/en/kategori/makanan/"),
        ("Keripik", f"{SITE}/en/kategori/keripik/"),
        ("Keripik Pisang", None),
    ]
    assert [item["position"] for item in jsonld(category_only)["itemListElement"]] == [1, 2]
    assert jsonld(category_only)["itemListElement"][1] == {"@type": "ListItem", "position": 2, "name": "Makanan"}


# --- Small tags --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/produk/x/", f"{SITE}/produk/x/"),
        ("media/a.webp", f"{SITE}/media/a.webp"),
        ("https://cdn.example/a.webp", "https://cdn.example/a.webp"),
        ("//cdn.example/a.webp", "https://cdn.example/a.webp"),
        ("", ""),
        (None, ""),
    ],
)
def test_absolute_url_filter_puts_paths_on_site_url(url, expected):
    assert Template("{% load seo %}{{ url|absolute_url }}").render(Context({"url": url})) == expected


def test_seo_description_is_plain_text_cut_at_a_word():
    text = "<p>Keripik pisang <strong>renyah</strong> &amp; gurih.</p><p>" + "Enak sekali. " * 30 + "</p>"

    html = Template("{% load seo %}{{ text|seo_description }}").render(Context({"text": text}))

    assert html.startswith("Keripik pisang renyah &amp; gurih. Enak sekali.")
    assert len(html.replace("&amp;", "&")) <= 160
    assert html.endswith("…")


def test_canonical_url_drops_filters_but_keeps_a_page_past_the_first(db):
    assert render("{% canonical_url %}", path="/kategori/makanan/?sort=price_asc&page=1") == (
        f"{SITE}/kategori/makanan/"
    )
    assert render("{% canonical_url %}", path="/kategori/makanan/?sort=price_asc&page=3") == (
        f"{SITE}/kategori/makanan/?page=3"
    )


# --- base.html ---------------------------------------------------------------------------------------------


@pytest.fixture
def home(db):
    return seed_home_page()


def test_every_page_names_its_other_language_canonical_url_and_default_open_graph(client, home):
    html = client.get("/en/akun/login/?next=/penjual/").content.decode()

    assert f'<link rel="canonical" href="{SITE}/en/akun/login/">' in html
    assert f'<link rel="alternate" hreflang="id" href="{SITE}/akun/login/">' in html
    assert f'<link rel="alternate" hreflang="en" href="{SITE}/en/akun/login/">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}/akun/login/">' in html
    tags = meta(html)
    assert tags["og:site_name"] == "Pasar UMKM"
    assert tags["og:locale"] == "en_US"
    assert tags["og:url"] == f"{SITE}/en/akun/login/"
    assert tags["twitter:card"] == "summary"
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html


def test_a_wagtail_page_gives_its_own_title_and_search_description_to_open_graph(client, home):
    home.seo_title = "Belanja UMKM Badung"
    home.search_description = "Produk lokal dari penjual terlatih di Badung."
    home.save_revision().publish()

    html = client.get("/").content.decode()

    tags = meta(html)
    assert tags["og:title"] == "Belanja UMKM Badung"
    assert tags["og:description"] == "Produk lokal dari penjual terlatih di Badung."
    assert tags["og:locale"] == "id_ID"
    assert f'<link rel="alternate" hreflang="en" href="{SITE}/en/">' in html


def test_a_page_replaces_the_default_open_graph_in_its_seo_block(rf, db):
    request = rf.get("/produk/keripik/")
    template = Template(
        '{% extends "base.html" %}{% load seo %}'
        '{% block seo %}{% open_graph title="Keripik Pisang" type="product" %}{% endblock %}'
    )

    html = template.render(RequestContext(request, {}))

    assert html.count('property="og:title"') == 1
    assert meta(html)["og:title"] == "Keripik Pisang"
    assert meta(html)["og:type"] == "product"
