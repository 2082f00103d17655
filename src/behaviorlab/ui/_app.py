"""The web app: routes, the access rules (loopback by default, a token elsewhere) and errors.

Every page is a thin view over the Python API; the only write is feedback
(:func:`behaviorlab.feedback.add_feedback`).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from behaviorlab.store import Store
from behaviorlab.ui import _evals, _models, _queue, _runs
from behaviorlab.ui._view import STATIC_DIR, render

log = logging.getLogger("behaviorlab.ui")

TOKEN_ENV = "BEHAVIORLAB_UI_TOKEN"
TOKEN_COOKIE = "behaviorlab_ui_token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


class UIError(ValueError):
    """A setting the server cannot start with (e.g. a public address without a token)."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class UISettings:
    """How the app is exposed. ``token`` gates every page and every write when set; binding
    to anything but loopback requires one."""

    host: str = "127.0.0.1"
    token: str | None = None

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < 8:
            raise UIError("the token must be at least 8 characters")
        if not is_loopback(self.host) and not self.token:
            raise UIError(
                f"binding to {self.host} exposes the store beyond this machine: give a token "
                f"(--token or ${TOKEN_ENV})"
            )


class _Guard(BaseHTTPMiddleware):
    """Host check (DNS rebinding), token check, and same-origin writes (CSRF)."""

    def __init__(self, app: Any, settings: UISettings) -> None:
        super().__init__(app)
        self.settings = settings

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        s = self.settings
        host = _host_name(request.headers.get("host") or "")
        if is_loopback(s.host) and not is_loopback(host):
            # a page elsewhere whose name resolves to 127.0.0.1 must not read the store
            return _refuse(request, 421, f"this server answers only to localhost, not {host!r}")
        write = request.method not in ("GET", "HEAD", "OPTIONS")
        if write and not _same_origin(request):
            return _refuse(request, 403, "a write from another site was refused")
        if s.token and not request.url.path.startswith("/static/"):
            given = request.query_params.get("token")
            if given is not None and not write:
                if not _token_ok(given, s.token):
                    return _refuse(request, 401, "wrong token")
                # move the token from the address bar into a cookie, then drop it from the URL
                clean = request.url.remove_query_params("token")
                resp = RedirectResponse(str(clean), status_code=303)
                resp.set_cookie(
                    TOKEN_COOKIE, given, httponly=True, samesite="strict", max_age=30 * 86400
                )
                return resp
            if not _token_ok(_request_token(request), s.token):
                what = "write" if write else "page"
                return _refuse(
                    request,
                    403 if write else 401,
                    f"this {what} needs the server's token: open the address `behaviorlab ui` "
                    "printed (it ends in ?token=...), or send Authorization: Bearer <token>",
                )
        return await call_next(request)


def _host_name(header: str) -> str:
    """The name in a Host header, without the port (``[::1]:8000`` → ``::1``)."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _request_token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.cookies.get(TOKEN_COOKIE)


def _token_ok(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:  # not a browser: nothing to forge
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host")


def _refuse(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return render(
        request, "error.html", {"status": exc.status_code, "message": exc.detail}, exc.status_code
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s", request.url.path)
    return render(
        request,
        "error.html",
        {"status": 500, "message": f"{type(exc).__name__}: {exc}"},
        status=500,
    )


@cache
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode()


def _plotly(request: Request) -> Response:
    # served from the installed plotly package: the page works without a network
    return Response(
        _plotly_js(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def create_app(store: Store, settings: UISettings | None = None) -> Starlette:
    """The app over ``store``; serve it with any ASGI server (``behaviorlab ui`` uses uvicorn)."""
    settings = settings or UISettings()
    routes = [
        Route("/", _evals.index),
        Route("/evals/{eval_id:path}", _evals.eval_page),
        Route("/compare", _evals.compare_page),
        Route("/history", _evals.history_page),
        Route("/traces", _runs.traces_page),
        Route("/runs/{trace_id}", _runs.run_page),
        Route("/queue", _queue.queue_page),
        Route("/label/{trace_id}", _queue.label_page),
        Route("/feedback", _queue.post_feedback, methods=["POST"]),
        Route("/models", _models.models_page),
        Route("/static/plotly.min.js", _plotly),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(_Guard, settings=settings)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.store = store
    app.state.settings = settings
    app.state.charts = _evals.ChartCache()
    return app
