"""The post figures of issue 8 on both shared dev files, read in place (never copied): signal posts
with every field right, follow-ups with every field right and entity F1 on channel posts, on dev-1,
on dev-2's tune half and on dev-2's holdout half (``nlp.evaluation.split_half``). The holdout half
is only ever scored here, never read item by item. Skips when ../shared is absent."""

from pathlib import Path

import pytest

from nlp.evaluation import POST_INTENTS, Report, evaluate, load_items, split_half
from nlp.parser import RuleParser

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
# (file, half or None, signal posts exact, follow-ups exact, post entity F1).
# Issue 8's targets are 0.85 / 0.85 / 0.96: the holdout's signal-post floor is the target itself (the
# reader scores 0.857 / 1.000 / 0.985 on its posts after the sixth round; 0.839 / 1.000 / 0.984 the
# round before, 0.821 / 0.957 / 0.979 before that, 0.804 / 0.913 / 0.975 in round 1, 0.750 / 0.826 /
# 0.962 before); the other floors sit about one post under what it achieves.
FLOORS = [
    ("nlp-dev.jsonl", None, 0.97, 0.94, 0.99),
    ("nlp-dev-2.jsonl", "tune", 0.98, 0.95, 0.99),
    ("nlp-dev-2.jsonl", "holdout", 0.85, 0.95, 0.98),
]


def post_report(parser: RuleParser, name: str, half: str | None) -> Report:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"dev set not found at {path.resolve()}")
    items = [item for item in load_items(path) if item["expect"].get("intent") in POST_INTENTS
             and (half is None or split_half(item) == half)]
    return evaluate(items, lambda text: parser.parse(text).to_dict())


@pytest.mark.parametrize(("name", "half", "signals", "followups", "f1"), FLOORS,
                         ids=[f"{name}-{half or 'all'}" for name, half, *_ in FLOORS])
def test_post_figures(parser: RuleParser, name: str, half: str | None, signals: float, followups: float,
                      f1: float) -> None:
    report = post_report(parser, name, half)
    assert report.signal_posts and report.followups
    assert report.signal_exact_share >= signals
    assert report.followup_exact_share >= followups
    assert report.post_entity_f1 >= f1
