"""Mining successful runs: tool-call paths (with loops and a branch), and for every tool
argument its provenance: copied from the input, derived from an earlier result, a constant,
computed from earlier values, or unknown (the LLM computed it).

Every argument slot (a node's parameter) gets the one source that explains the most of its
observations across runs; ties go to the more specific source (a tool result over an input
copy over a constant).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.distill._paths import (
    BranchNode,
    CallNode,
    Execution,
    Node,
    build_pattern,
    find_blocks,
    iter_calls,
    iter_loops,
    match_run,
    render_pattern,
    render_sequence,
    render_tokens,
    tokenize,
)
from behaviorlab.distill._traces import TraceRun, answer_number
from behaviorlab.distill._values import (
    INPUT,
    PRIORITY,
    UNKNOWN,
    Ref,
    as_json,
    category,
    in_text,
    is_number,
    leaves,
    same,
)

_PLUS_EXPR = re.compile(r"^\s*\$?[\d.,]+(?:\s*\+\s*\$?[\d.,]+)*\s*$")
_TERM = re.compile(r"\$?([\d.,]+)")


@dataclass
class Obs:
    run: int
    iteration: int | None
    value: Any
    cands: set[Ref] = field(default_factory=set)


@dataclass
class Slot:
    """One argument of one pattern node, observed across runs."""

    node: str
    param: str
    obs: list[Obs] = field(default_factory=list)
    ref: Ref = UNKNOWN
    share: float = 0.0
    #: for an input-copied structured value: its leaf paths ("*" for any list element)
    shape: list[tuple[str, ...]] | None = None
    #: for a ``terms`` source: the input-copied terms' values per run, by part index
    term_inputs: dict[int, dict[int, Any]] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return category(self.ref.kind)


@dataclass
class Condition:
    ref: Ref
    op: str  # "==", "in", "<=", ">"
    value: Any


@dataclass
class Mined:
    runs: list[TraceRun]
    nodes: list[Node]
    executions: dict[int, Execution]
    slots: dict[tuple[str, str], Slot]
    drivers: dict[str, tuple[Ref, float]]
    conditions: dict[str, list[Condition | None]]
    answer: tuple[Ref, float]
    inline: set[str]
    path_counts: Counter[str]
    pattern_counts: Counter[str]
    total_runs: int
    min_share: float

    @property
    def coverage(self) -> float:
        return len(self.executions) / len(self.runs) if self.runs else 0.0

    def names(self) -> dict[str, str]:
        return {c.id: f"{c.tool}#{c.id}" for c in iter_calls(self.nodes)}

    def call(self, node_id: str) -> CallNode:
        return next(c for c in iter_calls(self.nodes) if c.id == node_id)

    def report(self) -> MiningReport:
        names = self.names()
        return MiningReport(
            runs=self.total_runs,
            successful_runs=len(self.runs),
            covered_runs=len(self.executions),
            coverage=self.coverage,
            pattern=render_pattern(self.nodes),
            paths=[PathCount(path=p, runs=n) for p, n in self.path_counts.most_common()],
            patterns=[PathCount(path=p, runs=n) for p, n in self.pattern_counts.most_common()],
            arguments=[
                ArgumentProvenance(
                    tool=self.call(s.node).tool,
                    node=s.node,
                    argument=s.param,
                    provenance=s.category,
                    source=s.ref.describe(names),
                    share=round(s.share, 3),
                    observations=len(s.obs),
                )
                for s in self.slots.values()
            ],
            loops={
                lid: f"len({ref.describe(names)}) ({share:.0%})"
                for lid, (ref, share) in self.drivers.items()
            },
            answer=f"{self.answer[0].describe(names)} ({self.answer[1]:.0%})",
            inline_l0=sorted(names[n] for n in self.inline),
        )


class PathCount(BaseModel):
    path: str
    runs: int


class ArgumentProvenance(BaseModel):
    tool: str
    node: str
    argument: str
    provenance: str
    source: str
    share: float
    observations: int


class MiningReport(BaseModel):
    runs: int
    successful_runs: int
    covered_runs: int
    coverage: float
    pattern: str
    paths: list[PathCount] = Field(default_factory=list)
    patterns: list[PathCount] = Field(default_factory=list)
    arguments: list[ArgumentProvenance] = Field(default_factory=list)
    loops: dict[str, str] = Field(default_factory=dict)
    answer: str = ""
    inline_l0: list[str] = Field(default_factory=list)

    def to_markdown(self) -> str:
        lines = [
            f"Runs: {self.runs}; successful: {self.successful_runs}; covered by the pattern: "
            f"{self.covered_runs} ({self.coverage:.0%}).",
            "",
            f"Pattern: `{self.pattern}`",
            "",
            "| path | runs |",
            "|---|---:|",
        ]
        lines += [f"| {p.path} | {p.runs} |" for p in self.paths[:10]]
        if len(self.paths) > 10:
            lines.append(f"| ({len(self.paths) - 10} more) | |")
        lines += ["", "| tool | argument | provenance | source | share |", "|---|---|---|---|---:|"]
        lines += [
            f"| {a.tool} | {a.argument} | {a.provenance} | {a.source} | {a.share:.0%} |"
            for a in self.arguments
        ]
        lines += ["", f"Answer: {self.answer}"]
        if self.loops:
            lines.append("Loops: " + "; ".join(f"{k} over {v}" for k, v in self.loops.items()))
        if self.inline_l0:
            lines.append("Pure steps emitted as L0 code: " + ", ".join(self.inline_l0))
        return "\n".join(lines)


# ----------------------------------------------------------------------------- helpers


def _scope_ok(ref_scope: tuple[tuple[str, int], ...], here: tuple[tuple[str, int], ...]) -> bool:
    return here[: len(ref_scope)] == ref_scope


def _values_before(
    run: TraceRun, ex: Execution, before: set[str]
) -> Iterator[tuple[Ref, tuple[Any, ...], Any]]:
    """Every leaf of the results and arguments of the calls in ``before`` (node ids) as they
    ran in ``run``: ``(call ref, path inside it, value)``."""
    steps = run.ok_steps()
    for occ in ex.occurrences:
        if occ.node.id not in before:
            continue
        step = steps[occ.step_index]
        bases = [(Ref("res", occ.node.id), step.result)] + [
            (Ref("arg", occ.node.id, p), v) for p, v in step.arguments.items()
        ]
        for base, val in bases:
            for path, leaf in leaves(val, None):
                yield base, path, leaf


def _entries(run: TraceRun, ex: Execution, k: int) -> list[tuple[Ref, Any]]:
    """Values an occurrence could have read: earlier results and arguments it can see."""
    occ = ex.occurrences[k]
    steps = run.ok_steps()
    out: list[tuple[Ref, Any]] = []
    merged: dict[str, Any] = {}
    for prev in ex.occurrences[:k]:
        pn = prev.node
        if not _scope_ok(pn.scope, occ.node.scope):
            # after a branch: whichever path ran, its last result (the code assigns it on every path)
            if pn.loop is None and pn.scope and not occ.node.scope[: len(pn.scope)]:
                merged[pn.scope[0][0]] = steps[prev.step_index].result
            continue
        step = steps[prev.step_index]
        if pn.loop is None:
            out.append((Ref("res", pn.id), step.result))
            out += [(Ref("arg", pn.id, p), v) for p, v in step.arguments.items()]
        elif occ.iteration is not None and prev.iteration == occ.iteration:
            out.append((Ref("res", pn.id, same_iter=True), step.result))
            out += [(Ref("arg", pn.id, p, same_iter=True), v) for p, v in step.arguments.items()]
    out += [(Ref("res", bid), v) for bid, v in merged.items()]
    return out


def _candidates(
    value: Any, entries: list[tuple[Ref, Any]], iteration: int | None, text: str
) -> set[Ref]:
    cands: set[Ref] = set()
    for base, val in entries:
        it = None if base.same_iter else iteration
        for path, leaf in leaves(val, it):
            if same(leaf, value):
                cands.add(base.at(path))
            if isinstance(value, bool) and is_number(leaf):
                if (leaf == 0) == value:
                    cands.add(Ref("eq0", parts=(base.at(path),)))
                if (leaf > 0) == value:
                    cands.add(Ref("gt0", parts=(base.at(path),)))
    if in_text(value, text):
        cands.add(INPUT)
    return cands


def _numeric_leaves(
    entries: list[tuple[Ref, Any]], iteration: int | None
) -> list[tuple[Ref, float]]:
    out = []
    for base, val in entries:
        it = None if base.same_iter else iteration
        for path, leaf in leaves(val, it):
            if is_number(leaf) and not any(isinstance(p, int) for p in path[1:]):
                out.append((base.at(path), float(leaf)))
    return out


def _decide(obs: Sequence[Obs], min_share: float) -> tuple[Ref, float]:
    if not obs:
        return UNKNOWN, 0.0
    counts: Counter[Ref] = Counter(c for o in obs for c in o.cands)
    values = {as_json(o.value) for o in obs}
    if len(values) == 1 and len(obs) >= 2:
        counts[Ref("const", const=values.pop())] = len(obs)
    if not counts:
        return UNKNOWN, 0.0
    best = max(counts, key=lambda r: (counts[r], PRIORITY[r.kind], *_plainness(r), repr(r)))
    share = counts[best] / len(obs)
    return (best, share) if share >= min_share else (UNKNOWN, share)


def _node_num(ref: Ref) -> int:
    return int(re.sub(r"\D", "", ref.node or "") or 0)


def _plainness(ref: Ref) -> tuple[int, ...]:
    """Among equally good sources, the simplest: outside a loop, earliest node, shortest path."""
    return (not ref.same_iter, -_node_num(ref), -len(ref.path), -len(ref.parts))


def _flatten(
    value: Any, prefix: tuple[str, ...] = (), index: int | None = None
) -> list[tuple[tuple[str, ...], Any, int | None]]:
    """(path, leaf, position of the leaf's innermost list element) for every leaf."""
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _flatten(v, (*prefix, str(k)), index)]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in _flatten(v, (*prefix, "*"), i)]
    return [(prefix, value, index)]


