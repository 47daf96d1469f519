"""HTTP helpers shared by our channels (widget, REST, counts, dashboard), so each decision is made once.

- Who sent a request (`client_address`): the peer, or behind trusted reverse proxies the address they
  saw, with an IPv6 client counted by its /64 (address_groups.py). For rate limits only.
- Reading a JSON body without raising or logging it, and the JSON error answer {"error": "..."}.
- CORS: Rasa's app-wide headers (sanic-cors, `rasa run --cors`) are replaced by the channel's own decision.
- The security headers our answers carry.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.address_groups import address_group
from bot.settings import Network, settings

# Answers that must never be cached (they carry conversations or figures) nor read as another type.
PRIVATE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# JSON answers no page should show or frame, and that tell no one where the request came from.
JSON_API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    **PRIVATE_HEADERS,
}


# --- who sent the request ---------------------------------------------------------------------------


def trusted_proxies() -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks (bot/settings.py refuses a wrong entry, naming it)."""
    return settings().trusted_proxies


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
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


def is_https(request: Request) -> bool:
    """True if the browser's connection is https, here or at the reverse proxy in front."""
    forwarded = (request.headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return request.scheme == "https" or forwarded == "https"


def same_origin(request: Request, origin: str) -> bool:
    """True for a request from a page this server served: its Origin names this host.
    A browser never lets another site send this Origin."""
    host = (request.headers.get("host") or "").lower()
    return bool(host) and origin.lower().split("://", 1)[-1] == host


# --- request bodies and errors -----------------------------------------------------------------------


def media_type(request: Request) -> str:
    """The Content-Type without its parameters, in lower case ("" if none)."""
    return (request.headers.get("content-type") or "").split(";")[0].strip().lower()


def json_object(body: bytes | None) -> dict[str, Any] | None:
    """The body as a JSON object, or None if it is not one (never raises, never logs it)."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def json_body(request: Request) -> dict[str, Any] | None:
    """Like json_object, for a request that must also say it is JSON (Content-Type: application/json)."""
    return json_object(request.body) if media_type(request) == "application/json" else None


def max_body_bytes(max_message_chars: int) -> int:
    """The largest body a message of `max_message_chars` can need: UTF-8 is at most 4 bytes a character,
    JSON escapes at most 6; plus room for the wrapper. Bigger bodies are refused before parsing."""
    return max_message_chars * 6 + 1024


def error(status: int, message: str) -> HTTPResponse:
    """A refusal the person can read: {"error": "<friendly sentence>"}."""
    return response.json({"error": message}, status=status)


# --- response headers ------------------------------------------------------------------------------


def drop_cors_headers(resp: HTTPResponse) -> None:
    """Removes every Access-Control-* header, such as those Rasa's app-wide sanic-cors adds when the
    server is started with --cors, so it cannot widen who may read a channel's answers."""
    for header in [h for h in resp.headers if h.lower().startswith("access-control-")]:
        del resp.headers[header]


def set_cors(resp: HTTPResponse, origin: str | None) -> None:
    """The channel's own CORS decision: `origin` (or "*") may read the answer, or, if None, no other site."""
    drop_cors_headers(resp)
    if origin:
        resp.headers["Access-Control-Allow-Origin"] = origin
    resp.headers["Vary"] = "Origin"


def add_headers(resp: HTTPResponse, headers: Mapping[str, str], keep_existing: bool = False) -> None:
    """Sets `headers` on the answer; with keep_existing, a header the route set itself wins."""
    for key, value in headers.items():
        if not (keep_existing and key in resp.headers):
            resp.headers[key] = value
