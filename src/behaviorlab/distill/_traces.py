"""Agent runs as distillation sees them (:class:`TraceRun`), from three sources.

- the project's own store: an evaluation's rows link each trace to its score;
- OpenAI chat-format JSONL (``{"messages": [...]}`` with ``tool_calls``), the format
  agent logs and fine-tuning sets already use;
- OpenTelemetry GenAI spans as OTLP JSON (one export request per file, or one per line).

A bad row is reported with its line number and skipped; every other row is kept.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.evals import get_eval, load_results
from behaviorlab.scoring import parse_number
from behaviorlab.store import Store
from behaviorlab.trace import SpanRecord


class TraceStep(BaseModel):
    """One tool call of a run, with its arguments and (JSON-decoded where possible) result."""

    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: Any = None
    error: str | None = None


class TraceRun(BaseModel):
    """One agent run: what it was given, the tools it called, what it answered, whether it was right."""

    input: str
    steps: list[TraceStep] = Field(default_factory=list)
    final_answer: Any = None
    #: None when the source carries no score
    success: bool | None = None
    score: float | None = None
    source: str = ""
    trace_id: str | None = None
    scenario_id: str | None = None

    @property
    def tools(self) -> list[str]:
        return [s.tool for s in self.steps]

    def ok_steps(self) -> list[TraceStep]:
        """The calls that worked: a failed call the agent recovered from is not part of its path."""
        return [s for s in self.steps if s.error is None]


class ImportIssue(BaseModel):
    """A row that could not be read (``line`` is 1-based) and was skipped."""

    file: str
    line: int
    reason: str


class TraceImport(BaseModel):
    runs: list[TraceRun] = Field(default_factory=list)
    issues: list[ImportIssue] = Field(default_factory=list)

    def successful(self, *, include_unscored: bool = False) -> list[TraceRun]:
        return [r for r in self.runs if r.success or (include_unscored and r.success is None)]


def decode(value: Any) -> Any:
    """A tool result as data: JSON text becomes its value, anything else stays as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (json.JSONDecodeError, ValueError):
            return value
    return value


# ----------------------------------------------------------------------------- store


def runs_from_spans(spans: list[SpanRecord]) -> TraceRun | None:
    """The run recorded in one trace: the root span's input and output, its tool spans in order."""
    if not spans:
        return None
    roots = [s for s in spans if s.parent_id is None] or [spans[0]]
    root = roots[0]
    steps = []
    for s in sorted(spans, key=lambda s: s.start_ns):
        if s.kind != "tool":
            continue
        name = s.attributes.get("gen_ai.tool.name") or s.name.removeprefix("execute_tool ").strip()
        raw_args = s.attributes.get("gen_ai.tool.call.arguments", s.input)
        args = decode(raw_args) if raw_args is not None else {}
        if not isinstance(args, dict):
            args = {}
        steps.append(
            TraceStep(
                tool=str(name),
                arguments=args,
                result=None if s.status == "error" else decode(s.output),
                error=(s.error or "error") if s.status == "error" else None,
            )
        )
    return TraceRun(
        input=root.input or "",
        steps=steps,
        final_answer=decode(root.output),
        trace_id=root.trace_id,
    )


def runs_from_store(store: Store, eval_id: str) -> TraceImport:
    """Every run of a stored evaluation, with ``success`` from its score."""
    rec = get_eval(store, eval_id)
    out = TraceImport()
    for row in load_results(store, rec.eval_id):
        if not row.trace_id:
            out.issues.append(
                ImportIssue(
                    file=f"eval:{rec.eval_id}", line=0, reason=f"{row.scenario_id}: no trace"
                )
            )
            continue
        run = runs_from_spans(store.trace_spans(row.trace_id))
        if run is None:
            out.issues.append(
                ImportIssue(
                    file=f"eval:{rec.eval_id}",
                    line=0,
                    reason=f"{row.scenario_id}: trace {row.trace_id} has no spans",
                )
            )
            continue
        run.success = row.correct
        run.score = row.score
        run.final_answer = row.answer if row.answer is not None else run.final_answer
        run.source = f"eval:{rec.eval_id}"
        run.scenario_id = row.scenario_id
        out.runs.append(run)
    return out


