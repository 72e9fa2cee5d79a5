"""Reads of the shops app."""

from django.db.models import QuerySet

from .models import District, Province, Regency, Village

# --- Regions: the cascading choice of an address (province → regency → district → village) -----------


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("name", "code")


def province_exists(*, province_code: str) -> bool:
    return Province.objects.filter(code=province_code).exists()


def regency_list_for_province(*, province_code: str) -> QuerySet[Regency]:
    return Regency.objects.filter(province_id=province_code).order_by("name", "code")


def regency_exists(*, regency_code: str) -> bool:
    return Regency.objects.filter(code=regency_code).exists()


def district_list_for_regency(*, regency_code: str) -> QuerySet[District]:
    return District.objects.filter(regency_id=regency_code).order_by("name", "code")


def district_exists(*, district_code: str) -> bool:
    return District.objects.filter(code=district_code).exists()


def village_list_for_district(*, district_code: str) -> QuerySet[Village]:
    return Village.objects.filter(district_id=district_code).order_by("name", "code")
