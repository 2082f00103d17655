"""Tool-call paths: compress each run's call sequence into a pattern with loops and one
branch point, and match runs against it (which call of a run is which node, which iteration).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

MAX_BLOCK = 4


@dataclass
class CallNode:
    id: str
    tool: str
    #: the branch alternatives enclosing the node, outermost first: ((branch id, alternative), ...)
    scope: tuple[tuple[str, int], ...] = ()
    loop: str | None = None


@dataclass
class LoopNode:
    id: str
    body: list[CallNode]


@dataclass
class BranchNode:
    id: str
    alternatives: list[list[Node]]
    #: runs seen on each alternative
    support: list[int] = field(default_factory=list)


Node = CallNode | LoopNode | BranchNode


@dataclass
class Occurrence:
    node: CallNode
    step_index: int
    iteration: int | None


@dataclass
class Execution:
    """How one run walked the pattern."""

    occurrences: list[Occurrence]
    loop_counts: dict[str, int]
    choices: dict[str, int]


# ----------------------------------------------------------------------------- tokens

Token = tuple[str, tuple[str, ...]]  # ("call", (tool,)) or ("loop", block)


def _best_repeat(seq: Sequence[str], p: int) -> tuple[int, int]:
    best = (0, 0)
    for length in range(1, MAX_BLOCK + 1):
        block = tuple(seq[p : p + length])
        if len(block) < length:
            break
        reps = 1
        while tuple(seq[p + reps * length : p + (reps + 1) * length]) == block:
            reps += 1
        if reps >= 2 and length * reps > best[0] * best[1]:
            best = (length, reps)
    return best


def find_blocks(sequences: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Blocks of calls that repeat back to back in some run (loop bodies), longest first."""
    blocks: set[tuple[str, ...]] = set()
    for seq in sequences:
        p = 0
        while p < len(seq):
            length, reps = _best_repeat(seq, p)
            if reps >= 2:
                blocks.add(tuple(seq[p : p + length]))
                p += length * reps
            else:
                p += 1
    return sorted(blocks, key=lambda b: (-len(b), b))


def tokenize(seq: Sequence[str], blocks: Sequence[tuple[str, ...]]) -> tuple[Token, ...]:
    """A run's calls as tokens: known loop bodies (any number of repeats, even one) or single calls."""
    out: list[Token] = []
    p = 0
    while p < len(seq):
        for block in blocks:
            n = len(block)
            if tuple(seq[p : p + n]) == block:
                while tuple(seq[p : p + n]) == block:
                    p += n
                if not (out and out[-1] == ("loop", block)):
                    out.append(("loop", block))
                break
        else:
            out.append(("call", (seq[p],)))
            p += 1
    return tuple(out)


def render_tokens(tokens: Sequence[Token]) -> str:
    parts = []
    for kind, names in tokens:
        parts.append(names[0] if kind == "call" else "(" + " → ".join(names) + ")*")
    return " → ".join(parts) or "(no tool calls)"


def render_sequence(seq: Sequence[str]) -> str:
    """``a → b×3 → c``: consecutive repeats of one call collapsed."""
    parts: list[str] = []
    i = 0
    while i < len(seq):
        j = i
        while j < len(seq) and seq[j] == seq[i]:
            j += 1
        parts.append(seq[i] + (f"×{j - i}" if j - i > 1 else ""))
        i = j
    return " → ".join(parts) or "(no tool calls)"


# ----------------------------------------------------------------------------- pattern


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


def _nodes(tokens: Sequence[Token], ids: _Ids, scope: tuple[tuple[str, int], ...]) -> list[Node]:
    out: list[Node] = []
    for kind, names in tokens:
        if kind == "call":
            out.append(CallNode(ids.next("n"), names[0], scope))
        else:
            loop_id = ids.next("loop")
            out.append(
                LoopNode(loop_id, [CallNode(ids.next("n"), t, scope, loop_id) for t in names])
            )
    return out


