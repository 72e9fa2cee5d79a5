"""The profile page /akun/profil/: name and phone number."""

import pytest

from accounts.models import User
from tests.factories.accounts import VerifiedUserFactory

PHONE_MESSAGE = "Masukkan nomor HP Indonesia yang valid, misalnya 0812-3456-7890 atau +62 812-3456-7890."


@pytest.fixture
def ani(db):
    return VerifiedUserFactory(email="ani@contoh.id", full_name="Ni Made Ani", phone="+6281234567890")


def user_row(user: User) -> tuple:
    user.refresh_from_db()
    return (user.email, user.full_name, str(user.phone))


@pytest.mark.django_db
def test_profile_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/akun/profil/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/login/?next=/akun/profil/"


@pytest.mark.django_db
def test_profile_shows_the_name_and_the_phone_as_people_write_it(client, ani):
    client.force_login(ani)

    response = client.get("/akun/profil/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Ni Made Ani"' in html
    assert 'value="0812-3456-7890"' in html
    assert '<body class="page-account">' in html


@pytest.mark.django_db
def test_profile_saves_a_new_name_and_phone(client, ani):
    client.force_login(ani)

    response = client.post("/akun/profil/", {"full_name": " Ni Made  Ani Lestari ", "phone": "0856 1234 5678"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/profil/"
    assert user_row(ani) == ("ani@contoh.id", "Ni Made Ani Lestari", "+6285612345678")
    page = client.get("/akun/profil/")
    assert "Profil Anda sudah disimpan." in page.content.decode()


@pytest.mark.django_db
def test_profile_clears_the_phone_when_left_empty(client, ani):
    client.force_login(ani)

    client.post("/akun/profil/", {"full_name": "Ni Made Ani", "phone": ""})

    assert user_row(ani) == ("ani@contoh.id", "Ni Made Ani", "")


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0100"])
def test_profile_refuses_a_bad_phone_and_changes_nothing(client, ani, phone):
    client.force_login(ani)

    response = client.post("/akun/profil/", {"full_name": "Nama Baru", "phone": phone})

    assert response.status_code == 400
    assert response.context["form"].errors == {"phone": [PHONE_MESSAGE]}
    assert PHONE_MESSAGE in response.content.decode()
    assert user_row(ani) == ("ani@contoh.id", "Ni Made Ani", "+6281234567890")
    # The refused name is not shown as the signed-in user's name either (header menu).
    assert response.context["user"].full_name == "Ni Made Ani"


@pytest.mark.django_db
def test_profile_refuses_a_blank_name_and_changes_nothing(client, ani):
    client.force_login(ani)

    response = client.post("/akun/profil/", {"full_name": "  ", "phone": "0812-3456-7890"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"full_name": ["Kolom ini  harus diisi."]}
    assert user_row(ani) == ("ani@contoh.id", "Ni Made Ani", "+6281234567890")


@pytest.mark.django_db
def test_profile_ignores_an_email_sent_with_the_form(client, ani):
    client.force_login(ani)

    client.post("/akun/profil/", {"full_name": "Ni Made Ani", "phone": "", "email": "lain@contoh.id"})

    assert user_row(ani) == ("ani@contoh.id", "Ni Made Ani", "")


@pytest.mark.django_db
def test_english_profile_page_shows_the_english_phone_message(client, ani):
    client.force_login(ani)

    response = client.post("/en/akun/profil/", {"full_name": "Ni Made Ani", "phone": "12345"})

    assert response.status_code == 400
    assert (
        "Enter a valid Indonesian phone number, for example 0812-3456-7890 or +62 812-3456-7890."
        in response.content.decode()
    )
    assert user_row(ani) == ("ani@contoh.id", "Ni Made Ani", "+6281234567890")
