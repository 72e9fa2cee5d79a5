"""Site settings (contact, WhatsApp, social links, footer text) and the navigation menu: edited by operators in
the Wagtail admin, shown in the storefront's header and footer."""

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Site

from accounts.models import User
from cms.demo import seed_accounts, seed_home_page
from cms.models import StandardPage, StorefrontSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return seed_home_page()


@pytest.fixture
def site(home):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def operator_client(client, home):
    seed_accounts()
    client.force_login(User.objects.get(email="operator@pasarumkm.test"))
    return client


def settings_url(site) -> str:
    return f"/cms/settings/cms/storefrontsettings/{site.pk}/"


def form_data(**overrides) -> dict:
    data = {
        "contact_email": "halo@pasarumkm.test",
        "phone": "",
        "whatsapp": "0812-3456-7890",
        "address": "Jl. Raya Kuta 1, Badung",
        "instagram_url": "https://www.instagram.com/pasarumkm/",
        "facebook_url": "",
        "tiktok_url": "",
        "youtube_url": "",
        "footer_text": "Pasar UMKM Badung.",
        "navigation-count": "0",
    }
    return {**data, **overrides}


def test_operator_saves_settings_and_whatsapp_is_stored_as_e164(operator_client, site):
    assert operator_client.get(settings_url(site)).status_code == 200

    response = operator_client.post(settings_url(site), form_data())

    assert response.status_code == 302
    saved = StorefrontSettings.objects.get(site=site)
    assert str(saved.whatsapp) == "+6281234567890"
    assert saved.whatsapp_url == "https://wa.me/6281234567890"
    assert saved.footer_text == "Pasar UMKM Badung."


@pytest.mark.parametrize(
    ("field", "value"),
    [("whatsapp", "12345"), ("whatsapp", "+1 202 555 0143"), ("instagram_url", "https://evil.example/pasar")],
)
def test_bad_settings_are_refused_and_nothing_is_saved(operator_client, site, field, value):
    response = operator_client.post(settings_url(site), form_data(**{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    # Wagtail's settings view makes the (blank) row when it opens; nothing of the refused form is in it.
    saved = StorefrontSettings.objects.get(site=site)
    assert (saved.contact_email, str(saved.whatsapp or ""), saved.instagram_url, saved.footer_text) == ("", "", "", "")


def test_shopper_cannot_open_the_settings(client, site):
    seed_accounts()
    client.force_login(User.objects.get(email="pembeli@pasarumkm.test"))

    response = client.post(settings_url(site), form_data())

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")
    assert not StorefrontSettings.objects.exists()


def test_footer_shows_contact_social_links_and_footer_text_and_the_language_links(client, site):
    StorefrontSettings.objects.create(
        site=site,
        contact_email="halo@pasarumkm.test",
        whatsapp="+6281234567890",
        address="Jl. Raya Kuta 1",
        instagram_url="https://www.instagram.com/pasarumkm/",
        footer_text="Pasar online UMKM Badung.",
    )

    html = client.get("/").content.decode()

    assert 'href="mailto:halo@pasarumkm.test"' in html
    assert 'href="https://wa.me/6281234567890"' in html
    assert "0812-3456-7890" in html
    assert 'href="https://www.instagram.com/pasarumkm/"' in html
    assert "Pasar online UMKM Badung." in html
    # The language switcher is plain links to this page in each language (nothing to post: cacheable).
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in html
    assert '<a href="/" hreflang="id" lang="id" aria-current="true">Bahasa Indonesia</a>' in html
    assert "csrfmiddlewaretoken" not in html


def test_header_menu_links_live_pages_and_addresses_at_both_widths(client, home, site):
    about = home.add_child(instance=StandardPage(title="Tentang", slug="tentang"))
    about.save_revision().publish()
    draft = home.add_child(instance=StandardPage(title="Rahasia", slug="rahasia", live=False))
    StorefrontSettings.objects.create(
        site=site,
        navigation=[
            {"type": "link", "value": {"label": "Tentang kami", "page": about.pk, "url": ""}},
            {"type": "link", "value": {"label": "Belum terbit", "page": draft.pk, "url": ""}},
            {"type": "link", "value": {"label": "Kopi", "page": None, "url": "/kategori/kopi/"}},
        ],
    )

    html = client.get("/tentang/").content.decode()

    # One <details> menu for phones and one inline list for wide screens, the same links in each.
    assert '<details class="site-nav__menu">' in html
    assert html.count('<a href="/tentang/" aria-current="page">Tentang kami</a>') == 2
    assert html.count('<a href="/kategori/kopi/">Kopi</a>') == 2
    assert "Belum terbit" not in html


def test_seller_and_account_pages_keep_the_slim_header(client, site):
    StorefrontSettings.objects.create(
        site=site, navigation=[{"type": "link", "value": {"label": "Kopi", "page": None, "url": "/kategori/kopi/"}}]
    )

    html = client.get("/akun/login/").content.decode()

    assert "site-nav" not in html
    assert '<a href="/en/akun/login/" hreflang="en" lang="en">English</a>' in html


def test_site_without_settings_shows_the_standard_footer_and_writes_nothing(client, home):
    response = client.get("/")

    assert response.status_code == 200
    assert "site-nav" not in response.content.decode()
    assert not StorefrontSettings.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        {"label": "Dua-duanya", "page": "home", "url": "/kopi/"},
        {"label": "Kosong", "page": None, "url": ""},
        {"label": "Skrip", "page": None, "url": "javascript:alert(1)"},
        {"label": "Luar", "page": None, "url": "//evil.example/"},
    ],
)
def test_menu_link_needs_exactly_one_safe_target(home, value):
    block = StorefrontSettings.navigation.field.stream_block.child_blocks["link"]
    value = {**value, "page": home.pk if value["page"] else None}

    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(value))

    assert "url" in refused.value.block_errors


def test_menu_follows_a_page_that_is_renamed_or_unpublished_at_once(client, home, site):
    about = home.add_child(instance=StandardPage(title="Tentang", slug="tentang"))
    about.save_revision().publish()
    StorefrontSettings.objects.create(
        site=site, navigation=[{"type": "link", "value": {"label": "Tentang kami", "page": about.pk, "url": ""}}]
    )
    assert 'href="/tentang/"' in client.get("/").content.decode()

    about.slug = "tentang-kami"
    about.save_revision().publish()
    renamed = client.get("/").content.decode()

    assert 'href="/tentang-kami/"' in renamed
    assert 'href="/tentang/"' not in renamed

    about.unpublish()
    assert "Tentang kami" not in client.get("/").content.decode()


def test_menu_links_are_served_from_the_cache_after_the_first_view(client, home, site, django_assert_num_queries):
    about = home.add_child(instance=StandardPage(title="Tentang", slug="tentang"))
    about.save_revision().publish()
    StorefrontSettings.objects.create(
        site=site, navigation=[{"type": "link", "value": {"label": "Tentang kami", "page": about.pk, "url": ""}}]
    )
    client.get("/")

    # Site, page, alias check, view restrictions, the category grid, the settings row: no page query for the menu.
    with django_assert_num_queries(6):
        html = client.get("/").content.decode()
    assert 'href="/tentang/"' in html
