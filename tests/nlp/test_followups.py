import pytest

from nlp.evaluation import values_equal
from nlp.parser import RuleParser
from tests.nlp.own_cases import FOLLOWUPS


@pytest.mark.parametrize(("post", "expected"), FOLLOWUPS, ids=[f"followup-{i}" for i in range(len(FOLLOWUPS))])
def test_followups_are_signal_updates(parser: RuleParser, post: str, expected: dict) -> None:
    result = parser.parse(post).to_dict()
    assert (result["command_type"], result["intent"]) == ("trade_analysis", "signal_update")
    assert set(result["entities"]) == set(expected)
    for name, value in expected.items():
        assert values_equal(value, result["entities"][name]), name


@pytest.mark.parametrize(
    ("text", "intent"),
    [("close ETH", "close_position"), ("move sl to entry", "modify_order"), ("close my sol short", "close_position"),
     ("cancel order 123", "cancel_order")],
)
def test_the_same_words_typed_plainly_are_the_users_command(parser: RuleParser, text: str, intent: str) -> None:
    assert parser.parse(text).intent == intent


def test_a_forwarded_message_is_always_read_as_a_post(parser: RuleParser) -> None:
    assert parser.parse("close ETH", forwarded=True).intent == "signal_update"
    assert parser.parse("LINK", forwarded=True).intent == "signal"


def test_main_action_is_the_first_one_named(parser: RuleParser) -> None:
    result = parser.parse("#UNI TP1 hit ✅ move SL to entry")
    assert result.entities["update"] == "tp_hit"
    assert result.entities["target_index"] == 1
