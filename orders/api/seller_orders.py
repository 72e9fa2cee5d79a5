"""`seller/orders/`: the shop's orders (DESIGN §9) and the seller's actions on them.

Decisions:

- **Which shop**: the list is the shop `shops.selectors.seller_membership` finds for the caller (no shop id
  from the client; a caller without a shop gets 404 with a message). One shop order is found by its number
  among the shops the caller is a member of (`shop_order_get_for_seller`): another shop's order is a 404 and
  changes nothing. Owner and staff both fulfil orders.
- **Order of the list**: what needs the seller first (paid, processing), then awaiting payment, then the rest,
  newest first within each; `?status=` filters.
- **Actions** call one service of `orders.services.fulfilment` each and answer the shop order's detail.
  Field errors 400; a status that does not allow the action 409 `{"detail"}`.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api.pagination import PageNumberPagination
from shops.selectors import seller_membership
from shops.seller_api.common import NO_SHOP_MESSAGE

from ..models import ShopOrder
from ..selectors.orders import shop_order_get_for_seller, shop_order_list_for_seller
from ..services import fulfilment
from .order_outputs import SellerShopOrderDetailOutputSerializer, SellerShopOrderListOutputSerializer

NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The shop order's number.")


class SellerOrderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ShopOrder.Status.choices, required=False)


class ShipInputSerializer(serializers.Serializer):
    courier = serializers.CharField(required=False, allow_blank=True, default="", help_text="e.g. JNE, J&T.")
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Not needed for pickup or the seller's delivery."
    )


class SellerCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required: why.")


class SellerOrderListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="seller_orders_list",
        summary="The shop's orders",
        description="New orders first (paid, processing), then awaiting payment, then the rest, newest first.",
        parameters=[SellerOrderFilterSerializer],
        responses=SellerShopOrderListOutputSerializer(many=True),
    )
    def get(self, request):
        membership = seller_membership(user=request.user)
        if membership is None:
            raise exceptions.NotFound(NO_SHOP_MESSAGE)
        filters = SellerOrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        shop_orders = shop_order_list_for_seller(
            user=request.user, shop=membership.shop, status=filters.validated_data.get("status")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(shop_orders, request, view=self)
        return paginator.get_paginated_response(SellerShopOrderListOutputSerializer(page, many=True).data)


class _SellerOrderApi(APIView):
    permission_classes = [IsAuthenticated]

    def get_shop_order(self, number: str) -> ShopOrder:
        shop_order = shop_order_get_for_seller(user=self.request.user, number=number)
        if shop_order is None:
            raise exceptions.NotFound()
        return shop_order

    def detail_response(self, number: str) -> Response:
        return Response(SellerShopOrderDetailOutputSerializer(self.get_shop_order(number)).data)


class SellerOrderDetailApi(_SellerOrderApi):
    @extend_schema(
        operation_id="seller_orders_retrieve",
        summary="One of the shop's orders",
        description="The buyer's contact and address, the note, lines, timeline and payment status.",
        parameters=[NUMBER],
        responses=SellerShopOrderDetailOutputSerializer,
    )
    def get(self, request, number: str):
        return self.detail_response(number)


def _action_schema(operation_id: str, summary: str, description: str, request=None):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        parameters=[NUMBER],
        request=request,
        responses=SellerShopOrderDetailOutputSerializer,
    )


class SellerOrderAcceptApi(_SellerOrderApi):
    @_action_schema("seller_orders_accept", "Accept a paid order", "Paid → processing; 409 otherwise.")
    def post(self, request, number: str):
        fulfilment.shop_order_accept(shop_order=self.get_shop_order(number), user=request.user)
        return self.detail_response(number)


class SellerOrderShipApi(_SellerOrderApi):
    @_action_schema(
        "seller_orders_ship",
        "Ship an order",
        "Processing → shipped. Courier and tracking number are required unless the shopper picks up or the seller "
        "delivers.",
        ShipInputSerializer,
    )
    def post(self, request, number: str):
        shop_order = self.get_shop_order(number)
        serializer = ShipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fulfilment.shop_order_ship(shop_order=shop_order, user=request.user, **serializer.validated_data)
        return self.detail_response(number)


class SellerOrderDeliverApi(_SellerOrderApi):
    @_action_schema(
        "seller_orders_deliver",
        "Mark an order delivered",
        "Shipped → delivered; for cash on delivery this also records the cash collected.",
    )
    def post(self, request, number: str):
        fulfilment.shop_order_mark_delivered(shop_order=self.get_shop_order(number), user=request.user)
        return self.detail_response(number)


class SellerOrderCancelApi(_SellerOrderApi):
    @_action_schema(
        "seller_orders_cancel",
        "Cancel an order",
        "Awaiting payment, paid or processing, with a reason for the shopper; the items go back into stock.",
        SellerCancelInputSerializer,
    )
    def post(self, request, number: str):
        shop_order = self.get_shop_order(number)
        serializer = SellerCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fulfilment.shop_order_cancel(
            shop_order=shop_order, user=request.user, reason=serializer.validated_data["reason"], actor="seller"
        )
        return self.detail_response(number)
