"""`cart/`: the shopper's cart (DESIGN §9): `GET cart/`, `POST cart/lines/`, `PATCH`/`DELETE cart/lines/{id}/`.

Decisions:

- **Whose cart**: a signed-in caller (`X-Session-Token` or the browser session) has their own cart; an
  anonymous browser has the cart its session names, as on the pages (`orders.services.cart`). A caller without
  a cart reads an empty one; adding a line makes it.
- **Errors**: 400 with field errors for a request that is wrong in itself (`quantity` not a whole number from
  1 to 999, `variant` unknown or not for sale); 409 `{"detail"}` when the state of things stands in the way:
  not enough stock (`OutOfStockError`), the shop on holiday (`CartError`); 404 for a line not in the caller's
  cart, which changes nothing.
- **JSON only**: these endpoints parse JSON bodies only. An anonymous session's requests are not checked for
  CSRF by DRF, and a cross-site page can post a form but cannot send JSON without the browser asking first
  (CORS), so another site cannot fill a visitor's cart.
- **Constant queries**: the answer is `orders.selectors.cart.cart_summary` (two queries for any number of
  lines and shops).
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shops.catalogue_api import absolute_url

from ..selectors.cart import cart_summary
from ..services.cart import cart_add_line_for_request, cart_get_for_request, cart_remove_line, cart_update_line

QUANTITY_INVALID_MESSAGE = _("Enter the quantity as a whole number.")
VARIANT_INVALID_MESSAGE = _("There is no such product.")

# --- Output ------------------------------------------------------------------------------------------------------


class CartShopOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    closed_until = serializers.DateField(allow_null=True, help_text="On holiday up to and including this day.")


class CartLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk")
    variant = serializers.IntegerField(source="variant.pk", help_text="The variant's id.")
    variant_name = serializers.CharField(source="variant.name", help_text="Blank for a product's only variant.")
    sku = serializers.CharField(source="variant.sku")
    product_slug = serializers.CharField(source="product.slug")
    product_title = serializers.CharField(source="product.title")
    image = serializers.SerializerMethodField(help_text="The main photo's thumbnail (or original); null without.")
    quantity = serializers.IntegerField()
    unit_price = serializers.IntegerField(help_text="Today's price in whole rupiah: what checkout charges.")
    price_changed = serializers.BooleanField()
    previous_price = serializers.IntegerField(allow_null=True, help_text="The price when added, if it changed.")
    max_quantity = serializers.IntegerField(help_text="What may be asked for now: the stock, at most 999.")
    problem = serializers.CharField(help_text="Why the line cannot be bought now; empty when it can.")
    line_total = serializers.IntegerField()

    def get_image(self, item) -> str | None:
        if item.image is None:
            return None
        return absolute_url(self, item.image.thumbnail or item.image.original)


class CartGroupOutputSerializer(serializers.Serializer):
    shop = CartShopOutputSerializer()
    lines = CartLineOutputSerializer(many=True)
    subtotal = serializers.IntegerField()
    weight_grams = serializers.IntegerField()


class CartOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Units in the cart.")
    subtotal = serializers.IntegerField(help_text="Whole rupiah, at today's prices, without shipping.")
    has_problems = serializers.BooleanField(help_text="Some line cannot be bought now: checkout would refuse.")
    groups = CartGroupOutputSerializer(many=True, help_text="The lines grouped by shop.")


# --- Input -------------------------------------------------------------------------------------------------------


def _integer(message, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(error_messages={"invalid": message, "max_string_length": message}, **kwargs)


class CartLineCreateInputSerializer(serializers.Serializer):
    variant = _integer(VARIANT_INVALID_MESSAGE, help_text="The variant's id.")
    quantity = _integer(QUANTITY_INVALID_MESSAGE, required=False, default=1, help_text="1 to 999; added to a line.")


class CartLineUpdateInputSerializer(serializers.Serializer):
    quantity = _integer(QUANTITY_INVALID_MESSAGE, help_text="The line's new quantity, 1 to 999.")


# --- Views -------------------------------------------------------------------------------------------------------


LINE_ID = OpenApiParameter("line_id", int, OpenApiParameter.PATH)


class CartApiView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def cart_response(self, cart, status_code=status.HTTP_200_OK) -> Response:
        data = CartOutputSerializer(cart_summary(cart=cart), context={"request": self.request}).data
        return Response(data, status=status_code)


class CartApi(CartApiView):
    """The caller's cart, grouped by shop, at today's prices."""

    @extend_schema(responses=CartOutputSerializer, operation_id="cart_retrieve")
    def get(self, request):
        return self.cart_response(cart_get_for_request(request))


class CartLineListApi(CartApiView):
    """Adds a variant to the caller's cart (to its line if there is one); answers the whole cart."""

    @extend_schema(
        request=CartLineCreateInputSerializer,
        responses={201: CartOutputSerializer},
        operation_id="cart_lines_create",
    )
    def post(self, request):
        data = CartLineCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = cart_add_line_for_request(
            request, variant_id=data.validated_data["variant"], quantity=data.validated_data["quantity"]
        )
        return self.cart_response(line.cart, status.HTTP_201_CREATED)


class CartLineApi(CartApiView):
    """Changes the quantity of a line of the caller's cart, or removes it. 404 for a line not in it."""

    @extend_schema(
        parameters=[LINE_ID],
        request=CartLineUpdateInputSerializer,
        responses=CartOutputSerializer,
        operation_id="cart_lines_update",
    )
    def patch(self, request, line_id: int):
        data = CartLineUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = self._cart()
        cart_update_line(cart=cart, line_id=line_id, quantity=data.validated_data["quantity"])
        return self.cart_response(cart)

    @extend_schema(parameters=[LINE_ID], responses={204: None}, operation_id="cart_lines_destroy")
    def delete(self, request, line_id: int):
        cart_remove_line(cart=self._cart(), line_id=line_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _cart(self):
        cart = cart_get_for_request(self.request)
        if cart is None:
            raise Http404
        return cart
