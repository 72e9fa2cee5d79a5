from drf_spectacular.extensions import OpenApiAuthenticationExtension


def public_api_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document `/api/v1/` only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """Documents allauth's `X-Session-Token` header in the OpenAPI schema."""

    target_class = "accounts.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "Session token from `POST /_allauth/app/v1/auth/login` (allauth headless API).",
        }