# ----------------------------------------------------------------------------- OpenAI JSONL


def _success_fields(obj: dict[str, Any], min_score: float) -> tuple[bool | None, float | None]:
    raw_meta = obj.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    for src in (obj, meta):
        for key in ("success", "correct"):
            if isinstance(src.get(key), bool):
                score = src.get("score")
                return src[key], float(score) if isinstance(score, int | float) else float(src[key])
        if isinstance(src.get("score"), int | float) and not isinstance(src.get("score"), bool):
            return float(src["score"]) >= min_score, float(src["score"])
    return None, None


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    raise ValueError(f"message content must be text, got {type(content).__name__}")


def _run_from_openai(obj: Any, min_score: float) -> TraceRun:
    if not isinstance(obj, dict) or not isinstance(obj.get("messages"), list):
        raise ValueError('expected an object with a "messages" list')
    steps: list[TraceStep] = []
    pending: dict[str, TraceStep] = {}
    user_text: str | None = None
    final: str | None = None
    for k, m in enumerate(obj["messages"]):
        if not isinstance(m, dict) or "role" not in m:
            raise ValueError(f"message {k} has no role")
        role = m["role"]
        if role == "user" and user_text is None:
            user_text = _content_text(m.get("content"))
        elif role == "assistant":
            for call in m.get("tool_calls") or []:
                fn = call.get("function") if isinstance(call, dict) else None
                if not isinstance(fn, dict) or "name" not in fn:
                    raise ValueError(f"message {k}: a tool call without a function name")
                raw = fn.get("arguments", "{}")
                try:
                    args = json.loads(raw) if isinstance(raw, str) else raw
                except json.JSONDecodeError as e:
                    raise ValueError(
                        f"message {k}: arguments of {fn['name']} are not JSON ({e.msg})"
                    ) from e
                if not isinstance(args, dict):
                    raise ValueError(f"message {k}: arguments of {fn['name']} are not an object")
                step = TraceStep(tool=str(fn["name"]), arguments=args)
                steps.append(step)
                pending[str(call.get("id", f"call_{len(steps)}"))] = step
            text = _content_text(m.get("content"))
            if text and not m.get("tool_calls"):
                final = text
        elif role == "tool":
            call_id = str(m.get("tool_call_id", ""))
            found = pending.pop(call_id, None)
            if found is None:
                raise ValueError(f"message {k}: tool result for unknown call id {call_id!r}")
            step = found
            content = _content_text(m.get("content"))
            if content.startswith("Error:"):
                step.error = content
            else:
                step.result = decode(content)
    if user_text is None:
        raise ValueError("no user message")
    success, score = _success_fields(obj, min_score)
    answer: Any = obj.get("final_answer", final)
    return TraceRun(
        input=user_text,
        steps=steps,
        final_answer=answer,
        success=success,
        score=score,
        trace_id=obj.get("id") if isinstance(obj.get("id"), str) else None,
    )


def runs_from_openai_jsonl(path: str | Path, *, min_score: float = 1.0) -> TraceImport:
    """OpenAI chat-format JSONL: one ``{"messages": [...]}`` per line.

    ``success`` comes from a ``success``/``correct`` boolean or a ``score`` (≥ ``min_score``),
    at the top level or under ``metadata``; runs without one are unscored.
    """
    p = Path(path)
    out = TraceImport()
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            run = _run_from_openai(json.loads(line), min_score)
        except (json.JSONDecodeError, ValueError) as e:
            out.issues.append(ImportIssue(file=str(p), line=n, reason=str(e)))
            continue
        run.source = f"openai:{p.name}:{n}"
        out.runs.append(run)
    return out


