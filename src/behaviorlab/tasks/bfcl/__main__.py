"""``python -m behaviorlab.tasks.bfcl data -o DIR -n 4000 [--seed 0]``: write fc training data."""

from __future__ import annotations

import argparse
import sys

from behaviorlab.tasks.bfcl._trainingdata import write_dataset


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m behaviorlab.tasks.bfcl")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("data", help="generate, verify and export fc training data")
    d.add_argument("-o", "--out", required=True)
    d.add_argument("-n", type=int, default=4000)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--heldout", type=float, default=0.05)
    d.add_argument("--no-grammar-check", action="store_true")
    a = ap.parse_args(argv)
    try:
        summary, report = write_dataset(
            a.out,
            a.n,
            seed=a.seed,
            heldout_fraction=a.heldout,
            check_grammar=not a.no_grammar_check,
        )
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(summary.model_dump_json(indent=2))
    for c in report.categories:
        print(
            f"{c.category:24s} examples overlapping {c.examples_share:.2%}  "
            f"items overlapping {c.items_share:.2%}  ({report.n}-grams)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
