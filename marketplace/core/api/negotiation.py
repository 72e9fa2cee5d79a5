"""Content negotiation for the API: the renderer, as DRF does, and the language of the messages."""

from django.utils import translation
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's renderer negotiation, plus the language the API answers in.

    `/api/` lies outside `i18n_patterns`, and with `prefix_default_language=False` Django's LocaleMiddleware
    answers every path without a language prefix in `LANGUAGE_CODE`, ignoring `Accept-Language`. An API
    client has no URL prefix to pick a language with, so the API takes it from the request the way Django
    does for sites without `i18n_patterns`: the language cookie, then `Accept-Language`, then Indonesian.
    LocaleMiddleware then reports the active language in `Content-Language`.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        language = translation.get_language_from_request(request)
        translation.activate(language)
        # DRF's Request wraps Django's; templates and views read the language from the latter.
        getattr(request, "_request", request).LANGUAGE_CODE = translation.get_language()
        return super().select_renderer(request, renderers, format_suffix)
