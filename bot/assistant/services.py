"""Everything the assistant's intent handlers call, built once by main.py."""

from __future__ import annotations

from dataclasses import dataclass

from bot.assistant.memory import AssistantMemory
from db.trading_services import TradingServices
from domain.services.alerts import AlertService
from domain.services.glossary import Glossary
from domain.services.market_overview import MarketOverviewService
from domain.services.news import NewsService
from domain.services.recommendations import RecommendationService
from domain.services.sentiment import SentimentService
from domain.services.signals import SignalService
from domain.services.trade_review import TradeReviewService
from nlp.service import NLPService


@dataclass(frozen=True)
class AssistantServices:
    nlp: NLPService
    trading: TradingServices
    alerts: AlertService
    signals: SignalService
    overview: MarketOverviewService
    sentiment: SentimentService
    recommendations: RecommendationService
    trade_review: TradeReviewService
    glossary: Glossary
    news: NewsService
    # Parses below this confidence are not acted on: the user is asked to confirm a reading.
    confidence_threshold: float = 0.6
    # Dialog questions and offered readings (Redis); needed by the text handler and signal cards.
    memory: AssistantMemory | None = None
