"""Google login: offered only when GOOGLE_CLIENT_ID/SECRET are configured. No test talks to Google."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import User

GOOGLE_CONFIGURED = {
    "google": {
        **settings.SOCIALACCOUNT_PROVIDERS["google"],
        "APPS": [{"client_id": "test-client-id.apps.googleusercontent.com", "secret": "test-secret", "key": ""}],
    }
}


def test_google_is_not_configured_without_credentials_in_the_environment():
    assert settings.SOCIALACCOUNT_PROVIDERS["google"]["APPS"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/akun/login/", "/akun/signup/"])
def test_no_google_button_when_google_is_not_configured(client, page):
    html = client.get(page).content.decode()

    assert "/akun/google/login/" not in html
    assert "Google" not in html


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=GOOGLE_CONFIGURED)
@pytest.mark.parametrize("page", ["/akun/login/", "/akun/signup/"])
def test_google_button_appears_when_google_is_configured(client, page):
    html = client.get(page).content.decode()

    assert html.count('href="/akun/google/login/?process=login"') == 1
    assert 'class="button account-button account-button--ghost provider provider--google"' in html


@pytest.mark.django_db
@override_settings(SOCIALACCOUNT_PROVIDERS=GOOGLE_CONFIGURED)
def test_google_button_sends_the_browser_to_google_with_our_client_id(client):
    # Only a redirect is built; nothing is fetched from Google.
    response = client.post("/akun/google/login/?process=login")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "accounts.google.com", "/o/oauth2/v2/auth")
    query = parse_qs(location.query)
    assert query["client_id"] == ["test-client-id.apps.googleusercontent.com"]
    assert query["redirect_uri"] == ["http://testserver/akun/google/login/callback/"]
    assert sorted(query["scope"][0].split()) == ["email", "profile"]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_google_login_url_is_not_found_when_google_is_not_configured(client):
    response = client.post("/akun/google/login/?process=login")

    assert response.status_code == 404
