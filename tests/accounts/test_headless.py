"""The app clients' path: allauth's headless API at /_allauth/app/v1/, then X-Session-Token on /api/v1/."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.accounts.helpers import link_in_mail
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

LOGIN_URL = "/_allauth/app/v1/auth/login"
SIGNUP_URL = "/_allauth/app/v1/auth/signup"
PHONE_MESSAGE = "Masukkan nomor HP Indonesia yang valid, misalnya 0812-3456-7890 atau +62 812-3456-7890."


def app_login(client, email, password=DEFAULT_PASSWORD):
    return client.post(LOGIN_URL, {"email": email, "password": password}, content_type="application/json")


@pytest.mark.django_db
def test_app_login_of_a_verified_user_returns_a_session_token_that_opens_the_api(client, verified_user):
    response = app_login(client, "ani@contoh.id")

    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["is_authenticated"] is True
    assert body["data"]["user"]["id"] == verified_user.pk
    assert body["data"]["user"]["email"] == "ani@contoh.id"
    token = body["meta"]["session_token"]
    assert len(token) >= 32

    me = client.get("/api/v1/me/", headers={"X-Session-Token": token})

    assert me.status_code == 200
    assert me.json()["email"] == "ani@contoh.id"


@pytest.mark.django_db
def test_app_login_with_a_wrong_password_is_refused_without_a_token(client, verified_user):
    response = app_login(client, "ani@contoh.id", "bukan-kata-sandinya")

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "errors": [
            {
                "message": "Alamat e-mail dan/atau kata sandi yang anda masukkan tidak benar.",
                "code": "email_password_mismatch",
                "param": "password",
            }
        ],
    }


@pytest.mark.django_db
def test_app_login_of_an_unverified_user_waits_for_email_verification(client):
    UserFactory(email="belum@contoh.id")
    EmailAddress.objects.create(user=User.objects.get(), email="belum@contoh.id", primary=True, verified=False)

    response = app_login(client, "belum@contoh.id")

    assert response.status_code == 401
    body = response.json()
    assert body["meta"]["is_authenticated"] is False
    assert {"id": "verify_email", "is_pending": True} in body["data"]["flows"]
    me = client.get("/api/v1/me/", headers={"X-Session-Token": body["meta"]["session_token"]})
    assert me.status_code == 401


@pytest.mark.django_db
def test_five_failed_app_logins_block_the_account(client, verified_user):
    for _attempt in range(5):
        assert app_login(client, "ani@contoh.id", "tebak-tebakan-salah").status_code == 400

    response = app_login(client, "ani@contoh.id")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "message": "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti.",
            "code": "too_many_login_attempts",
        }
    ]


@pytest.mark.django_db
def test_app_signup_takes_full_name_and_phone_and_mails_a_verification_link(client):
    response = client.post(
        SIGNUP_URL,
        {
            "email": "Budi@Contoh.id",
            "password": "kopi-bali-enak-2026",
            "full_name": " Budi  Santoso ",
            "phone": "+62 812 3456 7890",
        },
        content_type="application/json",
    )

    assert response.status_code == 401
    assert {"id": "verify_email", "is_pending": True} in response.json()["data"]["flows"]
    user = User.objects.get()
    assert (user.email, user.full_name, user.phone.as_e164) == ("budi@contoh.id", "Budi Santoso", "+6281234567890")
    assert [message.to for message in mail.outbox] == [["budi@contoh.id"]]

    assert client.post(link_in_mail(mail.outbox[0])).status_code == 302
    login = app_login(client, "budi@contoh.id", "kopi-bali-enak-2026")
    assert login.status_code == 200


@pytest.mark.django_db
def test_app_signup_without_a_phone_leaves_it_empty(client):
    response = client.post(
        SIGNUP_URL,
        {"email": "budi@contoh.id", "password": "kopi-bali-enak-2026", "full_name": "Budi"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert User.objects.get().phone == ""


@pytest.mark.django_db
def test_app_signup_refuses_bad_input_field_by_field_and_creates_nothing(client):
    response = client.post(
        SIGNUP_URL,
        {"email": "budi@", "password": "1234567", "full_name": "   ", "phone": "+1 202 555 0100"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "errors": [
            {"message": "Kolom ini  harus diisi.", "code": "required", "param": "full_name"},
            {"message": "Masukkan alamat email dengan format yang benar.", "code": "invalid", "param": "email"},
            {"message": PHONE_MESSAGE, "code": "invalid", "param": "phone"},
            {
                "message": "Kata sandi terlalu pendek. Harus mengandung setidaknya 10 karakter.",
                "code": "password_too_short",
                "param": "password",
            },
            {"message": "Kata sandi ini terlalu umum.", "code": "password_too_common", "param": "password"},
            {
                "message": "Kata sandi ini seluruhnya terdiri dari angka.",
                "code": "password_entirely_numeric",
                "param": "password",
            },
        ],
    }
    assert User.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_app_signup_requires_a_full_name(client):
    response = client.post(
        SIGNUP_URL, {"email": "budi@contoh.id", "password": "kopi-bali-enak-2026"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"message": "Kolom ini  harus diisi.", "code": "required", "param": "full_name"}
    ]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_app_logout_ends_the_session_token(client, verified_user):
    token = app_login(client, "ani@contoh.id").json()["meta"]["session_token"]

    logout = client.delete("/_allauth/app/v1/auth/session", headers={"X-Session-Token": token})
    me = client.get("/api/v1/me/", headers={"X-Session-Token": token})

    assert logout.status_code == 401
    assert me.status_code == 401
