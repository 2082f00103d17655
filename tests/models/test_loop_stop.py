"""``LoopStop``: a llama.cpp decode caught in a loop ("stderr: stderr: ...") ends where the loop
is seen, not at ``max_tokens``; a text that only repeats now and then is never cut."""

from __future__ import annotations

import numpy as np
import pytest

from behaviorlab.models import GenerationConfig, LlamaCppModel, Message

pytest.importorskip("llama_cpp")

from behaviorlab.models._llamacpp import LOOP_PERIOD, LoopStop, looping


@pytest.mark.parametrize("period", range(1, LOOP_PERIOD + 1))
def test_a_unit_of_up_to_the_period_repeated_over_the_window_is_a_loop(period):
    unit = list(range(100, 100 + period))
    tokens = [1, 2, 3] + unit * (64 // period + 2)
    assert looping(tokens, 64)
    assert not looping([*tokens[:-1], 7], 64)  # the last token breaks it
    assert not looping(unit * 3, 64)  # shorter than the window


def test_longer_units_and_varied_text_are_not_loops():
    unit = list(range(LOOP_PERIOD + 1))  # one token longer than the period
    assert not looping(unit * 20, 64)
    varied = [i % 13 + (i // 13) for i in range(200)]
    assert not looping(varied, 64)
    assert not looping([5] * 8, 8)  # a window no longer than the period reads nothing


class _Seen:
    def __init__(self, tokens: list[int]) -> None:
        self.tokens = tokens


def test_once_a_loop_is_seen_only_the_end_of_text_is_left():
    seen = _Seen([9] * 10)
    stop = LoopStop(seen, 16, eos=2)  # type: ignore[arg-type]
    scores = np.array([0.5, 3.0, -1.0, 4.0], dtype=np.float32)
    assert stop(None, scores.copy()).tolist() == scores.tolist()  # 10 tokens: not yet
    seen.tokens += [9] * 6
    out = stop(None, scores.copy())
    assert stop.hit and int(np.argmax(out)) == 2 and np.isinf(out[[0, 1, 3]]).all()


@pytest.mark.slow
def test_the_real_model_stops_a_loop_and_says_so():
    model = LlamaCppModel("smollm2-135m", n_threads=2)
    ask = [Message.user("Write the word stop one hundred times, separated by spaces.")]
    free = model.complete(ask, config=GenerationConfig(max_tokens=200, loop_stop=None))
    cut = model.complete(ask, config=GenerationConfig(max_tokens=200, loop_stop=64))
    assert free.finish_reason == "length" and free.usage.output_tokens == 200
    assert cut.finish_reason == "loop" and cut.usage.output_tokens < 100
    assert free.text.startswith(cut.text.rstrip())  # the same decode, ended early
    plain = model.complete(
        [Message.user("Name three colours.")], config=GenerationConfig(max_tokens=60)
    )
    assert plain.finish_reason != "loop"
