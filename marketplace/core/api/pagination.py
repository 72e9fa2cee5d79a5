from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`, `?page=` and a bounded `?page_size=` (DESIGN §9)."""

    page_size_query_param = "page_size"
    max_page_size = 100
