"""Confidence calibration for typed messages: temperature scaling anchored at the bot's threshold.

The reading's confidence (rule cues and the intent model, see ``nlp.classifier``) ranks readings well but
says less than the share it gets right. A temperature ``T`` fitted on messages the model was not trained on
rescales it in logit space around ``anchor``:

    calibrated = sigmoid((logit(c) - logit(anchor)) / T + logit(anchor))

Anchored at the bot's default threshold, the map moves no reading across it: what the bot acts on, and
what it offers as buttons, stays the same; only the figure becomes the probability the reading is right.
Fitted by ``scripts/train_intent_model.py`` and shipped beside the model (``calibration.json``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

CALIBRATION_FILE = "calibration.json"
DEFAULT_ANCHOR = 0.6  # the bot's default nlp_confidence_threshold
_EPSILON = 1e-4


def _logit(probability: float) -> float:
    probability = min(max(probability, _EPSILON), 1 - _EPSILON)
    return math.log(probability / (1 - probability))


@dataclass(frozen=True)
class Calibration:
    temperature: float = 1.0
    anchor: float = DEFAULT_ANCHOR

    def apply(self, confidence: float) -> float:
        if self.temperature == 1.0:
            return confidence
        shift = _logit(self.anchor)
        return round(1 / (1 + math.exp(-((_logit(confidence) - shift) / self.temperature + shift))), 4)

    def invert(self, calibrated: float) -> float:
        """The raw confidence behind a calibrated one (to score what the calibration changed)."""
        shift = _logit(self.anchor)
        return round(1 / (1 + math.exp(-((_logit(calibrated) - shift) * self.temperature + shift))), 3)

    @classmethod
    def load(cls, directory: Path) -> Calibration:
        """The shipped calibration, or none (temperature 1) for a model trained without one."""
        path = directory / CALIBRATION_FILE
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["temperature"]), float(data["anchor"]))

    def save(self, directory: Path, **notes: object) -> None:
        data = {"temperature": self.temperature, "anchor": self.anchor, **notes}
        (directory / CALIBRATION_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def fit(readings: Sequence[tuple[float, bool]], anchor: float = DEFAULT_ANCHOR) -> Calibration:
    """The temperature (0.10 to 3.00, step 0.01) with the least negative log-likelihood of being right."""
    def loss(temperature: float) -> float:
        calibration = Calibration(temperature, anchor)
        total = 0.0
        for confidence, right in readings:
            probability = min(max(calibration.apply(confidence), 1e-6), 1 - 1e-6)
            total -= math.log(probability if right else 1 - probability)
        return total
    return Calibration(min((step / 100 for step in range(10, 301)), key=loss), anchor)


def expected_calibration_error(readings: Iterable[tuple[float, bool]], bins: int = 10) -> float:
    """ECE over equal-width confidence bins: the mean gap between confidence and the share right, by bin size."""
    binned: dict[int, list[tuple[float, bool]]] = {}
    for confidence, right in readings:
        binned.setdefault(min(bins - 1, int(confidence * bins)), []).append((confidence, right))
    total = sum(len(members) for members in binned.values())
    if not total:
        return 0.0
    return sum(abs(sum(c for c, _ in members) - sum(r for _, r in members)) for members in binned.values()) / total
