"""The seller API's base view, its messages and limits (see the package docstring)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..images import MAX_UPLOAD_BYTES
from ..models import Product, ShopMember
from .outputs import SellerProductDetailOutputSerializer

NO_SHOP_MESSAGE = _("You do not have a shop yet. Open your shop first.")
OWNER_ONLY_MESSAGE = _("Only the shop owner can do this.")
NO_SUCH_CATEGORY_MESSAGE = _("There is no such category.")
NO_VARIANTS_MESSAGE = _("Add at least one variant with its price.")
# The services' own msgids: a value of the wrong type gets the same message as a value out of range.
PRICE_INVALID_MESSAGE = _("Enter the price as a whole number of rupiah.")
STOCK_INVALID_MESSAGE = _("Enter the stock as a whole number.")
WEIGHT_INVALID_MESSAGE = _("Enter the weight as a whole number of grams.")

MAX_VARIANTS_PER_REQUEST = 50
# Multipart framing around one photo is a few hundred bytes; anything much bigger than the limit is refused
# from the header, before the body is read.
MAX_PHOTO_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


def photo_errors(error: DjangoValidationError) -> list:
    """The photo pipeline's refusal (a message with its code, no field) as a field's error list."""
    return get_error_detail(error)


# --- Base ----------------------------------------------------------------------------------------------------


class SellerApi(APIView):
    """Signed in, and a member of a shop: `get_membership()` finds the shop; a product of another shop is a 404.

    The services' errors (field errors, `PermissionDenied` with its message, `ShopStateError` and
    `ProductStateError` as 409) are answered by the project's exception handler (`marketplace.core.api`)."""

    permission_classes = [IsAuthenticated]

    def get_membership(self) -> ShopMember:
        membership = selectors.seller_membership(user=self.request.user)
        if membership is None:
            raise exceptions.NotFound(NO_SHOP_MESSAGE)
        return membership

    def require_owner(self, membership: ShopMember) -> None:
        # Before the input is read: staff get 403 whatever they send. The services check again.
        if membership.role != ShopMember.Role.OWNER:
            raise exceptions.PermissionDenied(OWNER_ONLY_MESSAGE)

    def get_product(self, product_id: int) -> Product:
        """The product of the user's seller shop (variants and photos in order prefetched), else 404."""
        membership = self.get_membership()
        product = selectors.product_get_for_member(user=self.request.user, product_id=product_id)
        if product is None or product.shop_id != membership.shop_id:
            raise exceptions.NotFound()
        return product

    def product_response(self, product_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        product = selectors.product_get_for_member(user=self.request.user, product_id=product_id)
        data = SellerProductDetailOutputSerializer(product, context={"request": self.request}).data
        return Response(data, status=status_code)


PRODUCT_ID = OpenApiParameter("product_id", int, OpenApiParameter.PATH)
VARIANT_ID = OpenApiParameter("variant_id", int, OpenApiParameter.PATH)
IMAGE_ID = OpenApiParameter("image_id", int, OpenApiParameter.PATH)
