"""spaCy pipeline for typed commands: a chat-aware tokenizer, an EntityRuler for trading
vocabulary (sides, order types, timeframes, indicators, exchanges, alert conditions, periods)
and a component that reads numbers, leverage and assets in context.

Canonical values ride on the entity spans: the ruler's pattern ``id`` and the value component's
``kb_id``, so extraction never re-parses surface text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from nlp.models import TIMEFRAMES
from nlp.normalize import NUMBER_RE, number_from_match
from nlp.symbols import SymbolUniverse

_TOKEN_RE = re.compile(
    rf"(?P<url>https?://\S+)"
    rf"|(?P<number>(?:{NUMBER_RE.pattern})(?![A-Za-z\d]|[.,]\d))"
    r"|(?P<word>[#$]?[A-Za-z0-9]+(?:[/_\-.'][A-Za-z0-9]+)*)"
    r"|(?P<other>\S)",
    re.VERBOSE,
)
# "0.5btc", "100usdt": a quantity glued to a coin (but not "10x", "4h", "1inch", "1000PEPE").
_GLUED_AMOUNT_RE = re.compile(r"^(\d+(?:[.,]\d+)?)([A-Za-z]{2,10})$")
_UNITS = frozenset({"min", "mins", "hr", "hrs", "am", "pm", "st", "nd", "rd", "th", "bn", "kk"})
_LEVERAGE_RE = re.compile(r"^(?:x(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)x)$", re.IGNORECASE)
_TIMEFRAME_TOKEN_RE = re.compile(r"^(\d{1,2})(m|min|mins|h|hr|hrs|d|w)$", re.IGNORECASE)
_PRICE_WORDS = frozenset({"above", "below", "over", "under", "at", "to", "hits", "hit", "reaches", "reach",
                          "touches", "breaks", "than", "@", "past", "crosses"})
_TIMEFRAME_UNITS = {"m": "m", "min": "m", "mins": "m", "h": "h", "hr": "h", "hrs": "h", "d": "d", "w": "w"}

# Words around an ambiguous lower-case ticker ("link", "near", "dot") that make it a coin.
_COIN_SLOT_BEFORE = frozenset({
    "my", "on", "for", "of", "in", "buy", "sell", "long", "short", "into", "and", "or", ",", "vs", "&", "/",
    "about", "some", "more", "all", "much", "many", "sold", "bought", "from", "to", "with",
    "buying", "selling", "longing", "shorting", "grab", "ape", "when", "once", "until", "till",
})
_COIN_SLOT_AFTER = frozenset({
    "position", "positions", "trade", "bag", "bags", "price", "chart", "news", "sentiment", "alert", "alerts",
    "holdings", "balance", "now", "?", "and", ",", "vs", "today", "doing", "rsi", "macd", "ema", "sma", "support",
    "resistance", "pnl", "looking", "trading", "performing", "goes", "drops", "falls", "hits", "reaches", "breaks", "pumps", "dumps", "moves",
    "crosses", "touches", "dips",
})
# "buying some link here", "sell all my near": a trade verb just before the quantifier names the coin.
_TRADE_VERBS = frozenset({"buy", "sell", "long", "short", "buying", "selling", "longing", "shorting", "bought", "sold",
                          "grab", "add", "adding", "dump", "dumping"})
_NOT_A_COIN_AFTER = frozenset({
    "entry", "the", "future", "term", "support", "resistance", "a", "an", "breakeven", "by", "here", "there",
    "zero", "level", "levels", "me", "you", "it", "my", "your", "high", "low", "highs", "lows", "lol",
})


@dataclass(frozen=True, slots=True)
class Mention:
    """One recognised entity in a command: its label, canonical value and token span."""

    label: str
    value: Any
    start: int
    end: int
    text: str


def _phrases(mapping: dict[str, list[str]], label: str) -> list[dict[str, Any]]:
    return [{"label": label, "pattern": phrase, "id": value} for value, phrases in mapping.items() for phrase in phrases]


_RULER_PATTERNS: list[dict[str, Any]] = [
    *_phrases({
        "buy": ["buy", "buying", "long", "longing", "go long", "ape", "ape into", "yolo", "yolo into", "pick up", "grab", "bid", "load up on",
                "purchase", "scoop", "scoop up", "longs", "buyy", "longg", "lnog"],
        "sell": ["sell", "selling", "short", "shorting", "go short", "dump", "unload", "offload", "shorts", "selll", "sel",
                 "shortt", "shrot"],
    }, "SIDE"),
    *_phrases({
        "market": ["market", "at market", "mkt", "market price", "at market price"],
        "limit": ["limit"],
        "stop_limit": ["stop limit", "stop-limit", "stoplimit"],
        "trailing_stop": ["trailing stop", "trailing-stop", "trailing", "trail"],
    }, "ORDER_TYPE"),
    *_phrases({"stop": ["stop", "stop loss", "stop-loss", "stoploss", "sl", "stop at"]}, "STOP"),
    *_phrases({"tp": ["tp", "tps", "take profit", "take-profit", "takeprofit", "target", "targets", "tp1", "tp2",
                      "tp3", "tp4"]}, "TP"),
    *_phrases({"entry": ["entry", "entries", "entry price", "enter", "from"]}, "ENTRY"),
    *_phrases({"trigger": ["trigger", "triggered at", "trigger price", "activation price"]}, "TRIGGER"),
    *_phrases({"breakeven": ["breakeven", "break even", "break-even", "be", "entry price"]}, "BREAKEVEN"),
    *_phrases({name: [name, f"{name}.com"] for name in (
        "binance", "bybit", "okx", "kucoin", "kraken", "coinbase", "bitget", "mexc", "htx", "huobi", "bitfinex",
        "bitstamp", "bingx", "deribit", "bitmex", "phemex", "hyperliquid", "gemini", "cryptocom", "bitmart",
        "lbank", "whitebit", "poloniex", "upbit", "bithumb")} | {"gate": ["gate", "gate.io", "gateio"],
                                                                "okx": ["okx", "okex"]}, "EXCHANGE"),
    *_phrases({"spot": ["spot"], "futures": ["futures", "perp", "perps", "perpetual", "perpetuals", "derivatives"]},
              "MARKET_TYPE"),
    *_phrases({"cross": ["cross", "cross margin"], "isolated": ["isolated", "isolated margin", "iso"]}, "MARGIN_MODE"),
    *_phrases({
        "1m": ["1 min", "1 minute", "one minute"], "5m": ["5 min", "5 minute", "5 minutes", "5 mins"],
        "15m": ["15 min", "15 minute", "15 minutes", "15 mins", "quarter hour"],
        "30m": ["30 min", "30 minute", "30 minutes", "30 mins", "half hour", "half an hour"],
        "1h": ["hourly", "1 hour", "one hour", "an hour", "1 hr", "h1"],
        "4h": ["4 hour", "4 hours", "4 hr", "four hour", "h4", "4-hour"],
        "1d": ["daily", "1 day", "one day", "d1", "day chart"],
        "1w": ["weekly", "1 week", "one week", "w1"],
    }, "TIMEFRAME"),
    *_phrases({
        "24h": ["today", "24h", "24 hours", "24hrs", "24hr", "last day", "past day", "1 day", "tonight", "24 h"],
        "7d": ["this week", "last week", "past week", "7 days", "7d", "the week", "7 day", "last 7 days"],
        "30d": ["this month", "last month", "past month", "30 days", "30d", "30 day", "last 30 days"],
    }, "PERIOD"),
    *_phrases({
        "rsi": ["rsi"], "macd": ["macd"], "bollinger": ["bollinger", "bollinger bands", "bb", "bbands"],
        "ema": ["ema", "emas", "exponential moving average"], "sma": ["sma", "moving average", "ma", "smas"],
        "atr": ["atr", "average true range"], "stochastic": ["stochastic", "stoch"],
        "stochrsi": ["stochrsi", "stoch rsi", "stochastic rsi", "stoch-rsi"], "vwap": ["vwap"], "obv": ["obv"],
        "volume": ["volume", "vol"], "fibonacci": ["fib", "fibs", "fibonacci", "fibo"],
    }, "INDICATOR"),
    *_phrases({
        "above": ["above", "over", "breaks", "breaking", "break above", "breaks above", "goes over", "goes above",
                  "exceeds", "higher than", "rises above", "crosses above", "crosses", "gets above", "climbs above",
                  "pumps above", "tops", "past", "goes past", "pumps past", "reclaims", "back above", ">", ">="],
        "below": ["below", "under", "drops under", "drops below", "falls below", "falls under", "dips below",
                  "dips under", "breaks below", "lower than", "less than", "beneath", "goes below", "goes under",
                  "sinks below", "crosses below", "loses", "back below", "<", "<="],
    }, "CONDITION"),
]


class ChatTokenizer:
    """Splits chat text so that numbers ("2,980", "$3.1k"), pairs ("BTC-USDT", "SOLUSDT.P"),
    leverage ("20x") and ids ("#B12-77X") stay whole and punctuation stands alone."""

    def __init__(self, vocab: Vocab, universe: SymbolUniverse) -> None:
        self.vocab = vocab
        self.universe = universe

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for match in _TOKEN_RE.finditer(text):
            end = match.end()
            glued = _GLUED_AMOUNT_RE.match(match.group(0)) if match.group("word") else None
            if glued and glued.group(2).lower() not in _UNITS and self.universe.resolve(match.group(0)) is None \
                    and self.universe.resolve(glued.group(2), explicit=True) is not None:
                words.extend(glued.groups())
                spaces.append(False)
            else:
                words.append(match.group(0))
            spaces.append(end < len(text) and text[end].isspace())
        return Doc(self.vocab, words=words, spaces=spaces)


@Language.factory("trading_values")
def _make_trading_values(nlp: Language, name: str) -> "TradingValues":
    return TradingValues()


class TradingValues:
    """Adds NUMBER, LEVERAGE, TIMEFRAME (compact "4h") and ASSET spans around the ruler's ones."""

    def __init__(self) -> None:
        self.universe = SymbolUniverse()

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.ents)
        taken = {i for span in spans for i in range(span.start, span.end)}
        lowers = [token.lower_ for token in doc]
        for token in doc:
            if token.i in taken:
                continue
            span = self._value_span(doc, token.i, lowers)
            if span is not None:
                spans.append(span)
        doc.ents = sorted(spans, key=lambda span: span.start)
        return doc

    def _value_span(self, doc: Doc, i: int, lowers: list[str]) -> Span | None:
        text = doc[i].text
        number = _number(text)
        if number is not None:
            compact_tf = _TIMEFRAME_TOKEN_RE.match(text)
            # "above 1m" is a million, "rsi 1m" a candle size: a price word decides.
            after_price_word = i > 0 and lowers[i - 1] in _PRICE_WORDS
            if (compact_tf and not after_price_word and _timeframe(compact_tf) in TIMEFRAMES
                    and self._asset_at(doc, i + 1, lowers) is None):
                return Span(doc, i, i + 1, label="TIMEFRAME", kb_id=_timeframe(compact_tf))
            return Span(doc, i, i + 1, label="NUMBER", kb_id=str(number))
        leverage = _LEVERAGE_RE.match(text)
        if leverage:
            return Span(doc, i, i + 1, label="LEVERAGE", kb_id=leverage.group(1) or leverage.group(2))
        compact_tf = _TIMEFRAME_TOKEN_RE.match(text)
        if compact_tf:
            value = _timeframe(compact_tf)
            label = "TIMEFRAME" if value in TIMEFRAMES else "PERIOD" if value in ("24h", "7d", "30d") else None
            return Span(doc, i, i + 1, label=label, kb_id=value) if label else None
        symbol = self._asset_at(doc, i, lowers)
        if symbol:
            return Span(doc, i, i + 1, label="ASSET", kb_id=symbol)
        stable = self.universe.stable_asset(text)
        if stable:
            return Span(doc, i, i + 1, label="CASH", kb_id=stable)
        return None

    def _asset_at(self, doc: Doc, i: int, lowers: list[str]) -> str | None:
        if i >= len(doc):
            return None
        text = doc[i].text
        symbol = self.universe.resolve(text, explicit=text[:1] in "#$")
        if symbol is None:
            return None
        base = symbol.split("/", 1)[0]
        if text.islower() and self.universe.is_ambiguous(base) and not self.universe.name_to_base(text):
            before = lowers[i - 1] if i > 0 else ""
            after = lowers[i + 1] if i + 1 < len(lowers) else ""
            after_is_value = _number(after) is not None or _TIMEFRAME_TOKEN_RE.match(after) is not None
            in_slot = (
                (before in _COIN_SLOT_BEFORE or _number(before) is not None) and after not in _NOT_A_COIN_AFTER
            ) or after in _COIN_SLOT_AFTER or after_is_value or (i == 0 and len(doc) == 1) or (
                i >= 2 and lowers[i - 2] in _TRADE_VERBS and before in ("some", "more", "my", "all", "the")) or (
                after in ("order", "orders") and before not in ("the", "a", "an", "this", "that"))  # "my pending link order"
            # Right after a coin the word is the coin's verb or preposition ("pepe pump today", "eth near 4k");
            # "layer 2" is the blockchain term, not two LAYER.
            if not in_slot or (i > 0 and self._names_coin(doc[i - 1].text)) or (text == "layer" and after in ("1", "2", "3")):
                return None
        return symbol

    def _names_coin(self, text: str) -> bool:
        """A coin that needs no context to be one: not itself an everyday word."""
        symbol = self.universe.resolve(text, explicit=text[:1] in "#$")
        return symbol is not None and not (text.islower() and self.universe.is_ambiguous(symbol.split("/", 1)[0]))


def _number(text: str) -> Decimal | None:
    match = NUMBER_RE.fullmatch(text)
    return number_from_match(match) if match else None


def _timeframe(match: re.Match[str]) -> str:
    return f"{int(match.group(1))}{_TIMEFRAME_UNITS[match.group(2).lower()]}"


def build_pipeline(universe: SymbolUniverse | None = None) -> Language:
    """A blank English pipeline with the chat tokenizer, trading EntityRuler and value reader."""
    universe = universe or SymbolUniverse()
    nlp = spacy.blank("en")
    nlp.tokenizer = ChatTokenizer(nlp.vocab, universe)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(_RULER_PATTERNS)
    nlp.add_pipe("trading_values").universe = universe
    return nlp


def mentions(doc: Doc) -> list[Mention]:
    """The doc's entities as Mentions with canonical values (Decimal for numbers)."""
    result = []
    for span in doc.ents:
        raw = span.kb_id_ or span.ent_id_
        value: Any = Decimal(raw) if span.label_ in ("NUMBER", "LEVERAGE") else raw
        result.append(Mention(span.label_, value, span.start, span.end, span.text))
    return result

