"""Scores the parser on the shared dev set (read in place, never copied) with floors just under
the achieved figures, so regressions show up. Skips when ../shared is absent."""

from pathlib import Path

import pytest

from nlp.evaluation import evaluate, load_items
from nlp.parser import RuleParser

DEV_SET = Path(__file__).resolve().parents[2] / ".." / "shared" / "nlp-dev.jsonl"


@pytest.fixture(scope="module")
def report(parser: RuleParser):
    if not DEV_SET.exists():
        pytest.skip(f"dev set not found at {DEV_SET.resolve()}")
    return evaluate(load_items(DEV_SET), lambda text: parser.parse(text).to_dict())


def test_command_type_and_intent_accuracy(report) -> None:
    assert report.items == 238
    assert report.command_type_accuracy >= 0.98
    assert report.intent_accuracy >= 0.97


def test_entity_f1(report) -> None:
    assert report.precision >= 0.97 and report.recall >= 0.97
    assert report.f1 >= 0.97


def test_signal_posts_and_followups_exact(report) -> None:
    assert report.signal_exact_share >= 0.95
    assert report.followup_exact_share >= 0.9
