"""Open data downloads and the DCAT catalogue, language-neutral under `/data/` (issue 9). The page itself,
`/data/` and `/en/data/`, is a Wagtail `DataPage`; these patterns come before Wagtail's catch-all."""

from django.urls import path

from . import views

app_name = "open_data"

urlpatterns = [
    path("catalog.json", views.catalog, name="catalog"),
    path("<slug:key>.csv", views.dataset_csv, name="download-csv"),
    path("<slug:key>.json", views.dataset_json, name="download-json"),
]
