import pytest

from nlp.evaluation import values_equal
from nlp.parser import RuleParser
from tests.nlp.own_cases import COMMANDS


@pytest.mark.parametrize(("text", "command_type", "intent", "expected"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_typed_commands(parser: RuleParser, text: str, command_type: str, intent: str, expected: dict) -> None:
    result = parser.parse(text).to_dict()
    assert (result["command_type"], result["intent"]) == (command_type, intent)
    assert set(result["entities"]) == set(expected)
    for name, value in expected.items():
        assert values_equal(value, result["entities"][name]), name


def test_confidence_is_a_probability_and_low_for_gibberish(parser: RuleParser) -> None:
    clear = parser.parse("buy 0.5 eth at 3100")
    unclear = parser.parse("qwerty zxcv")
    assert 0 <= unclear.confidence < 0.5 < clear.confidence <= 1


def test_json_output_uses_plain_numbers_and_omits_absent_keys(parser: RuleParser) -> None:
    output = parser.parse("buy 2k usdt of btc at 61.2k").to_dict()
    assert output["entities"] == {"symbol": "BTC/USDT", "side": "buy", "quote_amount": 2000, "order_type": "limit",
                                  "price": 61200}
    assert isinstance(output["entities"]["price"], int)


def test_empty_text_still_gives_a_command(parser: RuleParser) -> None:
    output = parser.parse("").to_dict()
    assert output["command_type"] == "general_query" and output["entities"] == {}
