"""`/api/v1/`: each app's endpoints, mounted here so the version prefix lives in one place."""

from django.urls import path

from accounts.api import MeApi

app_name = "api"

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
]
