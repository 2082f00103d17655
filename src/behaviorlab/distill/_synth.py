"""Synthesis: a mined pattern becomes a Python module.

The module holds an L1 workflow: one ``@ptool`` extraction per input-derived group (its
pydantic output type built from the tool parameters it must fill, its docstring from the
tool descriptions), plain Python tool calls, loops and branches as mined, and L0 code for
steps that are pure functions of earlier values. ``make_agent(model)`` wraps it in an
escalation chain (optional L0 fast path → the workflow → optional source agent).
"""

from __future__ import annotations

import json
import keyword
import re
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from behaviorlab.distill._mining import Condition, Mined, Slot
from behaviorlab.distill._paths import BranchNode, CallNode, LoopNode, Node, iter_calls
from behaviorlab.distill._values import ITER, Ref, context_words, is_number
from behaviorlab.tools import Tool

_STOP = {
    "is",
    "a",
    "an",
    "the",
    "of",
    "for",
    "at",
    "was",
    "to",
    "on",
    "and",
    "in",
    "with",
    "s",
    "it",
    "that",
    "this",
    "my",
    "i",
    "be",
    "are",
    "usd",
    "us",
    "costs",
    "cost",
    "paid",
    "had",
    "has",
}


@dataclass
class CallableSpec:
    """``module:function``, importable by the generated module."""

    module: str
    name: str

    @classmethod
    def parse(cls, spec: str) -> CallableSpec:
        module, sep, name = spec.partition(":")
        if not sep or not module or not name.isidentifier():
            raise ValueError(f"expected MODULE:FUNCTION, got {spec!r}")
        return cls(module, name)

    def __str__(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass
class SynthOptions:
    tools: CallableSpec
    """A function returning the source agent's tools (list of Tool or plain functions)."""
    l0: CallableSpec | None = None
    """An L0 fast path ``fn(text) -> answer`` that raises ``Declined`` when unsure."""
    fallback: CallableSpec | None = None
    """A factory ``fn(model) -> Agent`` for the source agent, tried last."""
    source: str = ""
    few_shot: int = 1
    name: str = "distilled"


@dataclass
class InputField:
    name: str
    annotation: str
    description: str
    group: tuple[tuple[str, int], ...]
    tool: str = ""
    #: example value per run index
    values: dict[int, Any] = field(default_factory=dict)
    item_model: str | None = None
    #: a bound on list length: it reaches the decoding grammar, so a small model can't loop forever
    max_items: int | None = None


@dataclass
class _Ctx:
    mined: Mined
    tools: dict[str, Tool]
    fields: dict[tuple[str, str], InputField] = field(default_factory=dict)
    term_fields: dict[tuple[str, str, int], InputField] = field(default_factory=dict)
    driver_fields: dict[str, InputField] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    arg_expr: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    group_vars: dict[tuple[tuple[str, int], ...], str] = field(default_factory=dict)
    unknown_nodes: dict[str, list[Slot]] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)


# ----------------------------------------------------------------------------- types


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(root.get("$defs", {}).get(ref.split("/")[-1], {}))
    return schema


def _annotation(schema: dict[str, Any], root: dict[str, Any], sample: Any) -> str:
    schema = _resolve(schema, root)
    if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
        choices = ", ".join(repr(v) for v in schema["enum"])
        return f"Annotated[Literal[{choices}], BeforeValidator(nearest_choice([{choices}]))]"
    if "enum" in schema:
        return f"Literal[{', '.join(repr(v) for v in schema['enum'])}]"
    t = schema.get("type")
    if t == "integer" or (t is None and is_number(sample) and float(sample).is_integer()):
        return "Annotated[int, BeforeValidator(lenient_number)]"
    if t == "number" or (t is None and is_number(sample)):
        return "Annotated[float, BeforeValidator(lenient_number)]"
    if t == "boolean" or isinstance(sample, bool):
        return "bool"
    return "str"


def _param_schema(tool: Tool | None, param: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if tool is None:
        return {}, {}
    return dict(tool.parameters.get("properties", {}).get(param, {})), tool.parameters


def _first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", text.strip(), re.S)
    return " ".join((m.group(1) if m else text).split())


def _camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9a-zA-Z]+", name) if p) or "Value"


