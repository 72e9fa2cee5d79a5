"""A small local stand-in for Stripe's API, so no test talks to the internet.

`FakeStripe` is an HTTP server (stdlib, in a thread) that the real SDK talks to (`STRIPE_API_BASE`). It records
every request (method, path, form parameters decoded into nested dicts and lists, headers with the
Idempotency-Key), answers Stripe-shaped objects for the calls the app makes, honours idempotency keys like
Stripe (same key → the same object; same key with other parameters → `idempotency_error`), and lets a test queue
failures (`fail_next("POST /v1/refunds", status=402, error={...})`).

It also serves a hosted checkout page at each session's `url` with "Pay" and "Decline" buttons: paying marks the
session complete, sends the signed `checkout.session.completed` and `payment_intent.succeeded` events to
`webhook_url` (the app's webhook, when a live server runs) and redirects the browser to the session's
`success_url`; declining sends `payment_intent.payment_failed` and shows the page again, as Stripe does.

Webhook helpers: `event(type, obj)` builds an event, `sign(payload)` the `Stripe-Signature` header (with the
SDK's own `WebhookSignature.generate_signature_header`), `send(event)` posts it to `webhook_url`.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe

SECRET_KEY = "sk_test_fake_stripe"
PUBLISHABLE_KEY = "pk_test_fake_stripe"
WEBHOOK_SECRET = "whsec_test_fake_stripe"


@dataclasses.dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    headers: dict  # lower-cased names

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclasses.dataclass
class _Failure:
    status: int
    error: dict
    headers: dict


def decode_form(body: str) -> dict:
    """`a[b][0][c]=1&d=2` → {"a": {"b": [{"c": "1"}]}, "d": "2"} (how the SDK encodes parameters)."""
    root: dict = {}
    for key, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(value):
        if isinstance(value, dict):
            value = {key: listify(item) for key, item in value.items()}
            if value and all(key.isdigit() for key in value):
                return [value[key] for key in sorted(value, key=int)]
        return value

    return listify(root)


class FakeStripe:
    def __init__(self, *, webhook_secret: str = WEBHOOK_SECRET):
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.requests: list[RecordedRequest] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.accounts: dict[str, dict] = {}
        self.sent_events: list[dict] = []
        self.refund_status = "succeeded"  # what a new refund answers
        self._failures: list[tuple[str, _Failure]] = []
        self._idempotent: dict[tuple[str, str], tuple[dict, int, dict]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # --- Life cycle -------------------------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- What tests use ---------------------------------------------------------------------------------------

    def fail_next(self, route: str, *, status: int, error: dict | None = None, times: int = 1, headers=None) -> None:
        """The next `times` requests matching `route` ("POST /v1/refunds", wildcards allowed) answer `status` with
        `{"error": error}` instead of being handled."""
        error = error or {"type": "api_error", "message": "Something went wrong on Stripe's end."}
        with self._lock:
            for _ in range(times):
                self._failures.append((route, _Failure(status=status, error=error, headers=headers or {})))

    def requests_to(self, route: str) -> list[RecordedRequest]:
        return [request for request in self.requests if fnmatch.fnmatchcase(request.route, route)]

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}{uuid.uuid4().hex[:8]}"

    def event(self, kind: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
        return {
            "id": event_id or self.new_id("evt"),
            "object": "event",
            "api_version": stripe.api_version,
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
            "data": {"object": obj},
        }

    def sign(self, payload: bytes | str, *, timestamp: int | None = None, secret: str | None = None) -> str:
        text = payload.decode() if isinstance(payload, bytes) else payload
        return stripe.WebhookSignature.generate_signature_header(
            text, secret or self.webhook_secret, timestamp=timestamp
        )

    def send(self, event: dict) -> int:
        """POST `event`, signed, to `webhook_url`; returns the HTTP status."""
        self.sent_events.append(event)
        if not self.webhook_url:
            return 0
        body = json.dumps(event).encode()
        request = urllib.request.Request(
            self.webhook_url,
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": self.sign(body)},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def complete_session(self, session_id: str, *, send: bool = True, amount_total: int | None = None) -> dict:
        """The shopper paid the session (as the hosted page's "Pay" does); sends the events when `send`."""
        with self._lock:
            session = self.sessions[session_id]
            session["status"] = "complete"
            session["payment_status"] = "paid"
            session["payment_intent"] = session["payment_intent"] or self.new_id("pi")
            if amount_total is not None:
                session["amount_total"] = amount_total
            session = json.loads(json.dumps(session))
        if send:
            self.send(self.event("checkout.session.completed", session))
            self.send(self.event("payment_intent.succeeded", self.payment_intent_of(session)))
        return session

    def decline_session(self, session_id: str, *, send: bool = True) -> dict:
        with self._lock:
            session = self.sessions[session_id]
            session["payment_intent"] = session["payment_intent"] or self.new_id("pi")
            session = json.loads(json.dumps(session))
        intent = self.payment_intent_of(session, status="requires_payment_method")
        intent["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
        if send:
            self.send(self.event("payment_intent.payment_failed", intent))
        return intent

    def payment_intent_of(self, session: dict, *, status: str = "succeeded") -> dict:
        paid = status == "succeeded"
        return {
            "id": session["payment_intent"],
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": session["amount_total"] if paid else 0,
            "currency": session["currency"],
            "status": status,
            "metadata": dict(session.get("payment_intent_data", {}).get("metadata", {})),
            "transfer_group": session.get("payment_intent_data", {}).get("transfer_group"),
            "last_payment_error": None,
        }

    # --- The API ----------------------------------------------------------------------------------------------

    def handle_api(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict, dict]:
        route = f"{method} {path}"
        with self._lock:
            self.requests.append(RecordedRequest(method=method, path=path, params=params, headers=headers))
            for index, (pattern, failure) in enumerate(self._failures):
                if fnmatch.fnmatchcase(route, pattern):
                    del self._failures[index]
                    return failure.status, {"error": failure.error}, failure.headers
            key = headers.get("idempotency-key")
            if method == "POST" and key:
                stored = self._idempotent.get((path, key))
                if stored is not None:
                    stored_params, status, body = stored
                    if stored_params != params:
                        return (
                            400,
                            _error(
                                "idempotency_error",
                                "Keys for idempotent requests can only be used "
                                "with the same parameters they were first used with.",
                            ),
                            {},
                        )
                    return status, body, {"idempotent-replayed": "true"}
            status, body = self._route(method, path, params)
            if method == "POST" and key and status < 500:
                self._idempotent[(path, key)] = (params, status, body)
            return status, body, {}

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if route_is(method, parts, "POST", ["v1", "checkout", "sessions"]):
            return 200, self._create_session(params)
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            session = self.sessions.get(parts[3])
            return (200, session) if session else _missing(parts[3])
        if method == "POST" and parts[:3] == ["v1", "checkout", "sessions"] and parts[4:] == ["expire"]:
            session = self.sessions.get(parts[3])
            if session is None:
                return _missing(parts[3])
            if session["status"] != "open":
                return 400, _error("invalid_request_error", "Only open sessions can be expired.", "session_not_open")
            session["status"] = "expired"
            return 200, session
        if route_is(method, parts, "POST", ["v1", "refunds"]):
            refund = {
                "id": self.new_id("re"),
                "object": "refund",
                "amount": int(params.get("amount", 0)),
                "currency": "idr",
                "payment_intent": params.get("payment_intent"),
                "status": self.refund_status,
                "metadata": params.get("metadata", {}),
                "failure_reason": None,
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        if route_is(method, parts, "POST", ["v1", "transfers"]):
            transfer = {
                "id": self.new_id("tr"),
                "object": "transfer",
                "amount": int(params.get("amount", 0)),
                "currency": params.get("currency"),
                "destination": params.get("destination"),
                "transfer_group": params.get("transfer_group"),
                "metadata": params.get("metadata", {}),
            }
            self.transfers[transfer["id"]] = transfer
            return 200, transfer
        if route_is(method, parts, "POST", ["v1", "accounts"]):
            account = {
                "id": self.new_id("acct"),
                "object": "account",
                "type": params.get("type"),
                "country": params.get("country"),
                "email": params.get("email"),
                "details_submitted": False,
                "charges_enabled": False,
                "payouts_enabled": False,
                "requirements": {"currently_due": ["external_account", "tos_acceptance.date"]},
                "metadata": params.get("metadata", {}),
            }
            self.accounts[account["id"]] = account
            return 200, account
        if route_is(method, parts, "POST", ["v1", "account_links"]):
            return 200, {
                "object": "account_link",
                "created": int(time.time()),
                "expires_at": int(time.time()) + 300,
                "url": f"{self.url}/onboarding/{params.get('account')}?n={next(self._ids)}",
            }
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _create_session(self, params: dict) -> dict:
        session_id = self.new_id("cs")
        line_items = params.get("line_items", [])
        total = sum(int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in line_items)
        currencies = {item["price_data"]["currency"] for item in line_items}
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "url": f"{self.url}/pay/{session_id}",
            "amount_total": total,
            "currency": currencies.pop() if len(currencies) == 1 else None,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "payment_intent": None,
            "payment_intent_data": params.get("payment_intent_data", {}),
            "expires_at": int(params.get("expires_at", 0)),
            "locale": params.get("locale"),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
        }
        self.sessions[session_id] = session
        return session

    # --- The hosted page --------------------------------------------------------------------------------------

    def hosted_page(self, session_id: str, *, message: str = "") -> tuple[int, str]:
        session = self.sessions.get(session_id)
        if session is None:
            return 404, "<h1>No such session</h1>"
        amount = session["amount_total"] // 100
        buttons = (
            '<button type="submit" name="action" value="pay" data-testid="pay">Pay</button>'
            '<button type="submit" name="action" value="decline" data-testid="decline">Decline</button>'
            if session["status"] == "open"
            else f"<p data-testid='closed'>This session is {session['status']}.</p>"
        )
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Fake Stripe Checkout</title></head><body>"
            f"<h1>Pay IDR {amount:,}</h1><p data-testid='amount'>{session['amount_total']}</p>"
            f"<p role='alert'>{html.escape(message)}</p>"
            f"<form method='post' action='/pay/{session_id}'>{buttons}</form>"
            f"<a href='{html.escape(session['cancel_url'] or '')}'>Back</a></body></html>"
        )
        return 200, page


def route_is(method: str, parts: list[str], expected_method: str, expected_parts: list[str]) -> bool:
    return method == expected_method and parts == expected_parts


def _error(kind: str, message: str, code: str | None = None) -> dict:
    error: dict[str, Any] = {"type": kind, "message": message}
    if code:
        error["code"] = code
    return {"error": error}


def _missing(object_id: str) -> tuple[int, dict]:
    return 404, _error("invalid_request_error", f"No such object: '{object_id}'", "resource_missing")


def _handler_for(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):
            pass

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode() if length else ""

        def _send(self, status: int, body: str, content_type: str, headers: dict | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _api(self, method: str) -> None:
            url = urllib.parse.urlsplit(self.path)
            params = decode_form(self._body() if method == "POST" else url.query)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, body, extra = fake.handle_api(method, url.path, params, headers)
            self._send(status, json.dumps(body), "application/json", extra)

        def do_GET(self):
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/pay/"):
                status, page = fake.hosted_page(path.removeprefix("/pay/"))
                self._send(status, page, "text/html; charset=utf-8")
            elif path.startswith("/onboarding/"):
                self._send(200, "<h1>Fake Stripe onboarding</h1>", "text/html; charset=utf-8")
            else:
                self._api("GET")

        def do_POST(self):
            path = urllib.parse.urlsplit(self.path).path
            if not path.startswith("/pay/"):
                self._api("POST")
                return
            session_id = path.removeprefix("/pay/")
            action = urllib.parse.parse_qs(self._body()).get("action", [""])[0]
            session = fake.sessions.get(session_id)
            if session is None or session["status"] != "open":
                status, page = fake.hosted_page(session_id)
                self._send(status if session is None else 409, page, "text/html; charset=utf-8")
                return
            if action == "pay":
                session = fake.complete_session(session_id)
                self.send_response(303)
                self.send_header("Location", session["success_url"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            fake.decline_session(session_id)
            status, page = fake.hosted_page(session_id, message="Your card was declined.")
            self._send(status, page, "text/html; charset=utf-8")

    return Handler
