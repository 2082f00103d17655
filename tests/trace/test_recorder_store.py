from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import inspect

from behaviorlab.agents import FunctionAgent
from behaviorlab.models import Message, ScriptedModel
from behaviorlab.store import MIGRATIONS, Store, StoreError
from behaviorlab.trace import OTLPExporter, Recorder, span, traced


def test_migrations_are_numbered_and_applied_once(store_url):
    st = Store(store_url)
    numbers = [m[0] for m in MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert st.version() == numbers[-1]
    assert Store(store_url).migrate() == []  # reopening applies nothing
    tables = set(inspect(st.engine).get_table_names())
    assert {"spans", "evals", "results", "schema_version", "model_versions"} <= tables


def test_store_path_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises((StoreError, OSError)):
        Store(f"sqlite:///{blocker}/sub/store.db")


def test_nested_spans_with_genai_attributes(store_url):
    st = Store(store_url)
    model = ScriptedModel(["hello there"])
    with Recorder(st) as rec, rec.span("invoke_agent demo", kind="agent") as root:
        model.complete([Message.user("hi")])
        with span("inner", kind="workflow"):
            pass
    spans = st.trace_spans(root.trace_id)
    by_name = {s.name: s for s in spans}
    assert set(by_name) == {"invoke_agent demo", "chat fake", "inner"}
    chat = by_name["chat fake"]
    assert chat.parent_id == root.span_id and chat.kind == "llm"
    assert chat.attributes["gen_ai.operation.name"] == "chat"
    assert chat.attributes["gen_ai.request.model"] == "fake"
    assert chat.attributes["gen_ai.usage.input_tokens"] == chat.input_tokens > 0
    assert chat.output == "hello there"


def test_batches_are_written_together_and_flushed_on_exit(store_url):
    st = Store(store_url)
    rec = Recorder(st, batch_size=50, flush_on_root=False)
    with rec:
        for i in range(120):
            with rec.span(f"s{i}"):
                pass
        # two full batches written, the rest still buffered
        assert rec.pending == 20
        assert len(st.list_traces(limit=1000)) == 100
    assert len(st.list_traces(limit=1000)) == 120


def test_failed_write_keeps_spans_for_next_flush(store_url):
    st = Store(store_url)
    rec = Recorder(st, flush_on_root=False)
    calls = {"n": 0}
    real = st.write_spans

    def flaky(spans):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        real(spans)

    st.write_spans = flaky  # type: ignore[method-assign]
    with rec.span("a"):
        pass
    with pytest.raises(OSError, match="disk full"):
        rec.flush()
    assert rec.pending == 1
    rec.flush()
    assert [s.name for s in st.list_traces()] == ["a"]


def test_error_inside_span_is_recorded_and_reraised(store_url):
    st = Store(store_url)
    rec = Recorder(st)
    with pytest.raises(ValueError), rec, rec.span("boom"):
        raise ValueError("bad thing")
    (s,) = st.list_traces()
    assert s.status == "error" and "bad thing" in (s.error or "")


def test_decorators_record_arguments_and_results(store_url):
    st = Store(store_url)
    rec = Recorder(st)

    @rec.trace("double")
    def double(x: int) -> int:
        return 2 * x

    @traced()
    def triple(x: int) -> int:
        return 3 * x

    with rec:
        assert double(4) == 8
        assert triple(2) == 6
    names = {s.name: s for s in st.list_traces()}
    assert names["double"].output == "8"
    assert "test_decorators_record_arguments_and_results.<locals>.triple" in names


def test_agent_run_without_recorder_still_counts_usage():
    agent = FunctionAgent(
        lambda x: ScriptedModel(["ok"]).complete([Message.user(x)]).text, name="f"
    )
    r = agent.run("hello")
    assert r.output == "ok" and r.llm_calls == 1 and r.input_tokens > 0 and r.trace_id is None


def test_concurrent_writers_share_one_sqlite_file(store_url):
    st = Store(store_url)
    errors: list[Exception] = []

    def work(k: int) -> None:
        try:
            rec = Recorder(Store(store_url))
            with rec:
                for i in range(30):
                    with rec.span(f"w{k}-{i}"):
                        pass
        except Exception as e:  # pragma: no cover - the assertion below reports it
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(st.list_traces(limit=1000)) == 120


def test_otlp_export_posts_genai_spans_to_a_collector(store_url):
    received: list[dict] = []

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            received.append(
                {
                    "path": self.path,
                    "body": json.loads(self.rfile.read(int(self.headers["Content-Length"]))),
                }
            )
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    srv = HTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        rec = Recorder(
            Store(store_url), exporters=[OTLPExporter(f"http://127.0.0.1:{srv.server_address[1]}")]
        )
        with rec, rec.span("invoke_agent x", kind="agent"):
            ScriptedModel(["hi"]).complete([Message.user("q")])
    finally:
        srv.shutdown()
    assert received and received[0]["path"] == "/v1/traces"
    spans = received[0]["body"]["resourceSpans"][0]["scopeSpans"][0]["spans"]
    chat = next(s for s in spans if s["name"] == "chat fake")
    keys = {a["key"] for a in chat["attributes"]}
    assert {"gen_ai.operation.name", "gen_ai.usage.input_tokens"} <= keys
    assert len(chat["traceId"]) == 32 and len(chat["spanId"]) == 16 and chat["parentSpanId"]