def _ident(name: str, used: set[str]) -> str:
    base = re.sub(r"\W+", "_", name).strip("_").lower() or "value"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"v_{base}"
    out, k = base, 2
    while out in used:
        out, k = f"{base}_{k}", k + 1
    used.add(out)
    return out


# ----------------------------------------------------------------------------- fields


def _collect_fields(ctx: _Ctx) -> None:
    mined = ctx.mined
    calls = {c.id: c for c in iter_calls(mined.nodes)}
    for (nid, param), slot in mined.slots.items():
        call = calls[nid]
        tool = ctx.tools.get(call.tool)
        pschema, root = _param_schema(tool, param)
        desc = pschema.get("description") or f"the {param} argument of {call.tool}"
        tool_desc = ""
        if slot.ref.kind == "input":
            sample = slot.obs[0].value if slot.obs else None
            shared = _shared_field(ctx, param, call, slot)
            if shared is not None:
                ctx.fields[(nid, param)] = shared
                continue
            f = InputField(
                _ident(param, ctx.used_names), "", desc + tool_desc, call.scope, call.tool
            )
            if slot.shape is not None:
                f.annotation, f.item_model = _structured(ctx, param, slot, pschema, root)
                for o in slot.obs:
                    f.values.setdefault(o.run, o.value)
                if f.annotation.startswith("list["):
                    f.max_items = pschema.get("maxItems") or _bound(
                        [len(v) for v in f.values.values() if isinstance(v, list)]
                    )
            elif call.loop is not None:
                f.annotation = f"list[{_annotation(pschema, root, sample)}]"
                f.description = f"one value per item, in order: {desc}{tool_desc}"
                per_run: dict[int, list[Any]] = {}
                for o in sorted(slot.obs, key=lambda o: (o.run, o.iteration or 0)):
                    per_run.setdefault(o.run, []).append(o.value)
                f.values = dict(per_run)
                f.max_items = _bound([len(v) for v in per_run.values()])
            else:
                f.annotation = _annotation(pschema, root, sample)
                for o in slot.obs:
                    f.values.setdefault(o.run, o.value)
            ctx.fields[(nid, param)] = f
        elif slot.ref.kind == "terms":
            for j, part in enumerate(slot.ref.parts):
                if part.kind != "input":
                    continue
                values = slot.term_inputs.get(j, {})
                name = _context_name(values, mined, ctx.used_names) or _ident(
                    f"{param}_term_{j + 1}", ctx.used_names
                )
                whole = all(float(v).is_integer() for v in values.values())
                ann = (
                    "Annotated[int, BeforeValidator(lenient_number)]"
                    if whole
                    else "Annotated[float, BeforeValidator(lenient_number)]"
                )
                words = _common_context(values, mined)
                hint = f', written after words like "{words}"' if words else ""
                f = InputField(
                    name,
                    ann,
                    f"a number from the text that {call.tool} adds to the computed fees{hint}",
                    call.scope,
                    call.tool,
                    {r: int(v) if whole else v for r, v in values.items()},
                )
                ctx.term_fields[(nid, param, j)] = f
        elif slot.ref.kind == "unknown":
            ctx.unknown_nodes.setdefault(nid, []).append(slot)
    for loop_id, (ref, _) in mined.drivers.items():
        if ref.kind == "unknown":
            loop = next(
                n for n in _walk(mined.nodes) if isinstance(n, LoopNode) and n.id == loop_id
            )
            counts = {i: ex.loop_counts.get(loop_id, 0) for i, ex in mined.executions.items()}
            ctx.driver_fields[loop_id] = InputField(
                _ident(f"{loop.body[0].tool}_count", ctx.used_names),
                "int",
                f"how many times {loop.body[0].tool} must be called for this text",
                loop.body[0].scope,
                loop.body[0].tool,
                counts,
            )


