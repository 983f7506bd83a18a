"""The parser's output contract: ParsedCommand, the intents of each command type and the
canonical entity names with their value kinds (used to validate LLM answers too)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.enums import CommandType
from nlp.normalize import to_json_number

INTENTS: dict[CommandType, tuple[str, ...]] = {
    CommandType.TRADE_EXECUTION: ("place_order", "cancel_order", "close_position", "modify_order"),
    CommandType.TRADE_ANALYSIS: ("evaluate_trade", "signal", "signal_update"),
    CommandType.MARKET_ANALYSIS: ("price", "market_overview", "create_alert", "list_alerts", "delete_alert"),
    CommandType.TECHNICAL_ANALYSIS: ("indicators", "chart", "levels"),
    CommandType.PORTFOLIO_ANALYSIS: ("portfolio", "balance", "positions", "orders", "pnl", "history"),
    CommandType.RISK_ASSESSMENT: ("portfolio_risk", "position_size", "trade_risk"),
    CommandType.STRATEGY_RECOMMENDATION: ("recommend",),
    CommandType.NEWS_ANALYSIS: ("news",),
    CommandType.SENTIMENT_ANALYSIS: ("sentiment",),
    CommandType.GENERAL_QUERY: ("help", "greeting", "explain", "other"),
}
COMMAND_TYPE_OF_INTENT: dict[str, CommandType] = {
    intent: command_type for command_type, intents in INTENTS.items() for intent in intents
}

RULES_VERSION = "rules-1.0"

TIMEFRAMES = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w")
PERIODS = ("24h", "7d", "30d")
INDICATORS = (
    "rsi", "macd", "bollinger", "ema", "sma", "atr", "stochastic", "stochrsi", "vwap", "obv", "volume", "fibonacci",
)
UPDATES = ("tp_hit", "sl_hit", "move_sl", "close", "cancel", "entry_filled")

# Value kinds: "number", "numbers", "bool", "string", "strings", or a tuple of allowed strings.
NUMBER_ENTITIES = (
    "amount", "quote_amount", "percent_of_balance", "price", "stop_price", "trailing_percent", "target_price",
    "stop_loss", "leverage", "leverage_max", "stop_loss_percent", "close_percent", "percent_change",
    "risk_percent", "risk_amount", "indicator_period", "target_index",
)
ENTITY_KINDS: dict[str, str | tuple[str, ...]] = {
    **{name: "number" for name in NUMBER_ENTITIES},
    "symbol": "symbol",
    "symbols": "symbols",
    "side": ("buy", "sell"),
    "order_type": ("market", "limit", "stop", "stop_limit", "trailing_stop"),
    "timeframe": TIMEFRAMES,
    "window": TIMEFRAMES,
    "period": PERIODS,
    "indicators": INDICATORS,
    "condition": ("above", "below"),
    "margin_mode": ("cross", "isolated"),
    "market_type": ("spot", "futures"),
    "update": UPDATES,
    "entries": "numbers",
    "take_profits": "numbers",
    "take_profit_percents": "numbers",
    "exchange": "string",
    "exchanges": "strings",
    "order_id": "string",
    "alert_id": "string",
    "asset": "string",
    "entry_at_market": "bool",
    "all_targets": "bool",
    "to_breakeven": "bool",
}
SYMBOL_RE = re.compile(r"^[A-Z0-9]{1,20}/[A-Z0-9]{2,10}$")


@dataclass(slots=True)
class ParsedCommand:
    """One message read as a command. Prices and amounts are kept as Decimal internally."""

    text: str
    command_type: CommandType
    intent: str
    confidence: float
    entities: dict[str, Any] = field(default_factory=dict)
    # Which reader produced it ("rules-1.0" or "llm:<model>"); not part of the JSON contract.
    model_version: str = RULES_VERSION
    # Runner-up intents, best first (not part of the JSON contract): offered when confidence is low.
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object: numbers as int/float, absent entities omitted."""
        return {
            "text": self.text,
            "command_type": str(self.command_type),
            "intent": self.intent,
            "confidence": round(float(self.confidence), 3),
            "entities": {name: _jsonable(value) for name, value in self.entities.items() if value is not None},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, (Decimal, int, float)):
        return to_json_number(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def entity_value_is_valid(name: str, value: Any) -> bool:
    """Whether ``value`` has the canonical type for entity ``name`` (unknown names are invalid)."""
    kind = ENTITY_KINDS.get(name)
    if kind is None:
        return False
    if isinstance(kind, tuple):
        if name == "indicators":
            return isinstance(value, list) and all(item in kind for item in value)
        return value in kind
    if kind == "number":
        return _is_number(value) and value >= 0
    if kind == "numbers":
        return isinstance(value, list) and all(_is_number(item) and item >= 0 for item in value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str) and bool(value)
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(item, str) and item for item in value)
    if kind == "symbol":
        return isinstance(value, str) and bool(SYMBOL_RE.match(value))
    if kind == "symbols":
        return isinstance(value, list) and all(isinstance(item, str) and SYMBOL_RE.match(item) for item in value)
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
