import pytest
from django.conf import settings
from django.utils import translation

from shops.models import Province
from shops.regions import load_regions

pytestmark = pytest.mark.django_db

CACHEABLE = "public, max-age=604800"

KUTA_SELATAN_VILLAGES = [
    {"code": "51.03.05.1004", "name": "Benoa", "kind": "urban_village", "postal_code": "80362"},
    {"code": "51.03.05.1006", "name": "Jimbaran", "kind": "urban_village", "postal_code": "80362"},
    {"code": "51.03.05.2003", "name": "Kutuh", "kind": "village", "postal_code": "80362"},
    {"code": "51.03.05.2001", "name": "Pecatu", "kind": "village", "postal_code": "80362"},
    {"code": "51.03.05.1005", "name": "Tanjung Benoa", "kind": "urban_village", "postal_code": "80362"},
    {"code": "51.03.05.2002", "name": "Ungasan", "kind": "village", "postal_code": "80362"},
]


@pytest.fixture(autouse=True)
def _regions():
    load_regions()
    # Requests activate the language they ask for; later tests start from the default again.
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_provinces_lists_all_38_by_name(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/regions/provinces/")

    assert response.status_code == 200
    provinces = response.json()
    assert len(provinces) == 38
    assert provinces[:3] == [
        {"code": "11", "name": "Aceh"},
        {"code": "51", "name": "Bali"},
        {"code": "36", "name": "Banten"},
    ]
    assert [province["name"] for province in provinces] == sorted(province["name"] for province in provinces)
    assert response["Cache-Control"] == CACHEABLE


def test_regencies_of_bali_are_its_eight_regencies_and_one_city(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/regions/provinces/51/regencies/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "51.03", "name": "Kabupaten Badung", "kind": "regency"},
        {"code": "51.06", "name": "Kabupaten Bangli", "kind": "regency"},
        {"code": "51.08", "name": "Kabupaten Buleleng", "kind": "regency"},
        {"code": "51.04", "name": "Kabupaten Gianyar", "kind": "regency"},
        {"code": "51.01", "name": "Kabupaten Jembrana", "kind": "regency"},
        {"code": "51.07", "name": "Kabupaten Karangasem", "kind": "regency"},
        {"code": "51.05", "name": "Kabupaten Klungkung", "kind": "regency"},
        {"code": "51.02", "name": "Kabupaten Tabanan", "kind": "regency"},
        {"code": "51.71", "name": "Kota Denpasar", "kind": "city"},
    ]
    assert response["Cache-Control"] == CACHEABLE


def test_districts_of_badung_are_its_six_kecamatan(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/regions/regencies/51.03/districts/")

    assert response.status_code == 200
    assert response.json() == [
        {"code": "51.03.03", "name": "Abiansemal"},
        {"code": "51.03.01", "name": "Kuta"},
        {"code": "51.03.05", "name": "Kuta Selatan"},
        {"code": "51.03.06", "name": "Kuta Utara"},
        {"code": "51.03.02", "name": "Mengwi"},
        {"code": "51.03.04", "name": "Petang"},
    ]
    assert response["Cache-Control"] == CACHEABLE


def test_villages_of_kuta_selatan_come_with_kind_and_postal_code(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/regions/districts/51.03.05/villages/")

    assert response.status_code == 200
    assert response.json() == KUTA_SELATAN_VILLAGES
    assert response["Cache-Control"] == CACHEABLE


def test_a_regency_whose_districts_are_not_loaded_answers_an_empty_list(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/regions/regencies/11.01/districts/")

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/regions/provinces/99/regencies/",
        "/api/v1/regions/provinces/51.03/regencies/",
        "/api/v1/regions/regencies/51.99/districts/",
        "/api/v1/regions/regencies/51/districts/",
        "/api/v1/regions/districts/51.03.99/villages/",
        "/api/v1/regions/districts/51.03.05.1006/villages/",
    ],
)
def test_an_unknown_parent_code_answers_404_in_the_api_format(client, path, django_assert_max_num_queries):
    # The children and the parent; then Wagtail's redirect middleware looks up the site and a redirect, as
    # it does for every 404 of the project.
    with django_assert_max_num_queries(4):
        response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Data tidak ditemukan."}
    assert "public" not in response.get("Cache-Control", "")


def test_regions_answer_in_english_when_asked_without_changing_names(client):
    response = client.get("/api/v1/regions/provinces/99/regencies/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_regions_are_read_only(client):
    response = client.post("/api/v1/regions/provinces/", {"code": "99", "name": "Nowhere"})

    assert response.status_code == 405
    assert Province.objects.count() == 38
    assert not Province.objects.filter(code="99").exists()
