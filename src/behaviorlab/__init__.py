"""behaviorlab: trace, evaluate, distil, train and monitor LLM agents that use tools.

Table of contents (one package per concept; each re-exports its public names):

- ``behaviorlab.models``    providers (llamacpp, transformers, openai, scripted), structured output, prices
- ``behaviorlab.tools``     ``@tool`` and the registry; ``behaviorlab.tools.sandbox`` runs untrusted code
- ``behaviorlab.trace``     the recorder, spans with OpenTelemetry GenAI names, OTLP export
- ``behaviorlab.store``     the one database (SQLite / PostgreSQL) and its numbered migrations
- ``behaviorlab.agents``    ``Agent.run(input) -> Result``: L0 functions, L1 ``@ptool`` workflows, L3 ReAct
- ``behaviorlab.tasks``     scenarios + scorers: ``airline`` (RuleArena), ``tooluse``
- ``behaviorlab.evals``     the evaluation runner, metrics, paired statistics, gate, history
- ``behaviorlab.report``    HTML / Markdown / JSON reports
- ``behaviorlab.distill``   L3 traces → verified L1/L0 workflow with an escalation chain
- ``behaviorlab.train``     fine-tuning data, LoRA SFT / DPO, promotion; ``behaviorlab.feedback`` ratings
- ``behaviorlab.registry``  model versions, aliases and promotion decisions
- ``behaviorlab.modelize``  behaviour models of programs and agents: mock, invert, monitor
- ``behaviorlab.cli``       the ``behaviorlab`` command
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
