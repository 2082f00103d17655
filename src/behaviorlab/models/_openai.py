"""OpenAI-compatible HTTP provider: OpenAI, Together, vLLM, llama.cpp server, ``behaviorlab serve``."""

from __future__ import annotations

import json
import os
import time
from typing import Any, ClassVar

import httpx

from behaviorlab.models._base import Model
from behaviorlab.models._errors import InfraError, ModelError
from behaviorlab.models._grammar import without_extensions
from behaviorlab.models._types import (
    Completion,
    GenerationConfig,
    Message,
    ToolCall,
    ToolSpec,
    Usage,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"


class OpenAIModel(Model):
    provider: ClassVar[str] = "openai"
    supports_tools: ClassVar[bool] = True
    supports_json_schema: ClassVar[bool] = True

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        timeout_s: float = 120.0,
        max_retries: int = 3,
        native_tools: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(model, **kw)
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.native_tools = native_tools
        self._client: httpx.Client | None = None

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "base_url": self.base_url}

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            key = os.environ.get(self.api_key_env, "")
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            self._client = httpx.Client(
                base_url=self.base_url, headers=headers, timeout=self.timeout_s
            )
        return self._client

    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        body: dict[str, Any] = {
            "model": self.model_name,
            "messages": [_wire_message(m) for m in messages],
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "seed": config.seed,
        }
        if config.stop:
            body["stop"] = config.stop
        if tools:
            body["tools"] = [t.openai() for t in tools]
            if config.tool_choice != "auto":  # servers differ on an explicit "auto"
                body["tool_choice"] = config.tool_choice
        if json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                # the alternatives reach the server; their order (x-follows) is llama.cpp's
                "json_schema": {"name": "output", "schema": without_extensions(json_schema)},
            }
        data = self._post("/chat/completions", body)
        try:
            choice = data["choices"][0]
            msg = choice["message"]
        except (KeyError, IndexError, TypeError) as e:
            raise ModelError(f"{self.base_url} returned no choices: {str(data)[:300]}") from e
        calls = [
            ToolCall(
                id=c.get("id") or f"call_{i}",
                name=c["function"]["name"],
                arguments=_loads_args(c["function"].get("arguments")),
            )
            for i, c in enumerate(msg.get("tool_calls") or [])
        ]
        usage = data.get("usage") or {}
        return Completion(
            text=msg.get("content") or "",
            tool_calls=calls,
            usage=Usage(
                input_tokens=int(usage.get("prompt_tokens", 0)),
                output_tokens=int(usage.get("completion_tokens", 0)),
            ),
            model=data.get("model") or self.model_name,
            finish_reason=choice.get("finish_reason") or "stop",
            response_id=data.get("id"),
        )

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with retries on transport errors, 429 and 5xx. What retrying cannot mend —
        no server, refused credentials, no such model or route — is an :class:`InfraError`."""
        url = f"{self.base_url}{path}"
        delay = 0.5
        for attempt in range(self.max_retries + 1):
            try:
                r = self.client.post(path, json=body)
            except httpx.HTTPError as e:
                if attempt == self.max_retries:
                    raise InfraError(
                        f"model endpoint {url} unreachable: {type(e).__name__}: {e}"
                    ) from e
            else:
                if r.status_code == 200:
                    try:
                        return r.json()  # type: ignore[no-any-return]
                    except json.JSONDecodeError as e:
                        raise ModelError(f"{url} returned non-JSON: {r.text[:300]!r}") from e
                if r.status_code in (401, 403):
                    raise InfraError(
                        f"model endpoint {url} refused the credentials (HTTP {r.status_code}; "
                        f"key from ${self.api_key_env}): {_one_line(r.text)}"
                    )
                if r.status_code == 404:
                    raise InfraError(
                        f"model endpoint {url} has no such route or model {self.model_name!r} "
                        f"(HTTP 404): {_one_line(r.text)}"
                    )
                retryable = r.status_code == 429 or r.status_code >= 500
                if not retryable:
                    raise ModelError(f"{url} answered HTTP {r.status_code}: {r.text[:300]}")
                if attempt == self.max_retries:
                    raise InfraError(
                        f"model endpoint {url} still answered HTTP {r.status_code} after "
                        f"{self.max_retries + 1} tries: {_one_line(r.text)}"
                    )
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _one_line(text: str, n: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n] + "…"


def _wire_message(m: Message) -> dict[str, Any]:
    d: dict[str, Any] = {"role": m.role, "content": m.content}
    if m.tool_calls:
        d["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments_json()},
            }
            for c in m.tool_calls
        ]
    if m.tool_call_id:
        d["tool_call_id"] = m.tool_call_id
    if m.name and m.role == "tool":
        d["name"] = m.name
    return d


def _loads_args(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        val = json.loads(raw or "{}")
    except json.JSONDecodeError:
        return {"_raw": raw}
    return val if isinstance(val, dict) else {"_value": val}
