"""Models: per registered model, its aliases, the gate decisions on its candidates, and a
rollout's share with the live accuracy of each arm."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from behaviorlab.evals import Accuracy, EvalNotFoundError, get_eval, load_results
from behaviorlab.registry import Decision, ModelRegistry
from behaviorlab.store import Store
from behaviorlab.ui._view import render, store_of


def rollout_arms(store: Store, eval_id: str) -> dict[str, Any] | None:
    """Runs served per arm of a rollout evaluation and each arm's accuracy on them."""
    try:
        rec = get_eval(store, eval_id)
    except EvalNotFoundError:
        return None
    flags: dict[str, list[bool]] = defaultdict(list)
    for r in load_results(store, rec.eval_id):
        flags[str(r.extra.get("arm") or "?")].append(r.correct)
    total = sum(len(v) for v in flags.values())
    return {
        "eval_id": rec.eval_id,
        "total": total,
        "arms": [
            {"arm": arm, "served": len(v), "share": len(v) / total, "acc": Accuracy.of(v)}
            for arm, v in sorted(flags.items())
        ],
    }


def _decision_view(store: Store, d: Decision) -> dict[str, Any]:
    det = d.details or {}
    rollout = det.get("rollout") if isinstance(det.get("rollout"), dict) else None
    return {
        "d": d,
        "current_eval": det.get("current_eval"),
        "candidate_eval": det.get("candidate_eval"),
        "moved": det.get("moved"),
        "accuracy": det.get("accuracy"),
        "rollout": rollout,
        "arms": rollout_arms(store, str(rollout["eval_id"]))
        if rollout and rollout.get("eval_id")
        else None,
    }


def models_page(request: Request) -> Response:
    store = store_of(request)
    reg = ModelRegistry(store)
    by_name: dict[str, list[Any]] = defaultdict(list)
    for mv in reg.versions():
        by_name[mv.name].append(mv)
    decisions: dict[str, list[Decision]] = defaultdict(list)
    for d in reg.decisions():
        decisions[d.name].append(d)
    models = [
        {
            "name": name,
            "versions": versions,
            "aliases": sorted(reg.aliases(name).items()),
            "decisions": [_decision_view(store, d) for d in reversed(decisions.get(name, []))],
        }
        for name, versions in sorted(by_name.items())
    ]
    return render(request, "models.html", {"models": models})
