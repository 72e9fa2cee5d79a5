"""Open data downloads (`/data/<key>.csv`, `/data/<key>.json`, optional `?date=YYYY-MM-DD` for a past snapshot)
and the DCAT catalogue (`/data/catalog.json`, JSON-LD that CKAN's DCAT harvester reads). Public, no session
needed, served from the stored snapshots (`cms.programme.datasets`), cacheable for an hour."""

import csv
import json
from datetime import date

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .datasets import (
    DATASETS,
    LICENCE,
    absolute,
    csv_rows,
    download_urls,
    first_publication_dates,
    latest_snapshots,
    metadata,
    publisher,
    region,
    snapshot_get,
)

CACHE_SECONDS = 3600


def _cacheable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any portal may read it from the browser
    return response


def _snapshot(request, key: str):
    dataset = DATASETS.get(key)
    if dataset is None:
        raise Http404("Unknown dataset.")
    raw_date = request.GET.get("date")
    snapshot_date = None
    if raw_date:
        try:
            snapshot_date = date.fromisoformat(raw_date)
        except ValueError:
            raise Http404("Bad date, expected YYYY-MM-DD.") from None
    snapshot = snapshot_get(key, snapshot_date)
    if snapshot is None:
        raise Http404("Not published yet.")
    return dataset, snapshot


@require_safe
def dataset_csv(request, key: str) -> HttpResponse:
    dataset, snapshot = _snapshot(request, key)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{dataset.key}-{snapshot.snapshot_date:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(csv_rows(dataset, snapshot))
    return _cacheable(response)


@require_safe
def dataset_json(request, key: str) -> HttpResponse:
    dataset, snapshot = _snapshot(request, key)
    data = {"metadata": metadata(dataset, snapshot), "rows": snapshot.rows}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return _cacheable(response)


DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
DAILY = "http://purl.org/cld/freq/daily"
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


def _literals(pair: dict) -> list[dict]:
    return [{"@value": pair["id"], "@language": "id"}, {"@value": pair["en"], "@language": "en"}]


def catalog_document() -> dict:
    """The DCAT-AP style catalogue of every dataset, from the latest snapshots and each dataset's first publication
    date (two queries)."""
    snapshots = latest_snapshots()
    first_published = first_publication_dates()
    home = absolute("/data/")
    place = region()
    spatial = {
        "@id": f"{home}#wilayah-{place['kode_kabupaten']}",
        "@type": "dct:Location",
        "dct:identifier": place["kode_kabupaten"],
        "dct:title": f"{place['nama_kabupaten']}, {place['nama_provinsi']}",
    }
    organisation = {"@type": "foaf:Organization", "foaf:name": publisher()}
    datasets = []
    for dataset in DATASETS.values():
        snapshot = snapshots.get(dataset.key)
        urls = download_urls(dataset.key)
        entry = {
            "@id": f"{home}#{dataset.key}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset.key,
            "dct:title": _literals(dataset.title),
            "dct:description": _literals(dataset.description),
            "dct:publisher": organisation,
            "dct:license": {"@id": LICENCE["url"]},
            "dct:accrualPeriodicity": {"@id": DAILY},
            "dct:spatial": spatial,
            "dcat:keyword": dataset.keywords,
            "dcat:landingPage": {"@id": home},
            "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": publisher()},
            "dcat:distribution": [
                {
                    "@id": urls[kind],
                    "@type": "dcat:Distribution",
                    "dct:title": f"{dataset.key}.{kind}",
                    "dct:format": kind.upper(),
                    "dcat:mediaType": MEDIA_TYPES[kind],
                    "dcat:downloadURL": {"@id": urls[kind]},
                    "dcat:accessURL": {"@id": urls[kind]},
                    "dct:license": {"@id": LICENCE["url"]},
                }
                for kind in ("csv", "json")
            ],
        }
        if snapshot is not None:
            issued = first_published.get(dataset.key, snapshot.snapshot_date)
            entry["dct:issued"] = {"@value": issued.isoformat(), "@type": "xsd:date"}
            entry["dct:modified"] = {"@value": snapshot.computed_at.isoformat(), "@type": "xsd:dateTime"}
            if snapshot.period_start and snapshot.period_end:
                entry["dct:temporal"] = {
                    "@type": "dct:PeriodOfTime",
                    "dcat:startDate": {"@value": snapshot.period_start.isoformat(), "@type": "xsd:date"},
                    "dcat:endDate": {"@value": snapshot.period_end.isoformat(), "@type": "xsd:date"},
                }
        datasets.append(entry)
    return {
        "@context": DCAT_CONTEXT,
        "@id": absolute("/data/catalog.json"),
        "@type": "dcat:Catalog",
        "dct:title": _literals({"id": "Data Terbuka Pasar UMKM", "en": "Pasar UMKM Open Data"}),
        "dct:description": _literals(
            {
                "id": "Data terbuka program UKM GO-DIGITAL Kabupaten Badung, diperbarui harian.",
                "en": "Open data of the UKM GO-DIGITAL programme of Badung Regency, updated daily.",
            }
        ),
        "dct:publisher": organisation,
        "dct:license": {"@id": LICENCE["url"]},
        "dct:language": [{"@id": "http://id.loc.gov/vocabulary/iso639-1/id"}],
        "foaf:homepage": {"@id": home},
        "dct:spatial": spatial,
        "dcat:dataset": datasets,
    }


@require_safe
def catalog(request) -> HttpResponse:
    body = json.dumps(catalog_document(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    return _cacheable(response)
