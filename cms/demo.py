"""Demo data for `manage.py seed_demo`. Every seeder is idempotent: running it twice changes nothing.

Later issues add their seeders (shops and products, orders, a workshop) to `SEEDERS` in the command.
"""

import io
from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images.models import Image
from wagtail.models import Collection, GroupPagePermission, Locale, Page, Site

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP
from shops import selectors

from .models import HomePage, NewsArticlePage, NewsIndexPage, StandardPage, StorefrontSettings

DEMO_PASSWORD = "pasar-demo-2026"  # noqa: S105 - demo accounts only; seed_demo refuses to run with DEBUG off


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    phone: str


DEMO_ACCOUNTS = [
    DemoAccount("operator", "operator@pasarumkm.test", "Ni Luh Operator", "+6281100000001"),
    DemoAccount("seller", "penjual@pasarumkm.test", "I Made Penjual", "+6281100000002"),
    DemoAccount("trainer", "pelatih@pasarumkm.test", "Kadek Pelatih", "+6281100000003"),
    DemoAccount("shopper", "pembeli@pasarumkm.test", "Putu Pembeli", "+6281100000004"),
]

OPERATOR_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("cms", "change_storefrontsettings"),
    ("payments", "confirm_bank_transfer"),
    ("payments", "manage_payouts"),
]
OPERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


@transaction.atomic
def seed_wagtail_base() -> Page:
    """The rows Wagtail's own data migrations create (default locale, root page, root collection).

    They exist after `migrate`; this puts them back after a database flush (`manage.py flush`, or a test
    database emptied between transactional tests), so seeding always has a tree to build on.
    """
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


@transaction.atomic
def seed_operator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=OPERATOR_GROUP)
    for app_label, codename in OPERATOR_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    root = seed_wagtail_base()
    for codename in OPERATOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=root,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return group


@transaction.atomic
def seed_accounts() -> list[DemoAccount]:
    """One account per role, each with a verified primary email and the demo password."""
    operator_group = seed_operator_group()
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            email=account.email, defaults={"full_name": account.full_name, "phone": account.phone}
        )
        # Demo only: the printed password must always work, even after someone changed it.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.role == "operator":
            user.groups.add(operator_group)
    return DEMO_ACCOUNTS


HOME_BODY = [
    {
        "type": "hero",
        "value": {
            "heading": "Belanja langsung dari UMKM Badung",
            "text": "Kripik, kopi, kain endek, kerajinan, dan oleh-oleh dari penjual binaan UKM GO-DIGITAL.",
            "button_text": "Mulai berjualan",
            "button_url": "/penjual/",
        },
    },
    # Automatic: the top-level categories (nothing to choose, so it works before the catalogue exists).
    {"type": "category_grid", "value": {"heading": "", "categories": []}},
    {
        "type": "rich_text",
        "value": (
            "<h2>Kenapa belanja di Pasar UMKM?</h2><ul><li>Produk asli dari usaha lokal.</li>"
            "<li>Satu keranjang untuk banyak toko.</li><li>Penjual didampingi pelatih program.</li></ul>"
        ),
    },
]


