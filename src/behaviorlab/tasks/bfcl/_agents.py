"""The single-turn function-calling agent: functions in the system prompt, one completion, the
calls it decoded.

``fc`` passes the tools to the model (``tools=``): an OpenAI-compatible endpoint gets them
natively, llama.cpp gets them in the prompted format with its decoding held to calls of the
offered functions with schema-valid arguments, or plain text. ``fc-prompt`` writes the same
prompt but calls the model without ``tools=`` and parses the text, so nothing constrains the
decode: the ablation of the grammar (and BFCL's "prompt" mode on a native endpoint).

Every decode that opens a call records how sure the agent is that a call was wanted, five
ways (in the run's notes, ``Result.metadata``):

- ``call_confidence``: the probability the model gave the call's first token (the ``<`` of
  ``<tool_call>``) before the grammar masked anything (models that report token
  log-probabilities: llama.cpp);
- ``min_token_p``: the probability of the least likely token of the completion (the same
  models);
- ``grounded``: the share of the calls' argument values the request writes (enum choices and
  flags aside; ``ungrounded_values``), for any model;
- ``relevance_name`` / ``relevance_doc``: how much of what the called functions are about
  (their names; their names and descriptions) the request mentions, from words alone
  (``request_relevance``; the least over the calls), for any model.

With ``min_call_confidence`` the agent withholds calls whose ``call_signal`` is below it (and,
with ``call_gates``, calls whose other readings are below theirs) and answers that no offered
function fits (the withheld calls are kept in the output and notes).
The signal and threshold are chosen on dev slices (``benchmarks/bfcl_call_threshold.py``),
never on the items a figure reports.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from behaviorlab.agents import Agent, annotate
from behaviorlab.models import (
    Completion,
    Message,
    Model,
    ToolSpec,
    copied_values,
    parse_tool_calls,
    request_relevance,
    tools_system_prompt,
    ungrounded_values,
)

#: enough for five calls with a few arguments each
MAX_TOKENS = 256

FC_SYSTEM_PROMPT = (
    "You are an expert in composing function calls. You are given a request and a set of "
    "functions. Call the function or functions that do what the request asks, with argument "
    "values taken from the request. Call several functions, or one function several times, "
    "when the request asks for several things. If none of the functions can do it, do not "
    "call any: say so in plain text.\n\nFunctions (JSON):\n{functions}"
)


class FCInput(BaseModel):
    """What the agent sees: the turn's chat messages and the functions offered."""

    messages: list[dict[str, str]]
    tools: list[ToolSpec]


class FCOutput(BaseModel):
    """The calls decoded (``[{name: arguments}]``, BFCL's format), and the text around them."""

    calls: list[dict[str, dict[str, Any]]] = Field(default_factory=list)
    text: str = ""
    parse_error: str | None = None
    #: how sure the agent was that a call was wanted (its ``call_signal``), where the decode
    #: opened one and the signal could be read
    call_confidence: float | None = None
    #: calls decoded but withheld: their call confidence was below the agent's threshold
    withheld: list[dict[str, dict[str, Any]]] = Field(default_factory=list)


CallSignal = Literal[
    "call_confidence", "min_token_p", "grounded", "relevance_name", "relevance_doc"
]
CALL_SIGNALS: tuple[str, ...] = get_args(CallSignal)
#: the signals read from token log-probabilities (absent for a model that reports none)
LOGPROB_SIGNALS: tuple[str, ...] = ("call_confidence", "min_token_p")


def request_text(inp: FCInput) -> str:
    """The turn's user messages, which the grounding and relevance readings read."""
    return "\n".join(m.get("content", "") for m in inp.messages if m.get("role") == "user")


def call_signals(
    completion: Completion, calls: list[dict[str, dict[str, Any]]], inp: FCInput
) -> dict[str, float]:
    """The readings of how sure a decode that opened ``calls`` was that a call was
    wanted (see the module's docstring); a reading the model cannot give is left out."""
    out: dict[str, float] = {}
    logprobs = completion.token_logprobs
    if logprobs:
        out["call_confidence"] = math.exp(logprobs[0])
        out["min_token_p"] = math.exp(min(logprobs))
    out.update(request_signals(calls, inp))
    return out


