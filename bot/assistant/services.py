"""Everything the assistant's intent handlers call, built once by main.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assistant.memory import AssistantMemory
from bot.charts import ChartRenderer
from db.timeseries import NullTimeSeries, TimeSeries
from db.trading_services import TradingServices
from domain.services.alerts import AlertService
from domain.services.glossary import Glossary
from domain.services.market_overview import MarketOverviewService
from domain.services.news import NewsService
from domain.services.recommendations import RecommendationService
from domain.services.sentiment import SentimentService
from domain.services.signals import SignalService
from domain.services.technical_analysis import TechnicalAnalysisService
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
    technical: TechnicalAnalysisService
    # Parses below this confidence are not acted on: the user is asked to confirm a reading.
    confidence_threshold: float = 0.6
    # Dialog questions and offered readings (Redis); needed by the text handler and signal cards.
    memory: AssistantMemory | None = None
    # Draws charts in main.py's process pool; the default draws in a thread (tests).
    charts: ChartRenderer = field(default_factory=ChartRenderer)
    # Model calls (parser, technical analysis) are recorded here, without waiting for the server.
    time_series: TimeSeries = field(default_factory=NullTimeSeries)
