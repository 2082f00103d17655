"""Function-calling examples from the synthetic APIs, each with a verified answer.

Five kinds, as BFCL's non-live categories ask: one function offered and one call (simple);
several offered and one call (multiple); one function called several times (parallel); several
functions called (parallel_multiple); and a request no offered function serves, answered in
plain text (irrelevance). As Hammer did, a share of examples offer the functions under random
names and with their parameters renamed, so a model learns to read descriptions rather than
names; property order is shuffled too. As APIGen did, every example is verified before it is
kept (:func:`verify`): the calls are valid for the schemas offered, every value they pass is
one the request writes, BFCL's own checker accepts them against the possible answer the
generator recorded, the completion parses back to exactly these calls, and (given a matcher)
the tool-call grammar admits the completion.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any, Literal

import jsonschema
from pydantic import BaseModel, Field

from behaviorlab.models import (
    ToolSpec,
    canonical_arguments,
    parse_tool_calls,
    tool_call_text,
    ungrounded_values,
)
from behaviorlab.tasks.bfcl._apis import Api, Param, listing
from behaviorlab.tasks.bfcl._apisets import api_set, apis_by_name
from behaviorlab.tasks.bfcl._checker import check
from behaviorlab.tasks.bfcl._data import BFCLItem

Kind = Literal["simple", "multiple", "parallel", "parallel_multiple", "irrelevance"]
KINDS: tuple[str, ...] = ("simple", "multiple", "parallel", "parallel_multiple", "irrelevance")
#: the BFCL category whose checker rules an example of each kind is verified under
CHECKER_CATEGORY = {
    "simple": "simple_python",
    "multiple": "multiple",
    "parallel": "parallel",
    "parallel_multiple": "parallel_multiple",
    "irrelevance": "irrelevance",
}
DEFAULT_MIX: dict[str, float] = {
    "simple": 0.22,
    "multiple": 0.26,
    "parallel": 0.16,
    "parallel_multiple": 0.16,
    "irrelevance": 0.20,
}
NO_CALL_ANSWERS = (
    "None of the available functions can do that.",
    "I can't help with that using the functions I have.",
    "No function here fits this request.",
    "The functions provided don't cover this request.",
)
_QUESTION_WORDS = ("what", "how", "where", "when", "which", "who")
_SINGLE_FRAMES = ("{C}.", "Please {c}.", "Could you {c}?", "I'd like you to {c}.", "{C}, please.")
_QUESTION_FRAMES = ("{C}?", "Quick question: {c}?", "{C}? Thanks.")
_CONNECTORS = ("", "Also, ", "Then ", "And ", "After that, ")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class SynthExample(BaseModel):
    """One request, the functions offered, and the verified answer."""

    id: str
    kind: str
    question: str
    tools: list[ToolSpec]
    #: the answer: ``[{offered name: arguments}]`` (arguments in the grammar's order); [] for none
    calls: list[dict[str, dict[str, Any]]] = Field(default_factory=list)
    #: the plain-text answer where no function fits
    text: str = ""
    #: BFCL's possible-answer form of the answer, recorded from the drawn values
    possible_answer: list[dict[str, dict[str, list[Any]]]] = Field(default_factory=list)
    masked: bool = False
    #: the synthetic API behind each offered name
    apis: dict[str, str] = Field(default_factory=dict)
    #: the API a no-call request was written for (never offered)
    asked: str | None = None
    #: each offered function's parameter names: {offered name: {API parameter: offered name}}
    params: dict[str, dict[str, str]] = Field(default_factory=dict)

    def completion(self) -> str:
        """What the model is trained to write (exactly what the tool-call grammar admits)."""
        return _calls_text(self.calls) if self.calls else self.text


class _Offer:
    """One API as offered in one example: its (maybe masked) function and parameter names."""

    def __init__(self, api: Api, rng: random.Random, masked: bool) -> None:
        self.api = api
        if masked:
            self.name = _random_name(rng, "fn")
            self.params = {p.name: _random_name(rng, "p") for p in api.params}
        else:
            self.name = rng.choice((api.name, *api.aliases))
            self.params = {p.name: p.name for p in api.params}
        props = [(self.params[p.name], p.schema()) for p in api.params]
        if rng.random() < 0.5:
            rng.shuffle(props)
        self.spec = ToolSpec(
            name=self.name,
            description=api.description,
            parameters={
                "type": "object",
                "properties": dict(props),
                "required": [self.params[p.name] for p in api.params if p.required],
            },
        )

    def call(self, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
        args = {self.params[k]: v for k, v in values.items()}
        return {self.name: canonical_arguments(self.spec.parameters, args)}

    def possible(self, values: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
        out: dict[str, list[Any]] = {}
        for p in self.api.params:
            if p.name in values:
                out[self.params[p.name]] = [_possible_value(values[p.name])]
            else:
                out[self.params[p.name]] = [""]  # BFCL's mark: may be left out
        return {self.name: out}


def _possible_value(v: Any) -> Any:
    # in a possible answer a dictionary's keys hold lists of acceptable values
    if isinstance(v, dict):
        return {k: [_possible_value(x)] for k, x in v.items()}
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
        return [_possible_value(x) for x in v]
    return v


def _random_name(rng: random.Random, prefix: str) -> str:
    return prefix + "_" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=6))


def _placeholders(clause: str) -> list[str]:
    return _PLACEHOLDER.findall(clause)


def _sample(api: Api, clause: str, rng: random.Random) -> dict[str, Any]:
    """Values for the parameters the clause names (distinct strings, e.g. origin ≠ destination)."""
    names = _placeholders(clause)
    for _ in range(50):
        values = {n: api.param(n).sample(rng) for n in names}
        strings = [v for v in values.values() if isinstance(v, str)]
        if len(set(strings)) == len(strings):
            return values
    raise ValueError(f"{api.name}: cannot draw distinct values for {clause!r}")


def _render(api: Api, clause: str, values: dict[str, Any]) -> str:
    return clause.format(**{n: api.param(n).text(v) for n, v in values.items()})


def _sentence(clause_text: str, rng: random.Random) -> str:
    is_question = clause_text.split(" ", 1)[0].lower() in _QUESTION_WORDS
    frame = rng.choice(_QUESTION_FRAMES if is_question else _SINGLE_FRAMES)
    return frame.format(C=clause_text[0].upper() + clause_text[1:], c=clause_text)


def _joined(sentences: list[str], rng: random.Random) -> str:
    out = [sentences[0]]
    for s in sentences[1:]:
        conn = rng.choice(_CONNECTORS)
        out.append(conn + (s[0].lower() + s[1:] if conn else s))
    return " ".join(out)


def _distractors(target: list[Api], rng: random.Random, k: int, apis: tuple[Api, ...]) -> list[Api]:
    domains = {a.domain for a in target}
    near = [a for a in apis if a not in target and a.domain in domains]
    far = [a for a in apis if a not in target and a.domain not in domains]
    out: list[Api] = []
    for _ in range(k):
        pool = near if near and rng.random() < 0.5 else far
        pool = [a for a in pool if a not in out] or [a for a in far + near if a not in out]
        out.append(rng.choice(pool))
    return out


def _vary_param(api: Api, clause: str) -> Param | None:
    """A required scalar in the clause that a request can list several values of."""
    for n in _placeholders(clause):
        p = api.param(n)
        if p.required and p.type in ("string", "integer", "number") and p.enum is None:
            return p
    return None


def make_example(
    kind: str,
    rng: random.Random,
    idx: int,
    *,
    mask_share: float = 0.3,
    apis: tuple[Api, ...] | None = None,
) -> SynthExample:
    """One example of ``kind`` drawn with ``rng`` from ``apis`` (the core set by default)."""
    apis = apis if apis is not None else api_set("core")
    if kind not in KINDS:
        raise ValueError(f"unknown example kind {kind!r}; kinds: {', '.join(KINDS)}")
    masked = rng.random() < mask_share
    if kind == "irrelevance":
        asked = rng.choice(apis)
        offered_apis = _distractors([asked], rng, rng.randint(1, 4), apis)
        shown = [_Offer(a, rng, masked) for a in offered_apis]
        clause = rng.choice(asked.clauses)
        question = _sentence(_render(asked, clause, _sample(asked, clause, rng)), rng)
        return SynthExample(
            id=f"synth-{idx}",
            kind=kind,
            question=question,
            tools=[o.spec for o in shown],
            text=rng.choice(NO_CALL_ANSWERS),
            masked=masked,
            apis={o.name: o.api.name for o in shown},
            asked=asked.name,
            params={o.name: o.params for o in shown},
        )
    if kind in ("simple", "multiple", "parallel"):
        targets = [rng.choice(apis)]
    else:
        targets = rng.sample(apis, rng.randint(2, 3))
    extra = {"simple": 0, "multiple": rng.randint(1, 4), "parallel": 0}.get(kind, rng.randint(0, 2))
    offers = {a.name: _Offer(a, rng, masked) for a in targets}
    all_offers = list(offers.values()) + [
        _Offer(a, rng, masked) for a in _distractors(targets, rng, extra, apis)
    ]
    rng.shuffle(all_offers)
    calls: list[dict[str, dict[str, Any]]] = []
    possible: list[dict[str, dict[str, list[Any]]]] = []
    sentences: list[str] = []

    def add(api: Api, values: dict[str, Any]) -> None:
        calls.append(offers[api.name].call(values))
        possible.append(offers[api.name].possible(values))

    if kind == "parallel":
        api = targets[0]
        clause = rng.choice(api.clauses)
        vary = _vary_param(api, clause)
        if vary is not None and rng.random() < 0.6:
            values = _sample(api, clause, rng)
            k = rng.randint(2, 3)
            options: list[Any] = [values[vary.name]]
            for _ in range(40):
                if len(options) == k:
                    break
                v = vary.sample(rng)
                if v not in options and v not in values.values():
                    options.append(v)
            text = clause.format(
                **{
                    n: (
                        listing([vary.text(o) for o in options])
                        if n == vary.name
                        else api.param(n).text(v)
                    )
                    for n, v in values.items()
                }
            )
            sentences.append(_sentence(text, rng))
            for o in options:
                add(api, {**values, vary.name: o})
        else:
            for _ in range(rng.randint(2, 3)):
                clause = rng.choice(api.clauses)
                values = _sample(api, clause, rng)
                sentences.append(_sentence(_render(api, clause, values), rng))
                add(api, values)
    else:
        for api in targets:
            clause = rng.choice(api.clauses)
            values = _sample(api, clause, rng)
            sentences.append(_sentence(_render(api, clause, values), rng))
            add(api, values)
    return SynthExample(
        id=f"synth-{idx}",
        kind=kind,
        question=_joined(sentences, rng),
        tools=[o.spec for o in all_offers],
        calls=calls,
        possible_answer=possible,
        masked=masked,
        apis={o.name: o.api.name for o in all_offers},
        params={o.name: o.params for o in all_offers},
    )


def generate(
    n: int,
    *,
    seed: int = 0,
    mix: dict[str, float] | None = None,
    mask_share: float = 0.3,
    apis: str = "core",
) -> list[SynthExample]:
    """``n`` examples, kinds drawn in the proportions of ``mix``, from the API set ``apis``
    (``_apisets.API_SETS``); the same seed and set, the same data."""
    pool = api_set(apis)
    weights = mix or DEFAULT_MIX
    unknown = set(weights) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown example kinds in the mix: {sorted(unknown)}")
    rng = random.Random(seed)
    kinds = rng.choices(list(weights), weights=list(weights.values()), k=n)
    return [make_example(k, rng, i, mask_share=mask_share, apis=pool) for i, k in enumerate(kinds)]


# ----------------------------------------------------------------------------- verification


def to_bfcl_dialect(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema in BFCL's dialect (object → dict, number → float), for its checker."""
    out = dict(schema)
    if out.get("type") == "object":
        out["type"] = "dict"
    elif out.get("type") == "number":
        out["type"] = "float"
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: to_bfcl_dialect(v) for k, v in out["properties"].items()}
    if isinstance(out.get("items"), dict):
        out["items"] = to_bfcl_dialect(out["items"])
    return out


