"""The BFCL scorer agrees with BFCL: every item's own answer passes, perturbed answers fail."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from behaviorlab.tasks.bfcl import CATEGORIES, RELEVANCE_CATEGORIES, BFCLItem, check, load_category
from behaviorlab.tasks.bfcl._data import reference_answer

SCORED = [c for c in CATEGORIES if c not in RELEVANCE_CATEGORIES]


def _accepted(item: BFCLItem) -> list[dict[str, Any]] | None:
    """An answer BFCL's checker passes, built from the item's possible answer."""
    assert item.ground_truth is not None
    for omit in (False, True):
        ref = reference_answer(item.ground_truth, omit_optional=omit)
        if check(item, ref).valid:
            return ref
    return None


def _unsatisfiable(item: BFCLItem) -> str | None:
    """Why no answer can pass ``item``, read from its data: a required parameter with no
    acceptable value, or a value required for a parameter its function does not have."""
    assert item.ground_truth is not None
    docs = {f["name"]: f["parameters"] for f in item.functions}
    for call in item.ground_truth:
        ((name, args),) = call.items()
        params = docs[name]
        for r in params.get("required", []):
            values = args.get(r, [])
            if not [v for v in values if v != ""]:
                return f"{name}: required {r!r} has no acceptable value"
        for a, values in args.items():
            if a not in params.get("properties", {}) and "" not in values:
                return f"{name}: {a!r} must be passed but is no parameter"
    return None


@pytest.fixture(scope="module")
def items() -> dict[str, list[BFCLItem]]:
    return {c: load_category(c) for c in CATEGORIES}


def test_every_category_loads_in_file_order_with_bfcl_ids(items):
    sizes = {c: len(v) for c, v in items.items()}
    assert sizes["simple_python"] == 400 and sizes["multiple"] == 200
    assert sizes["parallel"] == 200 and sizes["parallel_multiple"] == 200
    assert sizes["irrelevance"] == 240 and sizes["live_simple"] == 258
    assert sizes["live_multiple"] == 1053
    assert [i.id for i in items["simple_python"][:3]] == [
        "simple_python_0",
        "simple_python_1",
        "simple_python_2",
    ]
    assert [i.id for i in load_category("parallel", 5)] == [i.id for i in items["parallel"][:5]]
    for c in SCORED:
        assert all(i.ground_truth for i in items[c])


def test_every_scored_items_own_answer_passes_but_for_items_no_answer_can_pass(items):
    failing, explained = [], []
    for c in SCORED:
        for item in items[c]:
            if _accepted(item) is None:
                failing.append(item.id)
            if _unsatisfiable(item) is not None:
                explained.append(item.id)
    # the items BFCL's data makes impossible to pass, and only those, fail
    assert failing == explained
    assert len(failing) <= 5, failing


def _perturbations(item: BFCLItem, answer: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    docs = {f["name"]: f["parameters"] for f in item.functions}
    (name, args) = next(iter(answer[0].items()))
    # a wrong value: a scalar argument changed to one BFCL does not list
    for k, v in args.items():
        if isinstance(v, bool):
            continue
        if isinstance(v, str | int | float):
            wrong = copy.deepcopy(answer)
            wrong[0][name][k] = v + "zq9" if isinstance(v, str) else v + 7919
            out["wrong value"] = wrong
            break
    required = [r for r in docs[name].get("required", []) if r in args]
    if required:
        missing = copy.deepcopy(answer)
        del missing[0][name][required[0]]
        out["missing required"] = missing
    out["extra call"] = [*copy.deepcopy(answer), copy.deepcopy(answer[0])]
    out["wrong function"] = [{"not_an_offered_fn": dict(args)}, *copy.deepcopy(answer[1:])]
    out["unknown argument"] = copy.deepcopy(answer)
    out["unknown argument"][0][name]["zz_not_a_param"] = 1
    out["no call"] = []
    return out


@pytest.mark.parametrize("category", SCORED)
def test_perturbed_answers_fail(items, category):
    seen: dict[str, int] = {}
    for item in items[category]:
        answer = _accepted(item)
        if answer is None:
            continue
        for kind, wrong in _perturbations(item, answer).items():
            verdict = check(item, wrong)
            assert not verdict.valid, (item.id, kind, wrong)
            assert verdict.error_type
            seen[kind] = seen.get(kind, 0) + 1
    # every kind of perturbation was tried on most items
    assert min(seen.values()) > 0.5 * len(items[category]), seen


def test_irrelevance_passes_with_no_call_and_fails_with_one(items):
    item = items["irrelevance"][0]
    fn = item.functions[0]["name"]
    assert check(item, []).valid and check(item, [{}]).valid
    assert not check(item, [{fn: {}}]).valid
    live = items["live_relevance"][0]
    assert check(live, [{live.functions[0]["name"]: {}}]).valid
    assert not check(live, []).valid


def test_an_output_not_in_bfcls_call_format_fails(items):
    item = items["simple_python"][0]
    for bad in ("calculate_triangle_area(base=10)", [{"a": {}, "b": {}}], [{"a": 1}], {"a": {}}):
        verdict = check(item, bad)
        assert not verdict.valid and verdict.error_type == "ast_decoder:decoder_wrong_output_format"


def test_the_checker_import_leaves_no_stand_in_behind():
    import sys

    check(load_category("simple_python", 1)[0], [])
    assert "bfcl_eval.constants.model_config" not in sys.modules
