"""OTLP/HTTP JSON: export spans to Phoenix, Langfuse, Jaeger or any collector (no SDK needed),
and the same encoding read back for imports."""

from __future__ import annotations

import json
from typing import Any

import httpx

from behaviorlab.trace._span import SpanRecord

_SPAN_KIND = {"llm": 3, "tool": 1, "agent": 1}  # CLIENT for model calls, INTERNAL otherwise


def _value(v: Any) -> dict[str, Any]:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, list | tuple):
        return {"arrayValue": {"values": [_value(x) for x in v]}}
    return {"stringValue": v if isinstance(v, str) else json.dumps(v, default=str)}


def _attrs(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": k, "value": _value(v)} for k, v in d.items() if v is not None]


def to_otlp_json(spans: list[SpanRecord], service_name: str = "behaviorlab") -> dict[str, Any]:
    out = []
    for s in spans:
        attrs = dict(s.attributes)
        attrs["behaviorlab.kind"] = s.kind
        if s.cost_usd:
            attrs["behaviorlab.cost_usd"] = s.cost_usd  # GenAI conventions have no cost attribute
        if s.cpu_s:
            attrs["behaviorlab.cpu_s"] = s.cpu_s
        if s.input is not None:
            attrs["behaviorlab.input"] = s.input
        if s.output is not None:
            attrs["behaviorlab.output"] = s.output
        span: dict[str, Any] = {
            "traceId": s.trace_id,
            "spanId": s.span_id,
            "name": s.name,
            "kind": _SPAN_KIND.get(s.kind, 1),
            "startTimeUnixNano": str(s.start_ns),
            "endTimeUnixNano": str(s.end_ns),
            "attributes": _attrs(attrs),
            "status": {"code": 2, "message": s.error or ""} if s.status == "error" else {"code": 1},
        }
        if s.parent_id:
            span["parentSpanId"] = s.parent_id
        out.append(span)
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": _attrs({"service.name": service_name})},
                "scopeSpans": [{"scope": {"name": "behaviorlab"}, "spans": out}],
            }
        ]
    }


class OTLPExporter:
    """Posts each flushed batch to ``{endpoint}/v1/traces`` as OTLP JSON."""

    def __init__(
        self,
        endpoint: str = "http://127.0.0.1:4318",
        *,
        headers: dict[str, str] | None = None,
        service_name: str = "behaviorlab",
        timeout_s: float = 10.0,
    ) -> None:
        self.url = endpoint.rstrip("/") + (
            "" if endpoint.rstrip("/").endswith("/v1/traces") else "/v1/traces"
        )
        self.headers = headers or {}
        self.service_name = service_name
        self.timeout_s = timeout_s

    def export(self, spans: list[SpanRecord]) -> None:
        r = httpx.post(
            self.url,
            json=to_otlp_json(spans, self.service_name),
            headers=self.headers,
            timeout=self.timeout_s,
        )
        if r.status_code >= 300:
            raise RuntimeError(
                f"OTLP export to {self.url} failed: HTTP {r.status_code} {r.text[:200]}"
            )
