from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's `X-Session-Token` for app clients, answering 401 (not 403) when credentials are missing.

    An unknown or expired token is treated as no token: the request is anonymous and a protected endpoint
    answers 401, telling the app to log in again through `/_allauth/app/v1/auth/login`.
    """

    def authenticate_header(self, request):
        return "X-Session-Token"
