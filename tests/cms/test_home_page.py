import pytest

from accounts.models import User
from cms.demo import seed_accounts, seed_home_page
from tests.factories import VerifiedUserFactory


@pytest.fixture
def home(db):
    return seed_home_page()


def test_home_page_is_indonesian_by_default(client, home, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Belanja langsung dari UMKM Badung" in html
    assert ">Masuk</a>" in html
    assert ">Daftar</a>" in html
    assert 'placeholder="Cari kripik, kopi, kain endek…"' in html


def test_home_page_is_english_under_en(client, home):
    response = client.get("/en/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ">Log in</a>" in html
    assert 'href="/en/akun/login/"' in html
    # Editorial content is what the operators wrote; only the interface is translated.
    assert "Belanja langsung dari UMKM Badung" in html


def test_language_switcher_moves_to_the_english_url_of_the_same_page(client, home):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/akun/login/"


def test_signed_in_header_shows_the_account_menu_with_logout(client, home):
    user = VerifiedUserFactory(full_name="Ayu Lestari")
    client.force_login(user)

    html = client.get("/").content.decode()

    assert "<summary>Ayu</summary>" in html
    assert 'action="/akun/logout/"' in html
    assert ">Masuk</a>" not in html


def test_wagtail_admin_sends_anonymous_visitors_to_the_site_login(client, home):
    response = client.get("/cms/")

    assert response.status_code == 302
    assert response["Location"] == "/akun/login/?next=/cms/"


def test_wagtail_admin_opens_for_operators_only(client, home):
    seed_accounts()

    client.force_login(User.objects.get(email="operator@pasarumkm.test"))
    assert client.get("/cms/").status_code == 200

    client.force_login(User.objects.get(email="pembeli@pasarumkm.test"))
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")