def _structured_input(slot: Slot, runs: list[TraceRun], min_share: float) -> bool:
    """A list/dict argument whose every leaf is copied from the input text, or numbers the
    list's elements (an item number: the position plus one fixed offset, in every run)."""
    if not all(isinstance(o.value, list | dict) for o in slot.obs):
        return False
    per_path: dict[tuple[str, ...], list[bool]] = defaultdict(list)
    offsets: dict[tuple[str, ...], set[Any]] = defaultdict(set)
    for o in slot.obs:
        for path, leaf, index in _flatten(o.value):
            per_path[path].append(in_text(leaf, runs[o.run].input))
            ordinal = index is not None and isinstance(leaf, int) and not isinstance(leaf, bool)
            offsets[path].add(leaf - index if ordinal else None)
    if not per_path:
        return False

    def copied(path: tuple[str, ...]) -> bool:
        hits = per_path[path]
        numbering = len(offsets[path]) == 1 and None not in offsets[path]
        return numbering or sum(hits) / len(hits) >= min_share

    if all(copied(path) for path in per_path):
        slot.shape = sorted(per_path)
        return True
    return False


# ----------------------------------------------------------------------------- expressions


def _terms(value: Any) -> list[float] | None:
    if not isinstance(value, str) or not _PLUS_EXPR.match(value):
        return None
    out = []
    for raw in _TERM.findall(value):
        try:
            out.append(float(raw.replace(",", "")))
        except ValueError:
            return None
    return out


