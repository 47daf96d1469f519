"""The charities' figures dashboard, under /webhooks/dashboard/ (a reverse proxy exposes only /webhooks/*).

Anonymous weekly counts for one tenant (bot/metrics), as an accessible page with server-drawn charts
and a CSV export. Access: a tenant's token (bot/metrics/auth.py), never in a URL:
  GET  /                  the figures when signed in (?weeks=4 or 13; final weeks only, rounded:
                          bot/metrics/suppression.py), else the sign-in form
  POST /sign-in           form fields tenant, token -> a signed session cookie (HttpOnly, SameSite=Strict,
                          Secure over https, path /webhooks/dashboard, DASHBOARD_SESSION_MINUTES long)
  POST /sign-out          ends the session on every server (its id is revoked: bot/metrics/revocations.py)
  (both POSTs are refused, 403, when sent from another site: an Origin not this server's, or
  Sec-Fetch-Site: cross-site)
  GET  /export.csv        the same figures as CSV (?weeks=4 or 13); the session cookie, or HTTP Basic
                          auth with the tenant id as user name and the token as password (curl -u)
  GET  /dashboard.css     the page's style sheet
A session or token only ever shows its own tenant's figures. Wrong tenant and wrong token get the
same answer, and sign-in attempts are rate-limited. Registered in bot/credentials.yml.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.http import (
    PRIVATE_HEADERS,
    add_headers,
    client_address,
    drop_cors_headers,
    is_https,
    media_type,
    trusted_proxies,
)
from bot.channels.rate_limit import SlidingWindowLimiter
from bot.metrics import page
from bot.metrics.auth import Session, Sessions, check_token, expected_hash, require_long_tokens, token_hash
from bot.metrics.export import figures_csv
from bot.metrics.recorder import shared_recorder
from bot.metrics.revocations import MemoryRevocations, Revocations, sharing_lock_store
from bot.metrics.suppression import Figures, published_weeks, weekly_figures
from bot.secret_length import require_long_secret
from bot.settings import settings
from bot.tenants import Tenant, load_tenants

logger = logging.getLogger(__name__)

COOKIE = "reclaim_dashboard"
SIGN_IN_ATTEMPTS_PER_MINUTE = 10
WRONG = "That organisation ID and access token do not match. Check them and try again."
TOO_MANY = "Too many attempts. Please wait a minute and try again."
NOT_SIGNED_IN = "Sign in to see your figures."
TRY_AGAIN = "Sorry, that did not go through. Please try again."
UNAVAILABLE = "Figures are not available right now. Please try again later."
ELSEWHERE = "This form can only be sent from the figures page itself. Please open the page and try again."
NOT_SIGNED_OUT = "Signing out did not finish. Please try again in a moment."
MAX_TYPED_ID = 100  # the typed id is shown back in the form, escaped; never longer than this

HEADERS = {
    # No script at all; styles only from this server; forms only post here; never framed.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    **PRIVATE_HEADERS,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class RevocationsUnavailable(Exception):
    """The shared list of signed-out sessions could not be read or written (Redis is down)."""


class DashboardInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "dashboard"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> DashboardInput:
        credentials = credentials or {}
        return cls(tenants_dir=credentials.get("tenants_dir"))

    def __init__(
        self,
        tenants_dir: str | None = None,
        secret: str | None = None,
        now: Callable[[], dt.datetime] = _now,
        revocations: Revocations | None = None,
    ) -> None:
        config = settings()  # a wrong value stops start-up here, naming the setting
        self.tenants: dict[str, Tenant] = load_tenants(Path(tenants_dir or config.widget_tenants_dir))
        require_long_tokens(self.tenants.values(), config)
        secret = secret or config.dashboard_secret
        if secret:
            require_long_secret("DASHBOARD_SECRET", secret)
        else:
            secret = secrets.token_urlsafe(32)
            logger.warning(
                "DASHBOARD_SECRET is not set: dashboard sign-ins last only until this server restarts and "
                "are not shared between servers. Set DASHBOARD_SECRET (see .env.example)."
            )
        self.sessions = Sessions(secret, config.dashboard_session_minutes)
        self.limiter = SlidingWindowLimiter(SIGN_IN_ATTEMPTS_PER_MINUTE, 60.0)
        self.now = now
        # Given (tests), or chosen from the running server's lock store at the first request.
        self._revocations = revocations
        self._memory_revocations = MemoryRevocations()
        self._current_revocations: Revocations = self._memory_revocations
        self._lock_store_seen: Any = None
        trusted_proxies()  # a wrong TRUSTED_PROXIES stops start-up here

    # --- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _html(body: str, status: int = 200) -> HTTPResponse:
        return response.html(body, status=status)

    def revocations(self, request: Request) -> Revocations:
        """Where signed-out sessions are kept: the running Rasa server's Redis when its lock store is in
        Redis (the production profiles, several servers), else this process's memory (one server)."""
        if self._revocations is not None:
            return self._revocations
        agent = getattr(getattr(getattr(request, "app", None), "ctx", None), "agent", None)
        lock_store = getattr(agent, "lock_store", None)
        if lock_store is not self._lock_store_seen:
            self._lock_store_seen = lock_store
            shared = sharing_lock_store(lock_store)
            if shared is not None:
                logger.info("Dashboard: sign-outs are shared with the other servers through Redis.")
            self._current_revocations = shared or self._memory_revocations
        return self._current_revocations

    async def _session(self, request: Request) -> Session | None:
        """The request's live session, or None. Raises RevocationsUnavailable if that cannot be told."""
        session = self.sessions.read(request.cookies.get(COOKIE), self.tenants)
        if session is None:
            return None
        try:
            # In a thread: a slow Redis must not hold up the conversations this server is answering.
            revoked = await request.app.loop.run_in_executor(None, self.revocations(request).is_revoked, session.id)
        except Exception as error:  # noqa: BLE001 - e.g. Redis down: refuse, and say so kindly
            logger.error("Dashboard: signed-out sessions could not be checked (%s).", type(error).__name__)
            raise RevocationsUnavailable from None
        return None if revoked else session

    async def _signed_in(self, request: Request) -> Tenant | None:
        session = await self._session(request)
        return session.tenant if session else None

    def _basic_auth(self, request: Request) -> Tenant | None:
        header = request.headers.get("authorization") or ""
        if not header.lower().startswith("basic "):
            return None
        try:
            tenant_id, _, token = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        if not self.limiter.allow(f"ip:{client_address(request)}"):
            return None
        tenant = self.tenants.get(tenant_id)
        return tenant if check_token(tenant, token) else None

    @staticmethod
    def _cross_site(request: Request) -> bool:
        """True for a form posted from another site (CSRF): its Origin is not this server's own, or the
        browser says it is cross-site. No Origin at all (old browsers, curl) is allowed: SameSite=Strict
        cookies already keep a signed-in session out of other sites' requests."""
        fetch_site = (request.headers.get("sec-fetch-site") or "").strip().lower()
        if fetch_site == "cross-site":
            return True
        origin = request.headers.get("origin")
        if origin is None:
            return False
        if origin.strip().lower() == "null":
            # Our own form sends "Origin: null" under Referrer-Policy: no-referrer; then only the browser's
            # own word that it came from this origin lets it through (a sandboxed frame elsewhere sends null too).
            return fetch_site != "same-origin"
        host = (request.headers.get("host") or "").strip().lower()
        scheme = "https" if is_https(request) else (request.scheme or "http")
        return not host or origin.strip().lower().rstrip("/") != f"{scheme}://{host}"

    def _weeks(self, request: Request) -> int:
        raw = request.args.get("weeks", "4")
        return int(raw) if raw in ("4", "13") else 4

    async def _figures(self, request: Request, tenant: Tenant, weeks: int) -> Figures | None:
        """The tenant's figures, or None when the figures store cannot be read (e.g. its database is down)."""
        periods = published_weeks(self.now(), weeks)
        try:
            store = shared_recorder().store
            daily = await request.app.loop.run_in_executor(
                None, store.daily, tenant.id, periods[0].start, periods[-1].end
            )
        except Exception as error:  # noqa: BLE001 - any store failure: a kind page, never a bare 500
            logger.error("Dashboard: figures for tenant %s could not be read (%s).", tenant.id, type(error).__name__)
            return None
        return weekly_figures(tenant.id, daily, periods)

    def _set_session(self, request: Request, resp: HTTPResponse, tenant: Tenant, hash_: str) -> None:
        resp.cookies[COOKIE] = self.sessions.issue(tenant, hash_)
        cookie = resp.cookies[COOKIE]
        cookie["path"] = page.BASE
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["max-age"] = self.sessions.seconds
        if is_https(request):
            cookie["secure"] = True

    # --- routes --------------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("dashboard_channel", __name__)

        @bp.middleware("response")
        async def headers(request: Request, resp: HTTPResponse) -> None:
            if resp is None:
                return
            drop_cors_headers(resp)  # nobody else's page may read these
            add_headers(resp, HEADERS)

        @bp.route("/", methods=["GET"])
        async def home(request: Request) -> HTTPResponse:
            try:
                tenant = await self._signed_in(request)
            except RevocationsUnavailable:
                return self._html(page.message_page("Figures not available", UNAVAILABLE), status=503)
            if tenant is None:
                return self._html(page.sign_in_page())
            weeks = self._weeks(request)
            figures = await self._figures(request, tenant, weeks)
            if figures is None:
                return self._html(page.message_page("Figures not available", UNAVAILABLE), status=503)
            return self._html(page.figures_page(tenant.display_name, figures, weeks))

        @bp.route("/dashboard.css", methods=["GET"])
        async def stylesheet(request: Request) -> HTTPResponse:
            return response.text(page.CSS, content_type="text/css; charset=utf-8")

        @bp.route("/sign-in", methods=["POST"])
        async def sign_in(request: Request) -> HTTPResponse:
            if self._cross_site(request):
                return response.text(ELSEWHERE + "\n", status=403)
            if media_type(request) != "application/x-www-form-urlencoded" or len(request.body or b"") > 2048:
                return self._html(page.sign_in_page(TRY_AGAIN), status=400)
            form = parse_qs((request.body or b"").decode("utf-8", "replace"), max_num_fields=5)
            tenant_id = (form.get("tenant") or [""])[0].strip()
            token = (form.get("token") or [""])[0].strip()
            # Shown back whatever it is (escaped by the page), so the form never tells which ids exist.
            shown_id = tenant_id[:MAX_TYPED_ID]
            # Per address, not per tenant: a stranger hammering a charity's id must not lock the charity out.
            # Tokens from `make dashboard-token` are 256-bit random, so guessing is hopeless anyway.
            if not self.limiter.allow(f"ip:{client_address(request)}"):
                return self._html(page.sign_in_page(TOO_MANY, shown_id), status=429)
            tenant = self.tenants.get(tenant_id)
            if not check_token(tenant, token):
                logger.info("Dashboard: a sign-in was refused.")
                return self._html(page.sign_in_page(WRONG, shown_id), status=401)
            resp = response.redirect(f"{page.BASE}/", status=303)
            self._set_session(request, resp, tenant, expected_hash(tenant) or token_hash(token))
            logger.info("Dashboard: tenant %s signed in.", tenant.id)
            return resp

        @bp.route("/sign-out", methods=["POST"])
        async def sign_out(request: Request) -> HTTPResponse:
            if self._cross_site(request):
                return response.text(ELSEWHERE + "\n", status=403)
            session = self.sessions.read(request.cookies.get(COOKIE), self.tenants)
            if session is not None:
                try:
                    await request.app.loop.run_in_executor(
                        None, self.revocations(request).revoke, session.id, session.expiry
                    )
                except Exception as error:  # noqa: BLE001 - keep the cookie so the person can try again
                    logger.error("Dashboard: a sign-out could not be recorded (%s).", type(error).__name__)
                    return self._html(page.message_page("Not signed out", NOT_SIGNED_OUT), status=503)
                logger.info("Dashboard: tenant %s signed out.", session.tenant.id)
            resp = response.redirect(f"{page.BASE}/", status=303)
            resp.cookies[COOKIE] = ""
            resp.cookies[COOKIE]["path"] = page.BASE
            resp.cookies[COOKIE]["max-age"] = 0
            return resp

        @bp.route("/export.csv", methods=["GET"])
        async def export(request: Request) -> HTTPResponse:
            try:
                tenant = await self._signed_in(request) or self._basic_auth(request)
            except RevocationsUnavailable:
                return response.text(UNAVAILABLE + "\n", status=503)
            if tenant is None:
                return response.text(
                    NOT_SIGNED_IN + "\n", status=401, headers={"WWW-Authenticate": 'Basic realm="Reclaim figures"'}
                )
            weeks = self._weeks(request)
            figures = await self._figures(request, tenant, weeks)
            if figures is None:
                return response.text(UNAVAILABLE + "\n", status=503)
            filename = f"reclaim-{tenant.id}-{figures.weeks[-1].end.isoformat()}-{weeks}-weeks.csv"
            return response.text(
                figures_csv(figures),
                content_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )

        return bp
