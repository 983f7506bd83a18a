"""Scoring a parser against a labelled set, exactly as nlp-dev-README.md describes.

Shared by the dev-set test and the benchmark so both report the same figures.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.calibration import DEFAULT_ANCHOR, expected_calibration_error
from nlp.models import ENTITY_KINDS

SIGNAL_KEYS = frozenset({
    "symbol", "symbols", "side", "entries", "take_profits", "stop_loss", "leverage", "leverage_max", "margin_mode",
    "exchange", "exchanges", "market_type", "entry_at_market", "stop_loss_percent", "take_profit_percents",
    "percent_of_balance", "update", "target_index", "to_breakeven",
})
POST_INTENTS = frozenset({"signal", "signal_update"})


def load_items(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split_half(item: dict[str, Any]) -> str:
    """``"tune"`` or ``"holdout"``: a fixed, label-blind split of a labelled file.

    Posts split by their source repository or page (so a channel's style lands on one side only),
    typed messages by id; a hash decides, never a person. The holdout half is scored, never read
    item by item, and gives the honest estimate of how the parser does on new text.
    """
    key = item["source"].split()[0] if item.get("source") else item["id"]
    return "holdout" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 else "tune"


def values_equal(expected: Any, got: Any) -> bool:
    """Numbers within 1e-6 relative, strings and booleans exact, lists element-wise in order."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return type(expected) is type(got) and expected == got
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return abs(expected - got) <= 1e-6 * max(abs(expected), abs(got)) if expected != got else True
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(values_equal(e, g) for e, g in zip(expected, got))
    return expected == got


@dataclass(frozen=True)
class ItemScore:
    correct: int
    missed: int
    false_positives: int
    wrong_keys: tuple[str, ...]
    extra_keys: tuple[str, ...]
    scored_keys: tuple[str, ...] = ()


def score_entities(expected: dict[str, Any], got: dict[str, Any], *, lenient: Iterable[str] = (),
                   post: bool = False) -> ItemScore:
    lenient_keys = set(lenient)
    wrong = tuple(key for key, value in expected.items() if key not in lenient_keys
                  and not (key in got and values_equal(value, got[key])))
    scored = [key for key in expected if key not in lenient_keys]
    extra = tuple(
        key for key in got
        if key in ENTITY_KINDS and key not in expected and key not in lenient_keys and (not post or key in SIGNAL_KEYS)
    )
    return ItemScore(len(scored) - len(wrong), len(wrong), len(extra), wrong, extra, tuple(scored))


@dataclass
class Report:
    items: int = 0
    command_type_correct: int = 0
    intent_labelled: int = 0
    intent_correct: int = 0
    entity_correct: int = 0
    entity_missed: int = 0
    entity_false_positives: int = 0
    signal_posts: int = 0
    signal_posts_exact: int = 0
    followups: int = 0
    followups_exact: int = 0
    tricky: int = 0
    tricky_type_correct: int = 0
    typed_entity: list[int] = field(default_factory=lambda: [0, 0, 0])  # correct, missed, false positives
    post_entity: list[int] = field(default_factory=lambda: [0, 0, 0])
    per_field: dict[str, list[int]] = field(default_factory=dict)  # key -> [correct, missed, false positives]
    confusions: Counter = field(default_factory=Counter)  # (expected, got) command types
    typed_readings: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, reading right)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def command_type_accuracy(self) -> float:
        return self.command_type_correct / self.items if self.items else 0.0

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.intent_labelled if self.intent_labelled else 0.0

    @property
    def precision(self) -> float:
        found = self.entity_correct + self.entity_false_positives
        return self.entity_correct / found if found else 0.0

    @property
    def recall(self) -> float:
        labelled = self.entity_correct + self.entity_missed
        return self.entity_correct / labelled if labelled else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def signal_exact_share(self) -> float:
        return self.signal_posts_exact / self.signal_posts if self.signal_posts else 0.0

    @property
    def followup_exact_share(self) -> float:
        return self.followups_exact / self.followups if self.followups else 0.0

    @property
    def tricky_type_accuracy(self) -> float:
        return self.tricky_type_correct / self.tricky if self.tricky else 0.0

    @property
    def typed_entity_f1(self) -> float:
        return _f1(*self.typed_entity)

    @property
    def post_entity_f1(self) -> float:
        return _f1(*self.post_entity)

    @property
    def typed_ece(self) -> float:
        return expected_calibration_error(self.typed_readings)

    def misread_share_at_or_above(self, threshold: float = DEFAULT_ANCHOR) -> tuple[float, int]:
        """Of the typed readings the bot acts on (confidence at or above ``threshold``): the share misread, and how many."""
        acted = [right for confidence, right in self.typed_readings if confidence >= threshold]
        return (acted.count(False) / len(acted) if acted else 0.0), len(acted)

    def field_f1(self) -> dict[str, float]:
        return {key: round(_f1(*counts), 4) for key, counts in sorted(self.per_field.items())}

    def summary(self) -> dict[str, float]:
        return {
            "items": self.items,
            "command_type_accuracy": round(self.command_type_accuracy, 4),
            "intent_accuracy": round(self.intent_accuracy, 4),
            "entity_precision": round(self.precision, 4),
            "entity_recall": round(self.recall, 4),
            "entity_f1": round(self.f1, 4),
            "signal_post_exact_share": round(self.signal_exact_share, 4),
            "followup_exact_share": round(self.followup_exact_share, 4),
            "tricky_type_accuracy": round(self.tricky_type_accuracy, 4),
            "typed_entity_f1": round(self.typed_entity_f1, 4),
            "post_entity_f1": round(self.post_entity_f1, 4),
        }


