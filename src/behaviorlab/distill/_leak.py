"""Leak-proofing: a distilled workflow may read only the task input.

- Static: parse the module; it may import only an allow-list (pydantic, typing, the agent and
  model packages, named runtime helpers, and the named functions of the task's tools module),
  and may not name labels or hidden parameters, files, the environment, or the interpreter's
  introspection (frames, globals, ``getattr``).
- Dynamic: evaluate it through the harness on scenarios as they are, with labels and hidden
  metadata removed, and with them shuffled across scenarios; the answers must not change.
  (A model that is not deterministic makes this check fail for the wrong reason: use one
  that is, as the local default and the scripted model are at temperature 0.)
"""

from __future__ import annotations

import ast
import random
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from behaviorlab.agents import Agent, Result
from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.store import Store
from behaviorlab.tasks import Scenario, ScenarioOptions, get_task

#: modules a distilled module may import anything from
ALLOWED_MODULES = (
    "__future__",
    "typing",
    "pydantic",
    "json",
    "math",
    "re",
    "behaviorlab.agents",
    "behaviorlab.models",
)
#: modules a distilled module may import only these names from
ALLOWED_NAMES: dict[str, frozenset[str]] = {
    "behaviorlab.distill": frozenset(
        {
            "EscalationAgent",
            "as_answer",
            "call_tool",
            "lenient_number",
            "nearest_choice",
            "numeric_output",
            "tool_table",
        }
    ),
}
#: labels and the ways to reach data or the caller's state
FORBIDDEN_NAMES = frozenset(
    {
        "Scenario",
        "metadata",
        "expected",
        "info",
        "label",
        "labels",
        "load_rulearena",
        "load_answers",
        "generate_problems",
        "open",
        "Path",
        "eval",
        "exec",
        "compile",
        "__import__",
        "globals",
        "locals",
        "vars",
        "getattr",
        "setattr",
        "delattr",
        "breakpoint",
        "sys",
        "os",
        "inspect",
        "importlib",
        "builtins",
        "io",
        "pathlib",
        "subprocess",
    }
)
FORBIDDEN_ATTRS = frozenset(
    {
        "info",
        "expected",
        "metadata",
        "answer",
        "label",
        "labels",
        "scenarios",
        "environ",
        "read_text",
        "read_bytes",
        "f_back",
        "f_locals",
        "f_globals",
        "gi_frame",
        "tb_frame",
        "__globals__",
        "__dict__",
        "__builtins__",
        "__subclasses__",
        "__code__",
        "__closure__",
        "modules",
    }
)
LABEL_STRINGS = frozenset({"expected", "metadata", "info", "answer", "label", "labels"})


class LeakFinding(BaseModel):
    line: int
    rule: str
    detail: str


class StaticLeakReport(BaseModel):
    ok: bool
    findings: list[LeakFinding] = Field(default_factory=list)

    def summary(self) -> str:
        if self.ok:
            return "static leak check: passed"
        return "static leak check: FAILED\n" + "\n".join(
            f"  line {f.line}: {f.rule}: {f.detail}" for f in self.findings
        )


def _allowed(module: str, names: Iterable[str], extra: dict[str, frozenset[str]]) -> str | None:
    if module in ALLOWED_MODULES or any(module.startswith(m + ".") for m in ALLOWED_MODULES):
        return None
    allowed = ALLOWED_NAMES.get(module, frozenset()) | extra.get(module, frozenset())
    bad = [n for n in names if n not in allowed]
    if not allowed:
        return f"module {module} is not on the allow-list"
    if bad:
        return f"{', '.join(bad)} from {module} (allowed: {', '.join(sorted(allowed))})"
    return None


