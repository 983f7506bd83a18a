import pytest

from nlp.parser import RuleParser
from nlp.symbols import SymbolUniverse


@pytest.fixture()
def universe() -> SymbolUniverse:
    return SymbolUniverse()


@pytest.mark.parametrize(
    ("token", "symbol"),
    [
        ("BTCUSDT", "BTC/USDT"), ("BTC-USDT", "BTC/USDT"), ("BTC_USDT", "BTC/USDT"), ("BTCUSDT.P", "BTC/USDT"),
        ("BTCUSDTPERP", "BTC/USDT"), ("BTC-PERP", "BTC/USDT"), ("#BTC", "BTC/USDT"), ("$BTC", "BTC/USDT"),
        ("bitcoin", "BTC/USDT"), ("ether", "ETH/USDT"), ("BTCUSD", "BTC/USD"), ("JUP/USD", "JUP/USD"),
        ("ETH/BTC", "ETH/BTC"), ("1000PEPEUSDT", "1000PEPE/USDT"), ("sol", "SOL/USDT"),
    ],
)
def test_pair_notations_resolve_to_unified_symbols(universe: SymbolUniverse, token: str, symbol: str) -> None:
    assert universe.resolve(token) == symbol


def test_a_dollar_or_hash_marker_admits_an_unknown_ticker(universe: SymbolUniverse) -> None:
    assert universe.resolve("$ZZTOP") == "ZZTOP/USDT"
    assert universe.resolve("ZZTOP") is None


@pytest.mark.parametrize("word", ["THE", "ONE", "SO", "the", "one"])
def test_function_words_are_not_tickers_without_a_marker(universe: SymbolUniverse, word: str) -> None:
    assert universe.resolve(word) is None


def test_a_marked_word_ticker_is_a_ticker(universe: SymbolUniverse) -> None:
    assert universe.resolve("$THE") == "THE/USDT"
    assert universe.resolve("THEUSDT") == "THE/USDT"


@pytest.mark.parametrize("text", ["buy THE dip", "ONE more", "SO what"])
def test_ordinary_words_in_messages_name_no_symbol(parser: RuleParser, text: str) -> None:
    entities = parser.parse(text).entities
    assert "symbol" not in entities and "symbols" not in entities


def test_ambiguous_tickers_need_a_coin_slot_in_lower_case(parser: RuleParser) -> None:
    assert parser.parse("price of link").entities["symbol"] == "LINK/USDT"
    assert "symbol" not in parser.parse("send me the link to the docs please").entities


def test_exchange_markets_extend_the_universe() -> None:
    parser = RuleParser()
    assert "symbol" not in parser.parse("buy 100 zork").entities
    parser.add_markets(["ZORK/USDT", "QUUX/USDT:USDT"])
    assert parser.parse("buy 100 zork").entities["symbol"] == "ZORK/USDT"
    assert parser.parse("price of QUUX").entities["symbol"] == "QUUX/USDT"
