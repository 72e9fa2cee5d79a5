import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def hanging_port():
    """A local TCP port that accepts connections (the kernel completes the handshake) but never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


class FakeElasticsearch:
    """What the health probe sees of an Elasticsearch 8 node: `GET /_cluster/health` and nothing else."""

    def __init__(self):
        self.cluster_status = "green"
        self.product_header = True
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.requests.append(self.path)
                if self.path.split("?")[0] != "/_cluster/health":
                    self._answer(404, {"error": "no handler", "status": 404})
                    return
                self._answer(200, {"cluster_name": "pasar-test", "status": fake.cluster_status, "timed_out": False})

            def _answer(self, status, body):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if fake.product_header:
                    # The elasticsearch 8 client refuses any 2xx answer without this header.
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def fake_elasticsearch():
    fake = FakeElasticsearch()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    thread.join(timeout=5)
