"""`/api/v1/`: each app's endpoints, mounted here so the version prefix lives in one place."""

from django.urls import include, path, re_path

from accounts.api import MeApi
from marketplace.core.api.views import NotFoundApi

app_name = "api"

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("", include("shops.api_urls")),
    path("", include("search.api_urls")),
    path("", include("orders.api_urls")),
    path("", include("payments.api_urls")),
    path("", include("workshops.api_urls")),
    path("", include("cms.programme.api")),
]

# Always last: every other URL under /api/v1/ answers a JSON 404. It only matches paths ending in a slash,
# so Django's APPEND_SLASH still redirects `/api/v1/me` to `/api/v1/me/`.
urlpatterns.append(re_path(r"^(?:.*/)?$", NotFoundApi.as_view(), name="not-found"))
