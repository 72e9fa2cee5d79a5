"""`POST /payments/stripe/webhook/` (outside the language prefixes, no CSRF: Stripe signs the body instead).

The body is verified by the SDK (`stripe_gateway.construct_event`: our `STRIPE_WEBHOOK_SECRET`, signed less than
5 minutes ago) before anything is read from it; a bad, missing or stale signature, a tampered body or a webhook
secret that is not configured answers 400 and stores nothing. A verified event is stored under its unique id
(a replay stores nothing and queues nothing) and processed in a task, so the answer is fast: `{"received": true}`.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services.stripe_events import payment_event_record
from .stripe_gateway import WebhookSignatureError, construct_event

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    if not settings.STRIPE_WEBHOOK_SECRET:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set; it is refused.")
        return JsonResponse({"error": "not configured"}, status=400)
    try:
        event = construct_event(request.body, request.headers.get("Stripe-Signature", ""))
    except WebhookSignatureError as error:
        logger.warning("Stripe webhook refused: %s", error)
        return JsonResponse({"error": "invalid signature"}, status=400)
    try:
        _stored, created = payment_event_record(event=event)
    except ValueError:
        return JsonResponse({"error": "not an event"}, status=400)
    return JsonResponse({"received": True, "duplicate": not created})