def to_openai_jsonl(runs: Iterable[TraceRun], system_prompt: str | None = None) -> str:
    """The runs as OpenAI chat-format JSONL (what ``runs_from_openai_jsonl`` reads back)."""
    lines = []
    for r in runs:
        msgs: list[dict[str, Any]] = []
        if system_prompt:
            msgs.append({"role": "system", "content": system_prompt})
        msgs.append({"role": "user", "content": r.input})
        for i, s in enumerate(r.steps):
            cid = f"call_{i}"
            fn = {"name": s.tool, "arguments": json.dumps(s.arguments)}
            msgs.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [{"id": cid, "type": "function", "function": fn}],
                }
            )
            content = (
                f"Error: {s.error}"
                if s.error
                else (s.result if isinstance(s.result, str) else json.dumps(s.result))
            )
            msgs.append({"role": "tool", "tool_call_id": cid, "content": content})
        msgs.append({"role": "assistant", "content": f"Final Answer: {r.final_answer}"})
        row: dict[str, Any] = {"messages": msgs}
        if r.success is not None:
            row["success"] = r.success
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")


# ----------------------------------------------------------------------------- OTLP JSON


def _otlp_value(v: dict[str, Any]) -> Any:
    if "stringValue" in v:
        return v["stringValue"]
    if "boolValue" in v:
        return bool(v["boolValue"])
    if "intValue" in v:
        return int(v["intValue"])
    if "doubleValue" in v:
        return float(v["doubleValue"])
    if "arrayValue" in v:
        return [_otlp_value(x) for x in v["arrayValue"].get("values", [])]
    if "kvlistValue" in v:
        return {
            kv["key"]: _otlp_value(kv.get("value", {})) for kv in v["kvlistValue"].get("values", [])
        }
    return None


def _otlp_attrs(items: Any) -> dict[str, Any]:
    if not isinstance(items, list):
        return {}
    return {
        a["key"]: _otlp_value(a.get("value", {}))
        for a in items
        if isinstance(a, dict) and "key" in a
    }


def _otlp_spans(doc: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("resourceSpans"), list):
        raise ValueError('expected an OTLP export request with "resourceSpans"')
    for rs in doc["resourceSpans"]:
        for ss in rs.get("scopeSpans", rs.get("instrumentationLibrarySpans", [])):
            yield from ss.get("spans", [])


def _first_user_text(messages_json: Any) -> str | None:
    msgs = decode(messages_json)
    if not isinstance(msgs, list):
        return None
    for m in msgs:
        if isinstance(m, dict) and m.get("role") == "user":
            if "content" in m:
                return _content_text(m["content"])
            parts = m.get("parts", [])
            return "".join(p.get("content", "") for p in parts if isinstance(p, dict))
    return None


def _run_from_otlp_trace(spans: list[dict[str, Any]], min_score: float) -> TraceRun:
    ids = {s.get("spanId") for s in spans}
    roots = [s for s in spans if not s.get("parentSpanId") or s.get("parentSpanId") not in ids]
    root = min(roots, key=lambda s: int(s.get("startTimeUnixNano", 0)))
    ra = _otlp_attrs(root.get("attributes"))
    text = ra.get("behaviorlab.input")
    if text is None:
        text = _first_user_text(ra.get("gen_ai.input.messages"))
    if text is None:  # the first model call's prompt holds it
        for s in sorted(spans, key=lambda s: int(s.get("startTimeUnixNano", 0))):
            a = _otlp_attrs(s.get("attributes"))
            text = _first_user_text(a.get("gen_ai.input.messages") or a.get("behaviorlab.input"))
            if text is not None:
                break
    if text is None:
        raise ValueError(f"trace {root.get('traceId')}: no input text on the root span")
    steps = []
    for s in sorted(spans, key=lambda s: int(s.get("startTimeUnixNano", 0))):
        a = _otlp_attrs(s.get("attributes"))
        if a.get("gen_ai.operation.name") != "execute_tool" and not str(
            s.get("name", "")
        ).startswith("execute_tool"):
            continue
        name = (
            a.get("gen_ai.tool.name") or str(s.get("name", "")).removeprefix("execute_tool").strip()
        )
        raw = a.get("gen_ai.tool.call.arguments", a.get("behaviorlab.input", "{}"))
        args = decode(raw) if isinstance(raw, str) else raw
        if not isinstance(args, dict):
            raise ValueError(f"span {s.get('spanId')}: arguments of {name} are not a JSON object")
        failed = isinstance(s.get("status"), dict) and s["status"].get("code") == 2
        result = a.get("gen_ai.tool.call.result", a.get("behaviorlab.output"))
        steps.append(
            TraceStep(
                tool=str(name),
                arguments=args,
                result=None if failed else decode(result),
                error=(s["status"].get("message") or "error") if failed else None,
            )
        )
    success: bool | None = (
        ra.get("behaviorlab.correct") if isinstance(ra.get("behaviorlab.correct"), bool) else None
    )
    score: float | None = None
    events = [e for e in root.get("events", []) if e.get("name") == "gen_ai.evaluation.result"]
    score_attr = ra.get("gen_ai.evaluation.score.value")
    if score_attr is None and events:
        score_attr = _otlp_attrs(events[0].get("attributes")).get("gen_ai.evaluation.score.value")
    if isinstance(score_attr, int | float):
        score = float(score_attr)
        if success is None:
            success = score >= min_score
    answer = ra.get("behaviorlab.output")
    if answer is None:
        answer = ra.get("gen_ai.output.messages")
    return TraceRun(
        input=text,
        steps=steps,
        final_answer=decode(answer),
        success=success,
        score=score,
        trace_id=root.get("traceId"),
    )


