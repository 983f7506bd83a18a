"""Typed-message classes the issue names, one case per class (written for these tests, never copied
from a dev file): where the size sits, stop orders by name, money going into a coin, ids, ticker
words next to a coin, slipped order verbs, other languages, small talk around a request, and the
fresh evaluation sets' floors."""

from pathlib import Path

import pytest

from nlp.classifier import classify
from nlp.evaluation import evaluate, load_items, values_equal
from nlp.parser import RuleParser

DATA = Path(__file__).resolve().parent / "data"

CASES = [
    # A size after the verb or after the coin, when the order names its price elsewhere.
    ("if btc drops to 55k buy 0.1", "place_order",
     {"symbol": "BTC/USDT", "side": "buy", "amount": 0.1, "order_type": "limit", "price": 55000}),
    ("buy eth 2 at 3000", "place_order",
     {"symbol": "ETH/USDT", "side": "buy", "amount": 2, "order_type": "limit", "price": 3000}),
    ("buy btc 0.01 market", "place_order", {"symbol": "BTC/USDT", "side": "buy", "amount": 0.01, "order_type": "market"}),
    # A stop order named as such takes its price as the trigger.
    ("place a stop order to sell 0.2 btc at 57000", "place_order",
     {"symbol": "BTC/USDT", "side": "sell", "amount": 0.2, "order_type": "stop", "stop_price": 57000}),
    ("stop loss sell 1 eth at 2900", "place_order",
     {"symbol": "ETH/USDT", "side": "sell", "amount": 1, "order_type": "stop", "stop_price": 2900}),
    # Money going into a coin is a quote amount and a buy, also in a question about the trade.
    ("ape 1k into pepe", "place_order", {"symbol": "PEPE/USDT", "side": "buy", "quote_amount": 1000, "order_type": "market"}),
    ("what if i put $1000 in eth", "evaluate_trade", {"symbol": "ETH/USDT", "side": "buy", "quote_amount": 1000}),
    # A balance share written as a fraction stays a share, not a size.
    ("yolo 1/3 of my usdt into sui", "place_order",
     {"symbol": "SUI/USDT", "side": "buy", "percent_of_balance": 33.33, "order_type": "market"}),
    ("close 1/3 of my btc long", "close_position", {"symbol": "BTC/USDT", "side": "buy", "close_percent": 33.33}),
    # Ids after "no." / "id:", bare after the verb, split at a hyphen.
    ("cancel order no. 5521", "cancel_order", {"order_id": "5521"}),
    ("cancel 48812", "cancel_order", {"order_id": "48812"}),
    ("cancel id: 8891-A", "cancel_order", {"order_id": "8891-A"}),
    ("alrt me at 70k btc", "create_alert", {"symbol": "BTC/USDT", "target_price": 70000}),
    # An everyday-word ticker right after a coin is the coin's verb or preposition.
    ("why did pepe pump today", "news", {"symbol": "PEPE/USDT", "period": "24h"}),
    ("is eth near 4k", "price", {"symbol": "ETH/USDT"}),
    ("thinking about shorting link at 18, thoughts?", "evaluate_trade",
     {"symbol": "LINK/USDT", "side": "sell", "target_price": 18}),
    # A slipped two- or three-letter order verb.
    ("biy 1 btc", "place_order", {"symbol": "BTC/USDT", "side": "buy", "amount": 1, "order_type": "market"}),
    ("sll 2 eth", "place_order", {"symbol": "ETH/USDT", "side": "sell", "amount": 2, "order_type": "market"}),
    # Other languages: Spanish, German, Turkish (verb last), Portuguese, French, Russian.
    ("compra 0.5 eth a 3000", "place_order",
     {"symbol": "ETH/USDT", "side": "buy", "amount": 0.5, "order_type": "limit", "price": 3000}),
    ("kauf 0.1 btc", "place_order", {"symbol": "BTC/USDT", "side": "buy", "amount": 0.1, "order_type": "market"}),
    ("0.5 eth al", "place_order", {"symbol": "ETH/USDT", "side": "buy", "amount": 0.5, "order_type": "market"}),
    ("quanto custa o bitcoin", "price", {"symbol": "BTC/USDT"}),
    ("achète 1 eth", "place_order", {"symbol": "ETH/USDT", "side": "buy", "amount": 1, "order_type": "market"}),
    ("мой баланс на бинансе", "balance", {"exchange": "binance"}),
    ("купи sol на 50 долларов", "place_order", {"symbol": "SOL/USDT", "side": "buy", "quote_amount": 50, "order_type": "market"}),
    ("what happens if i by 1 eth at 3k", "evaluate_trade",
     {"symbol": "ETH/USDT", "side": "buy", "amount": 1, "target_price": 3000}),
    ("какой риск у моего портфеля", "portfolio_risk", {}),
    ("wie ist die stimmung bei eth", "sentiment", {"symbol": "ETH/USDT"}),
    # Past moves ask for their cause; either-or questions ask for advice.
    ("eth just dumped 8%, wtf happened", "news", {"symbol": "ETH/USDT"}),
    ("buy eth now or wait for 2800?", "recommend", {"symbol": "ETH/USDT"}),
    ("draw fib on eth from 2800 to 4000", "levels", {"symbol": "ETH/USDT", "indicators": ["fibonacci"]}),
    # Realising a profit closes a position; what a portfolio term means is a question about the term.
    ("book profits on half my link", "close_position", {"symbol": "LINK/USDT", "close_percent": 50}),
    ("what is unrealized pnl", "explain", {}),
    # Russian thousands, a spelled-out percent, a one-letter verb, an id after Russian "ордер".
    ("купи btc по 65к", "place_order", {"symbol": "BTC/USDT", "side": "buy", "order_type": "limit", "price": 65000}),
    ("how much sol should i buy to risk 1.5 percent with stop 140", "position_size",
     {"symbol": "SOL/USDT", "stop_loss": 140, "risk_percent": 1.5}),
    ("s 3 avax", "place_order", {"symbol": "AVAX/USDT", "side": "sell", "amount": 3, "order_type": "market"}),
    ("отмени ордер 7712", "cancel_order", {"order_id": "7712"}),
    # An everyday-word coin after a trade verb and a quantifier, or before "order".
    ("thinking of selling some dot here, thoughts?", "evaluate_trade", {"symbol": "DOT/USDT", "side": "sell"}),
    ("cancel my open near order", "cancel_order", {"symbol": "NEAR/USDT"}),
    # Portfolio words around other questions: affordability is the balance, a coin's own risk is its risk,
    # rebalancing is advice.
    ("do i have enough usdc for 2 sol", "balance", {"asset": "USDC"}),
    ("is doge too risky to keep in my bag", "trade_risk", {"symbol": "DOGE/USDT"}),
    ("how should i rebalance my holdings", "recommend", {}),
    # A risk share or a review request around a setup asks about it; it is not a pasted signal.
    ("2% risk eth short entry 3500 stop 3600", "position_size",
     {"symbol": "ETH/USDT", "side": "sell", "price": 3500, "stop_loss": 3600, "risk_percent": 2}),
    ("check my setup: short avax 31 sl 33 tp 27", "evaluate_trade",
     {"symbol": "AVAX/USDT", "side": "sell", "target_price": 31, "stop_loss": 33, "take_profits": [27]}),
]