def static_leak_check(
    source: str,
    *,
    allow: Iterable[str] = (),
    hidden: Iterable[str] = (),
) -> StaticLeakReport:
    """Check a distilled module's source. ``allow`` adds ``module:name`` entries (the tools
    function, an L0 fast path, a fallback factory); ``hidden`` are the task's hidden
    parameter names (``Task.hidden_fields()``), forbidden as attributes and string keys."""
    extra: dict[str, set[str]] = {}
    for spec in allow:
        module, _, name = spec.partition(":")
        extra.setdefault(module, set()).add(name)
    frozen = {m: frozenset(v) for m, v in extra.items()}
    hidden_set = frozenset(hidden)
    findings: list[LeakFinding] = []
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        return StaticLeakReport(
            ok=False, findings=[LeakFinding(line=e.lineno or 0, rule="syntax", detail=str(e))]
        )
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in ALLOWED_MODULES and not any(
                    alias.name.startswith(m + ".") for m in ALLOWED_MODULES
                ):
                    findings.append(
                        LeakFinding(
                            line=line,
                            rule="import",
                            detail=f"import {alias.name}: only "
                            "`from MODULE import NAME` of allowed names",
                        )
                    )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                findings.append(LeakFinding(line=line, rule="import", detail="relative import"))
                continue
            problem = _allowed(node.module or "", [a.name for a in node.names], frozen)
            if problem:
                findings.append(LeakFinding(line=line, rule="import", detail=problem))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            findings.append(
                LeakFinding(
                    line=line,
                    rule="name",
                    detail=f"`{node.id}` reaches labels, files or the caller",
                )
            )
        elif isinstance(node, ast.Attribute) and (
            node.attr in FORBIDDEN_ATTRS or node.attr in hidden_set
        ):
            findings.append(LeakFinding(line=line, rule="attribute", detail=f"`.{node.attr}`"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (node.value in LABEL_STRINGS or node.value in hidden_set)
        ):
            findings.append(LeakFinding(line=line, rule="string", detail=f"the key {node.value!r}"))
        elif isinstance(node, ast.alias) and node.asname and node.asname in FORBIDDEN_NAMES:
            findings.append(LeakFinding(line=line, rule="name", detail=f"alias {node.asname}"))
    findings.sort(key=lambda f: f.line)
    return StaticLeakReport(ok=not findings, findings=findings)


def static_leak_check_file(path: str | Path, **kw: Iterable[str]) -> StaticLeakReport:
    return static_leak_check(Path(path).read_text(encoding="utf-8"), **kw)


# ----------------------------------------------------------------------------- dynamic


class VariantCheck(BaseModel):
    variant: str
    eval_id: str
    identical: int
    differing: list[str] = Field(default_factory=list)
    #: accuracy of this variant's answers scored against the real labels
    accuracy: float


class DynamicLeakReport(BaseModel):
    ok: bool
    n: int
    baseline_eval: str
    baseline_accuracy: float
    variants: list[VariantCheck] = Field(default_factory=list)

    def summary(self) -> str:
        head = f"dynamic leak check on {self.n} scenarios: {'passed' if self.ok else 'FAILED'}"
        lines = [head, f"  as is: accuracy {self.baseline_accuracy:.0%} ({self.baseline_eval})"]
        for v in self.variants:
            diff = f"; differing: {', '.join(v.differing[:5])}" if v.differing else ""
            lines.append(
                f"  {v.variant}: {v.identical}/{self.n} identical answers, accuracy {v.accuracy:.0%}{diff}"
            )
        return "\n".join(lines)


def _variants(scenarios: Sequence[Scenario], seed: int) -> dict[str, list[Scenario]]:
    removed = [
        s.model_copy(update={"expected": None, "metadata": {}, "expected_tools": None})
        for s in scenarios
    ]
    order = list(range(len(scenarios)))
    rng = random.Random(seed)
    if len(order) > 1:
        while order == sorted(order):
            rng.shuffle(order)
    shuffled = [
        s.model_copy(update={"expected": scenarios[j].expected, "metadata": scenarios[j].metadata})
        for s, j in zip(scenarios, order, strict=True)
    ]
    return {"labels removed": removed, "labels shuffled": shuffled}


def dynamic_leak_check(
    factory: Callable[[], Agent],
    task: str,
    scenarios: Sequence[Scenario],
    *,
    store: Store | None = None,
    label: str = "leak-check",
    seed: int = 0,
) -> DynamicLeakReport:
    """Run ``factory()``'s agent through the harness on ``scenarios`` as they are, with labels
    and metadata removed, and with them shuffled; every answer must be the same."""
    if not scenarios:
        raise ValueError("the dynamic leak check needs scenarios")
    st = store or Store(f"sqlite:///{tempfile.mkdtemp(prefix='behaviorlab-leak-')}/store.db")
    t = get_task(task)
    by_id = {s.id: s for s in scenarios}

    def run(variant: str, scs: Sequence[Scenario]) -> tuple[str, dict[str, tuple[object, bool]]]:
        cfg = EvalConfig(
            task=task, agent=label, options=ScenarioOptions(extra={"leak_check": variant})
        )
        ev = run_eval(cfg, st, factory=factory, scenarios=list(scs), resume=False)
        rows = load_results(st, ev.record.eval_id)
        return ev.record.eval_id, {r.scenario_id: (r.answer, r.declined) for r in rows}

    def accuracy(answers: dict[str, tuple[object, bool]]) -> float:
        ok = 0
        for sid, (answer, declined) in answers.items():
            res = Result(output=answer, declined=declined)
            ok += int(t.score(by_id[sid], res).correct)
        return ok / len(answers) if answers else 0.0

    base_id, base = run("as is", scenarios)
    report = DynamicLeakReport(
        ok=True, n=len(scenarios), baseline_eval=base_id, baseline_accuracy=accuracy(base)
    )
    for name, scs in _variants(scenarios, seed).items():
        eid, got = run(name, scs)
        differing = [sid for sid in base if got.get(sid) != base[sid]]
        report.variants.append(
            VariantCheck(
                variant=name,
                eval_id=eid,
                identical=len(base) - len(differing),
                differing=differing,
                accuracy=accuracy(got),
            )
        )
        report.ok = report.ok and not differing
    return report
