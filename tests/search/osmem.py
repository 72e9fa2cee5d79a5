"""A test-only transport node for the in-memory OpenSearch-compatible server (`osmem-server`) the tests start.

The Elasticsearch 8 client sends `application/vnd.elasticsearch+json; compatible-with=8` (and `+x-ndjson`),
which that server refuses (406), and checks that every answer says `X-Elastic-Product: Elasticsearch`. This
node sends plain `application/json` (`x-ndjson`) and adds the header to answers; nothing else is changed, so
the backend under test speaks the real client's requests to a real HTTP server. Production never uses it
(`ELASTICSEARCH_NODE_CLASS`).
"""

import dataclasses
import re

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node._base import NodeApiResponse

# "application/vnd.elasticsearch+json; compatible-with=8" → "application/json" (and +x-ndjson for bulk).
COMPATIBLE_MEDIA_TYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+)(;.*)?")


class OsmemCompatibleNode(Urllib3HttpNode):
    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        headers = HttpHeaders(headers or {})
        for name in ("content-type", "accept"):
            if match := COMPATIBLE_MEDIA_TYPE.fullmatch(headers.get(name, "")):
                headers[name] = f"application/{match.group(1)}"
        response = super().perform_request(method, target, body=body, headers=headers, **kwargs)
        answer_headers = HttpHeaders(response.meta.headers)
        answer_headers["X-Elastic-Product"] = "Elasticsearch"
        return NodeApiResponse(dataclasses.replace(response.meta, headers=answer_headers), response.body)
