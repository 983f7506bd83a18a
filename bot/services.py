"""The services handed to the dispatcher at start-up; handlers receive them by parameter name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from redis.asyncio import Redis

from bot.charts import ChartRenderer
from bot.i18n import Catalogs
from bot.sender import Sender
from bot.settings import Settings
from bot.text_handler import TextHandler
from db.timeseries import NullTimeSeries, TimeSeries
from db.trading_services import TradingServices
from db.uow import UnitOfWork
from nlp.service import NLPService


@dataclass(frozen=True)
class BotServices:
    """Built once by main.py (tests build their own). Add a field here to inject a new service."""

    settings: Settings
    uow_factory: Callable[[], UnitOfWork]
    redis: Redis
    sender: Sender
    # Free text goes here (NLP); None means "not configured" and users are told so.
    text_handler: TextHandler | None = None
    # Orders, portfolios and market data for the trading and portfolio routers.
    trading: TradingServices | None = None
    # The one text parser, for slash-command arguments too (/buy 0.01 btc at 61,500).
    nlp: NLPService | None = None
    # Draws chart images in main.py's process pool (a thread by default, as in tests).
    charts: ChartRenderer = field(default_factory=ChartRenderer)
    # system_metrics of every update (db/timeseries.py); a no-op writer unless a server is configured.
    time_series: TimeSeries = field(default_factory=NullTimeSeries)
    # The translations (English, Russian); the locale middleware picks one per update.
    catalogs: Catalogs = field(default_factory=Catalogs)

    def as_workflow_data(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}
