"""`/api/v1/seller/imports/`: bulk product import jobs of the signed-in seller's shop (DESIGN §9).

- `POST seller/imports/` (multipart, `file`): 202 with the job, which is then checked in the background.
- `GET seller/imports/`: the shop's jobs, newest first, paginated, without the error lists.
- `GET seller/imports/{id}/`: status and progress (`processed_rows`/`total_rows`, `percent`), counts, the
  preview and the errors (`{row, column, code, message}`, the first 500 stored; `error_count` counts all).
- `POST seller/imports/{id}/confirm/`: 202, imports the rows without errors; 409 unless the job is `validated`.
- `POST seller/imports/{id}/cancel/`: 200; 409 once importing has started.

Owner and staff of the shop only (the shop comes from `seller_membership`, never from the client): anyone
signed in without a shop gets 403, a job of another shop 404, anonymous 401.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .imports import selectors, services
from .models import ProductImport
from .selectors import seller_membership


class ErrorOutputSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Spreadsheet row (the header is row 1); 0 for the file as a whole.")
    column = serializers.CharField(help_text="The column's header as the file writes it; empty for the file.")
    code = serializers.CharField()
    message = serializers.CharField(help_text="In the site's default language (Indonesian).")


class PreviewRowOutputSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    sku = serializers.CharField()
    title = serializers.CharField()
    variant_name = serializers.CharField()
    price = serializers.IntegerField(help_text="Whole rupiah.")
    stock = serializers.IntegerField()
    action = serializers.CharField(help_text='"create" or "update": what happens to the variant.')
    product_action = serializers.CharField(help_text='"create" or "update": what happens to its product.')


class PreviewOutputSerializer(serializers.Serializer):
    rows = PreviewRowOutputSerializer(many=True, help_text="The first rows that will be imported.")
    new_products = serializers.IntegerField()
    updated_products = serializers.IntegerField()
    new_variants = serializers.IntegerField()
    updated_variants = serializers.IntegerField()


class ImportListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    format = serializers.CharField()
    status = serializers.CharField(
        help_text="uploaded, validating, validated, invalid, importing, done, failed or cancelled."
    )
    status_display = serializers.CharField(source="get_status_display")
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Progress of the current phase (checking, then importing), 0-100.")
    valid_rows = serializers.IntegerField(help_text="Rows that will be (or were) imported.")
    error_count = serializers.IntegerField()
    products_created = serializers.IntegerField()
    products_updated = serializers.IntegerField()
    created_count = serializers.IntegerField(help_text="Variants added.")
    updated_count = serializers.IntegerField(help_text="Variants updated.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ImportDetailOutputSerializer(ImportListOutputSerializer):
    failure = serializers.CharField()
    preview = serializers.SerializerMethodField()
    errors = ErrorOutputSerializer(many=True, help_text="The first 500 errors by row; error_count counts all.")

    @extend_schema_field(PreviewOutputSerializer(allow_null=True))
    def get_preview(self, product_import) -> dict | None:
        return PreviewOutputSerializer(product_import.preview).data if product_import.preview else None


class ImportCreateInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8, comma or semicolon) or XLSX, at most 5 MB, 10,000 rows.")


class SellerImportMixin:
    permission_classes = [IsAuthenticated]

    def get_shop(self):
        membership = seller_membership(user=self.request.user)
        if membership is None:
            raise exceptions.PermissionDenied()
        return membership.shop

    def get_job(self, pk: int) -> ProductImport:
        product_import = selectors.product_import_get_for_shop(shop=self.get_shop(), product_import_id=pk)
        if product_import is None:
            raise exceptions.NotFound()
        return product_import


@extend_schema_view(
    get=extend_schema(operation_id="seller_imports_list", responses=ImportListOutputSerializer(many=True)),
    post=extend_schema(
        operation_id="seller_imports_create",
        request={"multipart/form-data": ImportCreateInputSerializer},
        responses={202: ImportDetailOutputSerializer},
    ),
)
class ImportListApi(SellerImportMixin, generics.GenericAPIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportListOutputSerializer
    queryset = ProductImport.objects.none()  # for the schema only

    def get(self, request):
        page = self.paginate_queryset(selectors.product_import_list_for_shop(shop=self.get_shop()))
        return self.get_paginated_response(ImportListOutputSerializer(page, many=True).data)

    def post(self, request):
        shop = self.get_shop()
        serializer = ImportCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_import = services.product_import_create(
            shop=shop, actor=request.user, uploaded_file=serializer.validated_data["file"]
        )
        product_import.refresh_from_db()  # an eager check (the demo) has already run
        return Response(ImportDetailOutputSerializer(product_import).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(SellerImportMixin, APIView):
    @extend_schema(operation_id="seller_imports_retrieve", responses=ImportDetailOutputSerializer)
    def get(self, request, pk: int):
        return Response(ImportDetailOutputSerializer(self.get_job(pk)).data)


class ImportConfirmApi(SellerImportMixin, APIView):
    @extend_schema(operation_id="seller_imports_confirm", request=None, responses={202: ImportDetailOutputSerializer})
    def post(self, request, pk: int):
        product_import = self.get_job(pk)
        services.product_import_confirm(product_import=product_import, actor=request.user)  # a wrong status → 409
        product_import.refresh_from_db()
        return Response(ImportDetailOutputSerializer(product_import).data, status=status.HTTP_202_ACCEPTED)


class ImportCancelApi(SellerImportMixin, APIView):
    @extend_schema(operation_id="seller_imports_cancel", request=None, responses=ImportDetailOutputSerializer)
    def post(self, request, pk: int):
        product_import = self.get_job(pk)
        services.product_import_cancel(product_import=product_import, actor=request.user)  # a wrong status → 409
        product_import.refresh_from_db()
        return Response(ImportDetailOutputSerializer(product_import).data)