def _bound(lengths: list[int]) -> int | None:
    """Room for a bit more than the longest list the runs saw (10 → 12)."""
    if not lengths:
        return None
    longest = max(lengths)
    return max(longest + 2, -(-longest * 6 // 5))


def _shared_field(ctx: _Ctx, param: str, call: CallNode, slot: Slot) -> InputField | None:
    """The same argument copied from the input on several paths of a branch is one field,
    extracted before the branch (one LLM call on every path, not one per path)."""
    if slot.shape is not None or call.loop is not None:
        return None
    for (nid, p), f in ctx.fields.items():
        other = ctx.mined.call(nid)
        if p != param or other.loop is not None or f.group == call.scope:
            continue
        k = 0
        while k < min(len(f.group), len(call.scope)) and f.group[k] == call.scope[k]:
            k += 1
        f.group = f.group[:k]
        for o in slot.obs:
            f.values.setdefault(o.run, o.value)
        return f
    return None


def _structured(
    ctx: _Ctx, param: str, slot: Slot, pschema: dict[str, Any], root: dict[str, Any]
) -> tuple[str, str | None]:
    shape = slot.shape or []
    sample = slot.obs[0].value if slot.obs else None
    if isinstance(sample, list) and shape and all(p[:1] == ("*",) for p in shape):
        item_schema = _resolve(pschema.get("items", {}), root)
        keys = [p[1] for p in shape if len(p) == 2]
        if not keys:  # a list of scalars
            return f"list[{_annotation(item_schema, root, sample[0] if sample else None)}]", None
        first = next((x for x in sample if isinstance(x, dict)), {})
        keys = [k for k in first if k in keys] + [k for k in keys if k not in first]
        model = _camel(param) + "Item"
        lines = [f"class {model}(BaseModel):"]
        doc = item_schema.get("description") or f"One element of {param}."
        lines.append(f"    {json.dumps(doc)}\n")
        props = item_schema.get("properties", {})
        for k in keys:
            ks = props.get(k, {})
            ann = _annotation(ks, root, first.get(k))
            kd = ks.get("description") or k
            lines.append(f"    {k}: {ann} = Field(description={json.dumps(kd)})")
        ctx.models.append("\n".join(lines))
        return f"list[{model}]", model
    return "dict[str, Any]" if isinstance(sample, dict) else "list[Any]", None


def _context_name(values: dict[int, Any], mined: Mined, used: set[str]) -> str | None:
    words: Counter[str] = Counter()
    for r, v in values.items():
        ws = [w for w in context_words(v, mined.runs[r].input) if w not in _STOP]
        if ws:
            words[ws[-1]] += 1
    if not words:
        return None
    word, n = words.most_common(1)[0]
    return _ident(f"{word}_amount", used) if n >= 0.3 * len(values) else None


def _common_context(values: dict[int, Any], mined: Mined) -> str:
    phrases = Counter(" ".join(context_words(v, mined.runs[r].input, 2)) for r, v in values.items())
    phrases.pop("", None)
    return phrases.most_common(1)[0][0] if phrases else ""


# ----------------------------------------------------------------------------- expressions


def _access(base: str, path: Sequence[Any], model: bool) -> str:
    out = base if re.fullmatch(r"[\w.\[\]\"']+", base) else f"({base})"
    for p in path:
        if p == ITER:
            out += "[i]"
        elif isinstance(p, int):
            out += f"[{p}]"
        elif model:
            out += f".{p}"
        else:
            out += f"[{json.dumps(p)}]"
    return out


def _expr(ref: Ref, ctx: _Ctx, slot_key: tuple[str, str] | None = None) -> str:
    if ref.kind == "res":
        return _access(f"r_{ref.node}" + ("[i]" if ref.same_iter else ""), ref.path, False)
    if ref.kind == "arg":
        base, is_model = ctx.arg_expr[(ref.node or "", ref.param or "")]
        return _access(base, ref.path, is_model)
    if ref.kind == "const":
        return repr(json.loads(ref.const or "null"))
    if ref.kind == "sum":
        return " + ".join(_expr(p, ctx) for p in ref.parts)
    if ref.kind in ("eq0", "gt0"):
        return f"{_expr(ref.parts[0], ctx)} {'== 0' if ref.kind == 'eq0' else '> 0'}"
    if ref.kind == "terms" and slot_key is not None:
        items = []
        for j, part in enumerate(ref.parts):
            if part.kind == "seg":
                ids = [p.node for p in part.parts]
                if len(ids) == 1:
                    items.append(f"*r_{ids[0]}")
                else:
                    vals = ", ".join(f"r_{n}[i]" for n in ids)
                    items.append(f"*(v for i in range(len(r_{ids[0]})) for v in ({vals}))")
            elif part.kind == "input":
                f = ctx.term_fields[(*slot_key, j)]
                items.append(f"{ctx.group_vars[f.group]}.{f.name}")
            else:
                items.append(_expr(part, ctx))
        return "sum([" + ", ".join(items) + "])"
    raise ValueError(f"no expression for {ref}")


def _slot_expr(ctx: _Ctx, call: CallNode, slot: Slot) -> tuple[str, bool]:
    key = (call.id, slot.param)
    if slot.ref.kind == "input":
        f = ctx.fields[key]
        var = ctx.group_vars[f.group]
        if call.loop is not None and slot.shape is None:
            return f"{var}.{f.name}[i]", False
        return f"{var}.{f.name}", slot.shape is not None
    if slot.ref.kind == "unknown":
        return f"u_{call.id}.{slot.param}", False
    return _expr(slot.ref, ctx, key), False


# ----------------------------------------------------------------------------- code


def _walk(nodes: Sequence[Node]) -> list[Node]:
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        if isinstance(n, BranchNode):
            for alt in n.alternatives:
                out += _walk(alt)
    return out


def _comment(ctx: _Ctx, call: CallNode) -> str:
    names = ctx.mined.names()
    slots = [s for (nid, _), s in ctx.mined.slots.items() if nid == call.id]
    seen = sum(
        1
        for ex in ctx.mined.executions.values()
        if any(o.node.id == call.id for o in ex.occurrences)
    )
    parts = [
        f"{s.param} ← {s.category}"
        + (f" ({s.ref.describe(names)})" if s.ref.kind not in ("input", "unknown") else "")
        for s in slots
    ]
    text = f"{call.tool}: in {seen}/{len(ctx.mined.executions)} runs; " + "; ".join(parts)
    return "\n".join("# " + line for line in textwrap.wrap(text, 100))


def _emit_call(ctx: _Ctx, call: CallNode, indent: str) -> list[str]:
    lines = [textwrap.indent(_comment(ctx, call), indent)]
    slots = [s for (nid, _), s in ctx.mined.slots.items() if nid == call.id]
    if call.id in ctx.unknown_nodes:
        known = {s.param: _slot_expr(ctx, call, s)[0] for s in slots if s.ref.kind != "unknown"}
        known_src = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in known.items()) + "}"
        lines.append(
            f"{indent}u_{call.id} = fill_{call.id}(input, json.dumps({known_src}, default=str))"
        )
    args = []
    for s in slots:
        e, is_model = _slot_expr(ctx, call, s)
        ctx.arg_expr[(call.id, s.param)] = (e, is_model)
        args.append(f"{s.param}={e}")
    if call.id in ctx.mined.inline:
        (s,) = slots
        value = ctx.arg_expr[(call.id, s.param)][0]
        lines.append(
            f"{indent}# pure arithmetic of earlier values: computed here (L0), not by calling {call.tool}"
        )
        lines.append(f"{indent}r_{call.id} = {value}")
        return lines
    invocation = f"call_tool(TOOLS[{json.dumps(call.tool)}], {', '.join(args)})"
    if call.loop is None:
        lines.append(f"{indent}r_{call.id} = {invocation}")
        lines.append(f"{indent}last = r_{call.id}")
    else:
        lines.append(f"{indent}r_{call.id}.append({invocation})")
    return lines


def _cond_expr(c: Condition, ctx: _Ctx) -> str:
    e = _expr(c.ref, ctx)
    if c.op == "in":
        return f"{e} in {c.value!r}"
    if c.op == "==" and isinstance(c.value, bool):
        return e if c.value else f"not {e}"
    return f"{e} {c.op} {c.value!r}"


def _emit_nodes(
    ctx: _Ctx, nodes: Sequence[Node], indent: str, scope: tuple[tuple[str, int], ...]
) -> list[str]:
    lines: list[str] = []
    for group, var in ctx.group_vars.items():
        if group == scope and group:
            lines.append(f"{indent}{var} = {_extractor(var)}(input)")
    for n in nodes:
        if isinstance(n, CallNode):
            lines += _emit_call(ctx, n, indent)
        elif isinstance(n, LoopNode):
            ref, share = ctx.mined.drivers[n.id]
            if ref.kind == "unknown":
                f = ctx.driver_fields[n.id]
                over = f"range({ctx.group_vars[f.group]}.{f.name})"
            else:
                over = f"range(len({_expr(ref, ctx)}))"
            lines.append(
                f"{indent}# loop over {ref.describe(ctx.mined.names())} (matches the count in {share:.0%} of runs)"
            )
            for c in n.body:
                lines.append(f"{indent}r_{c.id}: list[Any] = []")
            lines.append(f"{indent}for i in {over}:")
            for c in n.body:
                lines += _emit_call(ctx, c, indent + "    ")
        else:
            conds = ctx.mined.conditions.get(n.id, [])
            support = n.support or [0] * len(n.alternatives)
            first = True
            for a, alt in enumerate(n.alternatives):
                cond = conds[a] if a < len(conds) else None
                last_alt = a == len(n.alternatives) - 1
                if cond is None and not last_alt:
                    continue  # no test tells this path apart: its runs are not covered
                head = (
                    "else:"
                    if last_alt and not first
                    else (
                        ("if " if first else "elif ")
                        + (_cond_expr(cond, ctx) if cond else "True")
                        + ":"
                    )
                )
                lines.append(
                    f"{indent}{head}  # path seen in {support[a] if a < len(support) else 0} runs"
                )
                body = _emit_nodes(ctx, alt, indent + "    ", ((n.id, a),))
                body.append(
                    f"{indent}    r_{n.id} = last  # this path's result, for the steps after the branch"
                )
                lines += body
                first = False
    return lines


def _example(ctx: _Ctx, fields: list[InputField], run: int) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for f in fields:
        if run not in f.values:
            return None
        out[f.name] = f.values[run]
    return out


def _extractor(var: str) -> str:
    return "extract_inputs" if var == "x" else f"extract_{var[2:]}_inputs"


def _ptool_source(ctx: _Ctx, var: str, fields: list[InputField], opts: SynthOptions) -> str:
    model = "Inputs" if var == "x" else _camel(var[2:]) + "Inputs"
    lines = [
        f"class {model}(BaseModel):",
        '    """What the workflow needs from the input text."""',
        "",
    ]
    for f in fields:
        bound = f"max_length={f.max_items}, " if f.max_items else ""
        lines.append(
            f"    {f.name}: {f.annotation} = Field({bound}description={json.dumps(f.description)})"
        )
    doc = [
        "Read the text and copy out, exactly as the text gives them (numbers as plain numbers),"
        " the values these tools need:"
    ]
    by_tool: dict[str, list[str]] = {}
    for f in fields:
        by_tool.setdefault(f.tool, []).append(f.name)
    for tool_name, names in by_tool.items():
        tool = ctx.tools.get(tool_name)
        about = f" ({_first_sentence(tool.description)})" if tool else ""
        doc.append(f"- {tool_name}{about}: {', '.join(names)}")
    examples: list[tuple[str, dict[str, Any]]] = []
    candidates = sorted(ctx.mined.executions, key=lambda r: len(ctx.mined.runs[r].input))
    for r in candidates:
        if len(examples) >= opts.few_shot:
            break
        ex = _example(ctx, fields, r)
        if ex is not None:
            examples.append((ctx.mined.runs[r].input, ex))
    deco = "@ptool(retries=2)"
    if examples:
        blob = ",\n".join(
            f"    ({{'text': {json.dumps(t)}}}, {model}.model_validate({json.dumps(v)}))"
            for t, v in examples
        )
        lines_ex = f"EXAMPLES_{var.upper()} = [\n{blob},\n]"
        deco = f"@ptool(retries=2, examples=EXAMPLES_{var.upper()})"
    else:
        lines_ex = ""
    docstring = "\n".join(
        textwrap.fill(d, 96, subsequent_indent="      " if d.startswith("-") else "") for d in doc
    )
    fn = [
        deco,
        f"def {_extractor(var)}(text: str) -> {model}:",
        textwrap.indent('"""' + docstring + '\n"""', "    "),
        "    raise NotImplementedError  # the body is one LLM call",
    ]
    return "\n".join(lines) + "\n\n\n" + (lines_ex + "\n\n\n" if lines_ex else "") + "\n".join(fn)


def _fill_source(ctx: _Ctx, call: CallNode, slots: list[Slot]) -> str:
    tool = ctx.tools.get(call.tool)
    model = f"{_camel(call.tool)}{call.id.upper()}Args"
    lines = [
        f"class {model}(BaseModel):",
        f'    """Arguments of {call.tool} that the runs computed themselves."""',
        "",
    ]
    for s in slots:
        pschema, root = _param_schema(tool, s.param)
        ann = _annotation(pschema, root, s.obs[0].value if s.obs else None)
        lines.append(
            f"    {s.param}: {ann} = Field(description={json.dumps(pschema.get('description') or s.param)})"
        )
    desc = _first_sentence(tool.description) if tool else call.tool
    doc = (
        f"Decide the arguments of {call.tool} ({desc}) for this text; the other arguments, already known,"
        " are given as JSON."
    )
    fn = [
        "@ptool(retries=2)",
        f"def fill_{call.id}(text: str, known: str) -> {model}:",
        f"    {json.dumps(doc)}",
        "    raise NotImplementedError  # the body is one LLM call",
    ]
    return "\n".join(lines) + "\n\n\n" + "\n".join(fn)


def _header(ctx: _Ctx, opts: SynthOptions) -> str:
    m = ctx.mined
    rep = m.report()
    lines = [
        f"Distilled workflow ({opts.name}), generated by `behaviorlab distill` from {opts.source or 'traces'}.",
        "",
        f"Runs: {m.total_runs}; successful: {len(m.runs)}; covered by the mined pattern: {len(m.executions)}"
        f" ({m.coverage:.0%}).",
        f"Pattern: {rep.pattern}",
        "",
        "Paths seen in successful runs:",
    ]
    lines += [f"  {p.runs:4d} × {p.path}" for p in rep.paths[:8]]
    if len(rep.paths) > 8:
        lines.append(f"  ... and {len(rep.paths) - 8} more")
    lines += ["", "Argument provenance:"]
    lines += [
        f"  {a.tool}.{a.argument}: {a.provenance} — {a.source} ({a.share:.0%} of {a.observations})"
        for a in rep.arguments
    ]
    lines += ["", f"Answer: {rep.answer}", "", "Source traces:"]
    ids = [r.trace_id or r.source for r in m.runs if r.trace_id or r.source]
    lines += [f"  {t}" for t in ids[:12]]
    if len(ids) > 12:
        lines.append(f"  ... and {len(ids) - 12} more")
    lines += ["", "Edit freely: this is ordinary Python."]
    return '"""' + "\n".join(lines).replace('"""', "'''") + '\n"""'


def synthesize(mined: Mined, tools: Sequence[Tool], opts: SynthOptions) -> str:
    """The Python source of the distilled module (formatted with ruff when it is installed)."""
    ctx = _Ctx(mined, {t.name: t for t in tools})
    ctx.used_names |= {"input", "text", "last", "i", "v", "json"}
    _collect_fields(ctx)
    groups: dict[tuple[tuple[str, int], ...], list[InputField]] = {}
    unique = {
        id(f): f
        for f in [*ctx.fields.values(), *ctx.term_fields.values(), *ctx.driver_fields.values()]
    }
    for f in unique.values():
        groups.setdefault(f.group, []).append(f)
    for g in sorted(groups, key=len):
        ctx.group_vars[g] = "x" if not g else f"x_{g[0][0]}_{g[0][1]}"
    body = _emit_nodes(ctx, mined.nodes, "    ", ())
    main = ctx.group_vars.get(())
    ans_ref, share = mined.answer
    if ans_ref.kind == "res":
        ret = f"    return as_answer({_expr(ans_ref, ctx)})  # the answer is {ans_ref.describe(mined.names())} in {share:.0%} of runs"
    else:
        ret = "    return as_answer(last)  # no single step's result matched the answers: the last call's"
    uses_json = bool(ctx.unknown_nodes)
    # no ``from __future__ import annotations``: pydantic then resolves the models' types even
    # when the module is loaded without being registered in sys.modules
    imports = [
        *(["import json", ""] if uses_json else []),
        "from typing import Annotated, Any, Literal",
        "",
        "from pydantic import BaseModel, BeforeValidator, Field",
        "",
        "from behaviorlab.agents import Agent, FunctionAgent, WorkflowAgent, ptool",
        "from behaviorlab.distill import (\n    EscalationAgent,\n    as_answer,\n    call_tool,\n    lenient_number,\n"
        "    nearest_choice,\n    numeric_output,\n    tool_table,\n)",
        "from behaviorlab.models import Model",
        f"from {opts.tools.module} import {opts.tools.name}",
    ]
    if opts.l0:
        imports.append(f"from {opts.l0.module} import {opts.l0.name}")
    if opts.fallback:
        imports.append(f"from {opts.fallback.module} import {opts.fallback.name}")
    parts = [_header(ctx, opts), "\n".join(imports), f"TOOLS = tool_table({opts.tools.name}())"]
    parts += ctx.models
    for g, fields in sorted(groups.items(), key=lambda kv: len(kv[0])):
        parts.append(_ptool_source(ctx, ctx.group_vars[g], fields, opts))
    for nid, slots in ctx.unknown_nodes.items():
        parts.append(_fill_source(ctx, mined.call(nid), slots))
    wf = [
        "def workflow(input: str) -> int | float | str:",
        f'    """The mined path as code: {len(mined.executions)} of {len(mined.runs)} successful runs follow it."""',
        "    last: Any = None",
    ]
    if main is not None:
        wf.append(f"    {main} = {_extractor(main)}(input)")
    wf += body
    wf.append(ret)
    parts.append("\n".join(wf))
    numeric = all(
        (isinstance(r.final_answer, int | float) and not isinstance(r.final_answer, bool))
        or (isinstance(r.final_answer, str) and re.search(r"\d", r.final_answer))
        for r in mined.runs
    )
    parts.append(_make_agent_source(opts, numeric))
    source = "\n\n\n".join(parts) + "\n"
    compile(source, f"<{opts.name}>", "exec")
    return format_source(source)


def _make_agent_source(opts: SynthOptions, numeric: bool) -> str:
    levels = []
    if opts.l0:
        levels.append(f'    levels.append(FunctionAgent({opts.l0.name}, name="l0-fast-path"))')
    levels.append("    if model is not None:")
    levels.append(f'        levels.append(WorkflowAgent(workflow, model, name="{opts.name}-l1"))')
    if opts.fallback:
        levels.append(
            f"        levels.append({opts.fallback.name}(model))  # the source agent, last resort"
        )
    doc = "L0 fast path, then " if opts.l0 else ""
    doc += "this workflow (L1)" + (", then the source agent" if opts.fallback else "")
    return "\n".join(
        [
            "def make_agent(model: Model | None) -> Agent:",
            f'    """The escalation chain: {doc}. Each level may decline and hand the input on."""',
            "    levels: list[Agent] = []",
            *levels,
            "    if not levels:",
            '        raise ValueError("this workflow needs a model (--model)")',
            f'    return EscalationAgent(levels, name="{opts.name}", validate={"numeric_output" if numeric else "None"})',
        ]
    )


def format_source(source: str) -> str:
    """``ruff format`` the source when ruff is available; otherwise return it unchanged."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--line-length", "100", "-"],
            input=source,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return source
    return proc.stdout if proc.returncode == 0 and proc.stdout else source
