"""`GET /api/v1/seller/statistics/?start=&end=&bucket=`: the seller statistics page's figures as JSON.

The shop is the caller's (`shops.selectors.seller_membership`, owner or staff; 404 without a shop). Dates are
`YYYY-MM-DD` in WITA, both included (default: the last 30 days, at most 366 days); `bucket` is day, week or
month (default: one that fits the range). What counts as a sale and how conversion and repeat buyers are
computed: `orders.selectors.statistics`. Bad input → 400 with the field's message; constant queries.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from shops.seller_api.common import SellerApi

from ..selectors.statistics import BUCKETS, parse_range, seller_statistics


class StatisticsFilterSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (WITA), `YYYY-MM-DD`; default 30 days ago.")
    end = serializers.DateField(required=False, help_text="Last day (WITA), included; default today.")
    bucket = serializers.ChoiceField(
        choices=BUCKETS, required=False, help_text="Period of the series; default day up to 31 days, week up to 120."
    )


class SeriesOutputSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day of the period (clipped to the range).")
    end = serializers.DateField(help_text="Last day of the period (clipped to the range).")
    sales = serializers.IntegerField(help_text="Σ subtotals of the sales dated in the period, whole rupiah.")
    orders = serializers.IntegerField()
    views = serializers.IntegerField(help_text="Product page views of the shop's products.")


class ProductFigureOutputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(allow_null=True, help_text="Null when the product was deleted.")
    title = serializers.CharField()
    units = serializers.IntegerField()
    revenue = serializers.IntegerField(help_text="Σ line totals, whole rupiah.")
    orders = serializers.IntegerField(help_text="Sales that include the product.")
    views = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True, help_text="orders ÷ views; null without views.")


class StatisticsOutputSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    bucket = serializers.ChoiceField(choices=BUCKETS)
    sales = serializers.IntegerField(help_text="Σ subtotals of the sales in the range (no shipping), whole rupiah.")
    orders = serializers.IntegerField()
    average_order = serializers.IntegerField(allow_null=True)
    views = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True, help_text="orders ÷ views; null without views.")
    rating_average = serializers.FloatField(allow_null=True, help_text="Of the reviews written in the range.")
    rating_count = serializers.IntegerField()
    buyers = serializers.IntegerField()
    repeat_buyers = serializers.IntegerField(help_text="Buyers with at least 2 sales in the range.")
    repeat_share = serializers.FloatField(allow_null=True)
    series = SeriesOutputSerializer(many=True)
    top_products = ProductFigureOutputSerializer(many=True, help_text="By revenue, at most 10.")
    top_products_by_units = ProductFigureOutputSerializer(many=True, help_text="By units, at most 10.")
    most_viewed = ProductFigureOutputSerializer(many=True, help_text="By views, at most 10.")


class SellerStatisticsApi(SellerApi):
    @extend_schema(
        operation_id="seller_statistics",
        summary="The shop's sales statistics",
        description="Sales, orders, product page views, conversion, rating and repeat buyers over a date range "
        "(WITA, both ends included), with a series per day, week or month (empty periods are zeros) and the top "
        "products. A sale is a paid, processing, shipped, delivered or completed shop order, dated by its payment "
        "(cash on delivery: by when it was placed).",
        parameters=[StatisticsFilterSerializer],
        responses=StatisticsOutputSerializer,
    )
    def get(self, request):
        shop = self.get_membership().shop
        try:
            start, end, bucket = parse_range(request.query_params)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {field: [str(message) for message in messages] for field, messages in error.message_dict.items()}
            ) from error
        stats = seller_statistics(shop=shop, start=start, end=end, bucket=bucket)
        return Response(StatisticsOutputSerializer(stats).data)


# Included by orders/api_urls.py (names in the `api` namespace).
urlpatterns = [path("seller/statistics/", SellerStatisticsApi.as_view(), name="seller-statistics")]
