from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
def health(request):
    """`/health/`: JSON with the state of each part; 200 when every configured part is up, 503 otherwise."""
    report, healthy = health_report()
    return JsonResponse({"status": "ok" if healthy else "down", **report}, status=200 if healthy else 503)
