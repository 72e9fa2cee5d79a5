"""Reviews in the API (DESIGN §9): `POST orders/{number}/reviews/` (the buyer reviews a line of a delivered order)
and `GET products/{slug}/reviews/` (a public product's reviews, newest first).

Decisions:

- **Who**: only the order's buyer, signed in; a guest order has no account to review from (401 without
  credentials, 404 for someone else's order — as if it did not exist, so order numbers cannot be probed).
- **Errors**: 400 with field errors (`line` not a line of this order, `rating` not 1 to 5, `text` too long);
  409 `{"detail"}` when the order is not delivered yet or the line was already reviewed; nothing is written.
- **Privacy**: the author is shown as `author_name`, shortened ("Ni Luh A."); empty when the account is gone.
- **Queries**: the public list is anonymous (no session lookup) and costs three queries (product, count, page).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api.pagination import PageNumberPagination
from shops.selectors import product_list_public

from ..selectors.reviews import order_get_for_reviews, order_line_get_for_buyer, review_list_for_product
from ..services.reviews import MAX_TEXT_LENGTH, review_create

NO_SUCH_LINE_MESSAGE = _("There is no such line in this order.")

ORDER_NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The order's number.")
PRODUCT_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH)


class ReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(help_text="1 to 5 stars.")
    text = serializers.CharField(help_text="Plain text; may be empty.")
    author_name = serializers.CharField(help_text='Shortened, e.g. "Ni Luh A."; empty when the account is gone.')
    created_at = serializers.DateTimeField()
    reply = serializers.CharField(help_text="The seller's reply; empty without one.")
    replied_at = serializers.DateTimeField(allow_null=True)


class ReviewCreateInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The id of a line of this order.")
    rating = serializers.IntegerField(help_text="1 to 5 stars.")
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_TEXT_LENGTH, default=""
    )


class OrderReviewCreateApi(APIView):
    """POST: review one line of the caller's delivered or completed order."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[ORDER_NUMBER],
        request=ReviewCreateInputSerializer,
        responses={201: ReviewOutputSerializer},
        operation_id="order_reviews_create",
    )
    def post(self, request, number: str):
        order = order_get_for_reviews(user=request.user, number=number)
        if order is None:
            raise exceptions.NotFound()
        data = ReviewCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = order_line_get_for_buyer(order=order, user=request.user, line_id=data.validated_data["line"])
        if line is None:
            raise exceptions.ValidationError({"line": [NO_SUCH_LINE_MESSAGE]})
        review = review_create(
            order_line=line,
            user=request.user,
            rating=data.validated_data["rating"],
            text=data.validated_data["text"],
        )
        # Read back through the public selector: the author's name as everyone else sees it.
        shown = review_list_for_product(product=review.product_id).get(pk=review.pk)
        return Response(ReviewOutputSerializer(shown).data, status=status.HTTP_201_CREATED)


class ProductReviewListApi(APIView):
    """GET: the reviews of a public product, newest first, with the sellers' replies (paginated)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[PRODUCT_SLUG],
        responses=ReviewOutputSerializer(many=True),
        operation_id="product_reviews_list",
    )
    def get(self, request, slug: str):
        product = product_list_public().prefetch_related(None).filter(slug=slug).values_list("pk", flat=True).first()
        if product is None:
            raise exceptions.NotFound()
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(review_list_for_product(product=product), request, view=self)
        return paginator.get_paginated_response(ReviewOutputSerializer(page, many=True).data)
