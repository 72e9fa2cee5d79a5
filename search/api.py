"""`GET /api/v1/search/`: the search interface over HTTP (DESIGN §9), in the OpenAPI schema.

Parameters are `search.forms.SearchForm`'s; a bad one answers 400 with field errors in the request's language.
The answer is paginated like every list (`count`, `next`, `previous`, `results`), each result a public product
as in `GET /api/v1/products/` with its `highlights`, plus the `facets`, spelling `suggestions` and the `backend`
that answered ("database" or "elasticsearch").
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from shops.catalogue_api import ProductListOutputSerializer, PublicCatalogueMixin

from .forms import MAX_QUERY_LENGTH, SearchForm
from .query import FACETS, SORTS
from .service import products_for_result, search_products, suggest_products


class HighlightSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="The title, HTML-escaped, with the matched words in <mark>.")
    description = serializers.CharField(help_text="An excerpt of the description, likewise.")


class SearchHitSerializer(ProductListOutputSerializer):
    highlights = serializers.SerializerMethodField()

    @extend_schema_field(HighlightSerializer)
    def get_highlights(self, product) -> dict:
        return self.context["highlights"].get(product.pk, {})


class FacetBucketSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The value the matching filter takes.")
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = serializers.DictField(
        child=FacetBucketSerializer(many=True), help_text=f"By facet: {', '.join(FACETS)}; empty without results."
    )
    suggestions = serializers.ListField(child=serializers.CharField(), help_text="Spellings to try instead.")
    relaxed = serializers.BooleanField(help_text="No product had every word: these have all words but one.")
    backend = serializers.ChoiceField(choices=["database", "elasticsearch"])


PARAMETERS = [
    OpenApiParameter("q", str, description="The words to find (typos are forgiven on PostgreSQL and Elasticsearch)."),
    OpenApiParameter("category", str, description="A category's slug; includes every category below it."),
    OpenApiParameter("shop", str, description="A shop's slug."),
    OpenApiParameter("district", str, description="A district's Kemendagri code, e.g. 51.03.01."),
    OpenApiParameter("min_price", int, description="Whole rupiah."),
    OpenApiParameter("max_price", int, description="Whole rupiah."),
    OpenApiParameter("in_stock", bool),
    OpenApiParameter("halal", bool),
    OpenApiParameter("pirt", bool),
    OpenApiParameter("nib", bool),
    OpenApiParameter("sort", str, enum=list(SORTS), description="Default: relevance (newest without words)."),
    OpenApiParameter("page", int, description="1 to 100; 24 results a page."),
]


class SearchApi(PublicCatalogueMixin, APIView):
    @extend_schema(parameters=PARAMETERS, responses=SearchOutputSerializer, operation_id="search")
    def get(self, request):
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        query = form.to_query()
        result = search_products(query)
        products = products_for_result(result)
        last_page = max(1, -(-result.total // query.page_size))
        return Response(
            {
                "count": result.total,
                "next": self._page_url(request, query.page + 1) if query.page < last_page else None,
                "previous": self._page_url(request, query.page - 1) if query.page > 1 else None,
                "results": SearchHitSerializer(
                    products, many=True, context={"request": request, "highlights": result.highlights}
                ).data,
                "facets": {
                    name: FacetBucketSerializer(buckets, many=True).data for name, buckets in result.facets.items()
                },
                "suggestions": result.suggestions,
                "relaxed": result.relaxed,
                "backend": result.backend,
            }
        )

    @staticmethod
    def _page_url(request, page: int) -> str:
        params = request.query_params.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class SuggestOutputSerializer(serializers.Serializer):
    suggestions = serializers.ListField(child=serializers.CharField(), help_text="Product titles, at most 8.")
    backend = serializers.ChoiceField(choices=["database", "elasticsearch"])


class SearchSuggestApi(PublicCatalogueMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="What the shopper typed so far.")],
        responses=SuggestOutputSerializer,
        operation_id="search_suggest",
    )
    def get(self, request):
        text = request.query_params.get("q", "")[:MAX_QUERY_LENGTH]
        suggestions, backend = suggest_products(text)
        return Response({"suggestions": suggestions, "backend": backend})