@pytest.mark.parametrize(("text", "intent", "expected"), CASES, ids=[case[0] for case in CASES])
def test_typed_message_classes(parser: RuleParser, text: str, intent: str, expected: dict) -> None:
    result = parser.parse(text).to_dict()
    assert result["intent"] == intent
    assert set(result["entities"]) == set(expected)
    for name, value in expected.items():
        assert values_equal(value, result["entities"][name]), name


def test_small_talk_around_a_coin_is_a_request_offered_with_low_confidence(parser: RuleParser) -> None:
    result = parser.parse("hey bot hope you're well, could you tell me where btc is trading right now thanks")
    assert result.intent == "price" and result.entities == {"symbol": "BTC/USDT"}
    assert result.confidence <= 0.5 and result.alternatives  # the bot offers its readings instead of acting


def test_a_one_letter_verb_needs_a_coin_after_the_size(parser: RuleParser) -> None:
    assert "side" not in parser.parse("b 2 more coffees").to_dict()["entities"]


def test_when_the_models_members_split_and_no_rule_decides_the_reading_is_offered_not_acted_on() -> None:
    split = classify("zzz qqq", [], {"price": 0.9, "news": 0.1}, members_agree=False)
    agreed = classify("zzz qqq", [], {"price": 0.9, "news": 0.1}, members_agree=True)
    assert split.intent == agreed.intent == "price"
    assert split.confidence < 0.6 <= agreed.confidence and split.alternatives == ("news",)
    # A rule that settles it keeps the reading sure.
    assert classify("price of btc", [], {"price": 0.9, "news": 0.1}, members_agree=False).confidence >= 0.6


def test_words_that_are_tickers_stay_words_in_prose(parser: RuleParser) -> None:
    for text in ("layer 2 coins", "the red button on my keyboard is broken", "people keep asking me about crypto"):
        entities = parser.parse(text).to_dict()["entities"]
        assert "symbol" not in entities and "symbols" not in entities, text


@pytest.mark.parametrize(("name", "command_type", "intent", "entity_f1"), [
    # Written from the contract before tuning (the first) and mid-way (the second).
    ("typed_fresh.jsonl", 0.97, 0.97, 0.97),
    ("typed_fresh_2.jsonl", 0.97, 0.97, 0.97),  # its failures were looked at in round 2: no longer blind
    # Written before round 2's tuning and fixed by class since (optimistic), and written after it, never looked at.
    ("typed_fresh_3.jsonl", 0.97, 0.97, 0.98),
    ("typed_fresh_4.jsonl", 0.92, 0.92, 0.97),
])
def test_fresh_typed_sets_meet_their_floors(parser: RuleParser, name, command_type, intent, entity_f1) -> None:
    report = evaluate(load_items(DATA / name), lambda text: parser.parse(text).to_dict())
    assert report.command_type_accuracy >= command_type
    assert report.intent_accuracy >= intent
    assert report.typed_entity_f1 >= entity_f1
