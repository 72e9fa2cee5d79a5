"""`checkout/` (DESIGN §9): `GET checkout/?district=` quotes the caller's cart, `POST checkout/` places it.

Decisions:

- **The cart** is the caller's, as for `cart/` (signed in: their own; an anonymous browser: its session's).
- **Idempotency**: the `Idempotency-Key` header (at most 100 characters) makes a retry find the first order;
  the answer is then 200 instead of 201 with the same body. Without the header the server draws a key, so a
  retry of a request that did succeed finds an emptied cart (409), never a second order.
- **Address**: either `address_id` (one of the signed-in caller's saved addresses) or `address` with region
  codes, validated by the same `AddressForm` as the page (400 `{"address": {field: [...]}}`).
- **What next**: `next_action` is the provider's answer after the commit: `none` (cash on delivery),
  `bank_transfer` (amount with the unique code, accounts, reference, deadline); card payments add `redirect` or
  `client_secret` later without changing this endpoint.
- **Errors**: 400 field errors (address, email, shipping, payment method); 409 `{"detail"}` when the cart
  cannot be ordered as it is (empty, out of stock, a shop on holiday).
"""

import uuid

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..errors import CartError
from ..forms.addresses import AddressForm, address_initial
from ..models import Order, PaymentMethod
from ..selectors.addresses import address_get_for_user
from ..selectors.orders import order_access_token
from ..services.cart import cart_get_for_request
from ..services.checkout import MAX_IDEMPOTENCY_KEY_LENGTH, checkout_quote, order_place

# --- Output ------------------------------------------------------------------------------------------


class QuoteShopSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="shop.pk")
    slug = serializers.CharField(source="shop.slug")
    name = serializers.CharField(source="shop.name")
    subtotal = serializers.IntegerField()
    weight_grams = serializers.IntegerField()
    shipping_options = serializers.SerializerMethodField()
    chosen_shipping_option = serializers.IntegerField(source="chosen.pk", allow_null=True, default=None)
    shipping_fee = serializers.IntegerField(allow_null=True)

    def get_shipping_options(self, quote) -> list[dict]:
        return [
            {
                "id": option.pk,
                "kind": option.kind,
                "name": option.name,
                "fee": fee,
                "available": fee is not None,
                "unavailable_reason": str(reason),
            }
            for option, fee, reason in quote.options
        ]


class QuoteSerializer(serializers.Serializer):
    shops = QuoteShopSerializer(many=True)
    payment_methods = serializers.ListField(child=serializers.CharField())
    subtotal = serializers.IntegerField()
    shipping_total = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())


class PlacedShopOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    shop = serializers.CharField(source="shop.name")
    status = serializers.CharField()
    subtotal = serializers.IntegerField()
    shipping_fee = serializers.IntegerField()
    total = serializers.IntegerField()
    shipping_name = serializers.CharField()


class PlacedOrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    payment_method = serializers.CharField()
    subtotal = serializers.IntegerField()
    shipping_total = serializers.IntegerField()
    total = serializers.IntegerField()
    pay_before = serializers.DateTimeField(allow_null=True)
    shop_orders = PlacedShopOrderSerializer(many=True)


class NextActionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["none", "bank_transfer", "redirect", "client_secret"])
    data = serializers.DictField()


class CheckoutOutputSerializer(serializers.Serializer):
    order = PlacedOrderSerializer()
    next_action = NextActionSerializer(allow_null=True)
    guest_token = serializers.CharField(
        allow_null=True, help_text="For a guest order: the `t` parameter of the order's links (page, invoice)."
    )


# --- Input -------------------------------------------------------------------------------------------


class CheckoutInputSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, help_text="Required for guests; default: the account's email.")
    address_id = serializers.IntegerField(required=False, help_text="One of the caller's saved addresses.")
    address = serializers.DictField(
        required=False,
        help_text="recipient_name, phone, province, regency, district, village (codes), street_address, postal_code.",
    )
    shipping = serializers.DictField(child=serializers.IntegerField(), help_text="{shop id: shipping option id}")
    notes = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=500), required=False)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Makes a retried checkout return the first order (at most 100 characters).",
)
DISTRICT = OpenApiParameter("district", str, description="The delivery district's code (local delivery depends on it).")


class CheckoutApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[DISTRICT], responses=QuoteSerializer, summary="Quote the cart's checkout")
    def get(self, request):
        cart = cart_get_for_request(request)
        quote = checkout_quote(cart=cart, district_code=request.query_params.get("district"))
        return Response(QuoteSerializer(quote).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=CheckoutInputSerializer,
        responses={201: CheckoutOutputSerializer, 200: CheckoutOutputSerializer},
        summary="Place the cart as an order",
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip() or uuid.uuid4().hex
        if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise exceptions.ValidationError({"idempotency_key": [_("At most 100 characters.")]})
        serializer = CheckoutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user if request.user.is_authenticated else None
        address = self._address(data, user)
        email = data.get("email") or (user.email if user else "")
        if not email:
            raise exceptions.ValidationError({"email": [_("Enter the email address for the order confirmation.")]})
        cart = cart_get_for_request(request)
        if cart is None:
            raise CartError(CartError.default_message)
        placed = order_place(
            cart=cart,
            buyer=user,
            email=email,
            address=address,
            shipping=data["shipping"],
            notes=data.get("notes") or {},
            payment_method=data["payment_method"],
            idempotency_key=key,
            language=translation.get_language() or "id",
        )
        order = Order.objects.prefetch_related("shop_orders__shop").get(pk=placed.order.pk)
        body = {
            "order": order,
            "next_action": placed.next_action,
            "guest_token": None if order.buyer_id else order_access_token(order),
        }
        return Response(
            CheckoutOutputSerializer(body).data,
            status=status.HTTP_201_CREATED if placed.created else status.HTTP_200_OK,
        )

    def _address(self, data, user) -> dict:
        if "address_id" in data:
            saved = address_get_for_user(user=user, address_id=data["address_id"]) if user else None
            if saved is None:
                raise exceptions.ValidationError({"address_id": [_("There is no such address in your address book.")]})
            form = AddressForm(data=address_initial(saved) | {"phone": str(saved.phone)})
        elif "address" in data:
            form = AddressForm(data=data["address"])
        else:
            raise exceptions.ValidationError({"address": [_("Give an address or an address_id.")]})
        if not form.is_valid():
            raise exceptions.ValidationError(
                {"address": {field: list(errors) for field, errors in form.errors.items()}}
            )
        return form.cleaned_data
