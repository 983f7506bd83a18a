"""The canonical-English pass: other languages, slang and typos, on invented messages."""

import pytest

from nlp.lexicon import Canonicalizer
from nlp.parser import RuleParser
from nlp.symbols import SymbolUniverse


@pytest.fixture(scope="module")
def canonical():
    return Canonicalizer(SymbolUniverse()).canonical


@pytest.mark.parametrize(("text", "expected"), [
    ("cancle my sol order", "cancel my sol order"),
    ("show my allerts", "show my alerts"),
    ("posiitons on bybit", "positions on bybit"),
    ("ethereun price", "ethereum price"),
    ("by 2 sol at 140", "buy 2 sol at 140"),
    ("lmk when avax hits 40", "let me know when avax hits 40"),
])
def test_typos_and_slang_become_key_words(canonical, text, expected) -> None:
    assert canonical(text) == expected


@pytest.mark.parametrize("text", ["stand by me", "the red car", "people like pump", "sold by noon", "tell me more"])
def test_common_english_is_left_alone(canonical, text) -> None:
    assert canonical(text) == text


@pytest.mark.parametrize(("text", "intent", "entities"), [
    ("купи 0.2 btc по рынку", "place_order", {"symbol": "BTC/USDT", "side": "buy", "amount": 0.2, "order_type": "market"}),
    ("продай 3 sol по 150", "place_order", {"symbol": "SOL/USDT", "side": "sell", "amount": 3, "price": 150}),
    ("цена эфира", "price", {"symbol": "ETH/USDT"}),
    ("мои позиции", "positions", {}),
    ("новости по биткоину", "news", {"symbol": "BTC/USDT"}),
    ("vende 2 eth a mercado", "place_order", {"symbol": "ETH/USDT", "side": "sell", "amount": 2}),
    ("zeig mir meine positionen", "positions", {}),
])
def test_other_languages_read_like_english(parser: RuleParser, text, intent, entities) -> None:
    result = parser.parse(text).to_dict()
    assert result["intent"] == intent
    assert {key: result["entities"].get(key) for key in entities} == entities


def test_slash_command_arguments_use_the_same_numbers(parser: RuleParser) -> None:
    assert parser.parse("buy 0.01 btc at 61,500").entities["price"] == 61500
