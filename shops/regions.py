"""Loads Indonesia's administrative regions from the CSV files in `shops/data/regions/`.

`load_regions()` is what `manage.py load_regions` runs, and what demo seeding calls. The files hold the
official Kemendagri codes and names; see `shops/data/regions/README.md` for their source and licence.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from .models import District, Province, Regency, Village

DATA_DIR = Path(__file__).resolve().parent / "data" / "regions"
BATCH_SIZE = 1000

CODE_PATTERNS = {
    Province: re.compile(r"\d{2}"),
    Regency: re.compile(r"\d{2}\.\d{2}"),
    District: re.compile(r"\d{2}\.\d{2}\.\d{2}"),
    Village: re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
}
POSTAL_CODE = re.compile(r"\d{5}")


class RegionDataError(ValueError):
    """A row of a region file is malformed or points at a parent that does not exist."""


@dataclass
class LevelResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class RegionLoadResult:
    provinces: LevelResult = field(default_factory=LevelResult)
    regencies: LevelResult = field(default_factory=LevelResult)
    districts: LevelResult = field(default_factory=LevelResult)
    villages: LevelResult = field(default_factory=LevelResult)

    @property
    def changed(self) -> bool:
        return any(level.created or level.updated for level in self.levels().values())

    def levels(self) -> dict[str, LevelResult]:
        return {
            "provinces": self.provinces,
            "regencies": self.regencies,
            "districts": self.districts,
            "villages": self.villages,
        }


def regency_kind(code: str) -> str:
    """Permendagri 58/2021: the regency part of the code is 01-69 for a kabupaten and 71-99 for a kota."""
    return Regency.Kind.CITY if int(code[3:5]) >= 71 else Regency.Kind.REGENCY


def village_kind(code: str) -> str:
    """Permendagri 58/2021: the village part of the code starts with 1 for a kelurahan, 2 for a desa and
    3 for a desa adat."""
    kinds = {"1": Village.Kind.URBAN_VILLAGE, "2": Village.Kind.VILLAGE, "3": Village.Kind.CUSTOMARY_VILLAGE}
    try:
        return kinds[code[9]]
    except KeyError:
        raise RegionDataError(f"village code {code} does not start its last part with 1, 2 or 3") from None


def _read(path: Path, model: type[models.Model], columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames != columns:
            raise RegionDataError(f"{path.name}: expected the columns {columns}, found {reader.fieldnames}")
        rows = []
        seen = set()
        for line, row in enumerate(reader, start=2):
            code, name = row["code"].strip(), " ".join(row["name"].split())
            if not CODE_PATTERNS[model].fullmatch(code):
                raise RegionDataError(f"{path.name}, line {line}: {code!r} is not a {model.__name__} code")
            if not name:
                raise RegionDataError(f"{path.name}, line {line}: the name is empty")
            if code in seen:
                raise RegionDataError(f"{path.name}, line {line}: {code} appears twice")
            seen.add(code)
            row = {**row, "code": code, "name": name}
            if "postal_code" in row:
                row["postal_code"] = row["postal_code"].strip()
                if row["postal_code"] and not POSTAL_CODE.fullmatch(row["postal_code"]):
                    raise RegionDataError(f"{path.name}, line {line}: {row['postal_code']!r} is not a postal code")
            rows.append(row)
    return rows


def _check_parents(path: Path, rows: list[dict], parent_model: type[models.Model], parent_codes: set[str]) -> None:
    known = parent_codes | set(parent_model.objects.values_list("code", flat=True))
    for line, row in enumerate(rows, start=2):
        parent = row["code"].rsplit(".", 1)[0]
        if parent not in known:
            raise RegionDataError(f"{path.name}, line {line}: {row['code']} has no {parent_model.__name__} {parent}")


def _sync(model: type[models.Model], wanted: dict[str, dict], fields: list[str]) -> LevelResult:
    """Creates missing rows and updates changed ones, in bulk; rows absent from the files are left alone
    (addresses may point at them: PROTECT)."""
    result = LevelResult()
    existing = {values[0]: values[1:] for values in model.objects.values_list("code", *fields)}
    to_create, to_update = [], []
    for code, values in wanted.items():
        current = existing.get(code)
        if current is None:
            to_create.append(model(code=code, **values))
        elif current != tuple(values[name] for name in fields):
            to_update.append(model(code=code, **values))
        else:
            result.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    model.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    result.created, result.updated = len(to_create), len(to_update)
    return result


@transaction.atomic
def load_regions(*, data_dir: Path = DATA_DIR) -> RegionLoadResult:
    """Brings the region tables in line with the CSV files in `data_dir`, all levels in one transaction.

    Idempotent: a second run with the same files changes nothing and reports every row as unchanged.
    A changed name (or postal code) updates the row in place; its code, the primary key, stays. Regions
    missing from the files are kept, since addresses may refer to them. Raises `RegionDataError` (and
    writes nothing) when a row is malformed or its parent exists neither in the files nor in the database.
    """
    provinces = _read(data_dir / "provinces.csv", Province, ["code", "name"])
    regencies = _read(data_dir / "regencies.csv", Regency, ["code", "name"])
    districts = _read(data_dir / "districts.csv", District, ["code", "name"])
    villages = _read(data_dir / "villages.csv", Village, ["code", "name", "postal_code"])
    _check_parents(data_dir / "regencies.csv", regencies, Province, {row["code"] for row in provinces})
    _check_parents(data_dir / "districts.csv", districts, Regency, {row["code"] for row in regencies})
    _check_parents(data_dir / "villages.csv", villages, District, {row["code"] for row in districts})

    result = RegionLoadResult()
    result.provinces = _sync(Province, {row["code"]: {"name": row["name"]} for row in provinces}, ["name"])
    result.regencies = _sync(
        Regency,
        {
            row["code"]: {"province_id": row["code"][:2], "kind": regency_kind(row["code"]), "name": row["name"]}
            for row in regencies
        },
        ["province_id", "kind", "name"],
    )
    result.districts = _sync(
        District,
        {row["code"]: {"regency_id": row["code"][:5], "name": row["name"]} for row in districts},
        ["regency_id", "name"],
    )
    result.villages = _sync(
        Village,
        {
            row["code"]: {
                "district_id": row["code"][:8],
                "kind": village_kind(row["code"]),
                "name": row["name"],
                "postal_code": row["postal_code"],
            }
            for row in villages
        },
        ["district_id", "kind", "name", "postal_code"],
    )
    return result