def _term_parses(
    terms: list[float],
    scalar_cands: list[set[Ref]],
    segs: dict[tuple[str, ...], list[float]],
    limit: int = 400,
) -> list[tuple[tuple[Any, ...], list[set[Ref]]]]:
    """Ways to read ``terms`` as scalars and loop segments; a segment ``(n3, n4)`` stands for
    n3[0], n4[0], n3[1], n4[1], ... Returns (signature, scalar candidate sets)."""
    out: list[tuple[tuple[Any, ...], list[set[Ref]]]] = []

    def dfs(
        pos: int, sig: tuple[Any, ...], sc: list[set[Ref]], used: frozenset[tuple[str, ...]]
    ) -> None:
        if len(out) >= limit:
            return
        if pos == len(terms):
            out.append((sig, sc))
            return
        for seg, vals in segs.items():
            if seg in used:
                continue
            if (
                vals
                and all(terms[pos + j] == v for j, v in enumerate(vals) if pos + j < len(terms))
                and pos + len(vals) <= len(terms)
            ):
                dfs(pos + len(vals), (*sig, ("seg", seg)), sc, used | {seg})
        if scalar_cands[pos]:
            dfs(pos + 1, (*sig, ("s",)), [*sc, scalar_cands[pos]], used)

    dfs(0, (), [], frozenset())
    return out


