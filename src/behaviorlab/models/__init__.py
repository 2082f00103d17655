"""Models: one provider protocol, four providers, structured output and a price table."""

from behaviorlab.models._base import Model
from behaviorlab.models._constraints import (
    CopyCountCheck,
    CopyNumber,
    CopySpan,
    InInputOrder,
    PrefixCheck,
    UnreadableInput,
    compile_constraints,
    constrain,
    prefix_check,
    violation,
)
from behaviorlab.models._errors import (
    InfraError,
    MissingDependencyError,
    ModelError,
    StructuredOutputError,
    infra_cause,
)
from behaviorlab.models._grammar import FIRST, FOLLOWS, LAST
from behaviorlab.models._llamacpp import LlamaCppModel, packaged_gguf, resolve_gguf
from behaviorlab.models._openai import OpenAIModel
from behaviorlab.models._pricing import DEFAULT_PRICES, Price, PriceTable
from behaviorlab.models._prompted_tools import parse_tool_calls, tools_system_prompt
from behaviorlab.models._records import (
    ChatMessage,
    PreferencePair,
    TrainingExample,
    render_messages,
)
from behaviorlab.models._registry import ALIASES, DEFAULT_MODEL, get_model, parse_model_id
from behaviorlab.models._scripted import ScriptedModel
from behaviorlab.models._structured import (
    decoding_schema_for,
    generate_structured,
    json_schema_for,
    parse_json_output,
    retry_feedback,
    value_token_logprobs,
)
from behaviorlab.models._toolcalls import (
    CopiedValueCheck,
    GrammarMatcher,
    canonical_arguments,
    content_stems,
    copied_values,
    request_relevance,
    tool_call_text,
    tool_calls_gbnf,
    ungrounded_values,
)
from behaviorlab.models._transformers import TransformersModel, load_causal_lm
from behaviorlab.models._types import (
    Completion,
    GenerationConfig,
    Message,
    ToolCall,
    ToolSpec,
    Usage,
)

__all__ = [
    "ALIASES",
    "DEFAULT_MODEL",
    "DEFAULT_PRICES",
    "FIRST",
    "FOLLOWS",
    "LAST",
    "ChatMessage",
    "Completion",
    "CopiedValueCheck",
    "CopyCountCheck",
    "CopyNumber",
    "CopySpan",
    "GenerationConfig",
    "GrammarMatcher",
    "InInputOrder",
    "InfraError",
    "LlamaCppModel",
    "Message",
    "MissingDependencyError",
    "Model",
    "ModelError",
    "OpenAIModel",
    "PreferencePair",
    "PrefixCheck",
    "Price",
    "PriceTable",
    "ScriptedModel",
    "StructuredOutputError",
    "ToolCall",
    "ToolSpec",
    "TrainingExample",
    "TransformersModel",
    "UnreadableInput",
    "Usage",
    "canonical_arguments",
    "compile_constraints",
    "constrain",
    "content_stems",
    "copied_values",
    "decoding_schema_for",
    "generate_structured",
    "get_model",
    "infra_cause",
    "json_schema_for",
    "load_causal_lm",
    "packaged_gguf",
    "parse_json_output",
    "parse_model_id",
    "parse_tool_calls",
    "prefix_check",
    "render_messages",
    "request_relevance",
    "resolve_gguf",
    "retry_feedback",
    "tool_call_text",
    "tool_calls_gbnf",
    "tools_system_prompt",
    "ungrounded_values",
    "value_token_logprobs",
    "violation",
]
