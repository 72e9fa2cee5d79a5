import json
import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from drf_spectacular.validation import validate_schema
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from marketplace.core.api.exceptions import Conflict
from marketplace.core.api.pagination import PageNumberPagination
from shops.errors import ProductStateError, ShopStateError

NUMBERS = list(range(1, 151))


@pytest.fixture(autouse=True)
def _restore_language():
    """Requests activate the language they ask for; later tests start from the default again."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


class NumbersApi(APIView):
    """A paginated list of 1..150, as every list endpoint paginates."""

    permission_classes = [AllowAny]

    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(NUMBERS, request, view=self)
        return paginator.get_paginated_response(page)


class RaisingApi(APIView):
    """Raises what a service (or a view) would raise; the API's exception handler answers it."""

    permission_classes = [AllowAny]

    def error(self) -> Exception:
        raise NotImplementedError

    def get(self, request):
        # Made during the request, as a service would: a default message is translated when it is made.
        raise self.error()


def call(view, path="/api/v1/test/", data=None, **headers):
    response = view.as_view()(APIRequestFactory().get(path, data, **headers))
    response.render()
    return response.status_code, json.loads(response.content)


def raising(make_error, **headers):
    return call(type("Api", (RaisingApi,), {"error": staticmethod(make_error)}), **headers)


# --- OpenAPI schema and docs -----------------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_schema_is_valid_openapi_3_and_documents_only_api_v1(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"] == "3.0.3"
    assert schema["info"]["title"] == "Pasar UMKM API"
    assert "/api/v1/me/" in schema["paths"]
    assert [path for path in schema["paths"] if not path.startswith("/api/v1/")] == []
    # Neither Wagtail's admin API (/cms/) nor the JSON 404 catch-all is documented.
    assert [path for path in schema["paths"] if "/cms/" in path or not path.endswith("/")] == []