def request_signals(calls: list[dict[str, dict[str, Any]]], inp: FCInput) -> dict[str, float]:
    """The readings that need only the request and the calls, not the decode: ``grounded``
    (the share of the calls' argument values the request writes), and ``relevance_name`` and
    ``relevance_doc`` (``request_relevance``: how much of what each called function is about
    the request mentions; the least over the calls; a call of a function not offered counts
    0; no reading where the request cannot be read in words, such as one written in another
    script)."""
    request = request_text(inp)
    tools = {t.name: t for t in inp.tools}
    values = missing = 0
    for call in calls:
        for name, args in call.items():
            schema = (tools[name].parameters or {}) if name in tools else {}
            values += len(copied_values(schema, args))
            missing += len(ungrounded_values(schema, args, request))
    out: dict[str, float] = {"grounded": 1.0 - missing / values if values else 1.0}
    for part in ("name", "doc"):
        scores = [
            request_relevance(request, tools[name], part=part) if name in tools else 0.0
            for call in calls
            for name in call
        ]
        read = [x for x in scores if x is not None]
        if read:  # a call whose relevance cannot be read (another script) does not count
            out[f"relevance_{part}"] = min(read)
    return out


def functions_json(tools: list[ToolSpec]) -> str:
    return json.dumps(
        [{"name": t.name, "description": t.description, "parameters": t.parameters} for t in tools],
        ensure_ascii=False,
    )


def fc_messages(inp: FCInput, *, prompted: bool = False) -> list[Message]:
    """The messages the agent sends: its system prompt with the functions (and, where the
    turn opens with a system message, that message after it), then the turn's other messages.
    With ``prompted`` the tool-call instructions a prompted provider would add are added here
    (the call format only: the functions are listed once, as JSON, above them)."""
    system = FC_SYSTEM_PROMPT.format(functions=functions_json(inp.tools))
    rest = list(inp.messages)
    if rest and rest[0].get("role") == "system":
        system += "\n\n" + rest.pop(0).get("content", "")
    if prompted:
        system += "\n\n" + tools_system_prompt(inp.tools, listed=True)
    out = [Message.system(system)]
    for m in rest:
        role = m.get("role")
        if role not in ("user", "assistant"):
            raise ValueError(f"a turn message must be from user or assistant, not {role!r}")
        out.append(Message(role=role, content=m.get("content", "")))
    return out


