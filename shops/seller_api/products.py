"""`seller/products/`, its variants, publishing and archiving."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from marketplace.core.api.exceptions import validation_error_detail
from marketplace.core.api.pagination import PageNumberPagination

from .. import selectors, services
from ..models import Category, Product, ProductVariant
from ..services.products import DUPLICATE_SKU_MESSAGE
from .common import (
    MAX_VARIANTS_PER_REQUEST,
    NO_SUCH_CATEGORY_MESSAGE,
    NO_VARIANTS_MESSAGE,
    PRICE_INVALID_MESSAGE,
    PRODUCT_ID,
    STOCK_INVALID_MESSAGE,
    VARIANT_ID,
    WEIGHT_INVALID_MESSAGE,
    SellerApi,
)
from .outputs import (
    SellerProductDetailOutputSerializer,
    SellerProductListOutputSerializer,
    SellerVariantOutputSerializer,
)

VARIANT_ERROR_FIELDS = frozenset({"name", "sku", "price", "stock", "is_active"})


# --- Products: input ----------------------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "A category's id or slug."})
class CategoryField(serializers.Field):
    """A category by id (a number) or slug (a string)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            raise serializers.ValidationError(NO_SUCH_CATEGORY_MESSAGE, code="invalid")
        value = str(data).strip()
        is_id = value.isascii() and value.isdigit() and len(value) < 19  # within a 64-bit key
        lookup = {"pk": int(value)} if is_id else {"slug": value}
        category = Category.objects.filter(**lookup).first() if value else None
        if category is None:
            raise serializers.ValidationError(NO_SUCH_CATEGORY_MESSAGE, code="does_not_exist")
        return category

    def to_representation(self, value):
        return value.slug


def _integer(message, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(error_messages={"invalid": message, "max_string_length": message}, **kwargs)


class VariantInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    sku = serializers.CharField(required=False, allow_blank=True, default="", help_text="Blank: generated.")
    price = _integer(PRICE_INVALID_MESSAGE, required=False, allow_null=True, default=None, help_text="Whole rupiah.")
    stock = _integer(STOCK_INVALID_MESSAGE, required=False, default=0)


class VariantUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    sku = serializers.CharField(required=False, allow_blank=True)
    price = _integer(PRICE_INVALID_MESSAGE, required=False, help_text="Whole rupiah.")
    stock = _integer(STOCK_INVALID_MESSAGE, required=False)
    is_active = serializers.BooleanField(required=False)


class ProductCreateInputSerializer(serializers.Serializer):
    # Missing values are left to the services, whose messages say what is needed ("Enter the product title.").
    title = serializers.CharField(required=False, allow_blank=True, default="")
    category = CategoryField()
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="Plain text or HTML.")
    weight_grams = _integer(WEIGHT_INVALID_MESSAGE, required=False, allow_null=True, default=None)
    variants = VariantInputSerializer(
        many=True,
        max_length=MAX_VARIANTS_PER_REQUEST,
        error_messages={"required": NO_VARIANTS_MESSAGE},
        help_text="At least one; the first becomes the product's first variant.",
    )

    def validate_variants(self, variants):
        if not variants:
            raise serializers.ValidationError(NO_VARIANTS_MESSAGE, code="required")
        # Two new variants with one SKU: the same message as a SKU taken in the shop, on the later one.
        errors, seen = {}, set()
        for index, variant in enumerate(variants):
            sku = variant["sku"].strip()
            if sku and sku in seen:
                errors[index] = {"sku": [DUPLICATE_SKU_MESSAGE]}
            seen.add(sku)
        if errors:
            raise serializers.ValidationError(errors)
        return variants


class ProductUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    category = CategoryField()
    description = serializers.CharField(required=False, allow_blank=True)
    weight_grams = _integer(WEIGHT_INVALID_MESSAGE, required=False)


class ProductListFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text="Part of the title.")
    status = serializers.ChoiceField(choices=Product.Status.choices, required=False)


def _variant_values(variant: dict) -> dict:
    return {
        "variant_name": variant["name"],
        "sku": variant["sku"],
        "price": variant["price"],
        "stock": variant["stock"],
    }


def _create_errors(error: DjangoValidationError) -> dict:
    """product_create's errors: product fields at the top, the first variant's under `variants` → `0`, the way
    DRF reports errors of list items (only the failing items, by index)."""
    detail = validation_error_detail(error)
    variant_errors = {key: detail.pop(key) for key in list(detail) if key in VARIANT_ERROR_FIELDS}
    if variant_errors:
        detail["variants"] = {0: variant_errors}
    return detail


# --- Products: views ----------------------------------------------------------------------------------------