def runs_from_otlp_json(path: str | Path, *, min_score: float = 1.0) -> TraceImport:
    """OTLP JSON spans (a whole-file export request, or one request per line as the
    collector's file exporter writes). Spans are grouped by trace; tool spans are those with
    ``gen_ai.operation.name = execute_tool``. Success comes from ``behaviorlab.correct`` or
    a ``gen_ai.evaluation.score.value`` on the root span or its evaluation event."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    docs: list[tuple[int, Any]] = []
    out = TraceImport()
    try:
        docs = [(1, json.loads(text))]
    except json.JSONDecodeError:
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                docs.append((n, json.loads(line)))
            except json.JSONDecodeError as e:
                out.issues.append(ImportIssue(file=str(p), line=n, reason=f"not JSON ({e.msg})"))
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    line_of: dict[str, int] = {}
    for n, doc in docs:
        try:
            spans = list(_otlp_spans(doc))
        except (ValueError, AttributeError, TypeError) as e:
            out.issues.append(ImportIssue(file=str(p), line=n, reason=str(e)))
            continue
        for s in spans:
            tid = s.get("traceId") if isinstance(s, dict) else None
            if not tid:
                out.issues.append(ImportIssue(file=str(p), line=n, reason="a span without traceId"))
                continue
            by_trace[tid].append(s)
            line_of.setdefault(tid, n)
    for tid, spans in by_trace.items():
        try:
            run = _run_from_otlp_trace(spans, min_score)
        except (ValueError, KeyError, TypeError) as e:
            out.issues.append(ImportIssue(file=str(p), line=line_of[tid], reason=str(e)))
            continue
        run.source = f"otlp:{p.name}"
        out.runs.append(run)
    return out


def load_runs(source: str, store: Store | None = None, *, min_score: float = 1.0) -> TraceImport:
    """``source`` is a stored evaluation id (or ``latest``), a ``.jsonl`` OpenAI chat log,
    or an OTLP ``.json`` export; files are told apart by their content."""
    p = Path(source)
    if p.is_file():
        with p.open(encoding="utf-8") as f:
            head = f.read(4096)
        if '"resourceSpans"' in head:
            return runs_from_otlp_json(p, min_score=min_score)
        return runs_from_openai_jsonl(p, min_score=min_score)
    if store is None:
        raise FileNotFoundError(
            f"{source} is not a file, and no store was given to look it up as an evaluation"
        )
    return runs_from_store(store, source)


def answer_number(value: Any) -> float | None:
    """The number an answer states ("Final Answer: $1,234" → 1234.0)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.split("Final Answer")[-1] if "Final Answer" in value else value
        return parse_number(text)
    return None