class FunctionCallingAgent(Agent):
    level = "L2"

    def __init__(
        self,
        model: Model,
        *,
        prompted: bool = False,
        max_tokens: int = MAX_TOKENS,
        tool_choice: Literal["auto", "required"] = "auto",
        min_call_confidence: float | None = None,
        call_signal: CallSignal = "call_confidence",
        call_gates: dict[str, float] | None = None,
        copy_commit: int | None = None,
        copy_whole_numbers: bool = False,
        name: str | None = None,
    ) -> None:
        gates = dict(call_gates or {})
        for signal in (call_signal, *gates):
            if signal not in CALL_SIGNALS:
                raise ValueError(f"a call signal must be one of {CALL_SIGNALS}, not {signal!r}")
        for what, t in (("min_call_confidence", min_call_confidence), *gates.items()):
            if t is not None and not 0.0 <= t <= 1.0:
                raise ValueError(f"the threshold of {what} must be in [0, 1], not {t}")
        if (min_call_confidence is not None or gates) and tool_choice == "required":
            raise ValueError("a call-confidence threshold cannot withhold a required call")
        self.model = model
        self.prompted = prompted
        #: "required": a call is forced (never right where no function fits, so not a BFCL
        #: mode; it shows what the decode writes once it must call)
        self.tool_choice = tool_choice
        #: a cap on the completion: calls are short; an untuned model's prose is not
        self.max_tokens = max_tokens
        #: withhold calls the model was less sure of than this (None: keep every call)
        self.min_call_confidence = min_call_confidence
        self.call_signal = call_signal
        #: further readings every call must reach as well ({signal: threshold})
        self.call_gates = gates
        #: argument values begun as a copy of the request are finished as one, once a string
        #: holds this many characters (``CopiedValueCheck``; None: no such check)
        self.copy_commit = copy_commit
        #: and a number begun as one must end as a whole number the request writes
        self.copy_whole_numbers = copy_whole_numbers
        self.name = name or ("fc-prompt" if prompted else "fc")
        if tool_choice == "required" and name is None:
            self.name = "fc-required"

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "model": self.model.settings(),
            "prompted": self.prompted,
            "max_tokens": self.max_tokens,
            "tool_choice": self.tool_choice,
            "min_call_confidence": self.min_call_confidence,
            "call_signal": self.call_signal,
            "call_gates": self.call_gates,
            "copy_commit": self.copy_commit,
            "copy_whole_numbers": self.copy_whole_numbers,
            "system_prompt": FC_SYSTEM_PROMPT,
        }

    def _run(self, input: Any) -> FCOutput:
        inp = input if isinstance(input, FCInput) else FCInput.model_validate(input)
        messages = fc_messages(inp, prompted=self.prompted and bool(inp.tools))
        update: dict[str, Any] = {
            "max_tokens": min(self.max_tokens, self.model.config.max_tokens),
            "tool_choice": self.tool_choice,
            # the system prompt lists the functions; a prompted provider adds the format
            "tools_listed": True,
        }
        if self.copy_commit is not None:
            update.update(
                copy_from=request_text(inp),
                copy_commit=self.copy_commit,
                copy_whole_numbers=self.copy_whole_numbers,
            )
        cfg = self.model.config.model_copy(update=update)
        if not inp.tools:  # a few BFCL irrelevance items offer no function at all
            c = self.model.complete(messages, config=cfg)
            return FCOutput(text=c.text)
        if self.prompted:
            c = self.model.complete(messages, config=cfg)
            calls, error = parse_tool_calls(c.text, {t.name for t in inp.tools})
        else:
            c = self.model.complete(messages, tools=inp.tools, config=cfg)
            calls, error = c.tool_calls, c.tool_parse_error
        decoded = [{call.name: call.arguments} for call in calls]
        if not decoded:
            return FCOutput(text=c.text, parse_error=error)
        signals = call_signals(c, decoded, inp)
        annotate(**signals)
        sure = signals.get(self.call_signal)
        rules = [(self.call_signal, self.min_call_confidence), *self.call_gates.items()]
        for signal, threshold in rules:
            value = signals.get(signal)
            if value is not None and threshold is not None and value < threshold:
                annotate(withheld_calls=decoded)
                return FCOutput(
                    text=(
                        f"No offered function fits this request ({signal} {value:.2f}, "
                        f"below {threshold:.2f})."
                    ),
                    call_confidence=sure,
                    withheld=decoded,
                )
        return FCOutput(calls=decoded, text=c.text, parse_error=error, call_confidence=sure)


def make_fc_agent(
    model: Model | None,
    prompted: bool = False,
    tool_choice: Literal["auto", "required"] = "auto",
    min_call_confidence: float | None = None,
    call_signal: CallSignal = "call_confidence",
    name: str | None = None,
    call_gates: dict[str, float] | None = None,
    copy_commit: int | None = None,
    copy_whole_numbers: bool = False,
) -> FunctionCallingAgent:
    """An fc agent; a threshold on a signal read from token log-probabilities is dropped for a
    model that does not report them (there is nothing to compare)."""
    if model is None:
        raise ValueError("the fc agent needs a model (--model)")
    if not model.reports_token_logprobs:
        if call_signal in LOGPROB_SIGNALS:
            min_call_confidence = None
        call_gates = {k: v for k, v in (call_gates or {}).items() if k not in LOGPROB_SIGNALS}
    return FunctionCallingAgent(
        model,
        prompted=prompted,
        tool_choice=tool_choice,
        min_call_confidence=min_call_confidence,
        call_signal=call_signal,
        call_gates=call_gates,
        copy_commit=copy_commit,
        copy_whole_numbers=copy_whole_numbers,
        name=name,
    )