@pytest.mark.django_db
def test_openapi_schema_documents_the_session_token_header(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    assert schema["components"]["securitySchemes"]["sessionToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Session-Token",
        "description": "Session token from `POST /_allauth/app/v1/auth/login` (allauth headless API).",
    }
    assert schema["paths"]["/api/v1/me/"]["get"]["security"] == [{"sessionToken": []}, {"cookieAuth": []}]


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_local_static_files_only(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://", html) == []
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    ]
    assert [asset for asset in assets if not finders.find(asset.removeprefix(settings.STATIC_URL))] == []
    assert 'url: "/api/schema/"' in html


# --- Pagination ------------------------------------------------------------------------------------


def test_pagination_answers_count_next_previous_and_results():
    status, body = call(NumbersApi, data={"page": 2, "page_size": 5})

    assert status == 200
    assert body == {
        "count": 150,
        "next": "http://testserver/api/v1/test/?page=3&page_size=5",
        "previous": "http://testserver/api/v1/test/?page_size=5",
        "results": [6, 7, 8, 9, 10],
    }


def test_pagination_last_page_has_no_next_link():
    status, body = call(NumbersApi, data={"page": 2, "page_size": 100})

    assert status == 200
    assert body == {
        "count": 150,
        "next": None,
        "previous": "http://testserver/api/v1/test/?page_size=100",
        "results": NUMBERS[100:],
    }


def test_pagination_defaults_to_24_per_page():
    status, body = call(NumbersApi)

    assert status == 200
    assert body == {
        "count": 150,
        "next": "http://testserver/api/v1/test/?page=2",
        "previous": None,
        "results": NUMBERS[:24],
    }


def test_pagination_caps_page_size_at_100():
    status, body = call(NumbersApi, data={"page_size": 1000})

    assert status == 200
    assert len(body["results"]) == 100
    assert body["next"] == "http://testserver/api/v1/test/?page=2&page_size=1000"


@pytest.mark.parametrize(("accept_language", "message"), [(None, "Halaman tidak valid."), ("en", "Invalid page.")])
def test_pagination_answers_404_for_a_page_past_the_end(accept_language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    assert call(NumbersApi, data={"page": 99}, **headers) == (404, {"detail": message})


# --- Error format ----------------------------------------------------------------------------------


def test_django_validation_error_with_fields_answers_400_with_field_errors():
    def error():
        return DjangoValidationError({"quantity": ["Only 2 left."], "variant": ["Unknown variant.", "Not for sale."]})

    assert raising(error) == (400, {"quantity": ["Only 2 left."], "variant": ["Unknown variant.", "Not for sale."]})


def test_django_validation_error_without_field_answers_400_with_non_field_errors():
    def error():
        return DjangoValidationError("Shop %(shop)s is closed.", params={"shop": "Kopi Bali"})

    assert raising(error) == (400, {"non_field_errors": ["Shop Kopi Bali is closed."]})


@pytest.mark.parametrize(
    ("accept_language", "message"),
    [
        (None, "Permintaan bertentangan dengan keadaan saat ini."),
        ("en", "The request conflicts with the current state."),
    ],
)
def test_conflict_answers_409_with_detail(accept_language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    assert raising(Conflict, **headers) == (409, {"detail": message})


def test_django_validation_error_with_fields_and_non_field_errors_answers_non_field_errors_not_all():
    def error():
        return DjangoValidationError(
            {"__all__": [DjangoValidationError("Fill in the address.", code="incomplete")], "name": ["Too long."]}
        )

    assert raising(error) == (400, {"non_field_errors": ["Fill in the address."], "name": ["Too long."]})


@pytest.mark.parametrize("error_class", [ShopStateError, ProductStateError])
def test_state_errors_of_the_services_answer_409_with_their_message(error_class):
    assert raising(lambda: error_class("Already archived.", status="archived")) == (
        409,
        {"detail": "Already archived."},
    )


@pytest.mark.parametrize(
    ("error_class", "message"),
    [
        (ShopStateError, "This cannot be done while the shop has its current status."),
        (ProductStateError, "This cannot be done while the product has its current status."),
    ],
)
def test_state_errors_without_message_answer_409_with_their_default_message(error_class, message):
    with translation.override("id"):
        expected = str(translation.gettext(message))

    assert raising(lambda: error_class(status="draft")) == (409, {"detail": expected})


def test_conflict_keeps_the_services_message():
    assert raising(lambda: Conflict("Out of stock.")) == (409, {"detail": "Out of stock."})


def test_django_http404_answers_404_with_detail():
    assert raising(lambda: Http404("no such shop")) == (404, {"detail": "Data tidak ditemukan."})


def test_django_permission_denied_answers_403_with_detail():
    assert raising(PermissionDenied) == (403, {"detail": "Anda tidak memiliki izin untuk melakukan tindakan ini."})


def test_django_permission_denied_keeps_the_services_message():
    assert raising(lambda: PermissionDenied("Only the shop owner can do this.")) == (
        403,
        {"detail": "Only the shop owner can do this."},
    )


def test_django_permission_denied_with_an_empty_message_answers_the_generic_detail():
    assert raising(lambda: PermissionDenied("")) == (
        403,
        {"detail": "Anda tidak memiliki izin untuk melakukan tindakan ini."},
    )


# --- Routing, authentication and language ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/no-such-thing/", "/api/v1/me/extra/"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_url_answers_json_404(client, path, method):
    response = getattr(client, method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Data tidak ditemukan."}


@pytest.mark.django_db
def test_unknown_api_url_answers_404_in_english_when_asked(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_api_url_without_trailing_slash_still_redirects(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/me/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "language", "message"),
    [
        (None, "id", "Data autentikasi tidak diberikan."),
        ("id", "id", "Data autentikasi tidak diberikan."),
        ("en", "en", "Authentication credentials were not provided."),
        ("en-US,en;q=0.9,id;q=0.8", "en", "Authentication credentials were not provided."),
        ("fr-FR,fr;q=0.9", "id", "Data autentikasi tidak diberikan."),
    ],
)
def test_unauthenticated_me_answers_401_in_the_requested_language(client, accept_language, language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}

    response = client.get("/api/v1/me/", **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"
    assert response["Content-Language"] == language
    assert response.json() == {"detail": message}


@pytest.mark.django_db
def test_api_follows_the_language_chosen_on_the_site(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="id")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
