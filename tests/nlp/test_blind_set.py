"""Scores the parser on the project's own blind set (tests/nlp/blind_cases.py), written and labelled
from the contract before the parser was run on it. Floors sit just under the achieved figures."""

import pytest

from nlp.evaluation import evaluate
from nlp.parser import RuleParser
from tests.nlp.blind_cases import ITEMS


@pytest.fixture(scope="module")
def report(parser: RuleParser):
    return evaluate(ITEMS, lambda text: parser.parse(text).to_dict())


def test_blind_set_is_large_and_covers_every_intent() -> None:
    from nlp.models import COMMAND_TYPE_OF_INTENT

    assert len(ITEMS) >= 150
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)
    intents = {item["expect"].get("intent") for item in ITEMS}
    assert set(COMMAND_TYPE_OF_INTENT) <= intents


def test_blind_command_type_and_intent(report) -> None:
    assert report.command_type_accuracy >= 0.98
    assert report.intent_accuracy >= 0.97


def test_blind_entity_f1(report) -> None:
    assert report.precision >= 0.97 and report.recall >= 0.97
    assert report.f1 >= 0.97


def test_blind_signal_posts_and_followups(report) -> None:
    assert report.signal_posts >= 45 and report.followups >= 20
    assert report.signal_exact_share >= 0.95
    assert report.followup_exact_share >= 0.95
