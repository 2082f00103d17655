"""Schema-constrained tool calls: a llama.cpp grammar from the offered tools' JSON schemas.

A model without a native tool API writes its calls in the prompted format of
``_prompted_tools`` (``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``, one per
line). ``tool_calls_gbnf(tools)`` admits exactly the completions that format's parser reads as
calls to offered tools with arguments valid for their schemas (types, enums, required keys,
nested objects and arrays; llama.cpp's own converter writes the argument rules), one or more
calls in a row; or plain text that the parser reads as no call (no ``{`` and no ``<``, so no
tag and no bare JSON object). Nothing the schemas allow is unwritable: a string's ``<`` is
written ``\\u003c`` (a raw one could close the tag early), and its control characters escaped
as JSON requires.

Arguments come out in the converter's order: the required keys in the schema's order, then
the optional ones in the schema's order (``canonical_arguments`` puts a dict in that order, so
training data is written the way the decoder lets the model write it).
"""

from __future__ import annotations

import json
import re
from typing import Any

from behaviorlab.models._constraints import _JsonScan
from behaviorlab.models._types import ToolSpec

OPEN_TAG = "<tool_call>"
CLOSE_TAG = "</tool_call>"
#: a JSON string character: no quote, backslash, control character or "<", or an escape
_CHAR = r'[^"\\<\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])'

#: a JSON number; the converter's exponent refuses a leading zero, which JSON allows and
#: Python writes (``1e-09``)
_NUMBER = '("-"? integral-part) ("." decimal-part)? ([eE] [-+]? [0-9] ([0-9] ([0-9])?)?)? space'