def _expression_source(
    slot: Slot,
    mined_runs: list[TraceRun],
    execs: dict[int, Execution],
    occ_index: dict[tuple[int, str, int | None], int],
    min_share: float,
) -> bool:
    """A ``+``-expression whose terms are earlier values: ``terms`` source (L0 arithmetic)."""
    parses_per_obs: list[tuple[Obs, list[tuple[tuple[Any, ...], list[set[Ref]]]], list[float]]] = []
    for o in slot.obs:
        terms = _terms(o.value)
        if terms is None:
            return False
        run, ex = mined_runs[o.run], execs[o.run]
        k = occ_index[(o.run, slot.node, o.iteration)]
        entries = _entries(run, ex, k)
        scalar_cands = []
        for t in terms:
            cs = {
                c
                for c in _candidates(t, entries, o.iteration, run.input)
                if c.kind in ("res", "arg", "input")
            }
            scalar_cands.append(cs)
        # results of loop nodes that ran before, over all iterations
        loop_vals: dict[str, list[float]] = defaultdict(list)
        steps = run.ok_steps()
        for prev in ex.occurrences[:k]:
            if prev.node.loop is not None and is_number(steps[prev.step_index].result):
                loop_vals[prev.node.id].append(float(steps[prev.step_index].result))
        segs: dict[tuple[str, ...], list[float]] = {}
        ids = list(loop_vals)
        for r in (1, 2):
            for combo in itertools.permutations(ids, r):
                lens = {len(loop_vals[c]) for c in combo}
                if len(lens) == 1:
                    segs[combo] = [loop_vals[c][i] for i in range(lens.pop()) for c in combo]
        parses_per_obs.append((o, _term_parses(terms, scalar_cands, segs), terms))
    sig_count: Counter[tuple[Any, ...]] = Counter()
    for _, parses, _ in parses_per_obs:
        sig_count.update({sig for sig, _ in parses})
    if not sig_count:
        return False
    sig, n = max(sig_count.items(), key=lambda kv: (kv[1], -len(kv[0])))
    if n / len(slot.obs) < min_share:
        return False
    n_scalars = sum(1 for e in sig if e[0] == "s")
    counts: list[Counter[Ref]] = [Counter() for _ in range(n_scalars)]
    for _, parses, _ in parses_per_obs:
        for s, cands in parses:
            if s == sig:
                for j, cs in enumerate(cands):
                    counts[j].update(cs)
                break
    scalar_refs = []
    for c in counts:
        if not c:
            return False
        best = max(c, key=lambda r: (c[r], PRIORITY[r.kind], repr(r)))
        if c[best] / n < min_share:
            return False
        scalar_refs.append(best)
    parts: list[Ref] = []
    it_refs = iter(scalar_refs)
    for e in sig:
        if e[0] == "s":
            parts.append(next(it_refs))
        else:
            parts.append(Ref("seg", parts=tuple(Ref("res", nid, same_iter=True) for nid in e[1])))
    slot.ref, slot.share = Ref("terms", parts=tuple(parts)), n / len(slot.obs)
    # the input-copied terms' values per run, for few-shot examples
    for o, parses, terms in parses_per_obs:
        if not any(s == sig for s, _ in parses):
            continue
        pos = 0
        for j, (e, part) in enumerate(zip(sig, parts, strict=True)):
            if e[0] == "s":
                if part.kind == "input":
                    slot.term_inputs.setdefault(j, {})[o.run] = terms[pos]
                pos += 1
            else:
                pos += len(e[1]) * _seg_len(execs[o.run], e[1])
    return True


