"""The public catalogue API (DESIGN §9): `categories/`, `products/`, `products/{slug}/`, `shops/`,
`shops/{slug}/`. Read-only, anonymous, and limited to what the storefront may show: the visibility rules live
in `shops.selectors` (`product_list_public`, `shop_list_public`), never here.

Decisions:

- **Categories** answer a flat list in tree order (each parent followed by its children, children by name)
  with `parent` (the parent's slug, null at the top) and `depth` (1 = top level), not paginated: the tree is
  operator-managed and small, and a client needs all of it at once to draw a menu. One query.
- **Products and shops** are paginated like every list of the API (`{"count", "next", "previous", "results"}`).
  An unknown `category` or `shop` slug in the product filters answers an empty list rather than a 404: a
  filter narrows the list, like the search filters do, and a client can tell an empty result from an error.
  The `category` filter includes every category below the one named.
- **Prices** are whole rupiah integers: `price_min`/`price_max` over the active variants (a public product
  always has at least one). `in_stock` is true when any active variant has stock.
- **Variants**: only active variants are public, cheapest first (so `is_active` is always true here; it is
  kept so a client can share one variant shape with the seller API).
- **Images**: absolute URLs. On a product card, `image` is the main photo's card rendition, or the original
  while the renditions are still being made (a Celery task after upload), or null without a main photo. On a
  product's page every photo comes in order with each rendition's URL, null while it is not made yet.
- **Badges** ("halal", "pirt", "nib") come from the shop's legal data verified by an operator
  (`Product.badges`); a shop shows the same badges its products do.
- **Vacation mode**: a shop shows `closed_until` (the last closed day, or null) and `is_open` (false while on
  vacation, for today's date in the site's time zone); a product card and page show `buyable` (false while its
  shop is on vacation or when no active variant has stock) and its shop's `closed_until`. The products stay
  listed: a shopper may save them for later, as on the big marketplaces.
- **Queries**: no authentication classes, so no session or token lookup; a page of products costs four
  queries (count, page, active variants, main photos) and a page of shops two, whatever their length.
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import Category, Product, Shop

BADGES_HELP = 'Verified legal data shown as badges: any of "halal", "pirt", "nib".'


def absolute_url(serializer: serializers.Serializer, file) -> str | None:
    """The file's URL made absolute with the request's host (storages that answer absolute URLs keep
    theirs), or None for an empty file field."""
    if not file:
        return None
    url = file.url
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


# --- Output serializers ------------------------------------------------------------------------------------


class CategoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    icon = serializers.CharField(help_text='Icon key, e.g. "food", "coffee", "craft".')
    parent = serializers.CharField(allow_null=True, help_text="The parent's slug; null for a top-level category.")
    depth = serializers.IntegerField(help_text="1 for a top-level category, 2 for its children, and so on.")


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


CLOSED_UNTIL_HELP = "On vacation up to and including this day: nothing can be bought. Null = open."


def shop_is_open(shop: Shop) -> bool:
    """False while the shop is on vacation, today being the site's date (Asia/Makassar)."""
    return not shop.is_closed_on(timezone.localdate())


class ShopRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    closed_until = serializers.DateField(allow_null=True, help_text=CLOSED_UNTIL_HELP)


class ProductListOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    shop = ShopRefSerializer()
    category = CategoryRefSerializer()
    price_min = serializers.SerializerMethodField(help_text="Cheapest active variant, whole rupiah.")
    price_max = serializers.SerializerMethodField(help_text="Dearest active variant, whole rupiah.")
    in_stock = serializers.SerializerMethodField()
    buyable = serializers.SerializerMethodField(
        help_text="False while the shop is on vacation or when no active variant has stock."
    )
    image = serializers.SerializerMethodField(help_text="The main photo's card image; null without a photo.")
    badges = serializers.ListField(child=serializers.CharField(), help_text=BADGES_HELP)

    def get_price_min(self, product) -> int:
        return min(variant.price for variant in product.active_variants)

    def get_price_max(self, product) -> int:
        return max(variant.price for variant in product.active_variants)

    def get_in_stock(self, product) -> bool:
        return any(variant.stock > 0 for variant in product.active_variants)

    def get_buyable(self, product) -> bool:
        return shop_is_open(product.shop) and self.get_in_stock(product)

    @extend_schema_field(OpenApiTypes.URI)
    def get_image(self, product) -> str | None:
        if not product.main_images:
            return None
        main = product.main_images[0]
        return absolute_url(self, main.card or main.original)


class VariantOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text='The options, e.g. "250 g"; empty for a product\'s only variant.')
    sku = serializers.CharField()
    price = serializers.IntegerField(help_text="Whole rupiah.")
    stock = serializers.IntegerField()
    is_active = serializers.BooleanField()


class ImageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    is_main = serializers.BooleanField()
    width = serializers.IntegerField(help_text="Of the original, in pixels.")
    height = serializers.IntegerField(help_text="Of the original, in pixels.")
    alt_text = serializers.CharField(
        help_text="What the photo shows, in the seller's words (for the `alt` attribute); empty: use the title."
    )
    original = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField(help_text="Null while the renditions are being made.")
    card = serializers.SerializerMethodField(help_text="Null while the renditions are being made.")
    detail = serializers.SerializerMethodField(help_text="Null while the renditions are being made.")

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


class ProductDetailOutputSerializer(ProductListOutputSerializer):
    description = serializers.CharField(help_text="Plain text with line breaks.")
    weight_grams = serializers.IntegerField()
    variants = VariantOutputSerializer(
        source="active_variants", many=True, help_text="Active variants, cheapest first."
    )
    images = ImageOutputSerializer(source="ordered_images", many=True, help_text="Every photo, in order.")


class ShopOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    story = serializers.CharField()
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    regency = serializers.CharField(source="regency.name", allow_null=True, default=None)
    logo = serializers.SerializerMethodField()
    badges = serializers.SerializerMethodField(help_text=BADGES_HELP)
    member_since = serializers.SerializerMethodField(help_text="The day the shop joined, in the site's time zone.")
    closed_until = serializers.DateField(allow_null=True, help_text=CLOSED_UNTIL_HELP)
    is_open = serializers.SerializerMethodField(help_text="False while the shop is on vacation (see closed_until).")

    @extend_schema_field(OpenApiTypes.URI)
    def get_logo(self, shop) -> str | None:
        return absolute_url(self, shop.logo)

    def get_badges(self, shop) -> list[str]:
        return selectors.shop_badges(shop=shop)

    def get_is_open(self, shop) -> bool:
        return shop_is_open(shop)

    @extend_schema_field(OpenApiTypes.DATE)
    def get_member_since(self, shop) -> str:
        return timezone.localdate(shop.created_at).isoformat()


# --- Views -------------------------------------------------------------------------------------------------


class PublicCatalogueMixin:
    """Anonymous and read-only: no session or token lookup."""

    authentication_classes = []
    permission_classes = [AllowAny]


class CategoryListApi(PublicCatalogueMixin, APIView):
    @extend_schema(responses=CategoryOutputSerializer(many=True), operation_id="catalogue_categories_list")
    def get(self, request):
        categories = list(selectors.category_tree())
        slug_by_path = {category.path: category.slug for category in categories}
        rows = [
            {
                "id": category.pk,
                "name": category.name,
                "slug": category.slug,
                "icon": category.icon,
                "parent": slug_by_path.get(category.path[: -Category.steplen]) if category.depth > 1 else None,
                "depth": category.depth,
            }
            for category in categories
        ]
        return Response(CategoryOutputSerializer(rows, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="catalogue_products_list",
        parameters=[
            OpenApiParameter("category", str, description="A category's slug; includes every category below it."),
            OpenApiParameter("shop", str, description="A shop's slug."),
        ],
    )
)
class ProductListApi(PublicCatalogueMixin, generics.ListAPIView):
    """Public products, newest first."""

    serializer_class = ProductListOutputSerializer

    def get_queryset(self):
        products = selectors.product_list_public()
        category = self.request.query_params.get("category")
        if category:
            products = products.filter(category__in=selectors.category_with_descendants(slug=category))
        shop = self.request.query_params.get("shop")
        if shop:
            products = products.filter(shop__slug=shop)
        return products


@extend_schema_view(
    get=extend_schema(
        operation_id="catalogue_products_retrieve",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH)],
    )
)
class ProductDetailApi(PublicCatalogueMixin, generics.RetrieveAPIView):
    """A public product; 404 for any product the storefront may not show."""

    serializer_class = ProductDetailOutputSerializer
    queryset = Product.objects.none()  # for the schema only; `get_object` reads through the selector

    def get_object(self):
        product = selectors.product_get_public(slug=self.kwargs["slug"])
        if product is None:
            raise exceptions.NotFound()
        return product


@extend_schema_view(get=extend_schema(operation_id="catalogue_shops_list"))
class ShopListApi(PublicCatalogueMixin, generics.ListAPIView):
    """Approved shops, by name."""

    serializer_class = ShopOutputSerializer

    def get_queryset(self):
        return selectors.shop_list_public()


@extend_schema_view(
    get=extend_schema(
        operation_id="catalogue_shops_retrieve",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH)],
    )
)
class ShopDetailApi(PublicCatalogueMixin, generics.RetrieveAPIView):
    """An approved shop; 404 for a draft, submitted, rejected or suspended one."""

    serializer_class = ShopOutputSerializer
    queryset = Shop.objects.none()  # for the schema only; `get_object` reads through the selector

    def get_object(self):
        shop = selectors.shop_get_public(slug=self.kwargs["slug"])
        if shop is None:
            raise exceptions.NotFound()
        return shop
