"""A tiny random Llama with a tiny byte-level BPE tokenizer, built offline in about a second.

It exercises the whole training pipeline (SFT, DPO, merge, GGUF export, serving) where the
real model would take minutes: CI, examples, smoke tests. Its outputs are noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from behaviorlab.train._deps import require

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")

_CORPUS = (
    "The passenger flies Main Cabin from Boston to Paris with a backpack and two luggage boxes.",
    '{"customer_class": "Business", "origin_city": "Chicago", "ticket_price": 420, '
    '"checked_bags": [{"item": 2, "length": 40, "width": 20, "height": 12, "weight": 55}]}',
    '<tool_call>{"name": "calculator", "arguments": {"expression": "1 + 2"}}</tool_call>',
    "Tool calculator returned: 3. Final Answer: 3",
    "user assistant system 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ",
)


def tiny_tokenizer(vocab_size: int = 512, corpus: Iterable[str] = ()) -> Any:
    """A byte-level BPE tokenizer (every string encodes) with a ChatML chat template; texts in
    ``corpus`` (e.g. the prompts a test will send) make their encodings short."""
    require("transformers", "tokenizers")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tk.train_from_iterator([*_CORPUS, *corpus] * 4, trainer=trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=tk,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    tok.chat_template = CHATML_TEMPLATE
    return tok


def make_tiny_model(
    out_dir: str | Path,
    *,
    hidden_size: int = 32,
    num_layers: int = 2,
    num_heads: int = 2,
    seed: int = 0,
    vocab_size: int = 512,
    corpus: Iterable[str] = (),
) -> Path:
    """Write a random ``LlamaForCausalLM`` and its tokenizer to ``out_dir``; returns the folder."""
    torch = require("torch")
    tf = require("transformers")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok = tiny_tokenizer(vocab_size, corpus)
    cfg = tf.LlamaConfig(
        vocab_size=len(tok),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_heads,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    torch.manual_seed(seed)
    model = tf.LlamaForCausalLM(cfg)
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
