"""The post reader on invented posts, one class of issue-8 failure per group (see post_cases.py)."""

import pytest

from nlp.evaluation import values_equal
from nlp.parser import RuleParser
from tests.nlp.post_cases import FOLLOWUPS, SIGNAL_CLASSES

SIGNAL_CASES = [(f"{group}-{index}", post, expected) for group, cases in SIGNAL_CLASSES.items()
                for index, (post, expected) in enumerate(cases)]


def assert_entities(result: dict, expected: dict) -> None:
    assert set(result["entities"]) == set(expected), result["entities"]
    for name, value in expected.items():
        assert values_equal(value, result["entities"][name]), (name, result["entities"][name])


@pytest.mark.parametrize(("post", "expected"), [case[1:] for case in SIGNAL_CASES], ids=[case[0] for case in SIGNAL_CASES])
@pytest.mark.parametrize("forwarded", [True, False], ids=["forwarded", "pasted"])
def test_signal_posts(parser: RuleParser, post: str, expected: dict, forwarded: bool) -> None:
    result = parser.parse(post, forwarded=forwarded).to_dict()
    assert (result["command_type"], result["intent"]) == ("trade_analysis", "signal")
    assert_entities(result, expected)


@pytest.mark.parametrize(("post", "expected"), FOLLOWUPS, ids=[f"followup-{i}" for i in range(len(FOLLOWUPS))])
def test_followup_posts(parser: RuleParser, post: str, expected: dict) -> None:
    result = parser.parse(post, forwarded=True).to_dict()
    assert (result["command_type"], result["intent"]) == ("trade_analysis", "signal_update")
    assert_entities(result, expected)


@pytest.mark.parametrize("post", [post for post, _ in FOLLOWUPS if post not in ("Close TRB",)])
def test_followups_with_channel_markers_read_the_same_when_pasted(parser: RuleParser, post: str) -> None:
    assert parser.parse(post).intent == "signal_update"


def test_a_plain_close_typed_by_the_user_stays_their_command(parser: RuleParser) -> None:
    # The contract: without channel markers the same words are the user's own order.
    assert parser.parse("Close TRB").intent == "close_position"


def test_an_exchange_name_is_never_the_traded_coin(parser: RuleParser) -> None:
    for post in ("BINANCE/USDT\nLong #QWIX\nEntry 1.2\nTP 1.3\nSL 1.1", "#BYBIT\nQWIX long 1.2\nTP 1.3\nSL 1.1"):
        assert parser.parse(post, forwarded=True).entities["symbol"] == "QWIX/USDT"


def test_a_channel_named_after_an_exchange_is_not_a_venue(parser: RuleParser) -> None:
    result = parser.parse("#ADA Long\nEntry 0.45\nTP 0.5\nSL 0.42\n- Binance Killers", forwarded=True)
    assert "exchange" not in result.entities


def test_prose_after_a_bullet_is_not_a_label(parser: RuleParser) -> None:
    result = parser.parse("#SOL Short\nEntry: 194.5\nTP: 187.9\nSL: 201\n\u2022 Below 190 the move speeds up", forwarded=True)
    assert [float(value) for value in result.entities["entries"]] == [194.5]


def test_a_long_analysis_that_mentions_liquidations_is_still_a_signal(parser: RuleParser) -> None:
    post = ("QWIX saw heavy short positions liquidated near 1.20 today, and buyers are now firmly in control of the "
            "intraday trend after the squeeze.\nEntry: 1.18 - 1.20\nTargets: 1.26 / 1.31\nStop: 1.12")
    result = parser.parse(post)
    assert result.intent == "signal"
    assert [float(value) for value in result.entities["take_profits"]] == [1.26, 1.31]
