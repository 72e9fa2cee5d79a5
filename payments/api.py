"""The payments app's API (DESIGN §9).

Operators (`payments.confirm_bank_transfer`; anonymous → 401, anyone else → 403, checked before any lookup
so ids cannot be probed):

- `GET operator/payments/?q=`: the pending bank transfers, oldest first, paginated; `q` as in the admin page
  (an amount "Rp 92.417"/"92417", part of an order number, the buyer's email or name).
- `POST operator/payments/{id}/confirm/`: the transfer arrived → 200 with the payment and the order's shop
  orders (now `paid`; the sellers are mailed). Unknown id → 404; already handled, not a bank transfer, or
  the order expired/was cancelled → 409 with the service's message. Nothing changes on a refusal.
- `GET operator/payments/{id}/proof/`: the proof file (404 when none).

Shoppers:

- `POST orders/{number}/payment-proof/` (multipart, field `proof`): the order's buyer (signed in) or a guest
  with the order's link token (`?t=`) → 201 with the payment; anyone else 404. A file that is too large, of
  another type or not what its content type says → 400 on `proof`; a payment no longer waiting (paid,
  expired, cancelled) or past its deadline → 409.
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.models import ShopOrder

from . import views_operator
from .models import Payment
from .selectors import bank_transfer_for_order, bank_transfer_pending_list, payment_get_for_operator
from .services import bank_transfer_confirm, bank_transfer_upload_proof
from .views import order_for_request


class CanConfirmBankTransfers(BasePermission):
    def has_permission(self, request, view) -> bool:
        return views_operator.user_can_confirm_transfers(request.user)


# --- Output -------------------------------------------------------------------------------------------------


class ShopOrderStatusOutputSerializer(serializers.Serializer):
    number = serializers.CharField()
    shop = serializers.CharField(source="shop.name")
    shop_slug = serializers.CharField(source="shop.slug")
    total = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ShopOrder.Status.choices)


class PaymentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    provider = serializers.CharField()
    status = serializers.ChoiceField(choices=Payment.Status.choices)
    amount = serializers.IntegerField(help_text="Whole rupiah to transfer: the order total plus `unique_code`.")
    unique_code = serializers.IntegerField()
    proof_uploaded_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class OperatorPaymentOutputSerializer(PaymentOutputSerializer):
    order_total = serializers.IntegerField(source="order.total")
    placed_at = serializers.DateTimeField(source="order.created_at")
    pay_before = serializers.DateTimeField(source="order.pay_before", allow_null=True)
    buyer_email = serializers.EmailField(source="order.email")
    buyer_name = serializers.SerializerMethodField()
    proof_url = serializers.SerializerMethodField(help_text="The proof file for operators; null when none.")
    shop_orders = ShopOrderStatusOutputSerializer(source="order.shop_orders.all", many=True)

    def get_buyer_name(self, payment) -> str:
        buyer = payment.order.buyer
        return buyer.full_name if buyer else payment.order.recipient_name

    def get_proof_url(self, payment) -> str | None:
        if not payment.proof:
            return None
        url = reverse("api:operator-payment-proof", args=[payment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


PAYMENT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The payment's id.")
NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The order number.")
GUEST_TOKEN = OpenApiParameter(
    "t", str, OpenApiParameter.QUERY, required=False, description="A guest order's link token (from its mails)."
)


# --- Operators ----------------------------------------------------------------------------------------------


class OperatorApi(APIView):
    permission_classes = [IsAuthenticated, CanConfirmBankTransfers]

    def get_payment(self, payment_id: int) -> Payment:
        payment = payment_get_for_operator(payment_id=payment_id)
        if payment is None:
            raise exceptions.NotFound()
        return payment


class OperatorPaymentListApi(ListAPIView):
    permission_classes = [IsAuthenticated, CanConfirmBankTransfers]
    serializer_class = OperatorPaymentOutputSerializer

    def get_queryset(self):
        return bank_transfer_pending_list(query=self.request.query_params.get("q", "")[:100])

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, OpenApiParameter.QUERY, required=False, description="Amount, order number or buyer."
            )
        ],
        operation_id="operator_payments_list",
        description="Bank transfers waiting for confirmation, the oldest first.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OperatorPaymentConfirmApi(OperatorApi):
    @extend_schema(
        parameters=[PAYMENT_ID],
        request=None,
        responses=OperatorPaymentOutputSerializer,
        operation_id="operator_payments_confirm",
        description="The bank transfer arrived: every shop order of the order becomes paid and the sellers are "
        "mailed. 409 when the payment was already handled or the order expired or was cancelled.",
    )
    def post(self, request, id: int):
        payment = self.get_payment(id)
        bank_transfer_confirm(payment=payment, operator=request.user)  # 409 through the exception handler
        payment = payment_get_for_operator(payment_id=payment.pk)
        return Response(OperatorPaymentOutputSerializer(payment, context={"request": request}).data)


class OperatorPaymentProofApi(OperatorApi):
    @extend_schema(
        parameters=[PAYMENT_ID],
        responses={(200, "application/octet-stream"): bytes},
        operation_id="operator_payments_proof",
        description="The shopper's proof of transfer (an image or a PDF).",
    )
    def get(self, request, id: int):
        return views_operator.proof_file_response(self.get_payment(id))


# --- Shoppers -----------------------------------------------------------------------------------------------


class ProofInputSerializer(serializers.Serializer):
    proof = serializers.FileField(
        allow_empty_file=True, help_text="A photo or screenshot (JPEG, PNG, WebP) or a PDF of the receipt, ≤ 5 MB."
    )


class OrderPaymentProofApi(APIView):
    permission_classes = [AllowAny]  # the buyer's session or the guest's token: checked by the selectors
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[NUMBER, GUEST_TOKEN],
        request={"multipart/form-data": ProofInputSerializer},
        responses={201: PaymentOutputSerializer},
        operation_id="orders_payment_proof_create",
        description="Uploads (or replaces) the proof of a bank transfer while it is awaited.",
    )
    def post(self, request, number: str):
        try:
            order, _token = order_for_request(request._request, number)
        except Http404:
            raise exceptions.NotFound() from None
        payment = bank_transfer_for_order(order=order)
        if payment is None:
            raise exceptions.NotFound()
        data = ProofInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = bank_transfer_upload_proof(payment=payment, user=request.user, file=data.validated_data["proof"])
        payment.order = order
        return Response(PaymentOutputSerializer(payment).data, status=status.HTTP_201_CREATED)
