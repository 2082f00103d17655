"""Shared view plumbing: the template environment, formatting filters, query parameters."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from behaviorlab.store import Store

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _when(t: float | None) -> str:
    if not t:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(t))


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _usd(x: float | None) -> str:
    if not x:
        return "$0"
    return f"${x:.4f}" if x >= 0.01 else f"${x:.6f}"


def _secs(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _num(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def _short(text: object, width: int = 80) -> str:
    if text is None:
        return ""
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _pretty(text: str | None) -> str:
    """JSON re-indented for reading; anything else as it was."""
    if text is None:
        return ""
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        return text
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def _shown(value: Any) -> str:
    """An answer or expected value as the user would write it."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


_env.filters.update(
    when=_when, pct=_pct, usd=_usd, secs=_secs, num=_num, short=_short, pretty=_pretty, shown=_shown
)
_env.globals["Markup"] = Markup


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    settings = getattr(request.app.state, "settings", None)
    html = _env.get_template(name).render(
        request=request,
        path=request.url.path,
        settings=settings,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def int_param(request: Request, name: str, default: int, lo: int = 0, hi: int = 10_000) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be a whole number, not {raw!r}") from None
    if not lo <= value <= hi:
        raise HTTPException(400, f"{name} must be between {lo} and {hi}, not {value}")
    return value


def str_param(request: Request, name: str, max_len: int = 300) -> str | None:
    raw = (request.query_params.get(name) or "").strip()
    if len(raw) > max_len:
        raise HTTPException(400, f"{name} is longer than {max_len} characters")
    return raw or None
