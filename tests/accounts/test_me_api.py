"""GET/PATCH /api/v1/me/: the signed-in user's own profile, never anybody else's."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP
from tests.factories.accounts import DEFAULT_PASSWORD, SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import ShopFactory
from workshops.models import TrainerProfile

PHONE_MESSAGE = "Masukkan nomor HP Indonesia yang valid, misalnya 0812-3456-7890 atau +62 812-3456-7890."
NOT_AUTHENTICATED = {"detail": "Data autentikasi tidak diberikan."}


@pytest.fixture
def ani(db):
    return VerifiedUserFactory(
        email="ani@contoh.id",
        full_name="Ni Made Ani",
        phone="+6281234567890",
        date_joined=datetime(2026, 1, 5, 2, 30, tzinfo=UTC),
    )


@pytest.fixture
def token(client, ani):
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": "ani@contoh.id", "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    return response.json()["meta"]["session_token"]


def user_row(user: User) -> tuple:
    user.refresh_from_db()
    return (user.email, user.full_name, str(user.phone), user.password)


@pytest.mark.django_db
def test_me_returns_the_token_holder(client, ani, token):
    response = client.get("/api/v1/me/", headers={"X-Session-Token": token})

    assert response.status_code == 200
    assert response.json() == {
        "id": ani.pk,
        "email": "ani@contoh.id",
        "full_name": "Ni Made Ani",
        "phone": "+6281234567890",
        "roles": ["shopper"],
        "date_joined": "2026-01-05T10:30:00+08:00",
    }


@pytest.mark.django_db
def test_me_works_with_the_browser_session_too(client, ani):
    client.force_login(ani)

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["id"] == ani.pk


@pytest.mark.django_db
def test_me_lists_the_operator_role_for_operators(client):
    operator = VerifiedUserFactory(email="operator@contoh.id")
    operator.groups.add(Group.objects.create(name=OPERATOR_GROUP))
    client.force_login(operator)

    assert client.get("/api/v1/me/").json()["roles"] == ["shopper", "operator"]
    client.force_login(SuperuserFactory(email="root@contoh.id"))
    assert client.get("/api/v1/me/").json()["roles"] == ["shopper", "operator"]


@pytest.mark.django_db
def test_me_stays_within_its_query_budget(client, ani, token, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/me/", headers={"X-Session-Token": token})

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"X-Session-Token": "no-such-token"}, {"X-Session-Token": ""}])
def test_me_without_a_valid_token_answers_401(client, ani, headers):
    response = client.get("/api/v1/me/", headers=headers)

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert response.headers["WWW-Authenticate"] == "X-Session-Token"


@pytest.mark.django_db
def test_patch_without_a_token_answers_401_and_changes_nothing(client, ani):
    before = user_row(ani)

    response = client.patch("/api/v1/me/", {"full_name": "Peretas"}, content_type="application/json")

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED
    assert user_row(ani) == before


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_patch_stores_the_phone_in_e164(client, ani, token, phone):
    User.objects.filter(pk=ani.pk).update(phone="")

    response = client.patch(
        "/api/v1/me/", {"phone": phone}, content_type="application/json", headers={"X-Session-Token": token}
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "+6281234567890"
    ani.refresh_from_db()
    assert str(ani.phone) == "+6281234567890"


@pytest.mark.django_db
def test_patch_changes_the_name_and_clears_the_phone(client, ani, token):
    response = client.patch(
        "/api/v1/me/",
        {"full_name": "  Ni Made   Ani Lestari ", "phone": ""},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )

    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["phone"]) == ("Ni Made Ani Lestari", "")
    ani.refresh_from_db()
    assert (ani.full_name, ani.phone) == ("Ni Made Ani Lestari", "")


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0100", "0812", "telepon saya"])
def test_patch_with_a_bad_phone_answers_400_and_changes_nothing(client, ani, token, phone):
    before = user_row(ani)

    response = client.patch(
        "/api/v1/me/", {"phone": phone}, content_type="application/json", headers={"X-Session-Token": token}
    )

    assert response.status_code == 400
    assert response.json() == {"phone": [PHONE_MESSAGE]}
    assert user_row(ani) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"full_name": "   "}, {"full_name": ["Bidang ini tidak boleh kosong."]}),
        ({"full_name": "x" * 151}, {"full_name": ["Isi bidang ini tidak boleh melebihi 150 karakter."]}),
        ({"phone": None}, {"phone": ['Bidang ini tidak boleh diisi dengan "null".']}),
        ({"phone": "0812" * 10}, {"phone": ["Isi bidang ini tidak boleh melebihi 32 karakter."]}),
    ],
)
def test_patch_with_bad_values_answers_400_with_field_errors_and_changes_nothing(client, ani, token, payload, errors):
    before = user_row(ani)

    response = client.patch("/api/v1/me/", payload, content_type="application/json", headers={"X-Session-Token": token})

    assert response.status_code == 400
    assert response.json() == errors
    assert user_row(ani) == before


@pytest.mark.django_db
def test_patch_changes_only_the_token_holder_and_ignores_id_email_and_password(client, ani, token):
    budi = VerifiedUserFactory(email="budi@contoh.id", full_name="Budi Santoso", phone="+6285612345678")
    budi_before = user_row(budi)
    ani_before = user_row(ani)

    response = client.patch(
        "/api/v1/me/",
        {"id": budi.pk, "email": "budi@contoh.id", "password": "diambil-alih-123", "full_name": "Ani Baru"},
        content_type="application/json",
        headers={"X-Session-Token": token},
    )

    assert response.status_code == 200
    assert response.json()["id"] == ani.pk
    assert user_row(budi) == budi_before
    assert user_row(ani) == ("ani@contoh.id", "Ani Baru", "+6281234567890", ani_before[3])


@pytest.mark.django_db
def test_there_is_no_endpoint_to_read_another_users_profile(client, ani, token):
    budi = VerifiedUserFactory(email="budi@contoh.id")

    for url in (f"/api/v1/me/{budi.pk}/", f"/api/v1/users/{budi.pk}/"):
        assert client.get(url, headers={"X-Session-Token": token}).status_code == 404
    asked_for_budi = client.get(f"/api/v1/me/?id={budi.pk}&email=budi@contoh.id", headers={"X-Session-Token": token})
    assert asked_for_budi.status_code == 200
    assert (asked_for_budi.json()["id"], asked_for_budi.json()["email"]) == (ani.pk, "ani@contoh.id")


@pytest.mark.django_db
def test_me_lists_the_seller_role_for_a_shop_member(client):
    owner = VerifiedUserFactory()
    ShopFactory(owner=owner)
    client.force_login(owner)

    assert client.get("/api/v1/me/").json()["roles"] == ["shopper", "seller"]


@pytest.mark.django_db
def test_me_lists_the_trainer_role_while_the_trainer_profile_is_active(client):
    user = VerifiedUserFactory()
    profile = TrainerProfile.objects.create(user=user)
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["roles"] == ["shopper", "trainer"]
    profile.is_active = False
    profile.save()
    assert client.get("/api/v1/me/").json()["roles"] == ["shopper"]