def bfcl_item(ex: SynthExample) -> BFCLItem:
    """``ex`` as a BFCL item of the category its kind is checked under, for BFCL's checker."""
    return BFCLItem(
        id=ex.id,
        category=CHECKER_CATEGORY[ex.kind],
        messages=[{"role": "user", "content": ex.question}],
        functions=[
            {
                "name": t.name,
                "description": t.description,
                "parameters": to_bfcl_dialect(t.parameters),
            }
            for t in ex.tools
        ],
        ground_truth=ex.possible_answer if ex.kind != "irrelevance" else None,
    )


def verify(ex: SynthExample, matcher: Any = None) -> list[str]:
    """Why ``ex`` is not a sound example (empty when it is)."""
    problems: list[str] = []
    specs = {t.name: t for t in ex.tools}
    if len(specs) != len(ex.tools):
        problems.append("two offered functions share a name")
    if ex.kind == "irrelevance":
        if ex.calls or not ex.text:
            problems.append("a no-call example must answer in text and call nothing")
        if ex.asked is None or ex.asked in ex.apis.values():
            problems.append("the function the request asks for is among those offered")
    for call in ex.calls:
        ((name, args),) = call.items()
        spec = specs.get(name)
        if spec is None:
            problems.append(f"calls {name!r}, which is not offered")
            continue
        unknown = set(args) - set(spec.parameters.get("properties", {}))
        if unknown:
            problems.append(f"{name}: arguments not in the schema: {sorted(unknown)}")
        try:
            jsonschema.validate(args, spec.parameters)
        except jsonschema.ValidationError as e:
            problems.append(f"{name}: {e.message}")
        # an enum value is said in words, a flag by a phrase: neither is looked for
        missing = ungrounded_values(spec.parameters, args, ex.question)
        if missing:
            problems.append(f"{name}: {missing} not written in the request")
    if ex.kind == "simple" and len(ex.tools) != 1:
        problems.append("a simple example offers exactly one function")
    item = bfcl_item(ex)
    parsed, error = parse_tool_calls(ex.completion(), set(specs))
    if error:
        problems.append(f"the completion does not parse: {error}")
    decoded = [{c.name: c.arguments} for c in parsed]
    if decoded != ex.calls:
        problems.append("the completion does not parse back to the answer's calls")
    verdict = check(item, decoded)
    if not verdict.valid:
        problems.append(f"BFCL's checker rejects the answer: {verdict.error}")
    if matcher is not None:
        from behaviorlab.models import tool_calls_gbnf

        if not matcher.accepts(tool_calls_gbnf(ex.tools), ex.completion()):
            problems.append("the tool-call grammar does not admit the completion")
    return problems


