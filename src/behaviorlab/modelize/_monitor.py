"""Monitoring: score live (input, output) pairs against a forward model and flag outliers.

The score adds two signals. *Surprise*: the negative log-probability of the least
likely token of the observed output (a fault usually puts one token where the model
expects another). *Mismatch*: the token edit distance between the model's own
prediction and the observed output, relative to its length. The threshold is a quantile
of the scores of clean pairs, so the false-alarm rate is chosen, not hoped for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from behaviorlab import trace as tracing
from behaviorlab.modelize._metrics import levenshtein

if TYPE_CHECKING:
    from behaviorlab.modelize._behavior import BehaviorModel
    from behaviorlab.modelize._subjects import Subject
    from behaviorlab.trace import Recorder


class MonitorScore(BaseModel):
    score: float
    surprise: float
    mean_nll: float
    mismatch: float
    unknown_tokens: int
    #: index (in the output's tokens) of the least likely token, and the token
    worst_index: int
    worst_token: str
    prediction: str


class Verdict(BaseModel):
    input: str
    output: str
    score: MonitorScore
    threshold: float
    anomalous: bool
    error: str | None = None


class Calibration(BaseModel):
    threshold: float
    false_alarm_target: float
    n: int
    clean_scores_median: float
    clean_scores_max: float


@dataclass
class Monitor:
    """Scores pairs with a forward model; ``calibrate`` on clean pairs before ``check``.

    ``mismatch_weight`` scales the prediction-mismatch term against the surprise (in
    nats); 4 means a prediction wrong in a quarter of its tokens counts like one token
    with probability e^-1 less.
    """

    model: BehaviorModel
    subject: Subject | None = None
    threshold: float = math.inf
    mismatch_weight: float = 4.0
    recorder: Recorder | None = None

    def score_many(self, inputs: Sequence[str], outputs: Sequence[str]) -> list[MonitorScore]:
        preds = self.model.predict_many(list(inputs))
        liks = self.model.likelihood_many(list(zip(inputs, outputs, strict=True)))
        lex = self.model.tgt_lexer
        out: list[MonitorScore] = []
        for pred, obs, lik in zip(preds, outputs, liks, strict=True):
            a = [v for v, _ in lex.tokens(pred)]
            b = [v for v, _ in lex.tokens(obs)]
            mismatch = levenshtein(a, b) / max(1, len(b)) if pred != obs else 0.0
            worst = (
                min(range(len(lik.logprobs)), key=lik.logprobs.__getitem__) if lik.logprobs else 0
            )
            surprise = lik.max_nll
            out.append(
                MonitorScore(
                    score=surprise + self.mismatch_weight * mismatch,
                    surprise=surprise,
                    mean_nll=lik.mean_nll,
                    mismatch=mismatch,
                    unknown_tokens=lik.unknown,
                    worst_index=worst,
                    worst_token=lik.tokens[worst] if lik.tokens else "",
                    prediction=pred,
                )
            )
        return out

    def calibrate(
        self,
        inputs: Sequence[str],
        outputs: Sequence[str],
        false_alarm_rate: float = 0.02,
        floor: float = math.log(2),
    ) -> Calibration:
        """Set the threshold at the ``1 - false_alarm_rate`` quantile of clean scores.

        The threshold is never below ``floor`` (ln 2 by default): an output that is the
        model's own prediction with every token at least even odds is never flagged, even
        when the clean scores are all near zero (a model that knows a table by heart).
        """
        scores = sorted(s.score for s in self.score_many(inputs, outputs))
        if not scores:
            raise ValueError("calibration needs at least one clean pair")
        k = min(len(scores) - 1, math.ceil((1 - false_alarm_rate) * len(scores)) - 1)
        # strictly above the chosen clean score, so at most the target share is flagged
        self.threshold = max(floor, scores[max(0, k)] + 1e-6)
        return Calibration(
            threshold=self.threshold,
            false_alarm_target=false_alarm_rate,
            n=len(scores),
            clean_scores_median=scores[len(scores) // 2],
            clean_scores_max=scores[-1],
        )

    def check_many(self, inputs: Sequence[str], outputs: Sequence[str]) -> list[Verdict]:
        """Verdicts for observed pairs; anomalous ones are recorded as ``anomaly`` spans."""
        verdicts = [
            Verdict(
                input=i,
                output=o,
                score=s,
                threshold=self.threshold,
                anomalous=s.score > self.threshold,
            )
            for i, o, s in zip(inputs, outputs, self.score_many(inputs, outputs), strict=True)
        ]
        for v in verdicts:
            if v.anomalous:
                self._record(v)
        return verdicts

    def check(self, input: str, output: str) -> Verdict:
        return self.check_many([input], [output])[0]

    def run(self, input: str) -> Verdict:
        """Run the live subject on ``input`` and check what it produced."""
        if self.subject is None:
            raise ValueError("this monitor has no subject to run; use check(input, output)")
        from behaviorlab.modelize._subjects import SubjectError

        try:
            output = self.subject.run(input)
        except SubjectError as e:
            return Verdict(
                input=input,
                output="",
                score=MonitorScore(
                    score=math.inf,
                    surprise=math.inf,
                    mean_nll=math.inf,
                    mismatch=1.0,
                    unknown_tokens=0,
                    worst_index=0,
                    worst_token="",
                    prediction="",
                ),
                threshold=self.threshold,
                anomalous=True,
                error=str(e),
            )
        return self.check(input, output)

    def _record(self, v: Verdict) -> None:
        name = self.subject.name if self.subject is not None else self.model.info.subject
        attrs: dict[str, Any] = {
            "behaviorlab.subject": name,
            "behaviorlab.anomaly.score": v.score.score,
            "behaviorlab.anomaly.threshold": v.threshold,
            "behaviorlab.anomaly.surprise": v.score.surprise,
            "behaviorlab.anomaly.mismatch": v.score.mismatch,
            "behaviorlab.anomaly.token_index": v.score.worst_index,
            "behaviorlab.anomaly.token": v.score.worst_token,
            "behaviorlab.anomaly.expected": v.score.prediction[:2000],
        }
        if self.recorder is not None:
            with self.recorder.span(f"anomaly {name}", kind="anomaly", attributes=attrs) as s:
                s.set_input(v.input)
                s.set_output(v.output)
        else:
            with tracing.span(f"anomaly {name}", kind="anomaly", attributes=attrs) as s:
                s.set_input(v.input)
                s.set_output(v.output)