def build_pattern(
    keyed: Counter[tuple[Token, ...]], *, min_branch_support: int = 2
) -> tuple[list[Node], list[tuple[Token, ...]]]:
    """The most frequent token sequence, plus one branch point merging the other frequent
    sequences that share its prefix and suffix. Returns the nodes and the merged keys."""
    ranked = [k for k, _ in keyed.most_common()]
    if not ranked:
        return [], []
    main = ranked[0]
    merged = [main]
    alts: list[tuple[Token, ...]] = []
    prefix_len = suffix_len = 0
    for key in ranked[1:]:
        if keyed[key] < min_branch_support or _covers(main, key):
            continue
        if not alts:
            p = 0
            while p < min(len(main), len(key)) and main[p] == key[p]:
                p += 1
            s = 0
            while (
                s < min(len(main), len(key)) - p
                and main[len(main) - 1 - s] == key[len(key) - 1 - s]
            ):
                s += 1
            prefix_len, suffix_len = p, s
            alts = [main[p : len(main) - s], key[p : len(key) - s]]
            merged.append(key)
        elif (
            key[:prefix_len] == main[:prefix_len]
            and key[len(key) - suffix_len :] == main[len(main) - suffix_len :]
        ):
            middle = key[prefix_len : len(key) - suffix_len]
            if middle not in alts:
                alts.append(middle)
                merged.append(key)
    ids = _Ids()
    if not alts:
        return _nodes(main, ids, ()), merged
    nodes = _nodes(main[:prefix_len], ids, ())
    branch_id = ids.next("branch")
    branch = BranchNode(branch_id, [_nodes(a, ids, ((branch_id, k),)) for k, a in enumerate(alts)])
    nodes.append(branch)
    nodes += _nodes(main[len(main) - suffix_len :], ids, ())
    return nodes, merged


def _covers(main: tuple[Token, ...], key: tuple[Token, ...]) -> bool:
    """A key that is ``main`` with some loops left out (zero iterations) needs no branch."""
    i = 0
    for tok in main:
        if i < len(key) and key[i] == tok:
            i += 1
        elif tok[0] != "loop":
            return False
    return i == len(key)


def iter_calls(nodes: Sequence[Node]) -> Iterator[CallNode]:
    for n in nodes:
        if isinstance(n, CallNode):
            yield n
        elif isinstance(n, LoopNode):
            yield from n.body
        else:
            for alt in n.alternatives:
                yield from iter_calls(alt)


def iter_loops(nodes: Sequence[Node]) -> Iterator[LoopNode]:
    for n in nodes:
        if isinstance(n, LoopNode):
            yield n
        elif isinstance(n, BranchNode):
            for alt in n.alternatives:
                yield from iter_loops(alt)


def render_pattern(nodes: Sequence[Node]) -> str:
    parts = []
    for n in nodes:
        if isinstance(n, CallNode):
            parts.append(n.tool)
        elif isinstance(n, LoopNode):
            parts.append("(" + " → ".join(c.tool for c in n.body) + ")*")
        else:
            parts.append("[" + " | ".join(render_pattern(a) or "∅" for a in n.alternatives) + "]")
    return " → ".join(parts)


# ----------------------------------------------------------------------------- matching


def _match(
    nodes: Sequence[Node], seq: Sequence[str], pos: int, acc: Execution
) -> Iterator[tuple[int, Execution]]:
    if not nodes:
        yield pos, acc
        return
    head, rest = nodes[0], nodes[1:]
    if isinstance(head, CallNode):
        if pos < len(seq) and seq[pos] == head.tool:
            nxt = Execution(
                [*acc.occurrences, Occurrence(head, pos, None)], acc.loop_counts, acc.choices
            )
            yield from _match(rest, seq, pos + 1, nxt)
        return
    if isinstance(head, LoopNode):
        body = [c.tool for c in head.body]
        k = 0
        while tuple(seq[pos + k * len(body) : pos + (k + 1) * len(body)]) == tuple(body):
            k += 1
        for reps in range(k, -1, -1):  # greedy first
            occ = [
                Occurrence(c, pos + it * len(body) + j, it)
                for it in range(reps)
                for j, c in enumerate(head.body)
            ]
            nxt = Execution(acc.occurrences + occ, {**acc.loop_counts, head.id: reps}, acc.choices)
            yield from _match(rest, seq, pos + reps * len(body), nxt)
        return
    for a, alt in enumerate(head.alternatives):
        nxt = Execution(acc.occurrences, acc.loop_counts, {**acc.choices, head.id: a})
        yield from _match([*alt, *rest], seq, pos, nxt)


def match_run(nodes: Sequence[Node], seq: Sequence[str]) -> Execution | None:
    """How ``seq`` walks ``nodes`` (loops greedy), or None when it doesn't fit."""
    for end, ex in _match(list(nodes), seq, 0, Execution([], {}, {})):
        if end == len(seq):
            return ex
    return None
