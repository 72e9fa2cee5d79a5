"""`orders/`: the shopper's orders (DESIGN §9): list, detail, and the shopper's actions on one shop's part.

Decisions:

- **Whose orders**: the list is the signed-in caller's. An order's detail and actions are for its buyer, or
  for the holder of a guest order's signed link (`?t=`, `orders.selectors.orders.order_access_token`, the key
  the mails and the checkout answer carry). Another person's order, a wrong or expired key: 404, nothing
  changed. An anonymous caller without a key: 401.
- **Actions** name the shop order (`shop_order`: its number) inside the order; each calls one service of
  `orders.services.fulfilment` and answers the order's detail. Field errors 400; a status that does not allow
  the action 409 `{"detail"}` (`OrderStateError`, answered by the project's exception handler).
- **JSON only** for the actions: a cross-site page cannot send JSON without the browser asking first (CORS).
- **Constant queries**: the list and the detail prefetch shop orders, shops, lines, events and payments.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api.pagination import PageNumberPagination

from ..models import Order, ShopOrder
from ..selectors.orders import order_get_for_buyer, order_get_for_guest, order_list_for_buyer
from ..services import fulfilment
from .order_outputs import OrderDetailOutputSerializer, OrderListOutputSerializer

NO_SUCH_SHOP_ORDER_MESSAGE = _("This order has no such shop order.")
NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The order number.")
TOKEN = OpenApiParameter(
    "t", str, OpenApiParameter.QUERY, required=False, description="A guest order's key (from its signed link)."
)


class ShopOrderInputSerializer(serializers.Serializer):
    shop_order = serializers.CharField(max_length=24, help_text="The shop order's number.")


class CancelInputSerializer(ShopOrderInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Optional.")


class ReportProblemInputSerializer(ShopOrderInputSerializer):
    problem = serializers.CharField(required=False, allow_blank=True, default="", help_text="What went wrong.")


class OrderListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_list",
        summary="My orders",
        description="The signed-in shopper's orders, newest first, with each shop's part and status.",
        responses=OrderListOutputSerializer(many=True),
    )
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(order_list_for_buyer(user=request.user), request, view=self)
        return paginator.get_paginated_response(OrderListOutputSerializer(page, many=True).data)


class _OrderApi(APIView):
    """Finds the order the caller may see: (order, user to act as — None for a guest order's key holder)."""

    permission_classes = [AllowAny]

    def get_order(self, number: str) -> tuple[Order, object]:
        user = self.request.user
        token = self.request.query_params.get("t", "")
        if user.is_authenticated:
            order = order_get_for_buyer(user=user, number=number)
            if order is not None:
                return order, user
        elif not token:
            raise exceptions.NotAuthenticated()
        if token:
            order = order_get_for_guest(number=number, token=token)
            if order is not None:
                return order, None
        raise exceptions.NotFound()

    def detail_response(self, number: str) -> Response:
        order, _user = self.get_order(number)
        return Response(OrderDetailOutputSerializer(order).data)


class OrderDetailApi(_OrderApi):
    @extend_schema(
        operation_id="orders_retrieve",
        summary="One of my orders",
        description="Shop orders with lines, timeline (events) and shipping; the payment and its deadline.",
        parameters=[NUMBER, TOKEN],
        responses=OrderDetailOutputSerializer,
    )
    def get(self, request, number: str):
        return self.detail_response(number)


class _OrderActionApi(_OrderApi):
    parser_classes = [JSONParser]
    input_serializer = ShopOrderInputSerializer

    def act(self, *, shop_order: ShopOrder, user, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, number: str):
        order, user = self.get_order(number)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        shop_order = next((so for so in order.shop_orders.all() if so.number == data["shop_order"]), None)
        if shop_order is None:
            raise exceptions.ValidationError({"shop_order": [NO_SUCH_SHOP_ORDER_MESSAGE]})
        self.act(shop_order=shop_order, user=user, data=data)
        return self.detail_response(number)


def _action_schema(operation_id: str, summary: str, description: str, request):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        parameters=[NUMBER, TOKEN],
        request=request,
        responses=OrderDetailOutputSerializer,
    )


class OrderCancelApi(_OrderActionApi):
    input_serializer = CancelInputSerializer

    @_action_schema(
        "orders_cancel",
        "Cancel a shop's part",
        "Before it ships (awaiting payment, paid, processing); the items go back into stock. 409 otherwise.",
        CancelInputSerializer,
    )
    def post(self, request, number: str):
        return super().post(request, number)

    def act(self, *, shop_order, user, data):
        fulfilment.shop_order_cancel(shop_order=shop_order, user=user, reason=data["reason"], actor="shopper")


class OrderConfirmReceivedApi(_OrderActionApi):
    @_action_schema(
        "orders_confirm_received",
        "Confirm a shop's parcel arrived",
        "Shipped or delivered → completed. 409 in any other status.",
        ShopOrderInputSerializer,
    )
    def post(self, request, number: str):
        return super().post(request, number)

    def act(self, *, shop_order, user, data):
        fulfilment.shop_order_confirm_received(shop_order=shop_order, user=user)


class OrderReportProblemApi(_OrderActionApi):
    input_serializer = ReportProblemInputSerializer

    @_action_schema(
        "orders_report_problem",
        "Report a problem with a shop's parcel",
        "Shipped or delivered; once per shop order. The order is then not completed automatically.",
        ReportProblemInputSerializer,
    )
    def post(self, request, number: str):
        return super().post(request, number)

    def act(self, *, shop_order, user, data):
        fulfilment.shop_order_report_problem(shop_order=shop_order, user=user, problem=data["problem"])
