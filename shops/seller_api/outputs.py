"""Output serializers shared by the seller API's shop, product and photo endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Product
from ..photo_coach import ADVICE_MESSAGES


def absolute_url(serializer: serializers.Serializer, file) -> str | None:
    """The file's URL made absolute with the request's host, or None for an empty file field."""
    if not file:
        return None
    request = serializer.context.get("request")
    return request.build_absolute_uri(file.url) if request is not None else file.url


# --- Products: output ---------------------------------------------------------------------------------------


class SellerCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class SellerVariantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text='The options, e.g. "250 g"; empty for a product\'s only variant.')
    sku = serializers.CharField()
    price = serializers.IntegerField(help_text="Whole rupiah.")
    stock = serializers.IntegerField()
    is_active = serializers.BooleanField()


class PhotoAdviceSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(ADVICE_MESSAGES))
    message = serializers.CharField(help_text="Plain advice in the request's language.")


class SellerImageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    is_main = serializers.BooleanField()
    width = serializers.IntegerField(help_text="Of the stored original, in pixels.")
    height = serializers.IntegerField(help_text="Of the stored original, in pixels.")
    original = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField(help_text="Null while the renditions are being made.")
    card = serializers.SerializerMethodField(help_text="Null while the renditions are being made.")
    detail = serializers.SerializerMethodField(help_text="Null while the renditions are being made.")
    advice = serializers.SerializerMethodField(help_text="The photo coach's advice; it never refuses a photo.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_original(self, image) -> str | None:
        return absolute_url(self, image.original)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail(self, image) -> str | None:
        return absolute_url(self, image.thumbnail)

    @extend_schema_field(OpenApiTypes.URI)
    def get_card(self, image) -> str | None:
        return absolute_url(self, image.card)

    @extend_schema_field(OpenApiTypes.URI)
    def get_detail(self, image) -> str | None:
        return absolute_url(self, image.detail)

    @extend_schema_field(PhotoAdviceSerializer(many=True))
    def get_advice(self, image) -> list[dict]:
        return [
            {"code": code, "message": str(ADVICE_MESSAGES[code])}
            for code in image.coach_advice
            if code in ADVICE_MESSAGES
        ]


class SellerProductListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    category = SellerCategorySerializer()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    moderation = serializers.ChoiceField(choices=Product.Moderation.choices)
    weight_grams = serializers.IntegerField()
    variants = SellerVariantOutputSerializer(source="variants.all", many=True)
    image = serializers.SerializerMethodField(help_text="The main photo's card image (or original); null without.")
    updated_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_image(self, product) -> str | None:
        if not product.main_images:
            return None
        main = product.main_images[0]
        return absolute_url(self, main.card or main.original)


class SellerProductDetailOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(help_text="Sanitised rich text (a few HTML tags).")
    category = SellerCategorySerializer()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    moderation = serializers.ChoiceField(choices=Product.Moderation.choices)
    moderation_reason = serializers.CharField()
    weight_grams = serializers.IntegerField()
    variants = SellerVariantOutputSerializer(source="variants.all", many=True)
    images = SellerImageOutputSerializer(source="ordered_images", many=True, help_text="Every photo, in order.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