def no_call_twin(
    ex: SynthExample, rng: random.Random, apis: tuple[Api, ...] | None = None
) -> SynthExample:
    """The same functions offered (same names, same order) with a request none of them
    serves: an API of ``apis`` (the core set by default) that is not offered, of an offered
    one's domain half the time. With ``ex`` it makes a contrast in which only the request
    decides whether to call."""
    apis = apis if apis is not None else api_set("core")
    offered = set(ex.apis.values())
    domains = {apis_by_name()[a].domain for a in offered}
    near = [a for a in apis if a.name not in offered and a.domain in domains]
    pool = near if near and rng.random() < 0.5 else [a for a in apis if a.name not in offered]
    asked = rng.choice(pool)
    clause = rng.choice(asked.clauses)
    return SynthExample(
        id=f"{ex.id}-twin",
        kind="irrelevance",
        question=_sentence(_render(asked, clause, _sample(asked, clause, rng)), rng),
        tools=ex.tools,
        text=rng.choice(NO_CALL_ANSWERS),
        masked=ex.masked,
        apis=ex.apis,
        asked=asked.name,
        params=ex.params,
    )


# ----------------------------------------------------------------------------- wrong answers

#: the ways a decode goes wrong that a rejected answer shows, each as BFCL's small models do
#: (a call where none fits, a call repeated or added, the wrong function, a call left out, a
#: value the request never wrote, no call where one fits), with how often each is drawn
#: among those that apply to an example
REJECTIONS: dict[str, float] = {
    "call_when_none_fits": 1.0,
    "repeated_call": 0.15,
    "extra_call": 0.2,
    "wrong_function": 0.15,
    "dropped_call": 0.15,
    "unwritten_value": 0.15,
    "no_call_when_one_fits": 0.1,
}


