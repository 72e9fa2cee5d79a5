"""`seller/shop/` and `seller/shop/submit/`: the signed-in seller's shop profile and its submission."""

from uuid import uuid4

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from .. import selectors, services
from ..images import normalise_photo, validate_product_photo
from ..models import District, Province, Regency, Shop, ShopMember, Village
from .common import SellerApi, photo_errors
from .outputs import absolute_url

# --- Shop profile -------------------------------------------------------------------------------------------


class RegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SellerShopOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    story = serializers.CharField()
    logo = serializers.SerializerMethodField()
    banner = serializers.SerializerMethodField()
    whatsapp = serializers.SerializerMethodField(help_text="E.164, e.g. +6281234567890; empty when not set.")
    province = RegionOutputSerializer(allow_null=True)
    regency = RegionOutputSerializer(allow_null=True)
    district = RegionOutputSerializer(allow_null=True)
    village = RegionOutputSerializer(allow_null=True)
    street_address = serializers.CharField()
    postal_code = serializers.CharField()
    nib = serializers.CharField()
    nib_verified = serializers.SerializerMethodField()
    halal_certificate_number = serializers.CharField()
    halal_expires_on = serializers.DateField(allow_null=True)
    halal_verified = serializers.SerializerMethodField()
    pirt_number = serializers.CharField()
    pirt_verified = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Shop.Status.choices)
    status_reason = serializers.CharField(help_text="Why the shop was rejected or suspended; empty otherwise.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_until = serializers.DateField(
        allow_null=True, help_text="Vacation: closed up to and including this day. Null = open."
    )
    role = serializers.SerializerMethodField(help_text='The signed-in user\'s role in the shop: "owner" or "staff".')

    @extend_schema_field(OpenApiTypes.URI)
    def get_logo(self, shop) -> str | None:
        return absolute_url(self, shop.logo)

    @extend_schema_field(OpenApiTypes.URI)
    def get_banner(self, shop) -> str | None:
        return absolute_url(self, shop.banner)

    def get_whatsapp(self, shop) -> str:
        return shop.whatsapp.as_e164 if shop.whatsapp else ""

    def get_nib_verified(self, shop) -> bool:
        return shop.nib_verified_at is not None

    def get_halal_verified(self, shop) -> bool:
        return shop.halal_verified_at is not None

    def get_pirt_verified(self, shop) -> bool:
        return shop.pirt_verified_at is not None

    @extend_schema_field(serializers.ChoiceField(choices=ShopMember.Role.choices))
    def get_role(self, shop) -> str:
        return self.context["role"]


def _region_field(model, label: str) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.all(),
        pk_field=serializers.CharField(),
        required=False,
        allow_null=True,
        help_text=f"The {label}'s Kemendagri code; null clears it.",
    )


class ShopPhotoField(serializers.FileField):
    """A logo or banner: checked and normalised by the product photo pipeline; null clears it."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(required=False, allow_null=True, allow_empty_file=True, **kwargs)

    def to_internal_value(self, data):
        uploaded = super().to_internal_value(data)
        try:
            validated = validate_product_photo(uploaded)
        except DjangoValidationError as error:
            raise serializers.ValidationError(photo_errors(error)) from error
        try:
            encoded = normalise_photo(validated.image)
        finally:
            validated.image.close()
        return ContentFile(encoded.content, name=f"{self.kind}-{uuid4().hex}.{encoded.extension}")


class SellerShopInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    story = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    logo = ShopPhotoField("logo", help_text="Multipart only: a JPEG, PNG or WebP photo; null clears it.")
    banner = ShopPhotoField("banner", help_text="Multipart only: a JPEG, PNG or WebP photo; null clears it.")
    whatsapp = serializers.CharField(required=False, allow_blank=True, help_text="Indonesian number; empty clears.")
    province = _region_field(Province, "province")
    regency = _region_field(Regency, "regency or city")
    district = _region_field(District, "district")
    village = _region_field(Village, "village")
    street_address = serializers.CharField(required=False, allow_blank=True)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    nib = serializers.CharField(required=False, allow_blank=True)
    halal_certificate_number = serializers.CharField(required=False, allow_blank=True)
    halal_expires_on = serializers.DateField(required=False, allow_null=True)
    pirt_number = serializers.CharField(required=False, allow_blank=True)
    closed_until = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Vacation mode: closed up to and including this day (after today, at most 90 days ahead); "
        "null opens the shop again. Allowed in any shop status.",
    )


class SellerShopApi(SellerApi):
    """The signed-in seller's shop. Everyone in the shop reads it; only the owner changes it."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _output(self, shop: Shop, role: str) -> dict:
        return SellerShopOutputSerializer(shop, context={"request": self.request, "role": role}).data

    @extend_schema(responses=SellerShopOutputSerializer, operation_id="seller_shop_retrieve")
    def get(self, request):
        membership = self.get_membership()
        return Response(self._output(membership.shop, membership.role))

    @extend_schema(
        request=SellerShopInputSerializer, responses=SellerShopOutputSerializer, operation_id="seller_shop_update"
    )
    def patch(self, request):
        membership = self.get_membership()
        self.require_owner(membership)
        data = SellerShopInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        vacation = fields.pop("closed_until", ...)
        for key in ("logo", "banner"):
            if key in fields and fields[key] is None:
                fields[key] = ""  # the service clears a file field with an empty name
        shop = membership.shop
        with transaction.atomic():
            # Both services run so that every field error comes back at once; any error undoes both.
            errors: dict[str, list] = {}
            if fields:
                try:
                    shop = services.shop_update_profile(shop=shop, actor=request.user, **fields)
                except DjangoValidationError as error:
                    errors.update(error.error_dict)
            if vacation is None:
                shop = services.shop_end_vacation(shop=shop, actor=request.user)
            elif vacation is not ...:
                try:
                    shop = services.shop_set_vacation(shop=shop, actor=request.user, closed_until=vacation)
                except DjangoValidationError as error:
                    errors.update(error.error_dict)
            if errors:
                raise DjangoValidationError(errors)
        shop = selectors.seller_membership(user=request.user).shop  # fresh, with the address joined
        return Response(self._output(shop, membership.role))


class SellerShopSubmitApi(SellerApi):
    """The owner sends the shop for review (draft or rejected → submitted)."""

    @extend_schema(request=None, responses=SellerShopOutputSerializer, operation_id="seller_shop_submit")
    def post(self, request):
        membership = self.get_membership()
        self.require_owner(membership)
        services.shop_submit(shop=membership.shop, actor=request.user)
        shop = selectors.seller_membership(user=request.user).shop
        return Response(SellerShopOutputSerializer(shop, context={"request": request, "role": membership.role}).data)
