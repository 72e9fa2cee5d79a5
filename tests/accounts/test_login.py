"""Logging in and out, failed-login limits, password reset and changing the email address."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.accounts.helpers import link_in_mail, log_in, logged_in_user_id
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory

WRONG_CREDENTIALS = "Alamat e-mail dan/atau kata sandi yang anda masukkan tidak benar."
TOO_MANY_ATTEMPTS = "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."
NEW_PASSWORD = "sambal-matah-pedas-99"


@pytest.mark.django_db
def test_verified_user_logs_in_with_email_in_any_case_and_logs_out(client, verified_user):
    response = log_in(client, "  ANI@Contoh.id ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in_user_id(client) == verified_user.pk

    logout = client.post("/akun/logout/")

    assert logout.status_code == 302
    assert logout.headers["Location"] == "/"
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_login_returns_to_the_page_asked_for(client, verified_user):
    response = client.post("/akun/login/?next=/akun/profil/", {"login": "ani@contoh.id", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/profil/"


@pytest.mark.django_db
def test_login_with_a_wrong_password_is_refused_with_an_indonesian_message(client, verified_user):
    response = log_in(client, "ani@contoh.id", "bukan-kata-sandinya")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_CREDENTIALS]
    assert WRONG_CREDENTIALS in response.content.decode()
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_login_refuses_a_malformed_email(client, verified_user):
    response = log_in(client, "ani@", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert response.context["form"].errors == {"login": ["Masukkan alamat email dengan format yang benar."]}
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client, verified_user):
    User.objects.filter(pk=verified_user.pk).update(is_active=False)

    response = log_in(client, "ani@contoh.id")

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/inactive/"
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_five_failed_logins_block_the_account_even_with_the_right_password(client, verified_user):
    for _attempt in range(5):
        failed = log_in(client, "ani@contoh.id", "tebak-tebakan-salah")
        assert failed.context["form"].non_field_errors() == [WRONG_CREDENTIALS]

    blocked = log_in(client, "ani@contoh.id", DEFAULT_PASSWORD)

    assert blocked.status_code == 200
    assert blocked.context["form"].non_field_errors() == [TOO_MANY_ATTEMPTS]
    assert TOO_MANY_ATTEMPTS in blocked.content.decode()
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_failed_logins_for_one_account_do_not_block_another(client, verified_user):
    other = VerifiedUserFactory(email="budi@contoh.id")
    for _attempt in range(5):
        log_in(client, "ani@contoh.id", "tebak-tebakan-salah")

    response = log_in(client, "budi@contoh.id")

    assert response.status_code == 302
    assert logged_in_user_id(client) == other.pk


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_sets_a_new_password(client, verified_user):
    requested = client.post("/akun/password/reset/", {"email": "ani@contoh.id"})

    assert requested.status_code == 302
    assert requested.headers["Location"] == "/akun/password/reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ani@contoh.id"]
    assert mail.outbox[0].subject == "[Pasar UMKM] E-mail Reset Kata Sandi"

    # The link puts the key in the session and redirects, so the key never reaches third-party referrers.
    opened = client.get(link_in_mail(mail.outbox[0]))
    assert opened.status_code == 302
    form_page = client.get(opened.headers["Location"])
    assert form_page.status_code == 200
    assert list(form_page.context["form"].fields) == ["password1", "password2"]

    changed = client.post(opened.headers["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert changed.headers["Location"] == "/akun/password/reset/key/done/"
    # ACCOUNT_LOGIN_ON_PASSWORD_RESET is off: the user logs in with the new password themselves.
    assert logged_in_user_id(client) is None

    assert log_in(client, "ani@contoh.id", DEFAULT_PASSWORD).status_code == 200
    assert logged_in_user_id(client) is None
    assert log_in(client, "ani@contoh.id", NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(client) == verified_user.pk


@pytest.mark.django_db
def test_password_reset_refuses_a_weak_new_password_and_keeps_the_old_one(client, verified_user):
    client.post("/akun/password/reset/", {"email": "ani@contoh.id"})
    set_password_url = client.get(link_in_mail(mail.outbox[0])).headers["Location"]

    response = client.post(set_password_url, {"password1": "1234567890", "password2": "1234567890"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password1": ["Kata sandi ini terlalu umum.", "Kata sandi ini seluruhnya terdiri dari angka."]
    }
    verified_user.refresh_from_db()
    assert verified_user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_changes_no_account(client, verified_user):
    response = client.post("/akun/password/reset/", {"email": "tidak-ada@contoh.id"})

    # Same answer as for a known address (no account enumeration); the mail says there is no account.
    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/password/reset/done/"
    assert [message.to for message in mail.outbox] == [["tidak-ada@contoh.id"]]
    assert "/akun/password/reset/key/" not in mail.outbox[0].body
    verified_user.refresh_from_db()
    assert verified_user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_changing_email_verifies_the_new_address_before_it_replaces_the_old_one(client, verified_user):
    log_in(client, "ani@contoh.id")

    requested = client.post("/akun/email/", {"email": "Ani.Baru@Contoh.id", "action_add": ""})

    assert requested.status_code == 302
    assert requested.headers["Location"] == "/akun/email/"
    verified_user.refresh_from_db()
    assert verified_user.email == "ani@contoh.id"
    assert set(EmailAddress.objects.values_list("email", "verified", "primary")) == {
        ("ani@contoh.id", True, True),
        ("ani.baru@contoh.id", False, False),
    }
    assert [message.to for message in mail.outbox] == [["ani.baru@contoh.id"]]
    # Until it is verified, the new address does not log in: it asks for verification instead.
    client.post("/akun/logout/")
    not_yet = log_in(client, "ani.baru@contoh.id")
    assert not_yet.status_code == 302
    assert not_yet.headers["Location"] == "/akun/confirm-email/"
    assert logged_in_user_id(client) is None

    link = link_in_mail(mail.outbox[0])
    assert client.post(link).status_code == 302

    verified_user.refresh_from_db()
    assert verified_user.email == "ani.baru@contoh.id"
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("ani.baru@contoh.id", True, True)
    ]
    assert log_in(client, "ani@contoh.id").status_code == 200
    assert logged_in_user_id(client) is None
    assert log_in(client, "ani.baru@contoh.id").status_code == 302
    assert logged_in_user_id(client) == verified_user.pk


@pytest.mark.django_db
def test_changing_email_to_a_malformed_address_is_refused(client, verified_user):
    log_in(client, "ani@contoh.id")

    response = client.post("/akun/email/", {"email": "ani.baru@", "action_add": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Masukkan alamat email dengan format yang benar."]}
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["ani@contoh.id"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_changing_email_to_another_users_address_never_takes_it_over(client, verified_user):
    VerifiedUserFactory(email="budi@contoh.id")
    log_in(client, "ani@contoh.id")

    client.post("/akun/email/", {"email": "budi@contoh.id", "action_add": ""})
    # The form does not reveal that the address is taken (no account enumeration); the verification mail
    # goes to its real owner, and even following that link cannot verify it for a second account.
    assert [message.to for message in mail.outbox] == [["budi@contoh.id"]]
    assert client.post(link_in_mail(mail.outbox[0])).status_code == 302

    verified_user.refresh_from_db()
    assert verified_user.email == "ani@contoh.id"
    assert set(EmailAddress.objects.values_list("user__email", "email", "verified")) == {
        ("ani@contoh.id", "ani@contoh.id", True),
        ("ani@contoh.id", "budi@contoh.id", False),
        ("budi@contoh.id", "budi@contoh.id", True),
    }


@pytest.mark.django_db
def test_login_page_renders_in_the_site_layout_with_labelled_fields(client):
    response = client.get("/akun/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<body class="page-account">' in html
    assert 'class="site-header"' in html
    assert '<label for="id_login">Email <span aria-hidden="true">*</span></label>' in html
    assert '<label for="id_password">Kata sandi <span aria-hidden="true">*</span></label>' in html
    assert 'class="button account-button account-button--primary"' in html
    assert 'href="/akun/password/reset/"' in html
    assert 'href="/akun/signup/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("logout_url", "home"), [("/akun/logout/", "/"), ("/en/akun/logout/", "/en/")])
def test_logout_returns_to_the_home_page_in_the_language_the_user_was_reading(client, verified_user, logout_url, home):
    log_in(client, "ani@contoh.id")

    response = client.post(logout_url)

    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert logged_in_user_id(client) is None


@pytest.mark.django_db
def test_logout_follows_a_next_parameter(client, verified_user):
    log_in(client, "ani@contoh.id")

    response = client.post("/en/akun/logout/", {"next": "/en/akun/login/"})

    assert response.headers["Location"] == "/en/akun/login/"


@pytest.mark.django_db
@pytest.mark.parametrize(("login_url", "home"), [("/akun/login/", "/"), ("/en/akun/login/", "/en/")])
def test_login_lands_on_the_home_page_in_the_language_the_user_was_reading(client, verified_user, login_url, home):
    response = client.post(login_url, {"login": "ani@contoh.id", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert logged_in_user_id(client) == verified_user.pk