_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")


def _sampled_call(ex: SynthExample, name: str, rng: random.Random) -> dict[str, dict[str, Any]]:
    """A schema-valid call of the offered function ``name`` with values drawn afresh (one
    of its API's request clauses), under the names the example offers it with; most of the
    time its numbers are the request's own where the request writes any (the slip a small
    model makes: the request's figures copied into a function that does something else)."""
    api = apis_by_name()[ex.apis[name]]
    values = _sample(api, rng.choice(api.clauses), rng)
    written = [float(x) for x in _NUMBER.findall(ex.question)]
    if written and rng.random() < 0.7:
        for k in values:
            p = api.param(k)
            whole = [int(x) for x in written if x.is_integer()]
            if p.enum is None and p.type == "integer" and whole:
                values[k] = rng.choice(whole)
            elif p.enum is None and p.type == "number":
                values[k] = rng.choice(written)
    spec = next(t for t in ex.tools if t.name == name)
    args = {ex.params[name][k]: v for k, v in values.items()}
    return {name: canonical_arguments(spec.parameters, args)}


def _unwritten(ex: SynthExample, rng: random.Random) -> list[dict[str, dict[str, Any]]] | None:
    """The answer with one written value (not an enum choice or a flag) replaced by another
    value of its parameter that the request does not write; None where none can be."""
    spots = []
    for i, call in enumerate(ex.calls):
        ((name, args),) = call.items()
        api = apis_by_name()[ex.apis[name]]
        by_offered = {v: k for k, v in ex.params[name].items()}
        for arg in args:
            p = api.param(by_offered[arg])
            if p.enum is None and p.type in ("string", "integer", "number"):
                spots.append((i, name, arg, p))
    rng.shuffle(spots)
    for i, name, arg, p in spots:
        for _ in range(20):
            v = p.sample(rng)
            if v != ex.calls[i][name][arg] and p.text(v) not in ex.question:
                out = [dict(c) for c in ex.calls]
                out[i] = {name: {**ex.calls[i][name], arg: v}}
                return out
    return None


