"""Where an L1 extraction's time goes on this machine, and the least any decoding trick leaves.

    python benchmarks/l1_latency_floor.py [--n 3] [--threads 2] [--rulearena ../shared/data/rulearena]

For the first ``n`` RuleArena problems of each level, the shipped L1 extraction (the shipped
adapter under the generic constraints, greedy) is run as the workflow runs it; then, on the
same loaded model and the same tokens, in the same run:

- ``prompt``: reading the problem's prompt afresh (llama.cpp's prompt pass, no reuse);
- ``step``: the output written one token a step, as greedy decoding writes it (the model's
  forward pass only: no grammar, no Python around it);
- ``batch``: the whole output read in one pass with the logits of every position, which is
  what a speculative decoder with a perfect draft would pay to check it (the least a drafted
  decode can cost here).

Reported per problem (medians): the tokens, the measured extraction, each part's seconds, and
``floor`` = prompt + batch, the time an extraction could take if every output token came from
a perfect draft and nothing else changed; the ratios are against the measured extraction of
the same run. The issue's target is 2 s per problem on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from behaviorlab.agents import using_model
from behaviorlab.models import get_model
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import extract_airline_params, l1_output_type
from behaviorlab.tasks.airline._task import SHIPPED_L1_MODEL, load_problems

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "rulearena"


def parts(llm: Any, prompt: list[int], output: list[int]) -> dict[str, float]:
    """Seconds to read ``prompt`` afresh, to write ``output`` one token a step, and to read
    ``output`` after the prompt in one pass with every position's logits (``llm``: a
    ``llama_cpp.Llama``)."""
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(prompt)
    prompt_s = time.perf_counter() - t0
    n = len(prompt)
    t0 = time.perf_counter()
    for tok in output:
        llm.eval([tok])
    step_s = time.perf_counter() - t0
    ctx, batch = llm._ctx, llm._batch
    ctx.kv_cache_seq_rm(-1, n, -1)
    t0 = time.perf_counter()
    for i in range(0, len(output), llm.n_batch):
        chunk = output[i : i + llm.n_batch]
        batch.set_batch(batch=chunk, n_past=n + i, logits_all=True)
        ctx.decode(batch)
    batch_s = time.perf_counter() - t0
    llm.reset()
    return {"prompt_s": prompt_s, "step_s": step_s, "batch_s": batch_s}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=3, help="problems per RuleArena level")
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads")
    ap.add_argument("--rulearena", default=str(DEFAULT_DATA))
    args = ap.parse_args()
    kwargs = {"n_threads": args.threads} if args.threads else {}
    model = get_model(SHIPPED_L1_MODEL, **kwargs)
    problems = list(
        load_problems(ScenarioOptions(source="rulearena", n=args.n, data_dir=args.rulearena))
    )
    rows = []
    try:
        for i, p in enumerate(tqdm(problems, desc="problems")):
            extract = extract_airline_params.with_output(l1_output_type(p.prompt))
            t0 = time.perf_counter()
            with using_model(model):
                _, completions = extract.run(p.prompt)
            wall = time.perf_counter() - t0
            if i == 0:
                continue  # the first loads the model: a warm-up, not counted
            llm = model._llm  # type: ignore[attr-defined]
            seq = [int(t) for t in llm.input_ids[: llm.n_tokens]]
            last = completions[-1]
            out_n = last.usage.output_tokens
            # what the model read last is the last attempt's prompt and its output (less the
            # end token, which is sampled, not read)
            prompt, output = seq[: last.usage.input_tokens], seq[last.usage.input_tokens :]
            if len(output) < out_n - 1:
                raise SystemExit(f"problem {p.id}: the model's context does not hold its output")
            rows.append(
                {
                    "wall_s": wall,
                    "attempts": len(completions),
                    "prompt_tokens": len(prompt),
                    "output_tokens": len(output),
                    **parts(llm, prompt, output),
                }
            )
    finally:
        model.close()

    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in rows)

    wall = med("wall_s")
    floor = statistics.median(float(r["prompt_s"]) + float(r["batch_s"]) for r in rows)
    print(f"{len(rows)} RuleArena problems (the first was a warm-up), {SHIPPED_L1_MODEL}")
    print(
        f"tokens: prompt {med('prompt_tokens'):.0f}, output {med('output_tokens'):.0f} "
        f"(medians); attempts {sum(int(r['attempts']) for r in rows) / len(rows):.2f} a problem"
    )
    print(f"{'part':>34} {'median s':>9} {'ratio':>6}")
    for label, value in (
        ("measured extraction", wall),
        ("prompt read afresh", med("prompt_s")),
        ("output one token a step", med("step_s")),
        ("output in one pass (perfect draft)", med("batch_s")),
        ("floor = prompt + one pass", floor),
    ):
        print(f"{label:>34} {value:>9.2f} {value / wall:>6.2f}")
    step_tok = statistics.median(float(r["step_s"]) / int(r["output_tokens"]) for r in rows)
    batch_tok = statistics.median(float(r["batch_s"]) / int(r["output_tokens"]) for r in rows)
    prompt_tok = statistics.median(float(r["prompt_s"]) / int(r["prompt_tokens"]) for r in rows)
    print(
        f"per token: prompt {prompt_tok * 1000:.1f} ms, a decoding step {step_tok * 1000:.1f} ms, "
        f"in one pass with logits {batch_tok * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
