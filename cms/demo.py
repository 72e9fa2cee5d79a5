"""Demo data for `manage.py seed_demo`. Every seeder is idempotent: running it twice changes nothing.

Later issues add their seeders (shops and products, orders, a workshop) to `SEEDERS` in the command.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, GroupPagePermission, Locale, Page, Site

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP

from .models import HomePage

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
