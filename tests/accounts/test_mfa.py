"""Two-step verification (TOTP authenticator app + recovery codes), open to every user under /akun/2fa/."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp

from tests.accounts.helpers import log_in, logged_in_user_id
from tests.factories.accounts import DEFAULT_PASSWORD

# A fixed TOTP time step, so a code computed here is the one the server expects however slow the test runs.
TIME_STEP = 59_000_000


@pytest.fixture(autouse=True)
def _fixed_totp_clock(monkeypatch):
    monkeypatch.setattr(totp, "yield_hotp_counters_from_time", lambda: iter([TIME_STEP]))


def authenticator_code(secret: str, step: int = TIME_STEP) -> str:
    """What the user's authenticator app shows."""
    return totp.format_hotp_value(totp.hotp_value(secret, step))


def wrong_code(secret: str) -> str:
    return authenticator_code(secret, TIME_STEP + 7)


def open_activation_page(client):
    """Log in, then confirm the password once more, as allauth asks before a security change."""
    log_in(client, "ani@contoh.id")
    asked = client.get("/akun/2fa/totp/activate/")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/akun/reauthenticate/?next=%2Fakun%2F2fa%2Ftotp%2Factivate%2F"
    confirmed = client.post(asked.headers["Location"], {"password": DEFAULT_PASSWORD})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/akun/2fa/totp/activate/"
    page = client.get("/akun/2fa/totp/activate/")
    assert page.status_code == 200
    return page


@pytest.mark.django_db
def test_two_step_page_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/akun/2fa/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/login/?next=/akun/2fa/"


@pytest.mark.django_db
def test_every_user_can_reach_the_authenticator_activation_from_the_two_step_page(client, verified_user):
    log_in(client, "ani@contoh.id")
    index = client.get("/akun/2fa/")

    assert index.status_code == 200
    assert 'href="/akun/2fa/totp/activate/"' in index.content.decode()

    activate = open_activation_page(client)

    secret = activate.context["form"].secret
    assert len(secret) == 32
    # The secret is shown for typing into the app by hand, and as a QR code.
    assert f'value="{secret}"' in activate.content.decode()
    assert 'class="account-qr"' in activate.content.decode()


@pytest.mark.django_db
def test_activating_totp_with_a_wrong_password_confirmation_is_refused(client, verified_user):
    log_in(client, "ani@contoh.id")

    response = client.post("/akun/reauthenticate/?next=/akun/2fa/totp/activate/", {"password": "bukan-ini"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": ["Kata sandi salah."]}
    assert client.get("/akun/2fa/totp/activate/").status_code == 302


@pytest.mark.django_db
def test_activating_totp_needs_a_right_code_from_the_app(client, verified_user):
    secret = open_activation_page(client).context["form"].secret

    refused = client.post("/akun/2fa/totp/activate/", {"code": wrong_code(secret)})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"code": ["Kode salah."]}
    assert Authenticator.objects.count() == 0

    activated = client.post("/akun/2fa/totp/activate/", {"code": authenticator_code(secret)})

    assert activated.status_code == 302
    assert activated.headers["Location"] == "/akun/2fa/recovery-codes/"
    assert sorted(Authenticator.objects.filter(user=verified_user).values_list("type", flat=True)) == [
        Authenticator.Type.RECOVERY_CODES,
        Authenticator.Type.TOTP,
    ]


@pytest.mark.django_db
def test_login_with_totp_asks_for_the_code_refuses_a_wrong_one_and_lets_in_with_the_right_one(client, verified_user):
    secret = open_activation_page(client).context["form"].secret
    client.post("/akun/2fa/totp/activate/", {"code": authenticator_code(secret)})
    client.post("/akun/logout/")

    password_step = log_in(client, "ani@contoh.id")

    assert password_step.status_code == 302
    assert password_step.headers["Location"] == "/akun/2fa/authenticate/"
    assert logged_in_user_id(client) is None

    refused = client.post("/akun/2fa/authenticate/", {"code": wrong_code(secret)})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"code": ["Kode salah."]}
    assert "Kode salah." in refused.content.decode()
    assert logged_in_user_id(client) is None

    let_in = client.post("/akun/2fa/authenticate/", {"code": authenticator_code(secret)})

    assert let_in.status_code == 302
    assert let_in.headers["Location"] == "/"
    assert logged_in_user_id(client) == verified_user.pk


@pytest.mark.django_db
def test_a_totp_code_works_only_once(client, verified_user):
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(verified_user, secret)

    log_in(client, "ani@contoh.id")
    client.post("/akun/2fa/authenticate/", {"code": authenticator_code(secret)})
    client.post("/akun/logout/")
    log_in(client, "ani@contoh.id")
    replayed = client.post("/akun/2fa/authenticate/", {"code": authenticator_code(secret)})

    assert replayed.status_code == 200
    assert replayed.context["form"].errors == {"code": ["Kode salah."]}
    assert logged_in_user_id(client) is None
