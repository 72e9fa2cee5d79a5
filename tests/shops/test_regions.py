import csv
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shops.models import District, Province, Regency, Village
from shops.regions import DATA_DIR, RegionDataError, load_regions

PROVINCES = 38
REGENCIES = 514
BALI_DISTRICTS = 57
BALI_VILLAGES = 716


def snapshot() -> dict:
    return {
        "provinces": list(Province.objects.order_by("code").values_list()),
        "regencies": list(Regency.objects.order_by("code").values_list()),
        "districts": list(District.objects.order_by("code").values_list()),
        "villages": list(Village.objects.order_by("code").values_list()),
    }


def counts(result) -> dict:
    return {level: (numbers.created, numbers.updated, numbers.unchanged) for level, numbers in result.levels().items()}


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the shipped region files that a test may edit."""
    target = tmp_path / "regions"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite(path, change) -> None:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


@pytest.mark.django_db
def test_load_regions_loads_every_province_and_regency_and_all_of_bali():
    result = load_regions()

    assert counts(result) == {
        "provinces": (PROVINCES, 0, 0),
        "regencies": (REGENCIES, 0, 0),
        "districts": (BALI_DISTRICTS, 0, 0),
        "villages": (BALI_VILLAGES, 0, 0),
    }
    assert Province.objects.count() == PROVINCES
    assert Regency.objects.count() == REGENCIES
    assert Regency.objects.filter(kind=Regency.Kind.REGENCY).count() == 416
    assert Regency.objects.filter(kind=Regency.Kind.CITY).count() == 98
    assert Regency.objects.filter(province_id="51").count() == 9
    assert District.objects.filter(regency__province_id="51").count() == BALI_DISTRICTS
    assert Village.objects.filter(district__regency__province_id="51").count() == BALI_VILLAGES
    assert Village.objects.filter(kind=Village.Kind.URBAN_VILLAGE).count() == 80
    assert Village.objects.filter(kind=Village.Kind.VILLAGE).count() == 636
    assert Village.objects.filter(postal_code="").count() == 0


@pytest.mark.django_db
def test_load_regions_keeps_codes_names_kinds_and_postal_codes_from_the_files():
    load_regions()

    badung = Regency.objects.get(code="51.03")
    denpasar = Regency.objects.get(code="51.71")
    jimbaran = Village.objects.select_related("district__regency__province").get(code="51.03.05.1006")
    pecatu = Village.objects.get(code="51.03.05.2001")

    assert (badung.province_id, badung.name, badung.kind) == ("51", "Kabupaten Badung", Regency.Kind.REGENCY)
    assert (denpasar.name, denpasar.kind) == ("Kota Denpasar", Regency.Kind.CITY)
    assert (jimbaran.name, jimbaran.kind, jimbaran.postal_code) == ("Jimbaran", Village.Kind.URBAN_VILLAGE, "80362")
    assert (pecatu.name, pecatu.kind) == ("Pecatu", Village.Kind.VILLAGE)
    assert [jimbaran.district.name, jimbaran.district.regency.name, jimbaran.district.regency.province.name] == [
        "Kuta Selatan",
        "Kabupaten Badung",
        "Bali",
    ]
    assert [str(region) for region in (badung, jimbaran.district, jimbaran)] == [
        "Kabupaten Badung",
        "Kuta Selatan",
        "Jimbaran",
    ]


@pytest.mark.django_db
def test_loading_regions_again_changes_nothing():
    load_regions()
    before = snapshot()

    result = load_regions()

    assert result.changed is False
    assert counts(result) == {
        "provinces": (0, 0, PROVINCES),
        "regencies": (0, 0, REGENCIES),
        "districts": (0, 0, BALI_DISTRICTS),
        "villages": (0, 0, BALI_VILLAGES),
    }
    assert snapshot() == before


@pytest.mark.django_db
def test_a_renamed_region_in_the_files_updates_its_row_in_place(data_dir):
    load_regions(data_dir=data_dir)
    before = snapshot()

    def rename_kutuh(rows):
        return [[*row[:1], "Kutuh Baru", *row[2:]] if row[0] == "51.03.05.2003" else row for row in rows]

    rewrite(data_dir / "villages.csv", rename_kutuh)
    result = load_regions(data_dir=data_dir)

    assert counts(result)["villages"] == (0, 1, BALI_VILLAGES - 1)
    assert counts(result)["districts"] == (0, 0, BALI_DISTRICTS)
    kutuh = Village.objects.get(code="51.03.05.2003")
    assert (kutuh.name, kutuh.district_id, kutuh.postal_code) == ("Kutuh Baru", "51.03.05", "80362")
    after = snapshot()
    assert after["villages"] == [
        (*row[:3], "Kutuh Baru", *row[4:]) if row[0] == "51.03.05.2003" else row for row in before["villages"]
    ]
    assert {level: rows for level, rows in after.items() if level != "villages"} == {
        level: rows for level, rows in before.items() if level != "villages"
    }


@pytest.mark.django_db
def test_a_village_of_an_unknown_district_is_refused_and_nothing_is_loaded(data_dir):
    rewrite(data_dir / "villages.csv", lambda rows: [*rows, ["51.03.99.2001", "Nowhere", ""]])

    with pytest.raises(RegionDataError, match=r"villages.csv, line 718: 51.03.99.2001 has no District 51.03.99"):
        load_regions(data_dir=data_dir)

    assert snapshot() == {"provinces": [], "regencies": [], "districts": [], "villages": []}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["51.03.05.201", "Short", ""], r"line 718: '51.03.05.201' is not a Village code"),
        (["51.03.05.2099", "  ", ""], r"line 718: the name is empty"),
        (["51.03.05.2099", "Bad Post", "8036"], r"line 718: '8036' is not a postal code"),
        (["51.03.05.2003", "Kutuh", "80362"], r"line 718: 51.03.05.2003 appears twice"),
        (["51.03.05.4001", "Odd Kind", ""], r"51.03.05.4001 does not start its last part with 1, 2 or 3"),
    ],
)
def test_a_malformed_village_row_is_refused_and_nothing_is_loaded(data_dir, row, message):
    load_regions(data_dir=data_dir)
    before = snapshot()
    rewrite(data_dir / "villages.csv", lambda rows: [*rows, row])
    rewrite(data_dir / "provinces.csv", lambda rows: [[*r[:1], "Renamed"] if r[0] == "51" else r for r in rows])

    with pytest.raises(RegionDataError, match=message):
        load_regions(data_dir=data_dir)

    assert snapshot() == before


@pytest.mark.django_db
def test_load_regions_command_reports_what_it_did(capsys):
    call_command("load_regions")
    call_command("load_regions")

    assert capsys.readouterr().out.splitlines() == [
        f"provinces: {PROVINCES} ({PROVINCES} created, 0 updated, 0 unchanged)",
        f"regencies: {REGENCIES} ({REGENCIES} created, 0 updated, 0 unchanged)",
        f"districts: {BALI_DISTRICTS} ({BALI_DISTRICTS} created, 0 updated, 0 unchanged)",
        f"villages: {BALI_VILLAGES} ({BALI_VILLAGES} created, 0 updated, 0 unchanged)",
        f"provinces: {PROVINCES} (0 created, 0 updated, {PROVINCES} unchanged)",
        f"regencies: {REGENCIES} (0 created, 0 updated, {REGENCIES} unchanged)",
        f"districts: {BALI_DISTRICTS} (0 created, 0 updated, {BALI_DISTRICTS} unchanged)",
        f"villages: {BALI_VILLAGES} (0 created, 0 updated, {BALI_VILLAGES} unchanged)",
    ]


@pytest.mark.django_db
def test_load_regions_command_fails_with_the_row_at_fault(data_dir):
    rewrite(data_dir / "regencies.csv", lambda rows: [*rows, ["99.01", "Kabupaten Nowhere"]])

    with pytest.raises(CommandError, match=r"regencies.csv, line 516: 99.01 has no Province 99"):
        call_command("load_regions", "--data-dir", str(data_dir))

    assert Province.objects.count() == 0
