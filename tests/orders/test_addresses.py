"""The address book: the form (Indonesian hierarchy), the services (one default), pages and API (own only)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from orders.forms.addresses import AddressBookForm, AddressForm
from orders.models import Address
from orders.services.addresses import (
    MAX_ADDRESSES_PER_USER,
    address_create,
    address_delete,
    address_set_default,
    address_update,
)
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_shipping import AddressFactory
from tests.factories.shops import DistrictFactory, ProvinceFactory, RegencyFactory, VillageFactory

pytestmark = pytest.mark.django_db

LIST = "/akun/alamat/"
ADD = "/akun/alamat/tambah/"
API = "/api/v1/addresses/"

REGENCY_MESSAGE = "This regency or city is not in the chosen province."
DISTRICT_MESSAGE = "This district is not in the chosen regency or city."
VILLAGE_MESSAGE = "This village is not in the chosen district."


def indonesian(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


@pytest.fixture
def canggu(db):
    return VillageFactory()  # Canggu, Kuta Utara, Badung, Bali


@pytest.fixture
def denpasar(db):
    """Another regency of Bali, with a district and a village."""
    regency = RegencyFactory(code="51.71", name="Kota Denpasar", province=ProvinceFactory())
    district = DistrictFactory(code="51.71.01", name="Denpasar Selatan", regency=regency)
    return VillageFactory(code="51.71.01.1001", name="Sesetan", district=district, postal_code="80223")


@pytest.fixture
def lombok(db):
    province = ProvinceFactory(code="52", name="Nusa Tenggara Barat")
    regency = RegencyFactory(code="52.01", name="Lombok Barat", province=province)
    return DistrictFactory(code="52.01.01", name="Gerung", regency=regency)


@pytest.fixture
def user():
    return VerifiedUserFactory()


def form_data(**overrides) -> dict:
    data = {
        "recipient_name": "Ni Luh Putu Ayu",
        "phone": "0812-3456-7890",
        "province": "51",
        "regency": "51.03",
        "district": "51.03.06",
        "village": "51.03.06.2005",
        "street_address": "Jl. Raya Canggu No. 8",
        "postal_code": "",
    }
    return data | overrides


def service_data(village, **overrides) -> dict:
    district = village.district
    data = {
        "recipient_name": "Ni Luh Putu Ayu",
        "phone": "0812 3456 7890",
        "province": district.regency.province,
        "regency": district.regency,
        "district": district,
        "village": village,
        "street_address": "Jl. Raya Canggu No. 8",
        "postal_code": "80361",
    }
    return data | overrides


def rows() -> list:
    return list(Address.objects.order_by("pk").values())


# --- Form ----------------------------------------------------------------------------------------------------


def test_form_cleans_to_region_instances_phone_and_the_villages_postal_code(canggu):
    form = AddressForm(form_data())
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data
    assert (cleaned["province"], cleaned["regency"], cleaned["district"], cleaned["village"]) == (
        canggu.district.regency.province,
        canggu.district.regency,
        canggu.district,
        canggu,
    )
    assert (cleaned["phone"], cleaned["postal_code"]) == ("+6281234567890", "80363")


def test_form_village_is_optional_but_then_the_postal_code_is_needed(canggu):
    form = AddressForm(form_data(village=""))
    assert not form.is_valid()
    with translation.override("en"):
        assert form.errors == {"postal_code": ["Enter the 5-digit postal code."]}
    form = AddressForm(form_data(village="", postal_code="80361"))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["village"], form.cleaned_data["postal_code"]) == (None, "80361")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"province": "52", "village": ""}, {"regency": [REGENCY_MESSAGE]}),
        ({"regency": "51.71", "village": ""}, {"district": [DISTRICT_MESSAGE]}),
        ({"village": "51.71.01.1001"}, {"village": [VILLAGE_MESSAGE]}),
        (
            {"province": "52", "regency": "51.71", "district": "52.01.01"},
            {"regency": [REGENCY_MESSAGE], "district": [DISTRICT_MESSAGE], "village": [VILLAGE_MESSAGE]},
        ),
    ],
)
def test_form_refuses_levels_that_do_not_nest(canggu, denpasar, lombok, overrides, expected):
    form = AddressForm(form_data(postal_code="80361", **overrides))
    assert not form.is_valid()
    with translation.override("en"):
        assert form.errors == expected


def test_form_hierarchy_messages_are_indonesian(canggu, lombok):
    form = AddressForm(form_data(province="52", village="", postal_code="80361"))
    assert not form.is_valid()
    assert form.errors["regency"] == [indonesian(REGENCY_MESSAGE)]
    assert indonesian(REGENCY_MESSAGE) != REGENCY_MESSAGE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"phone": "12345"}, "phone"), ({"postal_code": "8036"}, "postal_code"), ({"district": "99.99.99"}, "district")],
)
def test_form_refuses_bad_values(canggu, overrides, field):
    form = AddressForm(form_data(**overrides))
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_form_takes_an_address_as_initial_and_loads_the_choices(canggu, denpasar, django_assert_num_queries):
    address = AddressFactory(label="Kantor", is_default=True)
    form = AddressBookForm(initial=address)
    assert form.initial == {
        "province": "51",
        "regency": "51.03",
        "district": "51.03.06",
        "village": "51.03.06.2005",
        "recipient_name": "Ni Luh Putu Ayu",
        "phone": "0812-3456-7890",
        "street_address": "Jl. Raya Canggu No. 8",
        "postal_code": "80361",
        "label": "Kantor",
        "is_default": True,
    }
    with django_assert_num_queries(4):
        form.load_region_options()
        choices = {
            level: [code for code, _name in form.fields[level].widget.choices] for level in ("regency", "district")
        }
    assert choices == {"regency": ["", "51.03", "51.71"], "district": ["", "51.03.06"]}


# --- Services ------------------------------------------------------------------------------------------------


def test_first_address_becomes_the_default_and_phone_is_stored_in_e164(user, canggu):
    address = address_create(user=user, data=service_data(canggu))
    assert (address.is_default, str(address.phone)) == (True, "+6281234567890")
    second = address_create(user=user, data=service_data(canggu, label="Kantor"))
    assert second.is_default is False
    assert list(Address.objects.filter(user=user, is_default=True)) == [address]


def test_a_new_default_clears_the_old_one(user, canggu):
    first = address_create(user=user, data=service_data(canggu))
    second = address_create(user=user, data=service_data(canggu, is_default=True))
    assert list(Address.objects.filter(user=user, is_default=True)) == [second]
    address_set_default(user=user, address=first)
    assert list(Address.objects.filter(user=user, is_default=True)) == [first]
    third = address_create(user=user, data=service_data(canggu))
    address_update(user=user, address=third, data={"is_default": True})
    assert list(Address.objects.filter(user=user, is_default=True)) == [third]


def test_defaults_of_different_users_do_not_interfere(user, canggu):
    mine = address_create(user=user, data=service_data(canggu))
    theirs = AddressFactory(is_default=True)
    address_set_default(user=user, address=mine)
    assert set(Address.objects.filter(is_default=True)) == {mine, theirs}


def test_the_default_cannot_be_unset_directly(user, canggu):
    address = address_create(user=user, data=service_data(canggu))
    address_update(user=user, address=address, data={"is_default": False, "label": "Rumah"})
    address.refresh_from_db()
    assert (address.is_default, address.label) == (True, "Rumah")


def test_deleting_the_default_makes_the_newest_remaining_one_default(user, canggu):
    first = address_create(user=user, data=service_data(canggu))
    second = address_create(user=user, data=service_data(canggu))
    third = address_create(user=user, data=service_data(canggu))
    address_delete(user=user, address=first)
    assert list(Address.objects.filter(user=user).values_list("pk", "is_default").order_by("pk")) == [
        (second.pk, False),
        (third.pk, True),
    ]
    address_delete(user=user, address=second)
    assert Address.objects.get(user=user).is_default is True


def test_service_refuses_a_mismatched_hierarchy_and_saves_nothing(user, canggu, denpasar, lombok):
    data = service_data(canggu, regency=denpasar.district.regency) | {"village": denpasar}
    with pytest.raises(ValidationError) as caught:
        address_create(user=user, data=data)
    assert caught.value.message_dict == {
        "district": [indonesian(DISTRICT_MESSAGE)],
        "village": [indonesian(VILLAGE_MESSAGE)],
    }
    assert rows() == []


def test_service_refuses_missing_and_bad_values(user, canggu):
    address = AddressFactory(user=user, is_default=True)
    before = rows()
    with pytest.raises(ValidationError) as caught:
        address_update(user=user, address=address, data={"recipient_name": " ", "phone": "0000", "postal_code": "123"})
    assert sorted(caught.value.message_dict) == ["phone", "postal_code", "recipient_name"]
    assert rows() == before


def test_a_user_keeps_at_most_the_limit_of_addresses(user, canggu):
    AddressFactory.create_batch(MAX_ADDRESSES_PER_USER, user=user)
    with pytest.raises(ValidationError):
        address_create(user=user, data=service_data(canggu))
    assert Address.objects.filter(user=user).count() == MAX_ADDRESSES_PER_USER


def test_another_users_address_is_refused_by_every_service(user, canggu):
    theirs = AddressFactory(is_default=False)
    AddressFactory(user=theirs.user, is_default=True)
    before = rows()
    with pytest.raises(PermissionDenied):
        address_update(user=user, address=theirs, data={"label": "Milikku"})
    with pytest.raises(PermissionDenied):
        address_set_default(user=user, address=theirs)
    with pytest.raises(PermissionDenied):
        address_delete(user=user, address=theirs)
    assert rows() == before


# --- Pages ---------------------------------------------------------------------------------------------------


def test_list_shows_only_own_addresses_default_first(client, user, canggu, django_assert_max_num_queries):
    old_default = AddressFactory(user=user, label="Rumah", is_default=True)
    newer = AddressFactory(user=user, label="Kantor")
    AddressFactory(label="Milik orang lain")
    client.force_login(user)
    with django_assert_max_num_queries(10) as few:
        response = client.get(LIST)
    assert response.context["addresses"] == [old_default, newer]
    assert "Milik orang lain" not in response.content.decode()
    AddressFactory.create_batch(8, user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["addresses"]) == 10


def test_add_page_saves_an_address_and_returns_to_next(client, user, canggu):
    client.force_login(user)
    response = client.post(ADD, form_data(label="Rumah", next="/checkout/"))
    assert (response.status_code, response.url) == (302, "/checkout/")
    address = Address.objects.get(user=user)
    assert (address.label, address.village, address.postal_code, address.is_default) == ("Rumah", canggu, "80363", True)


def test_add_page_refuses_an_unsafe_next(client, user, canggu):
    client.force_login(user)
    response = client.post(ADD, form_data(next="https://jahat.example/"))
    assert (response.status_code, response.url) == (302, LIST)


def test_add_page_without_javascript_shows_the_next_levels_choices(client, user, canggu, denpasar):
    client.force_login(user)
    response = client.post(ADD, {"province": "51", "recipient_name": "Ayu", "refresh": "1"})
    assert response.status_code == 200
    form = response.context["form"]
    assert [code for code, _name in form.fields["regency"].widget.choices] == ["", "51.03", "51.71"]
    assert form["recipient_name"].value() == "Ayu"
    assert Address.objects.count() == 0

    # The province changes: the stale regency is dropped instead of refused.
    ProvinceFactory(code="52", name="Nusa Tenggara Barat")
    response = client.post(ADD, {"province": "52", "regency": "51.03", "previous_province": "51", "refresh": "1"})
    assert response.context["form"]["regency"].value() in ("", None)


def test_add_page_shows_hierarchy_errors(client, user, canggu, lombok):
    client.force_login(user)
    response = client.post(ADD, form_data(province="52", village="", postal_code="80361"))
    assert response.status_code == 400
    assert indonesian(REGENCY_MESSAGE) in response.content.decode()
    assert Address.objects.count() == 0


def test_edit_page_changes_the_address(client, user, canggu):
    address = AddressFactory(user=user, is_default=True)
    client.force_login(user)
    url = f"/akun/alamat/{address.pk}/ubah/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(label="Kos", street_address="Gang Melati 3", postal_code="80361"))
    assert (response.status_code, response.url) == (302, LIST)
    address.refresh_from_db()
    assert (address.label, address.street_address, address.is_default) == ("Kos", "Gang Melati 3", True)


def test_set_default_and_delete_pages(client, user, canggu):
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)
    client.force_login(user)
    response = client.post(f"/akun/alamat/{second.pk}/utama/")
    assert (response.status_code, response.url) == (302, LIST)
    assert list(Address.objects.filter(is_default=True)) == [second]
    response = client.post(f"/akun/alamat/{second.pk}/hapus/")
    assert (response.status_code, response.url) == (302, LIST)
    assert list(Address.objects.values_list("pk", "is_default")) == [(first.pk, True)]


def test_another_users_address_is_404_on_every_page_and_unchanged(client, user, canggu):
    theirs = AddressFactory()
    client.force_login(user)
    before = rows()
    assert client.get(f"/akun/alamat/{theirs.pk}/ubah/").status_code == 404
    assert client.post(f"/akun/alamat/{theirs.pk}/ubah/", form_data(label="Milikku")).status_code == 404
    assert client.post(f"/akun/alamat/{theirs.pk}/utama/").status_code == 404
    assert client.post(f"/akun/alamat/{theirs.pk}/hapus/").status_code == 404
    assert rows() == before


def test_pages_need_a_signed_in_user(client, canggu):
    address = AddressFactory()
    before = rows()
    for url in (LIST, ADD, f"/akun/alamat/{address.pk}/ubah/"):
        response = client.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, "/akun/login/"), url
    response = client.post(f"/akun/alamat/{address.pk}/hapus/")
    assert response.status_code == 302
    assert rows() == before


# --- API -----------------------------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def test_api_crud_of_own_addresses(user, canggu, denpasar, django_assert_max_num_queries):
    client = api(user)
    payload = form_data(label="Rumah", postal_code="")
    created = client.post(API, payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body == {
        "id": body["id"],
        "label": "Rumah",
        "is_default": True,
        "recipient_name": "Ni Luh Putu Ayu",
        "phone": "+6281234567890",
        "province": {"code": "51", "name": "Bali"},
        "regency": {"code": "51.03", "name": "Kabupaten Badung"},
        "district": {"code": "51.03.06", "name": "Kuta Utara"},
        "village": {"code": "51.03.06.2005", "name": "Canggu"},
        "street_address": "Jl. Raya Canggu No. 8",
        "postal_code": "80363",
    }
    second = client.post(API, form_data(postal_code="80361", village=None), format="json").json()
    assert second["is_default"] is False

    moved = client.patch(
        f"{API}{second['id']}/",
        {"regency": "51.71", "district": "51.71.01", "village": "51.71.01.1001", "postal_code": "80223"},
        format="json",
    )
    assert (moved.status_code, moved.json()["village"]["name"]) == (200, "Sesetan")
    assert client.post(f"{API}{second['id']}/default/").json()["is_default"] is True

    AddressFactory.create_batch(5, user=user)
    with django_assert_max_num_queries(6):
        listed = client.get(API)
    assert listed.json()["count"] == 7
    assert listed.json()["results"][0]["id"] == second["id"]

    assert client.delete(f"{API}{second['id']}/").status_code == 204
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_api_refuses_a_mismatched_hierarchy(user, canggu, denpasar):
    response = api(user).post(
        API, form_data(regency="51.71", postal_code="80361"), format="json", headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert response.json() == {"district": [DISTRICT_MESSAGE]}
    assert rows() == []


@pytest.mark.parametrize("who", ["other user", "anonymous"])
def test_api_another_users_address_is_out_of_reach(canggu, who):
    theirs = AddressFactory(is_default=True)
    client = api(VerifiedUserFactory() if who == "other user" else None)
    expected = 404 if who == "other user" else 401
    before = rows()
    detail = f"{API}{theirs.pk}/"
    calls = [
        client.get(detail),
        client.patch(detail, {"label": "Milikku"}, format="json"),
        client.delete(detail),
        client.post(f"{detail}default/"),
    ]
    assert [call.status_code for call in calls] == [expected] * 4
    listed = client.get(API)
    if who == "other user":
        assert listed.json()["count"] == 0
    else:
        assert listed.status_code == 401
    assert rows() == before


# --- Concurrency (PostgreSQL) --------------------------------------------------------------------------------

PAUSE = 0.3


def race_set_default(user, first, second) -> list[str]:
    """Two tabs make two different addresses the default at the same moment."""
    import threading
    import time

    from django.db import IntegrityError, connection

    outcomes: list[str] = []
    start = threading.Barrier(2)

    def act(address, delay):
        start.wait()
        time.sleep(delay)
        try:
            address_set_default(user=user, address=address)
            outcomes.append("set")
        except IntegrityError:
            outcomes.append("integrity error")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(first, 0)), threading.Thread(target=act, args=(second, PAUSE / 3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sorted(outcomes)


def slow_clear_default(monkeypatch):
    import time

    from orders.services import addresses as services

    real = services._clear_default

    def slow(**kwargs):
        real(**kwargs)
        time.sleep(PAUSE)

    monkeypatch.setattr(services, "_clear_default", slow)


@pytest.mark.django_db(transaction=True)
def test_without_the_user_lock_two_new_defaults_would_collide(postgres, monkeypatch):
    from orders.services import addresses as services

    slow_clear_default(monkeypatch)
    monkeypatch.setattr(services, "_lock_user", lambda user: None)
    user = VerifiedUserFactory()
    AddressFactory(user=user, is_default=True)
    first, second = AddressFactory(user=user), AddressFactory(user=user)

    assert race_set_default(user, first, second) == ["integrity error", "set"]


@pytest.mark.django_db(transaction=True)
def test_with_the_user_lock_both_tabs_succeed_and_the_last_one_is_the_default(postgres, monkeypatch):
    slow_clear_default(monkeypatch)
    user = VerifiedUserFactory()
    AddressFactory(user=user, is_default=True)
    first, second = AddressFactory(user=user), AddressFactory(user=user)

    assert race_set_default(user, first, second) == ["set", "set"]
    assert list(Address.objects.filter(user=user, is_default=True)) == [second]
