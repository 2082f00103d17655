"""What a training run records so it can be reproduced: seeds, library versions, hardware,
git commit, data version and split, configuration and metrics."""

from __future__ import annotations

import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.train._hygiene import SplitSpec

LIBRARIES = (
    "behaviorlab",
    "torch",
    "transformers",
    "trl",
    "peft",
    "datasets",
    "accelerate",
    "gguf",
)


class Environment(BaseModel):
    python: str
    platform: str
    versions: dict[str, str]
    cpu: str
    cores: int
    gpu: str | None = None
    torch_threads: int | None = None
    code_version: str


class DataInfo(BaseModel):
    path: str | None = None
    #: sha256 of the training rows (the export's data hash, or computed from the rows)
    hash: str
    n_examples: int
    #: the held-out split the data were exported with; None when the file had no report
    split: SplitSpec | None = None
    #: every training example was checked to fall on the train side of ``split``
    heldout_checked: bool = False
    export_report: str | None = None

    @property
    def version(self) -> str:
        return self.hash[:12]


class TrainManifest(BaseModel):
    method: str
    base_model: str
    output_dir: str
    data: DataInfo
    config: dict[str, Any]
    seeds: dict[str, int]
    environment: Environment
    metrics: dict[str, Any] = Field(default_factory=dict)
    checkpoints: list[str] = Field(default_factory=list)
    created_at: float = Field(default_factory=time.time)
    duration_s: float = 0.0


def cpuinfo_value(key: str, cpuinfo: str | Path = "/proc/cpuinfo") -> str | None:
    """The first value of ``key`` in Linux's CPU description ("model name", "flags"); None
    where there is none or the file cannot be read (another OS)."""
    try:
        with open(cpuinfo, encoding="utf-8") as f:
            for line in f:
                name, sep, value = line.partition(":")
                if sep and name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def _cpu_name() -> str:
    return cpuinfo_value("model name") or platform.processor() or platform.machine()


def environment() -> Environment:
    from behaviorlab.evals import code_version

    versions: dict[str, str] = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = version(lib)
        except PackageNotFoundError:
            continue
    gpu = threads = None
    if "torch" in sys.modules or "torch" in versions:
        try:
            import torch

            threads = torch.get_num_threads()
            if torch.cuda.is_available():
                gpu = ", ".join(
                    torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())
                )
        except ImportError:
            pass
    return Environment(
        python=sys.version.split()[0],
        platform=platform.platform(),
        versions=versions,
        cpu=_cpu_name(),
        cores=os.cpu_count() or 0,
        gpu=gpu,
        torch_threads=threads,
        code_version=code_version(),
    )
