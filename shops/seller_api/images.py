"""`seller/products/{id}/images/…`: a product's photos (add, reorder, describe, remove, set the main one)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from marketplace.core.api.exceptions import validation_error_detail

from .. import services
from ..images import ERROR_MESSAGES as PHOTO_ERROR_MESSAGES
from ..images import MAX_UPLOAD_BYTES
from ..models import ProductImage
from .common import IMAGE_ID, MAX_PHOTO_REQUEST_BYTES, PRODUCT_ID, SellerApi, photo_errors
from .outputs import SellerImageOutputSerializer, SellerProductDetailOutputSerializer


class ImageInputSerializer(serializers.Serializer):
    image = serializers.FileField(allow_empty_file=True, help_text="A JPEG, PNG or WebP photo, at most 10 MB.")


class ImageDescriptionInputSerializer(serializers.Serializer):
    alt_text = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,  # the service normalises whitespace and reports the length the seller typed
        help_text="What the photo shows, for shoppers who cannot see it (at most 200 characters; empty: the "
        "product's title stands in).",
    )


class ImageOrderInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), max_length=100, help_text="Every photo id of the product, in the new order."
    )


# --- Photos -------------------------------------------------------------------------------------------------


class SellerImageListApi(SellerApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[PRODUCT_ID],
        request={"multipart/form-data": ImageInputSerializer},
        responses={201: SellerImageOutputSerializer},
        operation_id="seller_products_images_create",
        description="Adds a photo (at most 8 per product). The answer carries the photo coach's advice.",
    )
    def post(self, request, product_id: int):
        product = self.get_product(product_id)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_PHOTO_REQUEST_BYTES:
            too_large = DjangoValidationError(
                PHOTO_ERROR_MESSAGES["too_large"],
                code="too_large",
                params={"limit_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
            raise exceptions.ValidationError({"image": photo_errors(too_large)})
        data = ImageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = services.product_image_add(
            product=product, actor=request.user, uploaded_file=data.validated_data["image"]
        )
        return Response(
            SellerImageOutputSerializer(image, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class SellerImageOrderApi(SellerApi):
    @extend_schema(
        parameters=[PRODUCT_ID],
        request=ImageOrderInputSerializer,
        responses=SellerProductDetailOutputSerializer,
        operation_id="seller_products_images_order",
    )
    def post(self, request, product_id: int):
        product = self.get_product(product_id)
        data = ImageOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.product_image_reorder(product=product, actor=request.user, image_ids=data.validated_data["ids"])
        except DjangoValidationError as error:
            detail = validation_error_detail(error)
            if "images" in detail:
                detail["ids"] = detail.pop("images")
            raise exceptions.ValidationError(detail) from error
        return self.product_response(product.pk)


class SellerImageDetailMixin:
    def get_image(self, product_id: int, image_id: int) -> ProductImage:
        product = self.get_product(product_id)
        for image in product.ordered_images:  # prefetched
            if image.pk == image_id:
                return image
        raise exceptions.NotFound()


class SellerImageDetailApi(SellerImageDetailMixin, SellerApi):
    @extend_schema(
        parameters=[PRODUCT_ID, IMAGE_ID],
        request=ImageDescriptionInputSerializer,
        responses=SellerImageOutputSerializer,
        operation_id="seller_products_images_partial_update",
        description="Sets the photo's description (its alt text).",
    )
    def patch(self, request, product_id: int, image_id: int):
        image = self.get_image(product_id, image_id)
        data = ImageDescriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        image = services.product_image_describe(
            image=image, actor=request.user, alt_text=data.validated_data["alt_text"]
        )
        return Response(SellerImageOutputSerializer(image, context={"request": request}).data)

    @extend_schema(
        parameters=[PRODUCT_ID, IMAGE_ID], responses={204: None}, operation_id="seller_products_images_destroy"
    )
    def delete(self, request, product_id: int, image_id: int):
        image = self.get_image(product_id, image_id)
        services.product_image_remove(image=image, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerImageMainApi(SellerImageDetailMixin, SellerApi):
    @extend_schema(
        parameters=[PRODUCT_ID, IMAGE_ID],
        request=None,
        responses=SellerProductDetailOutputSerializer,
        operation_id="seller_products_images_set_main",
    )
    def post(self, request, product_id: int, image_id: int):
        image = self.get_image(product_id, image_id)
        services.product_image_set_main(image=image, actor=request.user)
        return self.product_response(product_id)
