"""`/api/v1/addresses/`: the signed-in user's address book.

Only the user's own addresses: another user's id is a 404 and changes nothing. Rules live in
`orders.services.addresses` (hierarchy, phone, postal code, one default), whose field errors the project's
exception handler answers as 400.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api.pagination import PageNumberPagination
from shops.models import District, Province, Regency, Village

from ..models import Address
from ..selectors.addresses import address_get_for_user, address_list_for_user
from ..services import addresses as services

ADDRESS_ID = OpenApiParameter("address_id", int, OpenApiParameter.PATH)


class AddressRegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AddressOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    is_default = serializers.BooleanField()
    recipient_name = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="E.164, e.g. +6281234567890.")
    province = AddressRegionOutputSerializer()
    regency = AddressRegionOutputSerializer()
    district = AddressRegionOutputSerializer()
    village = AddressRegionOutputSerializer(allow_null=True)
    street_address = serializers.CharField()
    postal_code = serializers.CharField()

    @extend_schema_field(serializers.CharField())
    def get_phone(self, address: Address) -> str:
        return address.phone.as_e164 if address.phone else ""


def _region_field(model, label: str, **kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.all(), pk_field=serializers.CharField(), help_text=f"The {label}'s code.", **kwargs
    )


class AddressInputSerializer(serializers.Serializer):
    label = serializers.CharField(required=False, allow_blank=True)
    is_default = serializers.BooleanField(required=False)
    recipient_name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True, help_text="An Indonesian number, stored as +62….")
    province = _region_field(Province, "province")
    regency = _region_field(Regency, "regency or city")
    district = _region_field(District, "district")
    village = _region_field(Village, "village", required=False, allow_null=True)
    street_address = serializers.CharField(allow_blank=True)
    postal_code = serializers.CharField(
        required=False, allow_blank=True, help_text="5 digits; empty takes the village's postal code."
    )

    def validate(self, attrs):
        village = attrs.get("village")
        if "postal_code" in attrs and not attrs["postal_code"].strip() and village is not None and village.postal_code:
            attrs["postal_code"] = village.postal_code
        return attrs


class _AddressApi(APIView):
    permission_classes = [IsAuthenticated]

    def get_address(self, address_id: int) -> Address:
        address = address_get_for_user(user=self.request.user, address_id=address_id)
        if address is None:
            raise exceptions.NotFound()
        return address

    def address_response(self, address_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(AddressOutputSerializer(self.get_address(address_id)).data, status=status_code)


class AddressListApi(_AddressApi):
    """GET: the user's addresses, the default first. POST: a new address (the first becomes the default)."""

    pagination_class = PageNumberPagination

    @extend_schema(responses=AddressOutputSerializer(many=True), operation_id="addresses_list")
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(address_list_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response(AddressOutputSerializer(page, many=True).data)

    @extend_schema(
        request=AddressInputSerializer, responses={201: AddressOutputSerializer}, operation_id="addresses_create"
    )
    def post(self, request):
        data = AddressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not values.get("postal_code"):
            village = values.get("village")
            values["postal_code"] = village.postal_code if village is not None else ""
        address = services.address_create(user=request.user, data=values)
        return self.address_response(address.pk, status.HTTP_201_CREATED)


class AddressDetailApi(_AddressApi):
    @extend_schema(parameters=[ADDRESS_ID], responses=AddressOutputSerializer, operation_id="addresses_get")
    def get(self, request, address_id: int):
        return Response(AddressOutputSerializer(self.get_address(address_id)).data)

    @extend_schema(
        parameters=[ADDRESS_ID],
        request=AddressInputSerializer,
        responses=AddressOutputSerializer,
        operation_id="addresses_update",
        description="Partial: the values sent replace the address's; the result is checked as a whole.",
    )
    def patch(self, request, address_id: int):
        address = self.get_address(address_id)
        data = AddressInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.address_update(user=request.user, address=address, data=dict(data.validated_data))
        return self.address_response(address.pk)

    @extend_schema(parameters=[ADDRESS_ID], responses={204: None}, operation_id="addresses_delete")
    def delete(self, request, address_id: int):
        address = self.get_address(address_id)
        services.address_delete(user=request.user, address=address)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressDefaultApi(_AddressApi):
    @extend_schema(
        parameters=[ADDRESS_ID], request=None, responses=AddressOutputSerializer, operation_id="addresses_set_default"
    )
    def post(self, request, address_id: int):
        address = self.get_address(address_id)
        services.address_set_default(user=request.user, address=address)
        return self.address_response(address.pk)