def _seg_len(ex: Execution, seg: tuple[str, ...]) -> int:
    return sum(1 for occ in ex.occurrences if occ.node.id == seg[0])


# ----------------------------------------------------------------------------- the miner


def mine(
    runs: Sequence[TraceRun],
    *,
    include_unscored: bool = False,
    min_share: float = 0.9,
    min_branch_support: int = 2,
) -> Mined:
    """Mine the successful runs (``success`` True; unscored ones too with ``include_unscored``)."""
    good = [r for r in runs if r.success or (include_unscored and r.success is None)]
    if not good:
        raise ValueError(
            f"no successful runs among {len(runs)} to distil from"
            + ("" if include_unscored else " (unscored runs are left out unless include_unscored)")
        )
    seqs = [[s.tool for s in r.ok_steps()] for r in good]
    path_counts = Counter(render_sequence(s) for s in seqs)
    blocks = find_blocks(seqs)
    keyed = Counter(tokenize(s, blocks) for s in seqs)
    pattern_counts = Counter({render_tokens(k): n for k, n in keyed.items()})
    nodes, _ = build_pattern(keyed, min_branch_support=min_branch_support)
    executions: dict[int, Execution] = {}
    for i, seq in enumerate(seqs):
        ex = match_run(nodes, seq)
        if ex is not None:
            executions[i] = ex
    conditions = _branch_conditions(nodes, good, executions)
    # runs on an alternative no condition tells apart are not covered
    for bid, conds in conditions.items():
        for i in [i for i, ex in executions.items() if bid in ex.choices]:
            a = executions[i].choices[bid]
            if conds[a] is None and a != len(conds) - 1:
                del executions[i]

    slots: dict[tuple[str, str], Slot] = {}
    occ_index: dict[tuple[int, str, int | None], int] = {}
    for i, ex in executions.items():
        run, steps = good[i], good[i].ok_steps()
        for k, occ in enumerate(ex.occurrences):
            occ_index[(i, occ.node.id, occ.iteration)] = k
            entries = _entries(run, ex, k)
            for param, value in steps[occ.step_index].arguments.items():
                slot = slots.setdefault((occ.node.id, param), Slot(occ.node.id, param))
                slot.obs.append(
                    Obs(
                        i,
                        occ.iteration,
                        value,
                        _candidates(value, entries, occ.iteration, run.input),
                    )
                )
    order = {c.id: n for n, c in enumerate(iter_calls(nodes))}
    first_seen = {k: n for n, k in enumerate(slots)}  # argument order as the agent wrote them
    ordered = dict(sorted(slots.items(), key=lambda kv: (order[kv[0][0]], first_seen[kv[0]])))
    for slot in ordered.values():
        slot.ref, slot.share = _decide(slot.obs, min_share)
        if slot.ref.kind != "unknown":
            continue
        if _structured_input(slot, good, min_share):
            slot.ref, slot.share = INPUT, 1.0
        elif _expression_source(slot, good, executions, occ_index, min_share):
            pass
        elif all(is_number(o.value) for o in slot.obs):
            _sum_source(slot, good, executions, occ_index, min_share)
    inline = _inline_nodes(nodes, ordered, good, executions)
    return Mined(
        runs=good,
        nodes=nodes,
        executions=executions,
        slots=ordered,
        drivers=_loop_drivers(nodes, good, executions, min_share),
        conditions=conditions,
        answer=_answer_source(good, executions, min_share),
        inline=inline,
        path_counts=path_counts,
        pattern_counts=pattern_counts,
        total_runs=len(runs),
        min_share=min_share,
    )


