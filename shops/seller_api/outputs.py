"""Output serializers shared by the seller API's shop, product and photo endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..catalogue_api import ImageOutputSerializer, absolute_url
from ..models import Product
from ..photo_coach import ADVICE_MESSAGES

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


class SellerImageOutputSerializer(ImageOutputSerializer):
    """The public photo fields, plus what only the seller sees: its position and the photo coach's advice."""

    position = serializers.IntegerField()
    advice = serializers.SerializerMethodField(help_text="The photo coach's advice; it never refuses a photo.")

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
