"""`/api/v1/search/…` (mounted by marketplace/api_urls.py)."""

from django.urls import path

from .api import SearchApi

urlpatterns = [path("search/", SearchApi.as_view(), name="search")]
