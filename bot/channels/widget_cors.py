"""Which pages may use the widget channel's answers (CORS), and the headers every widget answer ends with.

A tenant's conversations may be used from its own sites (`allowed_origins` in data/tenants/) and from the
chat's frame, which this server serves (widget_frame.py); requests without an Origin (not from a browser
page) may too. Rasa's app-wide CORS (sanic-cors, `rasa run --cors`) is replaced on every widget answer,
so it can never widen who may use a tenant's conversations.
"""

from __future__ import annotations

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.http import JSON_API_HEADERS, add_headers, same_origin, set_cors
from bot.channels.signed_ids import ConversationSigner
from bot.tenants import Tenant

PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
}


def allow_origin(request: Request, tenant: Tenant) -> bool:
    """True if the request may act for `tenant`. Requests without Origin (not from a browser page) may."""
    origin = request.headers.get("origin")
    if origin is None or same_origin(request, origin):
        return True  # the chat's own frame, served by this server (bot/channels/widget_frame.py)
    if tenant.allows_origin(origin):
        request.ctx.widget_cors_origin = origin  # for `finish`
        return True
    return False


def allow_any_origin(request: Request) -> None:
    """For public, cookie-free files that are the same for everyone (the loader script)."""
    request.ctx.widget_cors_origin = "*"


def preflight_origin(request: Request, signer: ConversationSigner, tenants: dict[str, Tenant]) -> str | None:
    """The origin to allow for an OPTIONS preflight, worked out from the path alone."""
    origin = request.headers.get("origin")
    if not origin:
        return None
    parts = [part for part in request.path.split("/") if part]
    # ["webhooks", "widget", ...]
    rest = parts[2:] if len(parts) >= 2 else []
    if rest[:1] == ["conversations"] and len(rest) >= 2:
        verified = signer.verify(rest[1])
        tenant = tenants.get(verified.tenant) if verified else None
        return origin if tenant and tenant.allows_origin(origin) else None
    if rest[:1] == ["tenants"] and len(rest) == 2:
        tenant = tenants.get(rest[1])
        return origin if tenant and tenant.allows_origin(origin) else None
    # /conversations: the tenant is in the body, which a preflight does not carry; the POST checks it.
    return origin if any(t.allows_origin(origin) for t in tenants.values()) else None


def finish(request: Request, resp: HTTPResponse, signer: ConversationSigner, tenants: dict[str, Tenant]) -> None:
    """Last word on every widget response: our CORS decision and the security headers.

    Runs after Rasa's app-wide CORS (sanic-cors), whose headers are removed here.
    """
    if request.method == "OPTIONS":
        # sanic-cors answers preflights before any route runs; this turns its answer into ours.
        resp.status = 204
        resp.body = b""
        set_cors(resp, preflight_origin(request, signer, tenants))
        add_headers(resp, PREFLIGHT_HEADERS)
    else:
        set_cors(resp, getattr(request.ctx, "widget_cors_origin", None))
    # The frame's page sets its own Content-Security-Policy (widget_frame.py); the rest get ours.
    add_headers(resp, JSON_API_HEADERS, keep_existing=True)
