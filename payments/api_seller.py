"""The seller's money in the API (DESIGN §9): `seller/ledger/`, its monthly CSV statement, refunds of the shop's
orders and the payout account.

- **Which shop**: the one `shops.selectors.seller_membership` finds for the caller (no shop id from the client;
  a caller without a shop gets 404 with a message). A shop order is found by its number among the caller's
  shops (`shop_order_get_for_seller`, as `seller/orders/{number}/` does): another shop's order is a 404.
- **Ledger**: `GET seller/ledger/?month=YYYY-MM` answers the balance (pending / available / total) and the
  entries, newest first, paginated; every sale carries the commission of its shop order. Constant queries.
- **Statement**: `GET seller/ledger/statement/?month=YYYY-MM` is the page's CSV (opening balance, entries with
  the running balance, closing balance; dates in WITA).
- **Refunds**: `POST seller/orders/{number}/refunds/` → 201 with the refund (succeeded when recorded by hand,
  pending when it goes through the card provider or waits for an operator's bank transfer). Field errors 400;
  a status or window that does not allow it 409; owner and staff may both refund (the service's rules).
- **Payout account**: `GET` for owner and staff; `PUT` the bank account, owner only (staff 403 before the input
  is read). The Stripe state is read-only: it changes only with Stripe's `account.updated` events.
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, renderers, serializers, status
from rest_framework.response import Response

from marketplace.core.api.pagination import PageNumberPagination
from orders.selectors.orders import shop_order_get_for_seller
from shops.seller_api.common import SellerApi

from .models import LedgerEntry, PayoutAccount, Refund
from .selectors import shop_balance, shop_ledger_entries
from .selectors_seller import (
    STRIPE_ENABLED,
    STRIPE_NOT_CONNECTED,
    STRIPE_PENDING,
    ledger_entries_with_commission,
    month_parse,
    shop_payout_account,
    stripe_connect_state,
)
from .services.payouts import payout_account_update_bank
from .services.refunds import refund_create
from .views_seller import NOT_A_MONTH_MESSAGE, write_statement

NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The shop order's number.")
PAGE = OpenApiParameter("page", int, OpenApiParameter.QUERY, required=False, description="The page, from 1.")
PAGE_SIZE = OpenApiParameter(
    "page_size", int, OpenApiParameter.QUERY, required=False, description="Entries per page (at most 100)."
)


# --- Input ----------------------------------------------------------------------------------------------------


class _MonthField(serializers.CharField):
    def to_internal_value(self, data):
        month = month_parse(super().to_internal_value(data))
        if month is None:
            raise serializers.ValidationError(NOT_A_MONTH_MESSAGE)
        return month


class LedgerFilterSerializer(serializers.Serializer):
    month = _MonthField(required=False, help_text="A calendar month in WITA, `YYYY-MM`; all entries when absent.")


class StatementFilterSerializer(serializers.Serializer):
    month = _MonthField(help_text="The statement's calendar month in WITA, `YYYY-MM`.")


class RefundInputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Whole rupiah, at most what can still be refunded.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: why, told to the shopper."
    )
    manual_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="How the money went back; required for cash on delivery (the seller pays it back).",
    )


class BankAccountInputSerializer(serializers.Serializer):
    bank_name = serializers.CharField(allow_blank=True, max_length=80)
    account_number = serializers.CharField(
        allow_blank=True, max_length=40, help_text="5 to 20 digits; spaces and dashes are dropped."
    )
    account_holder = serializers.CharField(allow_blank=True, max_length=150)


# --- Output ---------------------------------------------------------------------------------------------------


class BalanceOutputSerializer(serializers.Serializer):
    pending = serializers.IntegerField(help_text="Waits for the shopper's confirmation (or the auto-complete).")
    available = serializers.IntegerField(help_text="May be paid out; negative when commission on COD is owed.")
    total = serializers.IntegerField()


class SaleCommissionOutputSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="The commission charged on the shop order, whole rupiah.")
    basis_points = serializers.IntegerField(
        allow_null=True, help_text="The rate frozen on the order's lines (500 = 5%); null when they differ."
    )


class LedgerEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=LedgerEntry.Kind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    amount = serializers.IntegerField(help_text="Signed whole rupiah: positive is owed to the shop.")
    description = serializers.CharField(source="summary")
    shop_order_number = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField(help_text="False while the shop order is not completed.")
    commission = SaleCommissionOutputSerializer(
        allow_null=True, help_text="For a sale: the commission of the same shop order; null for other kinds."
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shop_order_number(self, entry) -> str | None:
        return entry.shop_order.number if entry.shop_order_id else None

    @extend_schema_field(serializers.BooleanField())
    def get_available(self, entry) -> bool:
        return entry.shop_order_id is None or entry.shop_order.completed_at is not None


class LedgerPageOutputSerializer(serializers.Serializer):
    balance = BalanceOutputSerializer()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LedgerEntryOutputSerializer(many=True)


class RefundOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    shop_order_number = serializers.CharField(source="shop_order.number")
    amount = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Refund.Status.choices)
    method = serializers.ChoiceField(choices=Refund.Method.choices)
    paid_back_by = serializers.ChoiceField(choices=Refund.PaidBackBy.choices)
    reason = serializers.CharField()
    manual_note = serializers.CharField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class StripeStateOutputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[STRIPE_NOT_CONNECTED, STRIPE_PENDING, STRIPE_ENABLED],
        help_text="not_connected; pending (Stripe still needs or checks details); enabled (payouts go to Stripe).",
    )
    details_submitted = serializers.BooleanField()
    payouts_enabled = serializers.BooleanField()
    requirements = serializers.ListField(child=serializers.CharField(), help_text="What Stripe still needs.")
    updated_at = serializers.DateTimeField(allow_null=True)


class PayoutAccountOutputSerializer(serializers.Serializer):
    bank_name = serializers.CharField()
    account_number = serializers.CharField()
    account_holder = serializers.CharField()
    has_bank_account = serializers.BooleanField()
    can_edit = serializers.BooleanField(help_text="Only the owner changes the bank account.")
    stripe = StripeStateOutputSerializer()


def _payout_account_data(account: PayoutAccount | None, *, can_edit: bool) -> dict:
    account = account or PayoutAccount()
    return {
        "bank_name": account.bank_name,
        "account_number": account.account_number,
        "account_holder": account.account_holder,
        "has_bank_account": account.has_bank_account,
        "can_edit": can_edit,
        "stripe": {
            "state": stripe_connect_state(account if account.pk else None),
            "details_submitted": account.stripe_details_submitted,
            "payouts_enabled": account.stripe_payouts_enabled,
            "requirements": [str(item) for item in account.stripe_requirements or []],
            "updated_at": account.stripe_updated_at,
        },
    }


# --- Views ----------------------------------------------------------------------------------------------------


class CsvRenderer(renderers.BaseRenderer):
    """Lets a client that accepts only `text/csv` reach the statement (DRF would answer 406 otherwise); the
    statement itself is a plain HttpResponse, and errors are switched to JSON in `finalize_response`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return renderers.JSONRenderer().render(data)


