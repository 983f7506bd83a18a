"""Typed messages scored on both shared dev files, read in place (never copied).

dev-2 is split by ``nlp.evaluation.split_half``: the tune half trained the intent model, the
holdout half never did and is never read item by item, so its floors are the honest ones. The
issue's target for the holdout half is 0.95 command-type accuracy; the floors below sit just under
what the parser achieves today (0.966 / 0.953 / 0.980; the model averages three seeds, and a single seed
moved each figure by about 0.01), so a regression fails here.
"""

from pathlib import Path

import pytest

from nlp.evaluation import Report, evaluate, load_items, split_half
from nlp.parser import RuleParser

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def _typed_report(parser: RuleParser, name: str, half: str | None = None) -> Report:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path.resolve()} not found")
    items = [item for item in load_items(path) if not item.get("source") and (half is None or split_half(item) == half)]
    return evaluate(items, lambda text: parser.parse(text).to_dict())


# Deliberately tricky messages (word senses, hypotheticals, tickers that are words): issue 8's
# target is 0.85 type accuracy; the holdout's 47 score 0.957, and the floor is two of them under.
@pytest.mark.parametrize(("name", "half", "command_type", "intent", "entity_f1", "tricky"), [
    ("nlp-dev.jsonl", None, 0.98, 0.98, 0.98, 0.95),
    ("nlp-dev-2.jsonl", "tune", 0.95, 0.95, 0.94, 0.95),
    ("nlp-dev-2.jsonl", "holdout", 0.95, 0.94, 0.97, 0.91),
])
def test_typed_messages_meet_their_floors(parser: RuleParser, name, half, command_type, intent, entity_f1,
                                          tricky) -> None:
    report = _typed_report(parser, name, half)
    assert report.tricky and report.tricky_type_accuracy >= tricky
    assert report.command_type_accuracy >= command_type
    assert report.intent_accuracy >= intent
    assert report.typed_entity_f1 >= entity_f1


def test_the_split_is_fixed_and_about_half(parser: RuleParser) -> None:
    path = SHARED / "nlp-dev-2.jsonl"
    if not path.exists():
        pytest.skip("dev-2 not found")
    items = load_items(path)
    holdout = [item for item in items if split_half(item) == "holdout"]
    assert 0.4 < len(holdout) / len(items) < 0.6
    # Every post of one source repository lands on the same side.
    sides: dict[str, set[str]] = {}
    for item in items:
        if item.get("source"):
            sides.setdefault(item["source"].split()[0], set()).add(split_half(item))
    assert all(len(found) == 1 for found in sides.values())
