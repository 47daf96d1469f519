"""The widget's browser files, served from the Reclaim server's origin: the loader (web/widget/loader.js)
and the chat's own frame (web/widget/frame.html, .js, .css).

The charity's page embeds only web/widget/loader.js, which draws a launcher and this frame. Because the
frame comes from another origin than the page, the page's scripts and styles cannot reach the chat. Its
Content-Security-Policy lets it load only its own files and talk only to this server, and
`frame-ancestors` lets only the tenant's own sites (its `allowed_origins`) embed it.
"""

from __future__ import annotations

from pathlib import Path

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.http import error
from bot.channels.widget_cors import allow_any_origin
from bot.tenants import Tenant

WEB_WIDGET = Path(__file__).resolve().parents[2] / "web" / "widget"
LOADER = WEB_WIDGET / "loader.js"
# The frame's files by the name they are served under, with their content types.
FRAME_FILES = {
    "frame.js": ("frame.js", "application/javascript; charset=utf-8"),
    "frame.css": ("frame.css", "text/css; charset=utf-8"),
}
FRAME_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
)


def loader_script(request: Request) -> HTTPResponse:
    """What the charity's one line loads: the launcher and the chat's frame."""
    if not LOADER.is_file():
        return error(404, "The widget script is not installed.")
    # Public, cookie-free and the same for everyone: any page may load it, as a module too.
    allow_any_origin(request)
    return response.raw(
        LOADER.read_bytes(),
        content_type="application/javascript; charset=utf-8",
        headers={"Cross-Origin-Resource-Policy": "cross-origin"},
    )


def frame_ancestors(tenant: Tenant) -> str:
    """CSP source list of the sites that may embed the tenant's chat ("http://localhost:*" is valid CSP)."""
    return " ".join(tenant.allowed_origins) or "'none'"


def frame_page(tenant: Tenant | None) -> HTTPResponse:
    """The frame's page, embeddable only by the tenant's own sites; 404 for a tenant that does not exist."""
    if tenant is None:
        return response.text("This chat isn't set up for that organisation.", status=404)
    headers: dict[str, str] = {"Content-Security-Policy": FRAME_POLICY.format(ancestors=frame_ancestors(tenant))}
    return response.raw(
        (WEB_WIDGET / "frame.html").read_bytes(), content_type="text/html; charset=utf-8", headers=headers
    )


def frame_file(name: str) -> HTTPResponse:
    if name not in FRAME_FILES:
        return response.text("Not found.", status=404)
    file_name, content_type = FRAME_FILES[name]
    return response.raw((WEB_WIDGET / file_name).read_bytes(), content_type=content_type)