class SellerLedgerApi(SellerApi):
    @extend_schema(
        operation_id="seller_ledger_list",
        summary="The shop's balance and ledger",
        description="The balance and the ledger entries, newest first (optionally of one month, WITA); every sale "
        "carries its shop order's commission.",
        parameters=[LedgerFilterSerializer, PAGE, PAGE_SIZE],
        responses=LedgerPageOutputSerializer,
    )
    def get(self, request):
        shop = self.get_membership().shop
        filters = LedgerFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        month = filters.validated_data.get("month")
        if month is not None:
            entries = shop_ledger_entries(shop=shop, start=month.start, end=month.end)
        else:
            entries = shop_ledger_entries(shop=shop)
        balance = shop_balance(shop=shop)
        paginator = PageNumberPagination()
        page = ledger_entries_with_commission(paginator.paginate_queryset(entries, request, view=self))
        return Response(
            {
                "balance": {"pending": balance.pending, "available": balance.available, "total": balance.total},
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": LedgerEntryOutputSerializer(page, many=True).data,
            }
        )


class SellerStatementApi(SellerApi):
    # JSON first for errors; a client asking for text/csv only is not refused with 406.
    renderer_classes = [renderers.JSONRenderer, CsvRenderer]

    @extend_schema(
        operation_id="seller_ledger_statement",
        summary="The monthly statement (CSV)",
        description="Opening balance, every entry of the month (WITA) with the running balance, closing balance. "
        "Balances count pending and available money.",
        parameters=[StatementFilterSerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The statement.")},
    )
    def get(self, request):
        shop = self.get_membership().shop
        filters = StatementFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        month = filters.validated_data["month"]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        write_statement(response, shop=shop, month=month)
        response["Content-Disposition"] = f'attachment; filename="saldo-{shop.slug}-{month}.csv"'
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON whatever was negotiated for the CSV.
        if response.status_code >= 400 and getattr(request, "accepted_renderer", None) is not None:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class SellerRefundCreateApi(SellerApi):
    @extend_schema(
        operation_id="seller_orders_refunds_create",
        summary="Refund part or all of an order",
        description="Full or partial, within the rules: paid, processing (partial only: cancel to give everything "
        "back), shipped, delivered, cancelled after payment, or completed less than REFUND_SELLER_WINDOW_DAYS "
        "ago. Card: sent to the provider (pending); bank transfer: pending until an operator transfers it back; "
        "cash on delivery: the seller paid it back, `manual_note` says how (succeeded).",
        parameters=[NUMBER],
        request=RefundInputSerializer,
        responses={201: RefundOutputSerializer},
    )
    def post(self, request, number: str):
        shop_order = shop_order_get_for_seller(user=request.user, number=number)
        if shop_order is None:
            raise exceptions.NotFound()
        data = RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Field errors 400, PermissionDenied 403, PaymentStateError 409: the project's exception handler.
        refund = refund_create(shop_order=shop_order, user=request.user, actor="seller", **data.validated_data)
        return Response(RefundOutputSerializer(refund).data, status=status.HTTP_201_CREATED)


class SellerPayoutAccountApi(SellerApi):
    @extend_schema(
        operation_id="seller_payout_account_retrieve",
        summary="Where the shop is paid",
        description="The bank account for payout batches and the state of the connected Stripe account.",
        responses=PayoutAccountOutputSerializer,
    )
    def get(self, request):
        membership = self.get_membership()
        account = shop_payout_account(shop=membership.shop)
        return Response(_payout_account_data(account, can_edit=membership.role == "owner"))

    @extend_schema(
        operation_id="seller_payout_account_update",
        summary="Change the bank account",
        description="The owner's bank account for payouts (staff: 403).",
        request=BankAccountInputSerializer,
        responses=PayoutAccountOutputSerializer,
    )
    def put(self, request):
        membership = self.get_membership()
        self.require_owner(membership)
        data = BankAccountInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = payout_account_update_bank(shop=membership.shop, user=request.user, **data.validated_data)
        return Response(_payout_account_data(account, can_edit=True))
