"""Operators manage users in Wagtail (/cms/users/): our User has one full name and a phone, no first/last name."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.accounts.helpers import link_in_mail
from tests.factories.accounts import DEFAULT_PASSWORD, SuperuserFactory, VerifiedUserFactory

PASSWORD = "lawar-bali-sedap-31"


@pytest.fixture
def operator_client(client, db):
    client.force_login(SuperuserFactory(email="operator@contoh.id", full_name="Operator Dinas"))
    return client


def new_user_data(**overrides):
    data = {
        "email": "Wayan@Contoh.id",
        "full_name": " I Wayan  Sudarma ",
        "phone": "0812-3456-7890",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "is_superuser": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_user_list_shows_users_by_name_and_email(operator_client):
    VerifiedUserFactory(email="wayan@contoh.id", full_name="I Wayan Sudarma")

    response = operator_client.get("/cms/users/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "I Wayan Sudarma" in html
    assert "wayan@contoh.id" in html


@pytest.mark.django_db
def test_user_list_searches_by_name(operator_client):
    VerifiedUserFactory(email="wayan@contoh.id", full_name="I Wayan Sudarma")
    VerifiedUserFactory(email="ketut@contoh.id", full_name="Ketut Arini")

    response = operator_client.get("/cms/users/", {"q": "sudarma"})

    assert response.status_code == 200
    assert [user.email for user in response.context["object_list"]] == ["wayan@contoh.id"]


@pytest.mark.django_db
def test_add_user_form_asks_for_full_name_and_phone_not_first_and_last_name(operator_client):
    response = operator_client.get("/cms/users/new/")

    assert response.status_code == 200
    form = response.context["form"]
    assert {"email", "full_name", "phone", "password1", "password2"} <= set(form.fields)
    assert {"first_name", "last_name"} & set(form.fields) == set()
    html = response.content.decode()
    assert 'name="full_name"' in html
    assert 'name="phone"' in html
    assert 'name="first_name"' not in html


@pytest.mark.django_db
def test_operator_creates_a_user(operator_client):
    response = operator_client.post("/cms/users/new/", new_user_data())

    assert response.status_code == 302
    assert response.headers["Location"] == "/cms/users/"
    user = User.objects.get(email="wayan@contoh.id")
    assert (user.full_name, str(user.phone), user.is_superuser, user.is_staff) == (
        "I Wayan Sudarma",
        "+6281234567890",
        False,
        False,
    )
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"full_name": "  "}, "full_name"),
        ({"email": "wayan@"}, "email"),
        ({"email": "OPERATOR@contoh.id"}, "email"),
        ({"password1": "12345678", "password2": "12345678"}, "password2"),
    ],
)
def test_add_user_refuses_bad_input_and_creates_nothing(operator_client, overrides, field):
    response = operator_client.post("/cms/users/new/", new_user_data(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert list(User.objects.values_list("email", flat=True)) == ["operator@contoh.id"]


@pytest.mark.django_db
def test_operator_edits_a_users_name_phone_and_active_flag(operator_client):
    user = VerifiedUserFactory(email="wayan@contoh.id", full_name="I Wayan", phone="")

    form = operator_client.get(f"/cms/users/edit/{user.pk}/")
    assert form.status_code == 200
    assert 'name="full_name"' in form.content.decode()

    response = operator_client.post(
        f"/cms/users/edit/{user.pk}/",
        {
            "email": "wayan@contoh.id",
            "full_name": "I Wayan Sudarma",
            "phone": "+62 856 1234 5678",
            "password1": "",
            "password2": "",
            "is_active": "",
            "is_superuser": "",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, str(user.phone), user.is_active) == ("I Wayan Sudarma", "+6285612345678", False)
    # An empty password field leaves the password as it was.
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_edit_with_a_bad_phone_changes_nothing(operator_client):
    user = VerifiedUserFactory(email="wayan@contoh.id", full_name="I Wayan", phone="+6281234567890")

    response = operator_client.post(
        f"/cms/users/edit/{user.pk}/",
        {"email": "wayan@contoh.id", "full_name": "Nama Lain", "phone": "12345", "is_active": "on"},
    )

    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    user.refresh_from_db()
    assert (user.full_name, str(user.phone)) == ("I Wayan", "+6281234567890")


@pytest.mark.django_db
def test_a_shopper_cannot_open_the_user_admin(client):
    shopper = VerifiedUserFactory(email="pembeli@contoh.id")
    client.force_login(shopper)

    response = client.get("/cms/users/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/login/?next=/cms/users/"


@pytest.mark.django_db
def test_a_user_created_in_the_cms_verifies_their_email_at_first_login(operator_client):
    operator_client.post("/cms/users/new/", new_user_data())
    client = Client()

    first_login = client.post("/akun/login/", {"login": "wayan@contoh.id", "password": PASSWORD})

    assert first_login.status_code == 302
    assert first_login.headers["Location"] == "/akun/confirm-email/"
    assert [message.to for message in mail.outbox] == [["wayan@contoh.id"]]
    assert client.post(link_in_mail(mail.outbox[0])).status_code == 302
    second_login = client.post("/akun/login/", {"login": "wayan@contoh.id", "password": PASSWORD})
    assert second_login.status_code == 302
    assert second_login.headers["Location"] == "/"


@pytest.mark.django_db
def test_after_an_operator_changes_a_users_email_the_old_address_neither_logs_in_nor_resets_the_password(
    operator_client,
):
    user = VerifiedUserFactory(email="wayan.lama@contoh.id", full_name="I Wayan")
    client = Client()

    operator_client.post(
        f"/cms/users/edit/{user.pk}/",
        {"email": "wayan.baru@contoh.id", "full_name": "I Wayan", "phone": "", "is_active": "on"},
    )

    user.refresh_from_db()
    assert user.email == "wayan.baru@contoh.id"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == []
    old_login = client.post("/akun/login/", {"login": "wayan.lama@contoh.id", "password": DEFAULT_PASSWORD})
    assert old_login.status_code == 200
    assert "_auth_user_id" not in client.session
    client.post("/akun/password/reset/", {"email": "wayan.lama@contoh.id"})
    assert all("/akun/password/reset/key/" not in message.body for message in mail.outbox)
    # The new address logs in once its owner has verified it.
    new_login = client.post("/akun/login/", {"login": "wayan.baru@contoh.id", "password": DEFAULT_PASSWORD})
    assert new_login.headers["Location"] == "/akun/confirm-email/"
    assert mail.outbox[-1].to == ["wayan.baru@contoh.id"]