def tool_calls_gbnf(tools: list[ToolSpec], *, required: bool = False) -> str:
    """A GBNF grammar: calls to ``tools`` in the prompted format, or (unless ``required``) a
    plain-text answer."""
    if not tools:
        raise ValueError("a tool-call grammar needs at least one tool")
    from llama_cpp.llama_grammar import SchemaConverter

    names = [t.name for t in tools]
    if len(set(names)) != len(names):
        raise ValueError(f"tool names must be unique: {names}")
    conv = SchemaConverter(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
    bodies = []
    for i, t in enumerate(tools):
        schema = _as_json_schema_means(_arguments_schema(t))
        try:
            args = conv.visit(conv.resolve_refs(schema, f"tool-{i}"), f"tool{i}-args")
        except AssertionError as e:  # the converter's way of saying it cannot read a schema
            raise ValueError(f"tool {t.name!r}: cannot build a grammar for its schema ({e})") from e
        head = conv._format_literal(f"{{{json.dumps('name')}: {json.dumps(t.name)}, ")
        key = conv._format_literal(f"{json.dumps('arguments')}: ")
        bodies.append(conv._add_rule(f"tool{i}-call", f'{head} {key} {args} "}}"'))
    conv._add_rule("call-body", " | ".join(bodies))
    conv._add_rule(
        "call",
        f"{conv._format_literal(OPEN_TAG)} call-body {conv._format_literal(CLOSE_TAG)}",
    )
    conv._add_rule("calls", 'call ( "\\n" call )*')
    if required:
        conv._add_rule("root", "calls")
    else:
        conv._add_rule("text", "[^<{]*")
        conv._add_rule("root", "calls | text")
    if "char" in conv._rules:
        conv._rules["char"] = _CHAR
    if "number" in conv._rules:
        conv._rules["number"] = _NUMBER
    return str(conv.format_grammar())


def _arguments_schema(tool: ToolSpec) -> dict[str, Any]:
    schema = dict(tool.parameters or {})
    if schema.get("type", "object") != "object":
        raise ValueError(
            f"tool {tool.name!r}: parameters must be an object schema, not type {schema.get('type')!r}"
        )
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    return schema


_STRUCTURE = (
    "type",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "properties",
    "additionalProperties",
    "items",
    "$ref",
)


def _as_json_schema_means(schema: dict[str, Any]) -> dict[str, Any]:
    """The arguments' schema made to mean to llama.cpp's converter what it means in JSON
    Schema where that can be had: the converter reads ``{}`` as any *object*, JSON Schema as
    any value, so an untyped node gets the converter's primitive ``value``.

    An object's keys stay the ones its schema lists (as the converter, and OpenAI's strict
    mode, read a schema; JSON Schema would allow others unless ``additionalProperties`` is
    false): for a function's parameters an unknown one is a wrong call, and this converter's
    rule for unlisted keys does not parse what it should."""

    def walk(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out = dict(node)
        if not any(k in out for k in _STRUCTURE):
            out["type"] = "value"
        if isinstance(out.get("properties"), dict):
            out["properties"] = {k: walk(v) for k, v in out["properties"].items()}
        if isinstance(out.get("items"), dict):
            out["items"] = walk(out["items"])
        for key in ("anyOf", "oneOf"):
            if isinstance(out.get(key), list):
                out[key] = [walk(v) for v in out[key]]
        return out

    return walk(schema)  # type: ignore[no-any-return]


def canonical_arguments(schema: dict[str, Any], value: Any) -> Any:
    """``value`` with every object's keys in the order the grammar writes them (required keys
    in schema order, then optional ones in schema order; keys the schema lacks last)."""
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        required = [k for k in props if k in set(schema.get("required") or [])]
        order = required + [k for k in props if k not in required]
        keys = [k for k in order if k in value] + [k for k in value if k not in props]
        return {k: canonical_arguments(props.get(k, {}), value[k]) for k in keys}
    if isinstance(value, list):
        items = schema.get("items")
        return [canonical_arguments(items if isinstance(items, dict) else {}, v) for v in value]
    return value


def copied_values(schema: dict[str, Any], arguments: dict[str, Any]) -> list[Any]:
    """The argument values of a call that a request would have to write: every leaf value
    except those of enum-valued parameters (a choice the text says in its own words), booleans
    (a flag a phrase sets) and nulls."""
    props = schema.get("properties") or {}
    out = []
    for key, value in arguments.items():
        spec = props.get(key)
        spec = spec if isinstance(spec, dict) else {}
        items = spec.get("items")
        items = items if isinstance(items, dict) else {}
        if "enum" in spec or "enum" in items:
            continue
        out += [v for v in _leaves(value) if not isinstance(v, bool) and v is not None]
    return out


def ungrounded_values(schema: dict[str, Any], arguments: dict[str, Any], text: str) -> list[Any]:
    """The ``copied_values`` of a call that ``text`` does not write (case-insensitively; a
    number in any of its usual spellings). Empty: every value the call passes was copied from
    the text."""
    q = text.lower()
    return [v for v in copied_values(schema, arguments) if not _written(v, q)]


#: words that say nothing about what a function does: English function words and the verbs
#: most function names start with
_STOPWORDS = frozenset(
    """the and for with from that this these those into onto over under about above below
    what which who whom whose when where why how are was were been being has have had does did
    can could would should will shall may might must not nor but any all each every some such
    than then there their them they its his her our your you use using used via per also only
    get set calculate calc compute find fetch retrieve return returns returned given give
    specific specified provided based value values number numbers function functions request
    list make create check""".split()  # noqa: SIM905 (a word list reads better as text)
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def content_stems(text: str) -> set[str]:
    """The content words of ``text`` as crude stems (their first five letters): split on
    anything not a letter and at camelCase and snake_case boundaries, lowercased, words under
    three letters and :data:`_STOPWORDS` dropped. Generic: no domain's vocabulary."""
    words = (w.lower() for w in _WORD.findall(text))
    return {w[:5] for w in words if len(w) >= 3 and w not in _STOPWORDS}


def request_relevance(text: str, tool: ToolSpec, *, part: str = "name") -> float | None:
    """How much of what ``tool`` is about the request ``text`` mentions, from words alone.

    ``part="name"``: the share of the function name's content stems the text contains (a name
    with none, such as a masked ``fn_x1``, falls back to ``"doc"``). ``part="doc"``: the overlap
    coefficient of the text's stems and those of the name and description together,
    ``|both| / min(|text|, |doc|)``.

    None (no reading, so nothing should be decided on it) where either side has no content
    words, or where the text is mostly written in letters outside the Latin alphabet, which
    :func:`content_stems` does not split into words."""
    if part not in ("name", "doc"):
        raise ValueError(f"part must be 'name' or 'doc', not {part!r}")
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(not c.isascii() for c in letters) > 0.3 * len(letters):
        return None
    asked = content_stems(text)
    if part == "name":
        name = content_stems(tool.name)
        if name and asked:
            return len(name & asked) / len(name)
    doc = content_stems(tool.name + " " + tool.description)
    if not asked or not doc:
        return None
    return len(asked & doc) / min(len(asked), len(doc))


def _leaves(v: Any) -> list[Any]:
    if isinstance(v, dict):
        return [x for val in v.values() for x in _leaves(val)]
    if isinstance(v, list):
        return [x for val in v for x in _leaves(val)]
    return [v]


def _written(value: Any, lowered: str) -> bool:
    if isinstance(value, str):
        return value.lower() in lowered
    if isinstance(value, float):
        spellings = {repr(value), f"{value:g}", f"{value:.1f}", f"{value:.2f}"}
        if value.is_integer():
            spellings.add(str(int(value)))
    elif isinstance(value, int):
        spellings = {str(value)}
    else:
        return str(value).lower() in lowered
    # a number as a whole number of the text: "2" is not written by "2.5" or "12"
    return any(re.search(rf"(?<![\d.]){re.escape(s)}(?!\d|\.\d)", lowered) for s in spellings)


def tool_call_text(name: str, arguments: dict[str, Any]) -> str:
    """One call in the prompted format, as the grammar lets a model write it (``<`` escaped:
    in JSON it can only stand inside a string)."""
    body = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    body = body.replace("<", "\\u003c")
    return OPEN_TAG + body + CLOSE_TAG


class GrammarMatcher:
    """Whether llama.cpp's own grammar engine lets a model write ``text`` under a GBNF grammar
    and stop there: the text is tokenized by a GGUF's vocabulary (the packaged SmolLM2 by
    default; only the vocabulary is loaded) and fed token by token to a grammar sampler, as
    decoding would; then the end-of-generation token must be allowed.

    For tests and for checking that training targets are writable under the constraint."""

    def __init__(self, gguf: str | None = None) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as e:
            from behaviorlab.models._errors import MissingDependencyError

            raise MissingDependencyError("llama-cpp-python", "llamacpp") from e
        from behaviorlab.models._llamacpp import resolve_gguf

        path = resolve_gguf(gguf or "smollm2-135m")
        self._llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
        self._vocab = self._llm._model.vocab
        self._eos = self._llm._model.token_eos()

    def accepts(self, gbnf: str, text: str) -> bool:
        import llama_cpp

        sampler = llama_cpp.llama_sampler_init_grammar(self._vocab, gbnf.encode(), b"root")
        if not sampler:
            raise ValueError("llama.cpp could not parse the grammar")
        try:
            tokens = self._llm.tokenize(text.encode(), add_bos=False, special=False)
            for tok in [*tokens, self._eos]:
                if not self._allowed(sampler, tok):
                    return False
                if tok != self._eos:
                    llama_cpp.llama_sampler_accept(sampler, tok)
            return True
        finally:
            llama_cpp.llama_sampler_free(sampler)

    @staticmethod
    def _allowed(sampler: Any, token: int) -> bool:
        from behaviorlab.models._llamacpp import grammar_allows

        return grammar_allows(sampler, token)

    def close(self) -> None:
        self._llm.close()


#: a number as a text writes it: digits grouped by thousands ("400,000") or not, a decimal part
_WRITTEN_NUMBER = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]*\d)|\d+(?:\.\d+)?")
_CALL_NAME = re.compile(r'\s*\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")')


def written_numbers(text: str) -> frozenset[str]:
    """The numbers ``text`` writes, as JSON would write their digits: thousands separators
    dropped ("400,000" is 400000; "1,5" is 1 and 5, a list, not a grouped number)."""
    return frozenset(m.group(0).replace(",", "") for m in _WRITTEN_NUMBER.finditer(text))


class CopiedValueCheck:
    """A check a decoder applies to each tool-call prefix it could write next: an argument
    value the model has begun as a copy of ``source`` (the text the user wrote) is finished as
    one. Where a tool call's argument value is open and what it holds so far is a copy (a
    string of at least ``commit`` characters that ``source`` contains, case aside; a number
    whose digits begin one that ``source`` writes), a piece that would make it no copy is
    refused, so the decoder takes the model's next choice that keeps it one ("Lakes Angeles"
    for "Los Angeles", "HBCA" for "HSBC", 1000000000000000 for "$100,000" become unwritable
    once begun). A value may end anywhere (a city without its country). A value begun as no
    copy ("0.05" for "5%", a date written in another form) is the model's to write: only the
    first ``commit`` characters of a string decide, and a number's first digit.

    Values the schema decides are not checked: enums, booleans, nulls; nor values under
    ``anyOf``/``oneOf``. Generic: it reads the offered schemas and the user's text only.
    ``matters(written, piece)`` and ``admits(written, prefix)`` are what ``GrammarMask`` asks
    (the prefix is ``written`` plus one candidate piece)."""

    def __init__(
        self, tools: list[ToolSpec], source: str, *, commit: int = 3, whole_numbers: bool = False
    ) -> None:
        self._schemas = {t.name: _arguments_schema(t) for t in tools}
        self._source = source.lower()
        self._numbers = written_numbers(source)
        self.commit = commit
        #: a number begun as a copy may end only where it is a whole number the source writes
        #: ("500" for "$500,000" is then unwritable once begun)
        self.whole_numbers = whole_numbers
        self._open_at: tuple[str, tuple[str, _JsonScan] | None] = ("", None)

    def _is_copy(self, kind: str, value: str) -> bool:
        if kind == "s":
            return value.lower() in self._source
        digits = value.lstrip("-")
        if self._is_whole(value):
            return True
        return bool(digits) and any(n.startswith(digits) for n in self._numbers)

    def _open(self, written: str) -> tuple[str, _JsonScan] | None:
        """The argument value open at the end of ``written`` if it is a copy so far: its kind
        ("s" a string, "n" a number) and the scan of the call up to there."""
        if self._open_at[0] == written and written:
            return self._open_at[1]
        found = self._find_open(written)
        if found is not None and not self._begun_as_copy(*found):
            found = None
        self._open_at = (written, found)
        return found

    def _begun_as_copy(self, kind: str, scan: _JsonScan) -> bool:
        value = _open_value(kind, scan)
        if value is None or (kind == "s" and len(value) < self.commit):
            return False
        return self._is_copy(kind, value)

    def _find_open(self, written: str) -> tuple[str, _JsonScan] | None:
        start = written.rfind(OPEN_TAG)
        if start < 0 or CLOSE_TAG in written[start:]:
            return None
        body = written[start + len(OPEN_TAG) :]
        name = _CALL_NAME.match(body)
        if name is None:
            return None
        scan = _JsonScan().feed(body)
        if scan.string is not None and not scan.key:
            kind, path = "s", scan.path()
        elif scan.number is not None:
            kind, path = "n", scan.number_at
        else:
            return None
        if not path or path[0] != "arguments":
            return None
        try:
            node: Any = self._schemas.get(json.loads(name.group(1)))
        except json.JSONDecodeError:
            return None
        for step in path[1:]:
            if not isinstance(node, dict):
                return None
            if isinstance(step, int):
                node = node.get("items")
            else:
                props = node.get("properties")
                node = props.get(step) if isinstance(props, dict) else None
        if not isinstance(node, dict) or any(
            k in node for k in ("enum", "const", "anyOf", "oneOf")
        ):
            return None
        if node.get("type") in ("boolean", "null", "object", "array"):
            return None
        return kind, scan

    def matters(self, written: str, piece: str) -> bool:
        return self._open(written) is not None

    def admits(self, written: str, prefix: str) -> bool:
        found = self._open(written)
        if found is None:
            return True
        kind, scan = found[0], found[1].copy()
        value = _open_value(kind, scan)
        for c in prefix[len(written) :]:
            scan.feed(c)
            if kind == "s" and scan.string is not None and scan.hexits is not None:
                continue  # inside a \uXXXX escape: the character is not known yet
            now = _open_value(kind, scan)
            if now is None:  # the value ended
                if kind == "n" and self.whole_numbers and value is not None:
                    return self._is_whole(value)
                break
            value = now
        return value is not None and self._is_copy(kind, value)

    def _is_whole(self, value: str) -> bool:
        """Whether the number ``value`` is one the source writes (12.0 for a written 12)."""
        digits = value.lstrip("-")
        whole, point, zeros = digits.partition(".")
        return (whole if point and not zeros.strip("0") else digits) in self._numbers


def _open_value(kind: str, scan: _JsonScan) -> str | None:
    """The text of the value of ``kind`` open at the end of ``scan`` (None: none is open)."""
    if kind == "s":
        return None if scan.string is None or scan.hexits is not None else "".join(scan.string)
    return scan.number
