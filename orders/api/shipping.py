"""`/api/v1/seller/shipping-options/`: the signed-in seller's shipping options, and the cash-on-delivery switch.

The shop is the one `shops.selectors.seller_membership` finds (no shop id from the client); an option of another
shop is a 404. Owner and staff both manage them. Rules live in `orders.services.shipping_options`, whose field
errors the project's exception handler answers as 400.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from marketplace.core.api.pagination import PageNumberPagination
from shops.models import District, Shop
from shops.seller_api.common import SellerApi
from shops.services.shops import shop_set_cash_on_delivery

from ..models import ShippingOption
from ..selectors.shipping import shipping_option_get_for_shop, shipping_option_list_for_shop
from ..services import shipping_options as services
from ..shipping import MAX_WEIGHT_BANDS

OPTION_ID = OpenApiParameter("option_id", int, OpenApiParameter.PATH)


class ShippingDistrictOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class WeightBandSerializer(serializers.Serializer):
    up_to_grams = serializers.IntegerField(help_text="The heaviest parcel (grams) this band carries.")
    fee = serializers.IntegerField(help_text="Whole rupiah.")


class ShippingOptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ShippingOption.Kind.choices)
    name = serializers.CharField()
    fee = serializers.IntegerField(help_text="Whole rupiah; flat rate and local delivery.")
    weight_bands = WeightBandSerializer(many=True, help_text="Rate by weight, ascending by weight.")
    free_above = serializers.IntegerField(allow_null=True, help_text="No fee from this shop subtotal (rupiah).")
    districts = ShippingDistrictOutputSerializer(many=True, source="districts.all", help_text="Local delivery only.")
    is_active = serializers.BooleanField()
    position = serializers.IntegerField()


class ShippingOptionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ShippingOption.Kind.choices)
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    fee = serializers.IntegerField(required=False, help_text="Whole rupiah; flat rate and local delivery.")
    weight_bands = WeightBandSerializer(
        many=True, required=False, max_length=MAX_WEIGHT_BANDS, help_text="Rate by weight: ascending."
    )
    free_above = serializers.IntegerField(required=False, allow_null=True)
    districts = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(),
        pk_field=serializers.CharField(),
        many=True,
        required=False,
        help_text="Local delivery: the districts' Kemendagri codes.",
    )
    is_active = serializers.BooleanField(required=False)
    position = serializers.IntegerField(required=False)


class CashOnDeliverySerializer(serializers.Serializer):
    accepts = serializers.BooleanField(help_text="Whether shoppers may pay the shop's part on delivery.")


class _ShippingApi(SellerApi):
    def get_option(self, option_id: int) -> tuple[Shop, ShippingOption]:
        """The seller's shop and its option with this id (404 for another shop's)."""
        shop = self.get_membership().shop
        option = shipping_option_get_for_shop(shop=shop, option_id=option_id)
        if option is None:
            raise exceptions.NotFound()
        return shop, option

    def option_response(self, shop: Shop, option: ShippingOption, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = shipping_option_get_for_shop(shop=shop, option_id=option.pk)
        return Response(ShippingOptionOutputSerializer(fresh).data, status=status_code)


class SellerShippingOptionListApi(_ShippingApi):
    """GET: the shop's options (active or not) by position. POST: a new option."""

    pagination_class = PageNumberPagination

    @extend_schema(responses=ShippingOptionOutputSerializer(many=True), operation_id="seller_shipping_options_list")
    def get(self, request):
        membership = self.get_membership()
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(shipping_option_list_for_shop(shop=membership.shop), request, view=self)
        return paginator.get_paginated_response(ShippingOptionOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ShippingOptionInputSerializer,
        responses={201: ShippingOptionOutputSerializer},
        operation_id="seller_shipping_options_create",
    )
    def post(self, request):
        membership = self.get_membership()
        data = ShippingOptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "weight_bands" in values:
            values["weight_bands"] = [dict(band) for band in values["weight_bands"]]
        option = services.shipping_option_create(shop=membership.shop, user=request.user, **values)
        return self.option_response(membership.shop, option, status.HTTP_201_CREATED)


class SellerShippingOptionDetailApi(_ShippingApi):
    @extend_schema(
        parameters=[OPTION_ID], responses=ShippingOptionOutputSerializer, operation_id="seller_shipping_options_get"
    )
    def get(self, request, option_id: int):
        _shop, option = self.get_option(option_id)
        return Response(ShippingOptionOutputSerializer(option).data)

    @extend_schema(
        parameters=[OPTION_ID],
        request=ShippingOptionInputSerializer,
        responses=ShippingOptionOutputSerializer,
        operation_id="seller_shipping_options_update",
    )
    def patch(self, request, option_id: int):
        shop, option = self.get_option(option_id)
        data = ShippingOptionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "weight_bands" in values:
            values["weight_bands"] = [dict(band) for band in values["weight_bands"]]
        option = services.shipping_option_update(shop=shop, user=request.user, option=option, **values)
        return self.option_response(shop, option)

    @extend_schema(parameters=[OPTION_ID], responses={204: None}, operation_id="seller_shipping_options_delete")
    def delete(self, request, option_id: int):
        shop, option = self.get_option(option_id)
        services.shipping_option_delete(shop=shop, user=request.user, option=option)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerCashOnDeliveryApi(SellerApi):
    """Whether the seller's shop accepts cash on delivery; owner and staff switch it."""

    @extend_schema(responses=CashOnDeliverySerializer, operation_id="seller_cash_on_delivery_get")
    def get(self, request):
        shop = self.get_membership().shop
        return Response({"accepts": shop.accepts_cash_on_delivery})

    @extend_schema(
        request=CashOnDeliverySerializer, responses=CashOnDeliverySerializer, operation_id="seller_cash_on_delivery_set"
    )
    def patch(self, request):
        membership = self.get_membership()
        data = CashOnDeliverySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shop = shop_set_cash_on_delivery(
            shop=membership.shop, user=request.user, accepts=data.validated_data["accepts"]
        )
        return Response({"accepts": shop.accepts_cash_on_delivery})
