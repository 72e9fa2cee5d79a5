"""The search index's state for operators, read only: products waiting for the index (they pile up while the
search server is down and drain when it is back) and the history of full rebuilds."""

from django.contrib import admin

from .models import DirtyProduct, IndexBuild


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DirtyProduct)
class DirtyProductAdmin(ReadOnlyAdmin):
    list_display = ["product_id", "marked_at"]
    ordering = ["marked_at"]
    search_fields = ["product_id"]


@admin.register(IndexBuild)
class IndexBuildAdmin(ReadOnlyAdmin):
    list_display = ["index_name", "started_at", "finished_at", "documents", "succeeded"]
    list_filter = ["succeeded"]