def _f1(correct: int, missed: int, false_positives: int) -> float:
    precision = correct / (correct + false_positives) if correct + false_positives else 0.0
    recall = correct / (correct + missed) if correct + missed else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(items: Iterable[dict[str, Any]], parse: Callable[[str], dict[str, Any]]) -> Report:
    """Score ``parse`` (text -> contract dict) over labelled items."""
    report = Report()
    for item in items:
        expect = item["expect"]
        output = parse(item["text"])
        got = output.get("entities", {})
        report.items += 1
        type_ok = output.get("command_type") in expect["command_type"]
        report.command_type_correct += type_ok
        if not type_ok:
            report.confusions[(expect["command_type"][0], output.get("command_type"))] += 1
        if item.get("tricky") or expect.get("tricky"):
            report.tricky += 1
            report.tricky_type_correct += type_ok
        intent_ok = True
        if "intent" in expect:
            report.intent_labelled += 1
            intent_ok = output.get("intent") == expect["intent"]
            report.intent_correct += intent_ok
        post = expect.get("intent") in POST_INTENTS
        if not post and "confidence" in output:
            report.typed_readings.append((output["confidence"], type_ok and intent_ok))
        # "lenient" and "entities_alt" may sit on the item or inside "expect" (the dev file does the latter).
        alternatives = [expect.get("entities", {}), *item.get("entities_alt", []), *expect.get("entities_alt", [])]
        lenient = [*item.get("lenient", ()), *expect.get("lenient", ())]
        best = min(
            (score_entities(alt, got, lenient=lenient, post=post) for alt in alternatives),
            key=lambda score: (score.missed + score.false_positives, score.missed),
        )
        report.entity_correct += best.correct
        report.entity_missed += best.missed
        report.entity_false_positives += best.false_positives
        bucket = report.post_entity if post else report.typed_entity
        for index, count in enumerate((best.correct, best.missed, best.false_positives)):
            bucket[index] += count
        for key in best.scored_keys:
            report.per_field.setdefault(key, [0, 0, 0])[1 if key in best.wrong_keys else 0] += 1
        for key in best.extra_keys:
            report.per_field.setdefault(key, [0, 0, 0])[2] += 1
        exact = type_ok and intent_ok and best.missed == 0
        if expect.get("intent") == "signal":
            report.signal_posts += 1
            report.signal_posts_exact += exact
        elif expect.get("intent") == "signal_update":
            report.followups += 1
            report.followups_exact += exact
        if not (type_ok and intent_ok and best.missed == 0 and best.false_positives == 0):
            report.failures.append({
                "id": item.get("id"), "text": item["text"][:120], "expected": expect, "got": output,
                "wrong": best.wrong_keys, "extra": best.extra_keys,
            })
    return report
