"""Views of the API skeleton itself, not of any one app."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NotFoundApi(APIView):
    """Any unknown URL under `/api/v1/`: a 404 in the API's error format, not the site's HTML page.

    Without it an unknown API URL falls through to Wagtail's catch-all page route and answers HTML.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        # After content negotiation (renderer and language) so the 404 is rendered like every API error.
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
