"""Export training data with hygiene: scrub → de-duplicate → split → write.

An export folder holds, per split (``train``, ``heldout``):

- ``examples.<split>.jsonl``: :class:`TrainingExample` records (what ``train sft`` reads);
- ``openai.<split>.jsonl``: OpenAI chat fine-tuning rows (``{"messages": [...]}``);
- ``pairs.<split>.jsonl``: :class:`PreferencePair` records (what ``train dpo`` reads);
- ``hf/<kind>.<split>/``: Hugging Face ``datasets`` saved to disk (TRL's conversational rows);
- ``report.json``: :class:`ExportReport` (counts, redactions, balance, split, data hash).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.models import PreferencePair, TrainingExample
from behaviorlab.train._hygiene import (
    BalanceReport,
    DedupReport,
    PIIScrubber,
    Redactions,
    SplitSpec,
    balance_report,
    deduplicate,
)

REPORT = "report.json"


class SplitCounts(BaseModel):
    train: int = 0
    heldout: int = 0


class ExportReport(BaseModel):
    """What an export wrote and what hygiene did to the data on the way."""

    out_dir: str
    created_at: float
    sources: list[str] = Field(default_factory=list)
    examples: SplitCounts = Field(default_factory=SplitCounts)
    pairs: SplitCounts = Field(default_factory=SplitCounts)
    dedup_examples: DedupReport = Field(default_factory=DedupReport)
    dedup_pairs: DedupReport = Field(default_factory=DedupReport)
    redactions: Redactions = Field(default_factory=Redactions)
    balance: BalanceReport | None = None
    pair_balance: BalanceReport | None = None
    split: SplitSpec = Field(default_factory=SplitSpec)
    #: sha256 of the training split's rows: the data version a training run records
    data_hash: str = ""
    pairs_hash: str = ""
    files: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    @property
    def data_version(self) -> str:
        return self.data_hash[:12]

    def summary(self) -> str:
        r = self.redactions
        lines = [
            f"examples: {self.examples.train} train, {self.examples.heldout} held out "
            f"({self.dedup_examples.exact_duplicates} duplicates, {self.dedup_examples.conflicts} conflicts dropped)",
            f"pairs: {self.pairs.train} train, {self.pairs.heldout} held out",
            f"redacted: {r.total} (emails {r.email}, phones {r.phone}, cards {r.card}, names {r.name})",
            f"split: {self.split.heldout_fraction:.0%} held out by hash of the input (salt {self.split.salt!r})",
            f"data version: {self.data_version or '-'}",
        ]
        if self.balance and self.balance.warning:
            lines.append(f"balance: {self.balance.warning}")
        return "\n".join(lines + self.notes)


def rows_hash(rows: Iterable[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for blob in sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows):
        h.update(blob.encode())
        h.update(b"\n")
    return h.hexdigest()


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _save_hf(path: Path, rows: list[dict[str, Any]]) -> bool:
    try:
        import datasets
    except ImportError:
        return False
    if not rows:
        return False
    datasets.Dataset.from_list(rows).save_to_disk(str(path))
    return True


def export_dataset(
    out_dir: str | Path,
    examples: Sequence[TrainingExample] = (),
    pairs: Sequence[PreferencePair] = (),
    *,
    split: SplitSpec | None = None,
    pii_names: Iterable[str] = (),
    sources: Sequence[str] = (),
    hf: bool = True,
) -> ExportReport:
    """Scrub, de-duplicate, split and write ``examples`` and ``pairs``; returns the report."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec = split or SplitSpec()
    scrubber = PIIScrubber(pii_names)
    clean_ex = [scrubber.example(e) for e in examples]
    clean_pairs = [scrubber.pair(p) for p in pairs]
    kept_ex, dedup_ex = deduplicate(clean_ex)
    kept_pairs, dedup_pairs = deduplicate(clean_pairs)
    rep = ExportReport(
        out_dir=str(out.resolve()),
        created_at=time.time(),
        sources=list(sources),
        dedup_examples=dedup_ex,
        dedup_pairs=dedup_pairs,
        redactions=scrubber.counts,
        split=spec,
    )
    ex_split = {"train": [e for e in kept_ex if spec.of(e.key) == "train"]}
    ex_split["heldout"] = [e for e in kept_ex if spec.of(e.key) == "heldout"]
    pr_split = {"train": [p for p in kept_pairs if spec.of(p.key) == "train"]}
    pr_split["heldout"] = [p for p in kept_pairs if spec.of(p.key) == "heldout"]
    if kept_ex:
        rep.balance = balance_report(e.label for e in ex_split["train"])
    if kept_pairs:
        rep.pair_balance = balance_report(p.label for p in pr_split["train"])
    multi = any(e.multi_turn for e in kept_ex)
    for name in ("train", "heldout"):
        exs, prs = ex_split[name], pr_split[name]
        setattr(rep.examples, name, len(exs))
        setattr(rep.pairs, name, len(prs))
        if kept_ex:
            _write_jsonl(out / f"examples.{name}.jsonl", (e.model_dump(mode="json") for e in exs))
            _write_jsonl(out / f"openai.{name}.jsonl", (e.openai_row() for e in exs))
            rep.files[f"examples.{name}"] = f"examples.{name}.jsonl"
            rep.files[f"openai.{name}"] = f"openai.{name}.jsonl"
            if hf and _save_hf(out / "hf" / f"examples.{name}", [_trl(e, multi) for e in exs]):
                rep.files[f"hf.examples.{name}"] = f"hf/examples.{name}"
        if kept_pairs:
            _write_jsonl(out / f"pairs.{name}.jsonl", (p.model_dump(mode="json") for p in prs))
            rep.files[f"pairs.{name}"] = f"pairs.{name}.jsonl"
            if hf and _save_hf(out / "hf" / f"pairs.{name}", [p.trl_row() for p in prs]):
                rep.files[f"hf.pairs.{name}"] = f"hf/pairs.{name}"
    rep.data_hash = (
        rows_hash(e.model_dump(mode="json") for e in ex_split["train"]) if kept_ex else ""
    )
    rep.pairs_hash = (
        rows_hash(p.model_dump(mode="json") for p in pr_split["train"]) if kept_pairs else ""
    )
    if kept_ex and not ex_split["heldout"] and spec.heldout_fraction > 0:
        rep.notes.append("note: no example fell in the held-out split (too few distinct inputs)")
    (out / REPORT).write_text(rep.model_dump_json(indent=2))
    return rep