@transaction.atomic
def seed_home_page() -> HomePage:
    """Make an Indonesian HomePage the root of the default site, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = seed_wagtail_base()
        home = HomePage(title="Pasar UMKM", slug="beranda", seo_title="Pasar UMKM — belanja langsung dari UMKM")
        home.body = HOME_BODY
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Pasar UMKM")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Pasar UMKM"
        site.save()
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()  # Wagtail's own "Welcome to your new Wagtail site!" page
    return home


# --- Storefront pages (issue 4): the home page's blocks, about / how to sell / FAQ, news, settings and menu ------

HERO_IMAGE_TITLE = "Pasar UMKM — banner beranda"

STANDARD_PAGES = [
    {
        "slug": "tentang",
        "title": "Tentang",
        "intro": "Pasar UMKM adalah pasar online untuk usaha kecil binaan program UKM GO-DIGITAL di Badung.",
        "body": [
            {
                "type": "rich_text",
                "value": (
                    "<h2>Dari penjual lokal, untuk pembeli di mana saja</h2><p>Setiap toko di Pasar UMKM diperiksa "
                    "oleh tim kami dan didampingi pelatih program: foto produk, harga, sampai pengiriman.</p>"
                ),
            }
        ],
    },
    {
        "slug": "cara-berjualan",
        "title": "Cara berjualan",
        "intro": "Buka toko gratis dalam beberapa langkah, langsung dari HP.",
        "body": [
            {
                "type": "rich_text",
                "value": (
                    "<ol><li>Daftar dan verifikasi email.</li><li>Isi profil toko: nama, cerita, alamat, nomor "
                    "WhatsApp.</li><li>Kirim untuk diperiksa tim Pasar UMKM.</li><li>Setelah disetujui, tambahkan "
                    "produk dengan foto dari kamera HP.</li></ol>"
                ),
            }
        ],
    },
    {
        "slug": "faq",
        "title": "Tanya jawab",
        "intro": "Pertanyaan yang sering ditanyakan pembeli dan penjual.",
        "body": [
            {
                "type": "faq",
                "value": {
                    "heading": "Pertanyaan umum",
                    "items": [
                        {
                            "question": "Apakah buka toko di Pasar UMKM gratis?",
                            "answer": "<p>Ya. Membuka toko dan memasang produk tidak dipungut biaya.</p>",
                        },
                        {
                            "question": "Siapa yang boleh berjualan?",
                            "answer": "<p>Usaha mikro, kecil, dan menengah, terutama peserta program UKM GO-DIGITAL "
                            "di Kabupaten Badung.</p>",
                        },
                        {
                            "question": "Berapa lama toko saya diperiksa?",
                            "answer": "<p>Biasanya satu sampai dua hari kerja. Kami kabari lewat email.</p>",
                        },
                        {
                            "question": "Bagaimana cara menghubungi penjual?",
                            "answer": "<p>Di halaman produk ada tombol WhatsApp yang langsung menyebut nama "
                            "produknya.</p>",
                        },
                        {
                            "question": "Apa arti lencana Halal, P-IRT, dan NIB?",
                            "answer": "<p>Lencana muncul setelah tim kami memeriksa dokumen izin toko tersebut.</p>",
                        },
                    ],
                },
            }
        ],
    },
]

NEWS_ARTICLES = [
    {
        "slug": "pasar-umkm-dibuka",
        "title": "Pasar UMKM resmi dibuka",
        "date": date(2026, 11, 2),
        "intro": "Delapan toko binaan dari enam kecamatan di Badung kini berjualan online.",
        "body": [{"type": "rich_text", "value": "<p>Terima kasih kepada para penjual dan pelatih program.</p>"}],
    },
    {
        "slug": "pelatihan-foto-produk",
        "title": "Pelatihan foto produk dengan HP",
        "date": date(2026, 11, 20),
        "intro": "Belajar memotret produk yang menarik hanya dengan kamera HP dan cahaya jendela.",
        "body": [{"type": "rich_text", "value": "<p>Pendaftaran dibuka untuk semua penjual Pasar UMKM.</p>"}],
    },
]


def _hero_image() -> Image:
    """A banner drawn with Pillow (deterministic, nothing downloaded), stored once."""
    image = Image.objects.filter(title=HERO_IMAGE_TITLE).first()
    if image is not None:
        return image
    canvas = PillowImage.new("RGB", (1600, 700), (15, 118, 110))
    draw = ImageDraw.Draw(canvas)
    for index, colour in enumerate([(251, 191, 36), (17, 94, 89), (254, 243, 199), (13, 148, 136)]):
        draw.ellipse((900 + index * 140, 120 + index * 60, 1300 + index * 140, 520 + index * 60), fill=colour)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    image = Image(title=HERO_IMAGE_TITLE, focal_point_x=1150, focal_point_y=350, focal_point_width=500)
    image.focal_point_height = 400
    image.file = ImageFile(buffer, name="pasar-umkm-banner.jpg")
    image.save()
    return image


def _home_body(image: Image) -> list[dict]:
    blocks = {block["type"]: block for block in HOME_BODY}
    hero = {**blocks["hero"], "value": {**blocks["hero"]["value"], "image": image.pk}}
    body = [hero, blocks["category_grid"]]
    product_ids = list(selectors.product_list_public().order_by("title").values_list("pk", flat=True)[:8])
    if product_ids:
        body.append({"type": "featured_products", "value": {"heading": "Pilihan minggu ini", "products": product_ids}})
    shop_ids = list(selectors.shop_list_public().values_list("pk", flat=True)[:4])
    if shop_ids:
        body.append({"type": "featured_shops", "value": {"heading": "Toko pilihan", "shops": shop_ids}})
    body += [
        {"type": "newest_products", "value": {"heading": "", "count": 8}},
        {"type": "upcoming_workshops", "value": {"heading": "", "count": 3}},
        blocks["rich_text"],
        {
            "type": "sell_cta",
            "value": {
                "heading": "Punya usaha? Jualan di Pasar UMKM",
                "text": "Gratis buka toko, didampingi pelatih program UKM GO-DIGITAL.",
                "button_text": "Mulai berjualan",
            },
        },
    ]
    return body


def _child(parent: Page, model, slug: str, **fields) -> Page:
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **fields))
        page.save_revision().publish()
    return page


@transaction.atomic
def seed_storefront_pages() -> HomePage:
    """The home page's blocks (featured products and shops from the demo catalogue when it exists), about /
    how to sell / FAQ pages, a news index with two articles, the site settings and the menu. Idempotent: pages
    are found by slug, and the home page's body is rebuilt only while it lacks the catalogue blocks."""
    home = seed_home_page()
    block_types = {block.block_type for block in home.body}
    has_catalogue = selectors.product_list_public().exists()
    if "sell_cta" not in block_types or (has_catalogue and "featured_products" not in block_types):
        home.body = _home_body(_hero_image())
        home.save_revision().publish()
    pages = {spec["slug"]: _child(home, StandardPage, **spec) for spec in STANDARD_PAGES}
    news = _child(home, NewsIndexPage, "berita", title="Berita", intro="Kabar terbaru dari program dan para penjual.")
    for article in NEWS_ARTICLES:
        _child(news, NewsArticlePage, **article)
    site = Site.objects.get(is_default_site=True)
    settings_row, _created = StorefrontSettings.objects.get_or_create(
        site=site,
        defaults={
            "contact_email": "halo@pasarumkm.test",
            "phone": "+62361234567",
            "whatsapp": "+6281100000001",
            "address": "Jl. Raya Kuta No. 1, Kuta, Badung, Bali 80361",
            "instagram_url": "https://www.instagram.com/pasarumkm.badung/",
            "facebook_url": "https://www.facebook.com/pasarumkm.badung",
            "footer_text": "Pasar online untuk UMKM binaan program UKM GO-DIGITAL di Kabupaten Badung.",
        },
    )
    if not settings_row.navigation:
        settings_row.navigation = [
            {"type": "link", "value": {"label": page.title, "page": page.pk, "url": ""}}
            for page in (pages["tentang"], pages["cara-berjualan"], pages["faq"], news)
        ] + [{"type": "link", "value": {"label": "Pelatihan", "page": None, "url": "/pelatihan/"}}]
        settings_row.save()
    return home
