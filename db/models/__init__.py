"""All tables of the schema of record. Importing this package registers them on ``Base.metadata``."""

from db.models.ai import AICommand, AIResponse, MarketAnalysis, SignalSettings, TradingSignal
from db.models.base import Base
from db.models.ops import AuditLog, Notification, NotificationAttempt, PriceAlert, SystemConfig
from db.models.telegram import TelegramMessage, TelegramMessageArchive, TelegramUser
from db.models.trading import Balance, Order, Position, Trade, TradingPair
from db.models.users import ExchangeCredential, LiveTradingLimits, Portfolio, User, UserSession

__all__ = [
    "AICommand",
    "AIResponse",
    "AuditLog",
    "Balance",
    "Base",
    "ExchangeCredential",
    "LiveTradingLimits",
    "MarketAnalysis",
    "Notification",
    "NotificationAttempt",
    "Order",
    "Portfolio",
    "Position",
    "PriceAlert",
    "SignalSettings",
    "SystemConfig",
    "TelegramMessage",
    "TelegramMessageArchive",
    "TelegramUser",
    "Trade",
    "TradingPair",
    "TradingSignal",
    "User",
    "UserSession",
]
