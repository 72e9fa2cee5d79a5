import pytest

from shops import selectors
from shops.regions import load_regions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _regions():
    load_regions()


def test_province_list_is_every_province_by_name():
    provinces = list(selectors.province_list())

    assert len(provinces) == 38
    assert [province.name for province in provinces[:4]] == ["Aceh", "Bali", "Banten", "Bengkulu"]


def test_regency_list_for_province_holds_only_that_provinces_regencies_by_name():
    regencies = selectors.regency_list_for_province(province_code="51")

    assert [(regency.code, regency.kind) for regency in regencies][-2:] == [
        ("51.02", "regency"),
        ("51.71", "city"),
    ]
    assert regencies.count() == 9
    assert set(regencies.values_list("province_id", flat=True)) == {"51"}


def test_district_list_for_regency_holds_only_that_regencys_districts_by_name():
    districts = selectors.district_list_for_regency(regency_code="51.71")

    assert [(district.code, district.name) for district in districts] == [
        ("51.71.03", "Denpasar Barat"),
        ("51.71.01", "Denpasar Selatan"),
        ("51.71.02", "Denpasar Timur"),
        ("51.71.04", "Denpasar Utara"),
    ]


def test_village_list_for_district_holds_only_that_districts_villages_by_name():
    villages = selectors.village_list_for_district(district_code="51.03.06")

    assert [(village.name, village.kind, village.postal_code) for village in villages] == [
        ("Canggu", "village", "80363"),
        ("Dalung", "village", "80363"),
        ("Kerobokan", "urban_village", "80363"),
        ("Kerobokan Kaja", "urban_village", "80363"),
        ("Kerobokan Kelod", "urban_village", "80363"),
        ("Tibubeneng", "village", "80363"),
    ]


def test_lists_for_an_unknown_parent_are_empty_and_existence_checks_say_so():
    assert list(selectors.regency_list_for_province(province_code="99")) == []
    assert list(selectors.district_list_for_regency(regency_code="51.99")) == []
    assert list(selectors.village_list_for_district(district_code="51.03.99")) == []
    assert (selectors.province_exists(province_code="51"), selectors.province_exists(province_code="99")) == (
        True,
        False,
    )
    assert (selectors.regency_exists(regency_code="51.03"), selectors.regency_exists(regency_code="51.99")) == (
        True,
        False,
    )
    assert (
        selectors.district_exists(district_code="51.03.05"),
        selectors.district_exists(district_code="51.03.99"),
    ) == (True, False)
