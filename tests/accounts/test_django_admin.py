"""The Django admin's user pages (/django-admin/) for our email-login User."""

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory


@pytest.fixture
def admin_client_(client, db):
    client.force_login(SuperuserFactory(email="root@contoh.id"))
    return client


def change_data(user: User, **overrides) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": "",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:30:00",
        "initial-date_joined_0": "2026-01-05",
        "initial-date_joined_1": "10:30:00",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_changing_a_users_email_drops_the_replaced_address(admin_client_):
    user = VerifiedUserFactory(email="wayan.lama@contoh.id", full_name="I Wayan")

    response = admin_client_.post(
        f"/django-admin/accounts/user/{user.pk}/change/",
        change_data(user, email="Wayan.Baru@contoh.id", phone="0812-3456-7890"),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, str(user.phone)) == ("wayan.baru@contoh.id", "+6281234567890")
    assert EmailAddress.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_admin_saving_a_user_without_changing_the_email_keeps_its_verified_address(admin_client_):
    user = VerifiedUserFactory(email="wayan@contoh.id", full_name="I Wayan")

    response = admin_client_.post(
        f"/django-admin/accounts/user/{user.pk}/change/", change_data(user, full_name="I Wayan Sudarma")
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "I Wayan Sudarma"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [("wayan@contoh.id", True)]


@pytest.mark.django_db
def test_admin_refuses_an_email_that_differs_from_another_users_only_in_case(admin_client_):
    VerifiedUserFactory(email="ketut@contoh.id")
    user = VerifiedUserFactory(email="wayan@contoh.id")

    response = admin_client_.post(
        f"/django-admin/accounts/user/{user.pk}/change/", change_data(user, email="KETUT@contoh.id")
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.email == "wayan@contoh.id"
