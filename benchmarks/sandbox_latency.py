"""Per-execution latency of the bubblewrap sandbox against a bare subprocess.

Both run the same small program with the same interpreter; runs alternate so that both see
the same machine load. Reported: median, p95 and min wall time per ``run_python`` call, as
the caller sees it, and the sandbox/plain ratio (target: under 3x).

    python benchmarks/sandbox_latency.py [--n 30] [--warmup 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time

from behaviorlab.tools.sandbox import BubblewrapSandbox, PlainSubprocess, Sandbox

PROGRAM = "import json, math\nprint(json.dumps({'sum': sum(range(10_000)), 'pi': math.pi}))\n"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _once(sandbox: Sandbox) -> float:
    t0 = time.perf_counter()
    result = sandbox.run_python(PROGRAM)
    elapsed = time.perf_counter() - t0
    if result.exit_code != 0 or '"sum": 49995000' not in result.stdout:
        raise SystemExit(f"{sandbox.name} run failed: {result.stderr or result.stdout}")
    return elapsed


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": _percentile(samples, 0.95) * 1000,
        "min_ms": min(samples) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="measured runs per backend")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured runs per backend")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    bwrap = BubblewrapSandbox()
    reason = bwrap.self_test()
    if reason is not None:
        print(f"bubblewrap unavailable: {reason}", file=sys.stderr)
        return 1
    plain = PlainSubprocess()
    for _ in range(args.warmup):
        _once(plain)
        _once(bwrap)
    times: dict[str, list[float]] = {"plain": [], "bubblewrap": []}
    for _ in range(args.n):
        times["plain"].append(_once(plain))
        times["bubblewrap"].append(_once(bwrap))

    plain_s, bwrap_s = _summary(times["plain"]), _summary(times["bubblewrap"])
    report = {
        "n": args.n,
        "program": PROGRAM,
        "interpreter": bwrap.interpreter.executable,
        "machine": f"{platform.machine()} {platform.system()} {platform.release()}",
        "as_root": bwrap.as_root,
        "plain_subprocess": plain_s,
        "bubblewrap": bwrap_s,
        "ratio_median": bwrap_s["median_ms"] / plain_s["median_ms"],
        "ratio_p95": bwrap_s["p95_ms"] / plain_s["p95_ms"],
        "target_ratio": 3.0,
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{args.n} runs each, interpreter {report['interpreter']}")
        print(f"{'':18}{'median':>10}{'p95':>10}{'min':>10}  (ms)")
        for name, s in (("plain subprocess", plain_s), ("bubblewrap", bwrap_s)):
            print(f"{name:18}{s['median_ms']:10.1f}{s['p95_ms']:10.1f}{s['min_ms']:10.1f}")
        print(
            f"ratio (bubblewrap / plain): median {report['ratio_median']:.2f}x, "
            f"p95 {report['ratio_p95']:.2f}x (target < 3x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