def _trl(e: TrainingExample, multi: bool) -> dict[str, Any]:
    """One dataset holds one row shape: with any multi-turn example all rows are ``messages``."""
    if multi and not e.multi_turn:
        return {"messages": [m.as_dict() for m in e.prompt + e.completion]}
    return e.trl_row()


def read_report(out_dir: str | Path) -> ExportReport | None:
    p = Path(out_dir) / REPORT
    return ExportReport.model_validate_json(p.read_text()) if p.is_file() else None


def load_examples(path: str | Path) -> list[TrainingExample]:
    """From an export folder (its train split), an ``examples.*.jsonl`` file, or an OpenAI
    chat JSONL file (the last assistant turn is the completion)."""
    p = Path(path)
    if p.is_dir():
        p = p / "examples.train.jsonl"
    if not p.is_file():
        raise FileNotFoundError(f"no training examples at {p}")
    out: list[TrainingExample] = []
    for line in p.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "messages" in row and "prompt" not in row:
            msgs = [{"role": m["role"], "content": m["content"]} for m in row["messages"]]
            last = max(i for i, m in enumerate(msgs) if m["role"] == "assistant")
            out.append(
                TrainingExample.model_validate(
                    {"prompt": msgs[:last], "completion": msgs[last:], "source": "file"}
                )
            )
        else:
            out.append(TrainingExample.model_validate(row))
    return out


def load_pairs(path: str | Path) -> list[PreferencePair]:
    p = Path(path)
    if p.is_dir():
        p = p / "pairs.train.jsonl"
    if not p.is_file():
        raise FileNotFoundError(f"no preference pairs at {p}")
    return [
        PreferencePair.model_validate_json(line)
        for line in p.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