class SellerProductListApi(SellerApi):
    """GET: the seller shop's products in any status, most recently changed first. POST: a new draft product."""

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[ProductListFilterSerializer],
        responses=SellerProductListOutputSerializer(many=True),
        operation_id="seller_products_list",
    )
    def get(self, request):
        membership = self.get_membership()
        filters = ProductListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        products = selectors.product_list_for_shop(user=request.user, shop_id=membership.shop_id)
        if filters.validated_data.get("q"):
            products = products.filter(title__icontains=filters.validated_data["q"])
        if filters.validated_data.get("status"):
            products = products.filter(status=filters.validated_data["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(products, request, view=self)
        data = SellerProductListOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=ProductCreateInputSerializer,
        responses={201: SellerProductDetailOutputSerializer},
        operation_id="seller_products_create",
    )
    def post(self, request):
        membership = self.get_membership()
        data = ProductCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first, *others = values["variants"]
        with transaction.atomic():
            try:
                product = services.product_create(
                    shop=membership.shop,
                    actor=request.user,
                    title=values["title"],
                    category=values.get("category"),
                    description=values["description"],
                    weight_grams=values["weight_grams"],
                    **_variant_values(first),
                )
            except DjangoValidationError as error:
                raise exceptions.ValidationError(_create_errors(error)) from error
            variant_errors: dict[int, dict] = {}
            for index, variant in enumerate(others, start=1):
                try:
                    services.variant_add(
                        product=product,
                        actor=request.user,
                        name=variant["name"],
                        sku=variant["sku"],
                        price=variant["price"],
                        stock=variant["stock"],
                    )
                except DjangoValidationError as error:
                    variant_errors[index] = validation_error_detail(error)
            if variant_errors:
                raise exceptions.ValidationError({"variants": variant_errors})  # undoes the product too
        return self.product_response(product.pk, status.HTTP_201_CREATED)


class SellerProductDetailApi(SellerApi):
    """One product of the seller shop; DELETE archives it (see the module docstring)."""

    @extend_schema(
        parameters=[PRODUCT_ID], responses=SellerProductDetailOutputSerializer, operation_id="seller_products_retrieve"
    )
    def get(self, request, product_id: int):
        product = self.get_product(product_id)
        return Response(SellerProductDetailOutputSerializer(product, context={"request": request}).data)

    @extend_schema(
        parameters=[PRODUCT_ID],
        request=ProductUpdateInputSerializer,
        responses=SellerProductDetailOutputSerializer,
        operation_id="seller_products_update",
    )
    def patch(self, request, product_id: int):
        product = self.get_product(product_id)
        data = ProductUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.product_update(product=product, actor=request.user, **data.validated_data)
        return self.product_response(product.pk)

    @extend_schema(
        parameters=[PRODUCT_ID],
        responses=SellerProductDetailOutputSerializer,
        operation_id="seller_products_archive",
        description="Archives the product (hidden from the storefront, kept for orders); 409 when already archived.",
    )
    def delete(self, request, product_id: int):
        product = self.get_product(product_id)
        services.product_archive(product=product, actor=request.user)
        return self.product_response(product.pk)


class SellerProductPublishApi(SellerApi):
    @extend_schema(
        parameters=[PRODUCT_ID],
        request=None,
        responses=SellerProductDetailOutputSerializer,
        operation_id="seller_products_publish",
        description="Draft or archived → active; 409 when already published.",
    )
    def post(self, request, product_id: int):
        product = self.get_product(product_id)
        services.product_publish(product=product, actor=request.user)
        return self.product_response(product.pk)


class SellerVariantListApi(SellerApi):
    @extend_schema(
        parameters=[PRODUCT_ID],
        request=VariantInputSerializer,
        responses={201: SellerVariantOutputSerializer},
        operation_id="seller_products_variants_create",
    )
    def post(self, request, product_id: int):
        product = self.get_product(product_id)
        data = VariantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variant = services.variant_add(product=product, actor=request.user, **data.validated_data)
        return Response(SellerVariantOutputSerializer(variant).data, status=status.HTTP_201_CREATED)


class SellerVariantDetailApi(SellerApi):
    def get_variant(self, product_id: int, variant_id: int) -> ProductVariant:
        product = self.get_product(product_id)
        for variant in product.variants.all():  # prefetched
            if variant.pk == variant_id:
                return variant
        raise exceptions.NotFound()

    @extend_schema(
        parameters=[PRODUCT_ID, VARIANT_ID],
        request=VariantUpdateInputSerializer,
        responses=SellerVariantOutputSerializer,
        operation_id="seller_products_variants_update",
    )
    def patch(self, request, product_id: int, variant_id: int):
        variant = self.get_variant(product_id, variant_id)
        data = VariantUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        variant = services.variant_update(variant=variant, actor=request.user, **data.validated_data)
        return Response(SellerVariantOutputSerializer(variant).data)

    @extend_schema(
        parameters=[PRODUCT_ID, VARIANT_ID],
        responses={204: None},
        operation_id="seller_products_variants_destroy",
        description="Not the product's last variant, nor the last active one of a published product (400).",
    )
    def delete(self, request, product_id: int, variant_id: int):
        variant = self.get_variant(product_id, variant_id)
        services.variant_remove(variant=variant, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
