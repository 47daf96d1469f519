"""The widget's anonymous counts: POST /webhooks/metrics/count, for what only the browser sees.

Body (JSON, sent as text/plain by navigator.sendBeacon so no preflight is needed), at most 200 bytes:
  {"tenant": "<id>", "kind": "quick_exit"}                 a press of Quick exit
  {"tenant": "<id>", "kind": "link", "service": "<id>"}    a click on a link the chat showed
There is no conversation id and nothing else is read: the tenant must exist and the page's Origin
must be one of its allowed sites, the kind is from a fixed list and the service id from the service
directory (else "other"). Answers 204, or 400/403/404/413/429 with no body. Requests are rate-limited
per address and never logged. Registered in bot/credentials.yml as bot.channels.counts.CountsInput
(the channel keeps Rasa's name "metrics", so the URL the widget posts to is unchanged).

Anyone can call this (an Origin header is easy to forge outside a browser), so anyone can add known counts
to a cell. It returns nothing, and what the dashboard shows is built to make that useless for working out
a hidden small number (bot/metrics/suppression.py): small cells are hidden, the rest rounded to a multiple
of 5 by a secret per-cell offset, and a week is shown only once it is final, so it never changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.http import PRIVATE_HEADERS, add_headers, client_address, json_object, set_cors, trusted_proxies
from bot.channels.rate_limit import SlidingWindowLimiter
from bot.metrics.catalogue import ALL, clean_value
from bot.metrics.counting import Increment, day_of
from bot.metrics.recorder import shared_recorder
from bot.settings import settings
from bot.tenants import Tenant, load_tenants

MAX_BODY_BYTES = 200
COUNTS_PER_MINUTE = 60
KINDS = {"quick_exit": "quick_exit", "link": "link_clicked"}


class CountsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "metrics"  # the URL: /webhooks/metrics/count

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> CountsInput:
        credentials = credentials or {}
        return cls(tenants_dir=credentials.get("tenants_dir"))

    def __init__(self, tenants_dir: str | None = None, per_minute: int = COUNTS_PER_MINUTE) -> None:
        self.tenants: dict[str, Tenant] = load_tenants(Path(tenants_dir or settings().widget_tenants_dir))
        self.limiter = SlidingWindowLimiter(per_minute, 60.0)
        trusted_proxies()  # a wrong TRUSTED_PROXIES stops start-up here, not at the first request

    def increment(self, request: Request) -> Increment | int:
        """The count a request adds, or the status code refusing it."""
        if not self.limiter.allow(client_address(request)):
            return 429
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return 413
        data = json_object(body)  # sent as text/plain by sendBeacon: the Content-Type is not checked
        if data is None or set(data) - {"tenant", "kind", "service"}:
            return 400
        kind, tenant_id = data.get("kind"), data.get("tenant")
        metric = KINDS.get(kind) if isinstance(kind, str) else None
        if metric is None or not isinstance(tenant_id, str):
            return 400
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            return 404
        origin = request.headers.get("origin")
        if not origin or not tenant.allows_origin(origin):
            return 403
        request.ctx.metrics_origin = origin
        service = data.get("service")
        if metric == "link_clicked":
            value = clean_value(metric, service if isinstance(service, str) else None)
        else:
            value = ALL
        if value is None:  # never: an unknown service's link click counts as "other"
            return 400
        return Increment(tenant.id, day_of(None, lambda: dt.datetime.now(dt.timezone.utc).timestamp()), metric, value)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("metrics_channel", __name__)

        @bp.middleware("response")
        async def headers(request: Request, resp: HTTPResponse) -> None:
            if resp is None:
                return
            set_cors(resp, getattr(request.ctx, "metrics_origin", None))
            add_headers(resp, PRIVATE_HEADERS)

        @bp.route("/count", methods=["POST"])
        async def count(request: Request) -> HTTPResponse:
            result = self.increment(request)
            if isinstance(result, int):
                return response.empty(status=result)
            shared_recorder().add([result])
            return response.empty(status=204)

        return bp
