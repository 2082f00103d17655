"""What ending a looping decode saves: the shipped tool-use agent on the tool-use dev split,
llama.cpp's decode with ``loop_stop`` off (only ``max_tokens`` ends a loop, the project before)
and on (the default, 64 tokens).

    python benchmarks/loop_stop.py [--n 6] [--split dev] [--agent l3] [--window 64]

``--n`` items of each template of the split (the eval command's first ``n``). The two settings
take turns on each item, each on its own model, so a slow spell of the machine falls on both.
Reported per setting: output tokens and wall seconds per item (mean and median), runs that end
out of steps, items right, and the ratio of each mean to the baseline's, all measured in this
run; then how many final outputs and tool sequences are the same in both (greedy decoding:
only a run caught in a loop should differ).
"""

from __future__ import annotations

import argparse
import statistics
import time

from tqdm import tqdm

from behaviorlab.models import GenerationConfig, get_model
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.tooluse._agents import PromptFormat, make_tooluse_agent
from behaviorlab.tasks.tooluse._scoring import score_answer
from behaviorlab.tasks.tooluse._task import SHIPPED_TOOLUSE_MODEL
from behaviorlab.tasks.tooluse._types import ToolUseItem

FORMATS: dict[str, PromptFormat] = {"l3": "tooldesc", "l3-direct": "direct", "l3-cot": "cot"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--agent", default="l3", choices=sorted(FORMATS))
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--model", default=SHIPPED_TOOLUSE_MODEL)
    args = ap.parse_args()
    scenarios = get_task("tooluse").scenarios(ScenarioOptions(split=args.split, n=args.n))
    settings = {"off (max_tokens only)": None, f"on ({args.window} tokens)": args.window}
    agents = {
        label: make_tooluse_agent(
            get_model(args.model, config=GenerationConfig(loop_stop=window)),
            FORMATS[args.agent],
        )
        for label, window in settings.items()
    }
    rows: dict[str, list[tuple[int, float, bool, bool, str, tuple[str, ...]]]] = {
        label: [] for label in settings
    }
    for k, sc in enumerate(tqdm(scenarios, desc="items")):
        item = ToolUseItem.model_validate(sc.metadata["item"])
        order = list(settings) if k % 2 == 0 else list(settings)[::-1]
        for label in order:
            t0 = time.perf_counter()
            r = agents[label].run(sc.input)
            wall = time.perf_counter() - t0
            right = r.ok and score_answer(item, str(r.output))
            rows[label].append(
                (r.output_tokens, wall, not r.ok, right, str(r.output), tuple(r.tools_used))
            )
    base = next(iter(rows.values()))
    base_tok = statistics.mean(x[0] for x in base)
    base_s = statistics.mean(x[1] for x in base)
    print(f"{len(scenarios)} items of tooluse:{args.split}, agent {args.agent}, {args.model}")
    print(
        "| loop stop | output tokens / item (mean, median) | s / item (mean, median) | "
        "out of steps | right | tokens vs off | time vs off |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, xs in rows.items():
        tok = [x[0] for x in xs]
        sec = [x[1] for x in xs]
        print(
            f"| {label} | {statistics.mean(tok):.0f}, {statistics.median(tok):.0f} | "
            f"{statistics.mean(sec):.2f}, {statistics.median(sec):.2f} | "
            f"{sum(x[2] for x in xs)} | {sum(x[3] for x in xs)} | "
            f"{statistics.mean(tok) / base_tok:.2f}x | {statistics.mean(sec) / base_s:.2f}x |"
        )
    other = list(rows.values())[1]
    same_out = sum(a[4] == b[4] for a, b in zip(base, other, strict=True))
    same_tools = sum(a[5] == b[5] for a, b in zip(base, other, strict=True))
    print(f"same final output: {same_out} of {len(base)}; same tool calls: {same_tools}")


if __name__ == "__main__":
    main()
