"""Vocabulary shared by the domain, the database enums and the NLP contract.

The string values are stored in PostgreSQL enum types of the same names; changing one needs a
migration.
"""

from enum import StrEnum


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"
    TRAILING_STOP = "trailing_stop"
    TAKE_PROFIT = "take_profit"  # a market order the exchange triggers when the price reaches a target


class OrderSide(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderStatus(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        return self in {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED}


class OrderSource(StrEnum):
    MANUAL = "manual"
    AI = "ai"
    STRATEGY = "strategy"
    STOP_LOSS = "stop_loss"
    TAKE_PROFIT = "take_profit"
    SIGNAL = "signal"


class PositionStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_CLOSED = "partially_closed"
    CLOSED = "closed"


class CommandType(StrEnum):
    TRADE_EXECUTION = "trade_execution"
    TRADE_ANALYSIS = "trade_analysis"
    MARKET_ANALYSIS = "market_analysis"
    TECHNICAL_ANALYSIS = "technical_analysis"
    PORTFOLIO_ANALYSIS = "portfolio_analysis"
    RISK_ASSESSMENT = "risk_assessment"
    STRATEGY_RECOMMENDATION = "strategy_recommendation"
    NEWS_ANALYSIS = "news_analysis"
    SENTIMENT_ANALYSIS = "sentiment_analysis"
    GENERAL_QUERY = "general_query"


class CommandStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SignalType(StrEnum):
    BUY = "buy"
    SELL = "sell"
    HOLD = "hold"
    CLOSE = "close"
    STRONG_BUY = "strong_buy"
    STRONG_SELL = "strong_sell"


class SignalSource(StrEnum):
    TECHNICAL_ANALYSIS = "technical_analysis"
    MACHINE_LEARNING = "machine_learning"
    SENTIMENT_ANALYSIS = "sentiment_analysis"
    NEWS_ANALYSIS = "news_analysis"
    STRATEGY = "strategy"
    MANUAL = "manual"
    # A post forwarded or pasted from a signal channel.
    FORWARDED_POST = "forwarded_post"
    PATTERN_RECOGNITION = "pattern_recognition"
    HYBRID = "hybrid"


class TelegramUserStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    BLOCKED = "blocked"
    BANNED = "banned"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MessageDirection(StrEnum):
    IN = "in"
    OUT = "out"


class AlertCondition(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    PERCENT_CHANGE = "percent_change"
