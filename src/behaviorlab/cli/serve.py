"""``behaviorlab serve``: any behaviorlab model behind an OpenAI-compatible HTTP endpoint.

Standard library only; meant for local use (tests, sharing one loaded model between tools),
not as a production server.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import typer

from behaviorlab.models import (
    GenerationConfig,
    Message,
    Model,
    ModelError,
    ToolCall,
    ToolSpec,
    get_model,
)


def make_server(model: Model, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                self._send(
                    200, {"object": "list", "data": [{"id": model.model_name, "object": "model"}]}
                )
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            try:
                body = json.loads(
                    self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}"
                )
                messages = [_message(m) for m in body["messages"]]
                tools = [
                    ToolSpec(
                        name=t["function"]["name"],
                        description=t["function"].get("description", ""),
                        parameters=t["function"].get("parameters", {}),
                    )
                    for t in body.get("tools") or []
                ]
                rf = body.get("response_format") or {}
                schema = (
                    (rf.get("json_schema") or {}).get("schema")
                    if rf.get("type") == "json_schema"
                    else rf.get("schema")
                )
                cfg = GenerationConfig(
                    temperature=float(body.get("temperature", 0.0)),
                    max_tokens=int(body.get("max_tokens", 512)),
                    seed=int(body.get("seed", 0)),
                    stop=body.get("stop") or [],
                )
            except (KeyError, TypeError, ValueError) as e:
                self._send(400, {"error": {"message": f"bad request: {e}"}})
                return
            try:
                with lock:
                    c = model.complete(
                        messages, tools=tools or None, json_schema=schema, config=cfg
                    )
            except ModelError as e:
                self._send(500, {"error": {"message": str(e)}})
                return
            msg: dict[str, Any] = {"role": "assistant", "content": c.text}
            if c.tool_calls:
                msg["tool_calls"] = [
                    {
                        "id": t.id,
                        "type": "function",
                        "function": {"name": t.name, "arguments": json.dumps(t.arguments)},
                    }
                    for t in c.tool_calls
                ]
            self._send(
                200,
                {
                    "id": c.response_id or f"chatcmpl-{uuid.uuid4().hex}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model.model_name,
                    "choices": [
                        {
                            "index": 0,
                            "message": msg,
                            "finish_reason": "tool_calls" if c.tool_calls else c.finish_reason,
                        }
                    ],
                    "usage": {
                        "prompt_tokens": c.usage.input_tokens,
                        "completion_tokens": c.usage.output_tokens,
                        "total_tokens": c.usage.total_tokens,
                    },
                },
            )

    return ThreadingHTTPServer((host, port), Handler)


def _message(m: dict[str, Any]) -> Message:
    calls = [
        ToolCall(
            id=c.get("id", ""),
            name=c["function"]["name"],
            arguments=json.loads(c["function"].get("arguments") or "{}"),
        )
        for c in m.get("tool_calls") or []
    ]
    return Message(
        role=m["role"],
        content=m.get("content") or "",
        tool_calls=calls,
        tool_call_id=m.get("tool_call_id"),
        name=m.get("name"),
    )


def serve(
    model: str = typer.Option("default", "--model", "-m", help="provider/model to serve"),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8765, "--port"),
) -> None:
    """Serve a model behind an OpenAI-compatible /v1/chat/completions endpoint."""
    server = make_server(get_model(model), host, port)
    typer.echo(f"serving {model} on http://{host}:{server.server_address[1]}/v1", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
