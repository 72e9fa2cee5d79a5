"""The operator API (DESIGN §9): `POST /api/v1/operator/shops/{slug}/approve/`, `.../reject/` `{reason}`,
`.../suspend/` `{reason}`, `.../reinstate/`, each calling its service in `shops.services.shops`.

Decisions:

- **Who**: operators only (`selectors.user_is_operator`: superusers and the Operator group); anonymous → 401,
  anyone else → 403, checked before the shop is looked up, so a non-operator cannot probe which slugs exist.
  An operator who belongs to the shop is refused by the service (403 with its message).
- **Any status**: unlike the storefront, the shop is found by slug whatever its status; unknown slug → 404.
- **Wrong state → 409** with a detail naming what the action needs and the shop's status now: the services
  raise `ShopStateError` with a generic message, replaced here by the action's own. Every other error (a
  blank reason is the service's field error on `reason`, 400; the service's 403) is answered by the project's
  exception handler. Nothing changes on any refusal.
- The answer is the shop's review state after the action. The owner's mail goes through the outbox.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api.exceptions import Conflict

from . import selectors, services
from .errors import ShopStateError
from .models import Shop

OPERATOR_ONLY_MESSAGE = _("Only an operator can review shops.")  # the services' msgid

MAX_REASON_LENGTH = 2000


class IsOperator(BasePermission):
    message = OPERATOR_ONLY_MESSAGE

    def has_permission(self, request, view) -> bool:
        return selectors.user_is_operator(request.user)


class ReasonInputSerializer(serializers.Serializer):
    # Blank or missing is the service's error ("Write the reason; the owner will read it.").
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_REASON_LENGTH, help_text="The owner reads it."
    )


class OperatorShopOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Shop.Status.choices)
    status_reason = serializers.CharField(help_text="Why the shop was rejected or suspended; empty otherwise.")
    reviewed_at = serializers.DateTimeField(allow_null=True)


SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The shop's slug.")


class OperatorShopActionApi(APIView):
    """One review action on a shop; subclasses name the service and the 409 message."""

    permission_classes = [IsAuthenticated, IsOperator]
    # "%(status)s" is the shop's status now, as its label ("Draft", "Approved"...).
    wrong_state_message = None
    takes_reason = False

    def conflict(self, error: ShopStateError) -> Conflict:
        label = Shop.Status(error.status).label if error.status in Shop.Status.values else error.status
        return Conflict(self.wrong_state_message % {"status": label})

    def act(self, *, shop: Shop, operator, reason: str) -> Shop:
        raise NotImplementedError

    def post(self, request, slug: str):
        # Any status: an operator acts on drafts, submitted and suspended shops too.
        shop = selectors.shop_get_for_operator(slug=slug)
        if shop is None:
            raise exceptions.NotFound()
        reason = ""
        if self.takes_reason:
            data = ReasonInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            reason = data.validated_data["reason"]
        try:
            shop = self.act(shop=shop, operator=request.user, reason=reason)
        except ShopStateError as error:
            raise self.conflict(error) from None
        return Response(OperatorShopOutputSerializer(shop).data)


class OperatorShopApproveApi(OperatorShopActionApi):
    wrong_state_message = _("Only a shop waiting for review can be approved. This shop's status: %(status)s.")

    @extend_schema(
        parameters=[SLUG], request=None, responses=OperatorShopOutputSerializer, operation_id="operator_shops_approve"
    )
    def post(self, request, slug: str):
        return super().post(request, slug)

    def act(self, *, shop, operator, reason):
        return services.shop_approve(shop=shop, operator=operator)


class OperatorShopRejectApi(OperatorShopActionApi):
    wrong_state_message = _("Only a shop waiting for review can be rejected. This shop's status: %(status)s.")
    takes_reason = True

    @extend_schema(
        parameters=[SLUG],
        request=ReasonInputSerializer,
        responses=OperatorShopOutputSerializer,
        operation_id="operator_shops_reject",
    )
    def post(self, request, slug: str):
        return super().post(request, slug)

    def act(self, *, shop, operator, reason):
        return services.shop_reject(shop=shop, operator=operator, reason=reason)


class OperatorShopSuspendApi(OperatorShopActionApi):
    wrong_state_message = _("Only an approved shop can be suspended. This shop's status: %(status)s.")
    takes_reason = True

    @extend_schema(
        parameters=[SLUG],
        request=ReasonInputSerializer,
        responses=OperatorShopOutputSerializer,
        operation_id="operator_shops_suspend",
    )
    def post(self, request, slug: str):
        return super().post(request, slug)

    def act(self, *, shop, operator, reason):
        return services.shop_suspend(shop=shop, operator=operator, reason=reason)


class OperatorShopReinstateApi(OperatorShopActionApi):
    wrong_state_message = _("Only a suspended shop can be reinstated. This shop's status: %(status)s.")

    @extend_schema(
        parameters=[SLUG],
        request=None,
        responses=OperatorShopOutputSerializer,
        operation_id="operator_shops_reinstate",
    )
    def post(self, request, slug: str):
        return super().post(request, slug)

    def act(self, *, shop, operator, reason):
        return services.shop_reinstate(shop=shop, operator=operator)
