"""The OpenAI-compatible provider against a real HTTP server on loopback (``behaviorlab serve``)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import BaseModel

from behaviorlab.cli.serve import make_server
from behaviorlab.models import (
    GenerationConfig,
    InfraError,
    Message,
    ModelError,
    OpenAIModel,
    ScriptedModel,
    ToolCall,
    ToolSpec,
    generate_structured,
    get_model,
)


class City(BaseModel):
    city: str


def _serve(model) -> Iterator[str]:
    srv = make_server(model, "127.0.0.1", 0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture()
def scripted_server() -> Iterator[tuple[str, ScriptedModel]]:
    backend = ScriptedModel(
        ['{"city": "Oslo"}', ToolCall(id="call_9", name="lookup", arguments={"q": "fees"}), "plain"]
    )
    for url in _serve(backend):
        yield url, backend


def test_openai_provider_roundtrip_over_http(scripted_server, monkeypatch):
    url, backend = scripted_server
    monkeypatch.setenv("TEST_KEY", "sk-test")
    m = OpenAIModel("fake", base_url=url, api_key_env="TEST_KEY")
    value, comps = generate_structured(m, [Message.user("where?")], City)
    assert value.city == "Oslo"
    assert comps[0].usage.input_tokens > 0 and comps[0].latency_s > 0
    spec = ToolSpec(
        name="lookup",
        description="Look up.",
        parameters={"type": "object", "properties": {"q": {"type": "string"}}},
    )
    c = m.complete([Message.user("fees?")], tools=[spec])
    assert c.tool_calls == [ToolCall(id="call_9", name="lookup", arguments={"q": "fees"})]
    # tool results travel back in OpenAI's wire format and reach the served model
    c = m.complete(
        [
            Message.user("fees?"),
            Message.assistant("", c.tool_calls),
            Message.tool("$35", "call_9", "lookup"),
        ]
    )
    assert c.text == "plain"
    last = backend.calls[-1]
    assert any(
        msg.role == "tool" and msg.content == "$35" and msg.tool_call_id == "call_9" for msg in last
    )


def test_openai_provider_clear_errors(monkeypatch):
    m = OpenAIModel("x", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout_s=2)
    with pytest.raises(
        InfraError, match=re.escape("http://127.0.0.1:9/v1/chat/completions unreachable")
    ):
        m.complete([Message.user("hi")])
    backend = ScriptedModel(["only one"])
    for url in _serve(backend):
        m2 = OpenAIModel("x", base_url=url, max_retries=0)
        m2.complete([Message.user("a")])
        with pytest.raises(InfraError, match="HTTP 500"):
            m2.complete([Message.user("b")])


class _Fixed(BaseHTTPRequestHandler):
    status = 401

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"error": {"message": "Incorrect API key provided"}}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("status", "infra", "words"),
    [
        (401, True, "refused the credentials (HTTP 401; key from $TEST_KEY)"),
        (403, True, "refused the credentials (HTTP 403"),
        (404, True, "no such route or model 'x' (HTTP 404)"),
        (400, False, "HTTP 400"),
    ],
)
def test_openai_provider_infra_errors_are_told_apart(status, infra, words, monkeypatch):
    handler = type("H", (_Fixed,), {"status": status})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("TEST_KEY", "sk-wrong")
        m = OpenAIModel(
            "x",
            base_url=f"http://127.0.0.1:{srv.server_address[1]}/v1",
            api_key_env="TEST_KEY",
            max_retries=0,
        )
        with pytest.raises(ModelError, match=re.escape(words)) as info:
            m.complete([Message.user("hi")])
        assert isinstance(info.value, InfraError) == infra
        assert "sk-wrong" not in str(info.value)  # the key itself is never echoed
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.mark.slow
def test_openai_provider_against_real_smollm2_server():
    backend = get_model("smollm2-135m", config=GenerationConfig(max_tokens=40))
    for url in _serve(backend):
        m = OpenAIModel("smollm2-135m", base_url=url)
        c = m.complete([Message.user("Name one colour.")])
        assert c.text.strip() and c.usage.output_tokens > 0 and c.usage.input_tokens > 0
