"""Distillation: an expensive, unpredictable agent goes in; a readable Python workflow that
calls the LLM only where it must comes out, verified against the source.

- trace sources (``load_runs``): the store, OpenAI chat JSONL, OTLP JSON;
- mining (``mine``): tool-call paths and every argument's provenance;
- synthesis (``synthesize``): an L1 workflow module with ``@ptool`` extraction stubs;
- leak checks and verification through the evaluation harness;
- the escalation chain (``EscalationAgent``) the distilled module runs as.
"""

from behaviorlab.distill._distill import DistillResult, distill, fallback_spec
from behaviorlab.distill._escalation import (
    EscalationAgent,
    EscalationReport,
    LevelAttempt,
    LevelShare,
    escalation_report,
    numeric_output,
)
from behaviorlab.distill._expert import record_expert_runs
from behaviorlab.distill._leak import (
    DynamicLeakReport,
    LeakFinding,
    StaticLeakReport,
    dynamic_leak_check,
    static_leak_check,
    static_leak_check_file,
)
from behaviorlab.distill._mining import Mined, MiningReport, mine
from behaviorlab.distill._runtime import (
    as_answer,
    call_tool,
    lenient_number,
    nearest_choice,
    tool_table,
)
from behaviorlab.distill._synth import CallableSpec, SynthOptions, synthesize
from behaviorlab.distill._traces import (
    ImportIssue,
    TraceImport,
    TraceRun,
    TraceStep,
    load_runs,
    runs_from_openai_jsonl,
    runs_from_otlp_json,
    runs_from_store,
    to_openai_jsonl,
)
from behaviorlab.distill._verify import VerifyReport, verify_distilled

__all__ = [
    "CallableSpec",
    "DistillResult",
    "DynamicLeakReport",
    "EscalationAgent",
    "EscalationReport",
    "ImportIssue",
    "LeakFinding",
    "LevelAttempt",
    "LevelShare",
    "Mined",
    "MiningReport",
    "StaticLeakReport",
    "SynthOptions",
    "TraceImport",
    "TraceRun",
    "TraceStep",
    "VerifyReport",
    "as_answer",
    "call_tool",
    "distill",
    "dynamic_leak_check",
    "escalation_report",
    "fallback_spec",
    "lenient_number",
    "load_runs",
    "mine",
    "nearest_choice",
    "numeric_output",
    "record_expert_runs",
    "runs_from_openai_jsonl",
    "runs_from_otlp_json",
    "runs_from_store",
    "static_leak_check",
    "static_leak_check_file",
    "synthesize",
    "to_openai_jsonl",
    "tool_table",
    "verify_distilled",
]
