"""``GrammarMask``: a greedy decode held to a grammar by testing the model's own choice first
gives the tokens llama.cpp's grammar sampler gives, testing the whole vocabulary only where
the grammar refuses that choice; a sampled decode is masked at every step."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from behaviorlab.models import GenerationConfig, LlamaCppModel, Message, tool_calls_gbnf
from behaviorlab.models._grammar import gbnf_for

pytest.importorskip("llama_cpp")
from llama_cpp import Llama

from behaviorlab.models._llamacpp import GrammarMask, resolve_gguf

COLOUR = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "blue"]}},
    "required": ["colour"],
}


@pytest.fixture(scope="module")
def vocab() -> Llama:
    llm = Llama(model_path=str(resolve_gguf("smollm2-135m")), vocab_only=True, verbose=False)
    yield llm
    llm.close()


def token(llm: Llama, text: str) -> int:
    ids = llm.tokenize(text.encode(), add_bos=False, special=False)
    assert len(ids) == 1, f"{text!r} is {len(ids)} tokens"
    return ids[0]


def written_by_the_model(mask: GrammarMask, vocab: Llama, text: str) -> list[int]:
    """Feed ``mask`` the steps of a model that writes ``text`` (each token its top choice, each
    one the mask must keep); the ids after a three-token prompt."""
    ids = [1, 2, 3]
    for t in vocab.tokenize(text.encode(), add_bos=False, special=False):
        scores = np.zeros(vocab.n_vocab(), dtype=np.single)
        scores[t] = 9.0
        out = mask(np.array(ids, dtype=np.intc), scores)
        assert int(np.argmax(out)) == t
        ids.append(t)
    return ids


def test_an_allowed_first_choice_is_kept_and_a_refused_one_masks_the_vocabulary(vocab):
    n = vocab.n_vocab()
    mask = GrammarMask(vocab, 'root ::= "{" "}"', greedy=True)
    try:
        brace, letter = token(vocab, "{"), token(vocab, "x")
        prompt = np.array([1, 2, 3], dtype=np.intc)
        scores = np.zeros(n, dtype=np.single)
        scores[brace] = 5.0  # the model's choice is what the grammar wants: nothing is masked
        assert mask(prompt, scores) is scores and mask.full_masks == 0
        # the model wrote "{"; now it prefers "x", which the grammar refuses
        scores = np.zeros(n, dtype=np.single)
        scores[letter] = 9.0
        out = mask(np.append(prompt, brace).astype(np.intc), scores)
        assert mask.full_masks == 1 and mask.steps == 2
        close = token(vocab, "}")
        assert np.isneginf(out[letter]) and np.isfinite(out[close])
        assert int(np.argmax(out)) == close  # the masked argmax is the grammar's "}"
        assert np.isfinite(out).sum() < n // 100  # almost all of the vocabulary is refused
    finally:
        mask.close()


def test_a_sampled_decode_is_masked_at_every_step(vocab):
    mask = GrammarMask(vocab, 'root ::= "{" "}"', greedy=False)
    try:
        scores = np.zeros(vocab.n_vocab(), dtype=np.single)
        scores[token(vocab, "{")] = 5.0
        out = mask(np.array([1], dtype=np.intc), scores)
        assert out is not scores and mask.full_masks == 1
        assert np.isneginf(out[token(vocab, "x")])
    finally:
        mask.close()


def test_a_grammar_llama_cpp_cannot_parse_is_a_clear_error(vocab):
    from behaviorlab.models import ModelError

    with pytest.raises(ModelError, match="could not parse the decoding grammar"):
        GrammarMask(vocab, "root ::= (", greedy=True)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["json", "tools", "tools-sampled"])
def test_the_lazy_mask_decodes_what_llama_cpps_grammar_sampler_decodes(kind):
    """The real packaged model, the same prompt and grammar, both ways: the same text and the
    same per-token log-probabilities (greedy), or text the grammar admits (sampled)."""
    from behaviorlab.models import ToolSpec
    from behaviorlab.models._toolcalls import GrammarMatcher

    weather = ToolSpec(
        name="get_weather",
        description="Weather forecast for a city.",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city", "days"],
        },
    )
    sampled = kind == "tools-sampled"
    cfg = GenerationConfig(max_tokens=60, temperature=0.8 if sampled else 0.0, seed=3)
    if kind == "json":
        msgs = [Message.user("Which colour is the sky? Reply in JSON.")]
        call = {"json_schema": COLOUR}
        gbnf = gbnf_for(COLOUR)
    else:
        msgs = [Message.user("What will the weather be in Galway over the next 3 days?")]
        call = {"tools": [weather]}
        gbnf = tool_calls_gbnf([weather])
    outs = []
    for lazy in (True, False):
        m = LlamaCppModel("smollm2-135m", n_ctx=1024, lazy_grammar=lazy, config=cfg)
        try:
            outs.append(m.complete(msgs, **call))
        finally:
            m.close()
    lazy_out, full_out = outs
    matcher = GrammarMatcher()
    try:
        assert matcher.accepts(gbnf, lazy_out.text), lazy_out.text
    finally:
        matcher.close()
    if not sampled:
        assert lazy_out.text == full_out.text
        assert lazy_out.token_logprobs == pytest.approx(full_out.token_logprobs, abs=1e-4)


def test_a_check_beside_the_grammar_masks_what_the_grammar_allows(vocab):
    """A list that may copy each written number once (``InInputOrder(reuse=False)``): the
    grammar allows a spent number again, the count check refuses it, and the mask then
    gives the best token both allow."""
    from typing import Annotated

    from pydantic import BaseModel

    from behaviorlab.models import CopyNumber, InInputOrder, constrain
    from behaviorlab.models._constraints import prefix_check

    class Parcel(BaseModel):
        kilos: Annotated[int, CopyNumber()]
        cm: Annotated[int, CopyNumber()]

    class Shipment(BaseModel):
        parcels: Annotated[list[Parcel], InInputOrder(reuse=False)]

    compiled = constrain(
        Shipment, "parcel: 4 kg, 30 cm\nparcel: 7 kg, 45 cm\n"
    ).compiled_constraints  # type: ignore[attr-defined]
    mask = GrammarMask(vocab, gbnf_for(compiled), greedy=True, check=prefix_check(compiled))
    try:
        # the model writes these; each was allowed (a "4" may begin 45)
        ids = written_by_the_model(mask, vocab, '{"parcels":[{"kilos":4,"cm":30},{"kilos":4')
        # it now wants to end the number: "4" again, which the input writes once
        scores = np.zeros(vocab.n_vocab(), dtype=np.single)
        scores[token(vocab, ",")] = 9.0
        scores[token(vocab, "5")] = 1.0
        out = mask(np.array(ids, dtype=np.intc), scores)
        assert int(np.argmax(out)) == token(vocab, "5") and mask.refused >= 1
        assert np.isfinite(out).sum() == 1  # greedy: the one token both allow
    finally:
        mask.close()


@pytest.mark.slow
def test_the_real_model_under_the_count_check_writes_a_list_validation_accepts_first_time():
    """The packaged (untuned) model, a list that may copy each written number once, no
    retries: whatever it reads, the decode keeps to the count and to the input's order,
    and never starts an item it cannot finish."""
    from typing import Annotated

    from pydantic import BaseModel

    from behaviorlab.models import CopyNumber, InInputOrder, constrain
    from behaviorlab.models._constraints import input_numbers
    from behaviorlab.models._structured import generate_structured

    class Parcel(BaseModel):
        kilos: Annotated[int, CopyNumber()]
        cm: Annotated[int, CopyNumber()]

    class Shipment(BaseModel):
        parcels: Annotated[list[Parcel], InInputOrder(reuse=False)]

    text = "Parcels:\n1) 4 kg, 30 cm\n2) 7 kg, 30 cm\n3) 4 kg, 45 cm\n4) 12 kg, 80 cm\n"
    bound = constrain(Shipment, text)
    m = LlamaCppModel("smollm2-135m", n_ctx=1024, config=GenerationConfig(max_tokens=200))
    try:
        msgs = [Message.user(f"List the parcels as JSON.\n\n{text}")]
        out, completions = generate_structured(m, msgs, bound, retries=0)
    finally:
        m.close()
    assert len(completions) == 1
    written = Counter(n.value for n in input_numbers(text))
    copied = Counter(float(v) for p in out.parcels for v in (p.kilos, p.cm))
    assert all(k <= written[v] for v, k in copied.items()), out


def test_copied_values_mask_the_token_that_garbles_a_copy(vocab):
    """``CopiedValueCheck`` beside the tool-call grammar: a number begun as a copy of the
    request ("4" of "$400,000") may not go on as one the request never writes ("41"); the
    mask gives the model's next choice that keeps the copy."""
    from behaviorlab.models import CopiedValueCheck, ToolSpec

    tool = ToolSpec(
        name="claim",
        description="File a claim.",
        parameters={"type": "object", "properties": {"amount": {"type": "integer"}}},
    )
    check = CopiedValueCheck([tool], "The claim is $400,000 at 4.5%.")
    mask = GrammarMask(vocab, tool_calls_gbnf([tool]), greedy=True, check=check)
    try:
        ids = written_by_the_model(
            mask, vocab, '<tool_call>{"name": "claim", "arguments": {"amount": 4'
        )
        scores = np.zeros(vocab.n_vocab(), dtype=np.single)
        scores[token(vocab, "1")], scores[token(vocab, "0")] = 9.0, 5.0
        out = mask(np.array(ids, dtype=np.intc), scores)
        assert int(np.argmax(out)) == token(vocab, "0") and mask.refused >= 1
    finally:
        mask.close()