def _sum_source(
    slot: Slot,
    runs: list[TraceRun],
    execs: dict[int, Execution],
    occ_index: dict[tuple[int, str, int | None], int],
    min_share: float,
) -> None:
    counts: Counter[Ref] = Counter()
    for o in slot.obs:
        ex = execs[o.run]
        entries = _entries(runs[o.run], ex, occ_index[(o.run, slot.node, o.iteration)])
        nums = _numeric_leaves(entries, o.iteration)
        found: set[Ref] = set()
        for r in (2, 3):
            for combo in itertools.combinations(nums, r):
                if abs(sum(v for _, v in combo) - float(o.value)) < 1e-9:
                    found.add(Ref("sum", parts=tuple(c for c, _ in combo)))
        counts.update(found)
    if counts:
        best = max(counts, key=lambda r: (counts[r], -len(r.parts), repr(r)))
        if counts[best] / len(slot.obs) >= min_share:
            slot.ref, slot.share = best, counts[best] / len(slot.obs)


def _inline_nodes(
    nodes: list[Node],
    slots: dict[tuple[str, str], Slot],
    runs: list[TraceRun],
    execs: dict[int, Execution],
) -> set[str]:
    """Calls that only evaluate an arithmetic expression of earlier values: emitted as Python."""
    out = set()
    for call in iter_calls(nodes):
        own = [s for (nid, _), s in slots.items() if nid == call.id]
        if call.loop is not None or len(own) != 1 or own[0].ref.kind != "terms":
            continue
        ok = True
        for i, ex in execs.items():
            for occ in ex.occurrences:
                if occ.node.id == call.id:
                    step = runs[i].ok_steps()[occ.step_index]
                    terms = _terms(step.arguments.get(own[0].param))
                    if (
                        terms is None
                        or not is_number(step.result)
                        or abs(sum(terms) - float(step.result)) > 1e-6
                    ):
                        ok = False
        if ok:
            out.add(call.id)
    return out


def _loop_drivers(
    nodes: list[Node], runs: list[TraceRun], execs: dict[int, Execution], min_share: float
) -> dict[str, tuple[Ref, float]]:
    """What each loop walks: an earlier list whose length is the loop's count in every run."""
    calls = list(iter_calls(nodes))
    out: dict[str, tuple[Ref, float]] = {}
    for loop in iter_loops(nodes):
        first = calls.index(loop.body[0])
        before = {
            c.id for c in calls[:first] if c.loop is None and _scope_ok(c.scope, loop.body[0].scope)
        }
        counts: Counter[Ref] = Counter()
        n_obs = 0
        for i, ex in execs.items():
            if loop.id not in ex.loop_counts:
                continue
            n = ex.loop_counts[loop.id]
            n_obs += 1
            found = {
                base.at(path)
                for base, path, leaf in _values_before(runs[i], ex, before)
                if isinstance(leaf, list)
                and len(leaf) == n
                and not any(isinstance(p, int) for p in path)
            }
            counts.update(found)
        if counts and n_obs:
            best = max(counts, key=lambda r: (counts[r], r.kind == "arg", -len(r.path), repr(r)))
            share = counts[best] / n_obs
            out[loop.id] = (best, share) if share >= min_share else (UNKNOWN, share)
        else:
            out[loop.id] = (UNKNOWN, 0.0)
    return out


def _answer_source(
    runs: list[TraceRun], execs: dict[int, Execution], min_share: float
) -> tuple[Ref, float]:
    counts: Counter[Ref] = Counter()
    for i, ex in execs.items():
        target = answer_number(runs[i].final_answer)
        steps = runs[i].ok_steps()
        found: set[Ref] = set()
        bases: list[tuple[Ref, Any]] = []
        merged: dict[str, Any] = {}
        for occ in ex.occurrences:
            if occ.node.loop is None:
                bases.append((Ref("res", occ.node.id), steps[occ.step_index].result))
                if occ.node.scope:
                    merged[occ.node.scope[0][0]] = steps[occ.step_index].result
        bases += [(Ref("res", bid), v) for bid, v in merged.items()]
        for base, value in bases:
            for path, leaf in leaves(value, None):
                if (target is not None and is_number(leaf) and float(leaf) == target) or (
                    isinstance(leaf, str) and leaf == runs[i].final_answer
                ):
                    found.add(base.at(path))
        counts.update(found)
    if not counts or not execs:
        return UNKNOWN, 0.0
    order = {c.id: n for n, c in enumerate(iter_calls_from_execs(execs))}
    # ties: a top-level result over a branch's merged one, the later step, the shorter path
    best = max(counts, key=lambda r: (counts[r], order.get(r.node or "", -1), -len(r.path)))
    share = counts[best] / len(execs)
    return (best, share) if share >= min_share else (UNKNOWN, share)


