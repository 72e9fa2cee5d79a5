"""`/api/v1/search/…` (mounted by marketplace/api_urls.py)."""

from django.urls import path

from .api import SearchApi, SearchSuggestApi

urlpatterns = [
    path("search/", SearchApi.as_view(), name="search"),
    path("search/suggest/", SearchSuggestApi.as_view(), name="search-suggest"),
]
