"""Public, read-only API of the shops app.

Regions feed the cascading address selects (province → regency/city → district → village) of the shop
onboarding wizard and of checkout. These lists are deliberately *not* paginated, unlike the rest of the
API (DESIGN §9): each is bounded by the administrative map (at most a few dozen regencies per province and
a few dozen villages per district) and a select needs every option at once. The data changes about once a
year, so successful answers are publicly cacheable for a week.
"""

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors

REGIONS_MAX_AGE = 7 * 24 * 60 * 60


class ProvinceOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='Kemendagri code, e.g. "51".')
    name = serializers.CharField()


class RegencyOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='Kemendagri code, e.g. "51.03".')
    name = serializers.CharField()
    kind = serializers.CharField(help_text='"regency" (kabupaten) or "city" (kota).')


class DistrictOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='Kemendagri code, e.g. "51.03.05".')
    name = serializers.CharField()


class VillageOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='Kemendagri code, e.g. "51.03.05.1006".')
    name = serializers.CharField()
    kind = serializers.CharField(
        help_text='"urban_village" (kelurahan), "village" (desa) or "customary_village" (desa adat).'
    )
    postal_code = serializers.CharField(help_text="Five digits; empty when unknown.")


class RegionListApi(APIView):
    """Base of the region lists: public, no session or token lookup, cacheable when successful."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=REGIONS_MAX_AGE)
        return response

    @staticmethod
    def children_or_404(children, parent_exists) -> list:
        """The children of a parent; a 404 only when there are none *and* the parent does not exist, so the
        usual answer costs one query. A known parent without loaded children answers an empty list."""
        children = list(children)
        if not children and not parent_exists():
            raise exceptions.NotFound()
        return children


class ProvinceListApi(RegionListApi):
    @extend_schema(responses=ProvinceOutputSerializer(many=True), operation_id="regions_provinces_list")
    def get(self, request):
        return Response(ProvinceOutputSerializer(selectors.province_list(), many=True).data)


class RegencyListApi(RegionListApi):
    @extend_schema(responses=RegencyOutputSerializer(many=True), operation_id="regions_regencies_list")
    def get(self, request, code: str):
        regencies = self.children_or_404(
            selectors.regency_list_for_province(province_code=code),
            lambda: selectors.province_exists(province_code=code),
        )
        return Response(RegencyOutputSerializer(regencies, many=True).data)


class DistrictListApi(RegionListApi):
    @extend_schema(responses=DistrictOutputSerializer(many=True), operation_id="regions_districts_list")
    def get(self, request, code: str):
        districts = self.children_or_404(
            selectors.district_list_for_regency(regency_code=code),
            lambda: selectors.regency_exists(regency_code=code),
        )
        return Response(DistrictOutputSerializer(districts, many=True).data)


class VillageListApi(RegionListApi):
    @extend_schema(responses=VillageOutputSerializer(many=True), operation_id="regions_villages_list")
    def get(self, request, code: str):
        villages = self.children_or_404(
            selectors.village_list_for_district(district_code=code),
            lambda: selectors.district_exists(district_code=code),
        )
        return Response(VillageOutputSerializer(villages, many=True).data)
