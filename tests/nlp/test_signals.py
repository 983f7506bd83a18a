from decimal import Decimal

import pytest

from nlp.evaluation import values_equal
from nlp.parser import RuleParser
from nlp.signals import consistency_problems, read_signal
from nlp.symbols import SymbolUniverse
from tests.nlp.own_cases import SIGNAL_POSTS


@pytest.mark.parametrize(("post", "expected"), SIGNAL_POSTS, ids=[f"post-{i}" for i in range(len(SIGNAL_POSTS))])
def test_signal_posts_read_every_field(parser: RuleParser, post: str, expected: dict) -> None:
    result = parser.parse(post, forwarded=True).to_dict()
    assert (result["command_type"], result["intent"]) == ("trade_analysis", "signal")
    assert set(result["entities"]) == set(expected)
    for name, value in expected.items():
        assert values_equal(value, result["entities"][name]), name


def test_a_pasted_signal_is_a_signal_without_forwarding(parser: RuleParser) -> None:
    result = parser.parse("SOL long 142.5-144 tp 148 152 158 sl 139.8")
    assert result.intent == "signal"
    assert result.entities["entries"] == [Decimal("142.5"), Decimal("144")]


def test_a_setup_with_a_question_is_an_evaluation_not_a_signal(parser: RuleParser) -> None:
    result = parser.parse("thoughts on long sol 142, tp 150, sl 138?")
    assert result.intent == "evaluate_trade"
    assert result.entities["target_price"] == Decimal(142)


def test_side_is_inferred_from_prices_when_not_stated(parser: RuleParser) -> None:
    result = parser.parse("#ATOM\nEntry: 6.10 - 6.25\nTargets: 5.90 / 5.70 / 5.40\nSL: 6.55", forwarded=True)
    assert result.entities["side"] == "sell"


def test_consistent_signal_has_high_confidence() -> None:
    reading = read_signal("#ETH LONG\nEntry: 3000\nTP: 3100 3200\nSL: 2900", SymbolUniverse())
    assert consistency_problems(reading.entities) == []
    assert reading.confidence >= 0.9


def test_stop_on_the_wrong_side_lowers_confidence() -> None:
    good = read_signal("#ETH LONG\nEntry: 3000\nTP: 3100 3200\nSL: 2900", SymbolUniverse())
    bad = read_signal("#ETH LONG\nEntry: 3000\nTP: 3100 3200\nSL: 3050", SymbolUniverse())
    assert "stop on the wrong side of the entries" in consistency_problems(bad.entities)
    assert bad.confidence < good.confidence - 0.1


def test_targets_out_of_order_are_flagged() -> None:
    entities = {"side": "sell", "entries": [Decimal(10)], "take_profits": [Decimal(9), Decimal("9.5")],
                "stop_loss": Decimal(11)}
    assert consistency_problems(entities) == ["targets not ordered for the side"]


def test_leverage_warning_in_commentary_is_not_the_posts_leverage(parser: RuleParser) -> None:
    post = "#XRP SHORT\nEntry 2.10\nTP 2.00\nSL 2.20\nNote: 50x leverage is too aggressive here"
    assert "leverage" not in parser.parse(post, forwarded=True).entities


def test_recap_of_known_targets_is_not_read_twice(parser: RuleParser) -> None:
    post = ("#BNB LONG\nEntry: 600\nTP1: 620\nTP2: 640\nSL: 585\n\nRisk/Reward:\nTP1: 620 -> 1:1.3\n"
            "TP2: 640 -> 1:2.6")
    assert parser.parse(post, forwarded=True).entities["take_profits"] == [Decimal(620), Decimal(640)]


def test_market_entry_sets_entry_at_market(parser: RuleParser) -> None:
    result = parser.parse("#FIL LONG\nEntry: market\nTargets: 3.6 3.8\nStop: 3.2", forwarded=True)
    assert result.entities["entry_at_market"] is True
    assert "entries" not in result.entities