def rejected_answer(ex: SynthExample, rng: random.Random) -> tuple[str, str] | None:
    """A plausible wrong answer to ``ex`` (its completion text) and which of ``REJECTIONS``
    it shows; None where none applies. The caller checks it is wrong (:func:`is_wrong`)."""
    if ex.kind == "irrelevance":
        name = rng.choice([t.name for t in ex.tools])
        return _calls_text([_sampled_call(ex, name, rng)]), "call_when_none_fits"
    called = {n for c in ex.calls for n in c}
    spare = [t.name for t in ex.tools if t.name not in called]
    options: dict[str, Any] = {
        "repeated_call": lambda: [*ex.calls, ex.calls[-1]],
        "no_call_when_one_fits": lambda: None,
        "unwritten_value": lambda: _unwritten(ex, rng),
    }
    if spare:
        options["extra_call"] = lambda: [*ex.calls, _sampled_call(ex, rng.choice(spare), rng)]
    if spare and len(ex.calls) == 1:
        options["wrong_function"] = lambda: [_sampled_call(ex, rng.choice(spare), rng)]
    if len(ex.calls) > 1:
        options["dropped_call"] = lambda: _without(ex.calls, rng.randrange(len(ex.calls)))
    kinds = list(options)
    kind = rng.choices(kinds, weights=[REJECTIONS[k] for k in kinds])[0]
    if kind == "no_call_when_one_fits":
        return rng.choice(NO_CALL_ANSWERS), kind
    calls = options[kind]()
    if calls is None:
        return None
    return _calls_text(calls), kind


def _without(calls: list[Any], i: int) -> list[Any]:
    return calls[:i] + calls[i + 1 :]


def _calls_text(calls: list[dict[str, dict[str, Any]]]) -> str:
    return "\n".join(tool_call_text(n, a) for c in calls for n, a in c.items())


def is_wrong(ex: SynthExample, answer: str) -> bool:
    """Whether BFCL's checker rejects ``answer`` (a completion text) to ``ex``."""
    parsed, error = parse_tool_calls(answer, {t.name for t in ex.tools})
    if error:
        return True
    return not check(bfcl_item(ex), [{c.name: c.arguments} for c in parsed]).valid
