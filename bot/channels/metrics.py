"""The widget's anonymous counts: POST /webhooks/metrics/count, for what only the browser sees.

Body (JSON, sent as text/plain by navigator.sendBeacon so no preflight is needed), at most 200 bytes:
  {"tenant": "<id>", "kind": "quick_exit"}                 a press of Quick exit
  {"tenant": "<id>", "kind": "link", "service": "<id>"}    a click on a link the chat showed
There is no conversation id and nothing else is read: the tenant must exist and the page's Origin
must be one of its allowed sites, the kind is from a fixed list and the service id from the service
directory (else "other"). Answers 204, or 400/403/404/413/429 with no body. Requests are rate-limited
per address and never logged. Registered in bot/credentials.yml as bot.channels.metrics.MetricsInput.

Anyone can call this (an Origin header is easy to forge outside a browser), so anyone can add known counts
to a cell. It returns nothing, and what the dashboard shows is built to make that useless for working out
a hidden small number (bot/metrics/suppression.py): small cells are hidden, the rest rounded to a multiple
of 5 by a secret per-cell offset, and a week is shown only once it is final, so it never changes.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.address_groups import address_group
from bot.channels.rate_limit import SlidingWindowLimiter
from bot.metrics.catalogue import ALL, clean_value
from bot.metrics.counting import Increment, day_of
from bot.metrics.recorder import shared_recorder
from bot.settings import Network, settings
from bot.tenants import Tenant, load_tenants

MAX_BODY_BYTES = 200
COUNTS_PER_MINUTE = 60
KINDS = {"quick_exit": "quick_exit", "link": "link_clicked"}


def trusted_proxies() -> Tuple[Network, ...]:
    """TRUSTED_PROXIES as networks (bot/settings.py refuses a wrong entry, naming it)."""
    return settings().trusted_proxies


def _trusted(address: str, networks: Tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def client_address(request: Request) -> str:
    """Who sent the request, for rate limits only (never stored or logged). Behind reverse proxies
    (docs/deploy/nginx.conf, on this machine or another: TRUSTED_PROXIES) each request comes from a proxy,
    so X-Forwarded-For is read from the right, past every trusted proxy, to the first address a trusted
    proxy saw connect. Anything left of that could be forged by the client and is ignored; from an
    untrusted peer the whole header is ignored. An IPv6 address is given as its /64 network, so every
    per-address limit counts one home or phone once (bot/channels/address_groups.py)."""
    networks = trusted_proxies()
    peer = request.ip or ""
    if not _trusted(peer, networks):
        return address_group(peer)
    forwarded = [part.strip() for part in (request.headers.get("x-forwarded-for") or "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, networks):
            return address_group(address[:64])
    return address_group((forwarded[0] if forwarded else peer)[:64])  # every hop was a trusted proxy


class MetricsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "metrics"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MetricsInput":
        credentials = credentials or {}
        return cls(tenants_dir=credentials.get("tenants_dir"))

    def __init__(self, tenants_dir: Optional[str] = None, per_minute: int = COUNTS_PER_MINUTE) -> None:
        self.tenants: Dict[str, Tenant] = load_tenants(Path(tenants_dir or settings().widget_tenants_dir))
        self.limiter = SlidingWindowLimiter(per_minute, 60.0)
        trusted_proxies()  # a wrong TRUSTED_PROXIES stops start-up here, not at the first request

    def increment(self, request: Request) -> Optional[Increment] | int:
        """The count a request adds, or the status code refusing it."""
        if not self.limiter.allow(client_address(request)):
            return 429
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return 413
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 400
        if not isinstance(data, dict) or set(data) - {"tenant", "kind", "service"}:
            return 400
        metric = KINDS.get(data.get("kind")) if isinstance(data.get("kind"), str) else None
        if metric is None or not isinstance(data.get("tenant"), str):
            return 400
        tenant = self.tenants.get(data["tenant"])
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
        return Increment(tenant.id, day_of(None, lambda: dt.datetime.now(dt.timezone.utc).timestamp()), metric, value)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("metrics_channel", __name__)

        @bp.middleware("response")
        async def headers(request: Request, resp: HTTPResponse) -> None:
            if resp is None:
                return
            for header in [h for h in resp.headers if h.lower().startswith("access-control-")]:
                del resp.headers[header]
            origin = getattr(request.ctx, "metrics_origin", None)
            if origin:
                resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Vary"] = "Origin"
            resp.headers["Cache-Control"] = "no-store"
            resp.headers["X-Content-Type-Options"] = "nosniff"

        @bp.route("/count", methods=["POST"])
        async def count(request: Request) -> HTTPResponse:
            result = self.increment(request)
            if isinstance(result, int):
                return response.empty(status=result)
            shared_recorder().add([result])
            return response.empty(status=204)

        return bp
