"""The whole bot as main.py composes it (assistant, trading, scheduler jobs), driven through the
local Bot API server of tests/e2e by the real aiogram HTTP session, on the simulated market."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.assistant.text_handler import AssistantTextHandler
from bot.client import build_bot
from bot.dispatcher import build_dispatcher
from bot.runners import run_polling
from bot.scheduler import BackgroundJobs
from bot.sender import Sender
from bot.services import BotServices
from db.repositories.trading_uow import TradingUnitOfWork
from db.timeseries import NullTimeSeries
from db.trading_services import TradingServices, build_trading_services
from domain.models import Ticker
from domain.services.signals import SignalService
from main import build_assistant, build_jobs
from tests.e2e.conftest import RunningBot
from tests.e2e.conftest import bot_api, settings  # noqa: F401  (fixtures reused from the e2e harness)
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi


class RecordingTimeSeries(NullTimeSeries):
    """Keeps every point it is given: (measurement, tags and fields) in order."""

    def __init__(self) -> None:
        self.points: list[tuple[str, dict[str, Any]]] = []

    def market_data(self, exchange: str, ticker: Ticker) -> None:
        self.points.append(("market_data", {"exchange": exchange, "symbol": ticker.symbol, "price": ticker.last}))

    def trading_performance(self, user_id: str, portfolio_id: str, symbol: str, **fields: Any) -> None:  # type: ignore[override]
        self.points.append(("trading_performance", {"user_id": user_id, "portfolio_id": portfolio_id,
                                                    "symbol": symbol, **fields}))

    def ai_model_performance(self, model: str, symbol: str | None, **fields: Any) -> None:  # type: ignore[override]
        self.points.append(("ai_model_performance", {"model": model, "symbol": symbol, **fields}))

    def system_metrics(self, service: str, instance: str, **fields: Any) -> None:  # type: ignore[override]
        self.points.append(("system_metrics", {"service": service, "instance": instance, **fields}))

    def of(self, measurement: str) -> list[dict[str, Any]]:
        return [fields for name, fields in self.points if name == measurement]


@dataclass
class App:
    running: RunningBot
    assistant: AssistantTextHandler
    trading: TradingServices
    jobs: BackgroundJobs
    time_series: RecordingTimeSeries


@asynccontextmanager
async def running_app(bot_api: FakeBotApi, settings, session_factory, redis_client,  # noqa: F811
                      signals: Callable[[TradingServices], SignalService] | None = None, *,
                      request_timeout: float | None = None, **trading_options: Any) -> AsyncIterator[App]:
    """The bot as main.py composes it; ``signals`` builds another signal service (over a market
    the test moves) from the trading services; ``request_timeout`` is the Bot API client's, and
    ``trading_options`` go to ``build_trading_services`` (a ccxt feed, an encryption key...)."""
    uow_factory = lambda: TradingUnitOfWork(session_factory)  # noqa: E731
    trading = build_trading_services(session_factory=session_factory, redis=redis_client, market_data="simulated",
                                     **trading_options)
    news_session = aiohttp.ClientSession()
    bot = build_bot(TOKEN, uow_factory, api_url=bot_api.base_url, request_timeout=request_timeout)
    sender = Sender(bot, uow_factory)
    time_series = RecordingTimeSeries()
    assistant = build_assistant(settings, trading, redis_client, news_session, time_series,
                                signals=None if signals is None else signals(trading))
    services = BotServices(settings=settings, uow_factory=uow_factory, redis=redis_client, sender=sender,
                           text_handler=assistant, trading=trading, nlp=assistant.nlp, time_series=time_series)
    dispatcher = build_dispatcher(services)
    polls_before = len(bot_api.calls_of("getUpdates"))
    task = asyncio.create_task(run_polling(dispatcher, bot, handle_signals=False))
    running = RunningBot(dispatcher, bot, services, task)
    await bot_api.wait_for(lambda: len(bot_api.calls_of("getUpdates")) > polls_before)
    try:
        jobs = build_jobs(settings, uow_factory, assistant, sender, time_series, redis_client)
        yield App(running, assistant, trading, jobs, time_series)
    finally:
        await running.stop()
        await news_session.close()
        await trading.close()


@pytest.fixture
async def app(bot_api: FakeBotApi, settings, session_factory, redis_client) -> AsyncIterator[App]:  # noqa: F811
    async with running_app(bot_api, settings, session_factory, redis_client) as running:
        yield running
