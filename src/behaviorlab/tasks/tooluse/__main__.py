"""``python -m behaviorlab.tasks.tooluse generate -o DIR``: write the dataset from a seed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._io import write_dataset


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m behaviorlab.tasks.tooluse")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write train.jsonl, heldout.jsonl, summary.json")
    gen.add_argument("-o", "--out", required=True, help="output directory (created if missing)")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--n-per-cell", type=int, default=60, help="items per category × difficulty")
    gen.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)

    summary = write_dataset(args.out, n_per_cell=args.n_per_cell, seed=args.seed)
    if args.json:
        print(summary.model_dump_json(indent=2))
        return 0
    print(f"{'category':<12} {'difficulty':<13} {'train':>6} {'heldout':>8}")
    for c in summary.cells:
        print(f"{c.category:<12} {c.difficulty:<13} {c.train:>6} {c.heldout:>8}")
    print(f"{'total':<26} {summary.train:>6} {summary.heldout:>8}   ({summary.total} items)")
    for name, path in summary.files.items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
