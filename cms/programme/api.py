"""The open data API (issue 9, DESIGN §9): `open-data/` lists the datasets, `open-data/{key}/` answers one
dataset's metadata and data dictionary.

- **Public**: anonymous and read-only (no session or token lookup), cacheable for an hour.
- **From snapshots**: the dates and row counts come from the latest `DatasetSnapshot` of each dataset, read in
  one query whatever their size (`cms.programme.datasets.latest_snapshots`); nothing is recomputed per request.
  A dataset never published yet answers `snapshot_date: null` ("published daily; first publication pending").
- **Rows** are not in these answers: they are downloaded as CSV or JSON (`downloads.csv`, `downloads.json`,
  absolute URLs, `?date=YYYY-MM-DD` for a past day).
- Titles and descriptions come in both languages (`{"id", "en"}`), as Satu Data metadata does.
"""

from django.urls import path
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .datasets import DATASETS, latest_snapshots, metadata, snapshot_get
from .views import CACHE_SECONDS


def _bilingual(name: str) -> serializers.Serializer:
    return inline_serializer(name, {"id": serializers.CharField(), "en": serializers.CharField()})


class OpenDataColumnOutputSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The column's name (Indonesian snake_case), as in the CSV header.")
    type = serializers.ChoiceField(choices=["string", "integer", "number"])
    unit = serializers.CharField(help_text='e.g. "UMKM", "orang", "persen"; empty for text columns.')
    label = _bilingual("OpenDataColumnLabel")
    description = _bilingual("OpenDataColumnDescription")
    suppressed_below = serializers.IntegerField(
        allow_null=True, help_text='Counts below this are suppressed (null in JSON, "< 5" in CSV); null: never.'
    )


class OpenDataDatasetOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = _bilingual("OpenDataTitle")
    description = _bilingual("OpenDataDescription")
    publisher = serializers.CharField()
    licence = inline_serializer(
        "OpenDataLicence",
        {"name": serializers.CharField(), "title": serializers.CharField(), "url": serializers.URLField()},
    )
    update_frequency = inline_serializer(
        "OpenDataFrequency",
        {"code": serializers.CharField(), "id": serializers.CharField(), "en": serializers.CharField()},
    )
    keywords = serializers.ListField(child=serializers.CharField())
    region = inline_serializer(
        "OpenDataRegion",
        {
            "kode_provinsi": serializers.CharField(),
            "nama_provinsi": serializers.CharField(),
            "kode_kabupaten": serializers.CharField(),
            "nama_kabupaten": serializers.CharField(),
        },
    )
    snapshot_date = serializers.DateField(allow_null=True, help_text="The latest publication (WITA); null: pending.")
    computed_at = serializers.DateTimeField(allow_null=True)
    period = inline_serializer(
        "OpenDataPeriod",
        {"start": serializers.DateField(allow_null=True), "end": serializers.DateField(allow_null=True)},
    )
    row_count = serializers.IntegerField()
    downloads = inline_serializer("OpenDataDownloads", {"csv": serializers.URLField(), "json": serializers.URLField()})


class OpenDataDatasetDetailOutputSerializer(OpenDataDatasetOutputSerializer):
    suppression = serializers.DictField(help_text="How suppressed cells are written, in each format.")
    columns = OpenDataColumnOutputSerializer(many=True, help_text="The data dictionary: every column, in order.")


def _summary(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in ("columns", "suppression")}


class OpenDataApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response


class OpenDataListApi(OpenDataApi):
    @extend_schema(responses=OpenDataDatasetOutputSerializer(many=True), operation_id="open_data_list")
    def get(self, request):
        snapshots = latest_snapshots()
        rows = [_summary(metadata(dataset, snapshots.get(key))) for key, dataset in DATASETS.items()]
        return Response(OpenDataDatasetOutputSerializer(rows, many=True).data)


class OpenDataDetailApi(OpenDataApi):
    @extend_schema(
        responses=OpenDataDatasetDetailOutputSerializer,
        operation_id="open_data_retrieve",
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, enum=list(DATASETS), description="Dataset key.")
        ],
    )
    def get(self, request, key: str):
        dataset = DATASETS.get(key)
        if dataset is None:
            raise exceptions.NotFound()
        return Response(OpenDataDatasetDetailOutputSerializer(metadata(dataset, snapshot_get(key))).data)


urlpatterns = [
    path("open-data/", OpenDataListApi.as_view(), name="open-data-list"),
    path("open-data/<slug:key>/", OpenDataDetailApi.as_view(), name="open-data-detail"),
]
