"""Signing up at /akun/signup/: the form, the verification mail, and what is refused."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.accounts.helpers import link_in_mail, log_in, logged_in_user_id
from tests.factories.accounts import VerifiedUserFactory

PASSWORD = "kopi-bali-enak-2026"


def signup_data(**overrides):
    data = {
        "full_name": "  Ni Luh   Putu Sari ",
        "email": "Luh.Sari@Contoh.ID",
        "phone": "0812-3456-7890",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_signup_creates_an_unverified_user_and_mails_a_verification_link(client):
    response = client.post("/akun/signup/", signup_data())

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/confirm-email/"
    user = User.objects.get()
    assert user.email == "luh.sari@contoh.id"
    assert user.full_name == "Ni Luh Putu Sari"
    assert user.phone.as_e164 == "+6281234567890"
    assert user.check_password(PASSWORD)
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("luh.sari@contoh.id", False, True)
    ]
    assert logged_in_user_id(client) is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["luh.sari@contoh.id"]
    assert mail.outbox[0].subject == "[Pasar UMKM] Mohon Konfirmasi Alamat E-mail Anda"
    assert mail.outbox[0].body.startswith("Halo dari Pasar UMKM!")


@pytest.mark.django_db
def test_opening_the_verification_link_and_confirming_verifies_the_email_and_login_then_works(client):
    client.post("/akun/signup/", signup_data())
    link = link_in_mail(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Mohon konfirmasi bahwa" in page.content.decode()
    # Opening the link alone (mail scanners do) verifies nothing: ACCOUNT_CONFIRM_EMAIL_ON_GET is off.
    assert EmailAddress.objects.get().verified is False

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/akun/login/"
    assert EmailAddress.objects.get().verified is True

    login = log_in(client, "luh.sari@contoh.id", PASSWORD)
    assert login.status_code == 302
    assert login.headers["Location"] == "/"
    assert logged_in_user_id(client) == User.objects.get().pk


@pytest.mark.django_db
def test_login_before_verifying_is_refused_and_sends_to_the_verification_sent_page(client):
    client.post("/akun/signup/", signup_data())

    response = log_in(client, "luh.sari@contoh.id", PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/confirm-email/"
    assert logged_in_user_id(client) is None
    # The signup mail went out moments ago; allauth's confirm_email limit (1 per 3 minutes) holds a second.
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_invalid_verification_link_verifies_nothing(client):
    client.post("/akun/signup/", signup_data())

    response = client.post("/akun/confirm-email/not-a-real-key/")

    assert response.status_code == 404
    assert EmailAddress.objects.get().verified is False


@pytest.mark.django_db
def test_signing_up_again_with_a_registered_email_creates_nothing_and_tells_the_owner_by_mail(client):
    existing = VerifiedUserFactory(email="ani@contoh.id", full_name="Ni Made Ani")

    response = client.post("/akun/signup/", signup_data(email="ANI@contoh.id", full_name="Someone Else"))

    # The page answers as for a new signup, so nobody can probe which addresses have accounts.
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/confirm-email/"
    assert list(User.objects.values_list("pk", "full_name")) == [(existing.pk, "Ni Made Ani")]
    assert [(message.subject, message.to) for message in mail.outbox] == [
        ("[Pasar UMKM] Akun Sudah Ada", ["ani@contoh.id"])
    ]


def assert_signup_refused(response):
    assert response.status_code == 200
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["ani", "ani@", "ani @contoh.id", "ani@contoh", "ani@@contoh.id"])
def test_signup_refuses_a_malformed_email(client, email):
    response = client.post("/akun/signup/", signup_data(email=email))

    assert_signup_refused(response)
    assert response.context["form"].errors == {"email": ["Masukkan alamat email dengan format yang benar."]}
    assert "Masukkan alamat email dengan format yang benar." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "errors"),
    [
        ("kopi-bali", ["Kata sandi terlalu pendek. Harus mengandung setidaknya 10 karakter."]),
        ("password123", ["Kata sandi ini terlalu umum."]),
        ("83920174652", ["Kata sandi ini seluruhnya terdiri dari angka."]),
        ("luh.sari.contoh", ["Kata sandi terlalu mirip dengan email."]),
    ],
)
def test_signup_refuses_a_weak_password(client, password, errors):
    response = client.post("/akun/signup/", signup_data(password1=password, password2=password))

    assert_signup_refused(response)
    assert response.context["form"].errors == {"password1": errors}


@pytest.mark.django_db
def test_signup_refuses_two_different_passwords(client):
    response = client.post("/akun/signup/", signup_data(password2=PASSWORD + "x"))

    assert_signup_refused(response)
    assert response.context["form"].errors == {
        "password2": ["Anda harus mengetikkan kata sandi yang sama setiap kali."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0100", "0812", "nomor saya"])
def test_signup_refuses_a_malformed_or_foreign_phone_number(client, phone):
    response = client.post("/akun/signup/", signup_data(phone=phone))

    assert_signup_refused(response)
    assert response.context["form"].errors == {
        "phone": ["Masukkan nomor HP Indonesia yang valid, misalnya 0812-3456-7890 atau +62 812-3456-7890."]
    }


@pytest.mark.django_db
def test_signup_refuses_a_blank_full_name(client):
    response = client.post("/akun/signup/", signup_data(full_name="   "))

    assert_signup_refused(response)
    assert response.context["form"].errors == {"full_name": ["Kolom ini  harus diisi."]}


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["", "+62 812 3456 7890", "6281234567890"])
def test_signup_accepts_no_phone_or_any_common_spelling(client, phone):
    response = client.post("/akun/signup/", signup_data(phone=phone))

    assert response.status_code == 302
    assert User.objects.get().phone == ("+6281234567890" if phone else "")


@pytest.mark.django_db
def test_english_signup_page_shows_the_english_phone_message(client):
    response = client.post("/en/akun/signup/", signup_data(phone="12345"))

    assert_signup_refused(response)
    assert (
        "Enter a valid Indonesian phone number, for example 0812-3456-7890 or +62 812-3456-7890."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_signup_page_asks_for_name_email_optional_phone_and_password_twice_in_that_order(client):
    response = client.get("/akun/signup/")

    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["full_name", "email", "phone", "password1", "password2"]
    assert response.context["form"].fields["phone"].required is False
    html = response.content.decode()
    assert '<body class="page-account">' in html
    assert '<label for="id_phone">No. HP / WhatsApp</label>' in html
    assert 'type="tel"' in html