def iter_calls_from_execs(execs: dict[int, Execution]) -> list[CallNode]:
    seen: dict[str, CallNode] = {}
    for ex in execs.values():
        for occ in ex.occurrences:
            seen.setdefault(occ.node.id, occ.node)
    return sorted(seen.values(), key=lambda c: int(c.id.lstrip("n")))


# ----------------------------------------------------------------------------- branches


def _branch_conditions(
    nodes: list[Node], runs: list[TraceRun], execs: dict[int, Execution]
) -> dict[str, list[Condition | None]]:
    """For each branch, a test on a value known before it that picks each alternative
    (a decision list in order of support; the last alternative is the ``else``)."""
    out: dict[str, list[Condition | None]] = {}
    calls = list(iter_calls(nodes))
    for top in nodes:
        if not isinstance(top, BranchNode):
            continue
        first_inside = next(iter_calls([top]), None)
        limit = calls.index(first_inside) if first_inside else len(calls)
        before = {c.id for c in calls[:limit] if c.loop is None and not c.scope}
        features: dict[Ref, dict[int, Any]] = defaultdict(dict)
        by_alt: dict[int, list[int]] = defaultdict(list)
        for i, ex in execs.items():
            if top.id not in ex.choices:
                continue
            by_alt[ex.choices[top.id]].append(i)
            for base, path, leaf in _values_before(runs[i], ex, before):
                if isinstance(leaf, str | int | float | bool):
                    features[base.at(path)][i] = leaf
        order = sorted(by_alt, key=lambda a: -len(by_alt[a]))
        top.support = [len(by_alt.get(a, [])) for a in range(len(top.alternatives))]
        conds: list[Condition | None] = [None] * len(top.alternatives)
        for pos, a in enumerate(order[:-1]):
            rest = [i for b in order[pos + 1 :] for i in by_alt[b]]
            conds[a] = _stump(features, by_alt[a], rest)
        # code tests alternatives in the order the conditions were learnt; reorder to match
        if order:
            top.alternatives = [top.alternatives[a] for a in order] + [
                alt for a, alt in enumerate(top.alternatives) if a not in order
            ]
            conds = [conds[a] for a in order] + [None] * (len(top.alternatives) - len(order))
            top.support = [len(by_alt[a]) for a in order] + [0] * (
                len(top.alternatives) - len(order)
            )
            remap = {a: n for n, a in enumerate(order)}
            for ex in execs.values():
                if top.id in ex.choices and ex.choices[top.id] in remap:
                    ex.choices[top.id] = remap[ex.choices[top.id]]
            for n, alt in enumerate(top.alternatives):
                for c in iter_calls(alt):
                    c.scope = ((top.id, n),)
        out[top.id] = conds
    return out


def _stump(features: dict[Ref, dict[int, Any]], yes: list[int], no: list[int]) -> Condition | None:
    best: Condition | None = None
    for ref, vals in sorted(features.items(), key=lambda kv: (len(kv[0].path), repr(kv[0]))):
        if not all(i in vals for i in yes + no):
            continue
        ys, ns = [vals[i] for i in yes], [vals[i] for i in no]
        yset, nset = {as_json(v) for v in ys}, {as_json(v) for v in ns}
        if len(yset) == 1 and not yset & nset:
            return Condition(ref, "==", ys[0])
        if all(is_number(v) for v in ys + ns) and best is None:
            if max(ys) < min(ns):
                best = Condition(ref, "<=", max(ys))
            elif min(ys) > max(ns):
                best = Condition(ref, ">", max(ns))
        if best is None and not yset & nset and len(yset) <= 4:
            best = Condition(ref, "in", sorted({v for v in ys}, key=as_json))
    return best
