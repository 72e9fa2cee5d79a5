from django.utils.translation import gettext_lazy as _
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`, `?page=` and a bounded `?page_size=` (DESIGN §9)."""

    page_size_query_param = "page_size"
    max_page_size = 100
    # DRF's Indonesian catalogue lacks this message, so it is ours to translate.
    invalid_page_message = _("Invalid page.")
