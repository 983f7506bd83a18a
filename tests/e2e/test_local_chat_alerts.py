"""In the local chat: "alert me when eth rsi 1h drops below 30" is set, listed, and delivered once
when a closing candle takes the RSI below 30 (the market is moved by the test)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from decimal import Decimal

import aiohttp
from aiogram.types import User

from bot.assistant.text_handler import AssistantTextHandler
from bot.client import build_bot
from bot.dispatcher import build_dispatcher
from bot.local_chat.console import LocalChat
from bot.local_chat.screen import Screen
from bot.local_chat.session import TerminalSession
from bot.pacing import Pacer
from bot.sender import Sender
from bot.services import BotServices
from db.repositories.trading_uow import TradingUnitOfWork
from db.timeseries import NullTimeSeries
from db.trading_services import build_trading_services
from domain.services.alerts import AlertService
from main import LOCAL_CHAT_TOKEN, build_assistant, build_jobs
from tests.alerts.market import Clock, HandMarket
from tests.e2e.conftest import settings  # noqa: F401 - the shared settings fixture

USER_ID = 4321


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def test_an_rsi_alert_in_the_local_chat_is_set_listed_and_delivered_once(
        settings, session_factory, redis_client):  # noqa: F811
    clock = Clock()
    market = HandMarket(clock)
    market.now["ETH/USDT"] = Decimal("100")
    market.closes[("ETH/USDT", "1h")] = [Decimal(100) + (1 if i % 2 else -1) for i in range(60)]
    uow_factory = lambda: TradingUnitOfWork(session_factory)  # noqa: E731
    trading = build_trading_services(session_factory=session_factory, redis=redis_client)
    news = aiohttp.ClientSession()
    out = io.StringIO()
    screen = Screen(out, styled=False)
    terminal = TerminalSession(screen)
    bot = build_bot(LOCAL_CHAT_TOKEN, uow_factory, session=terminal)
    try:
        built = build_assistant(settings, trading, redis_client, news, NullTimeSeries())
        services = dataclasses.replace(built.services, alerts=AlertService(market, candles=market, clock=clock))
        assistant = AssistantTextHandler(services, built._routes)
        sender = Sender(bot, uow_factory, Pacer(redis_client))
        dispatcher = build_dispatcher(BotServices(settings=settings, uow_factory=uow_factory, redis=redis_client,
                                                  sender=sender, text_handler=assistant, trading=trading))
        jobs = build_jobs(settings, uow_factory, assistant, sender, NullTimeSeries(), redis_client)
        jobs.evaluator._clock = clock
        chat = LocalChat(dispatcher, bot, terminal, screen, User(id=USER_ID, is_bot=False, first_name="Ada"))

        await chat.run(_lines("/start", "1", "alert me when eth rsi 1h drops below 30", "my alerts"),
                       echo_input=True)
        shown = out.getvalue()
        assert "Alert set: ETH/USDT 1h: RSI below 30" in shown
        assert "Your alerts (1)" in shown and "1. ETH/USDT 1h: RSI below 30" in shown

        for close in [Decimal(99) - i for i in range(6)]:  # a few falling candles: RSI still above 30
            market.close_candle("ETH/USDT", "1h", close)
            await jobs.evaluate_candles()
            await jobs.deliver_notifications()
        assert "RSI below 30 (RSI" not in out.getvalue()
        for close in [Decimal(93) - i for i in range(12)]:  # the fall goes on: RSI crosses 30, once
            market.close_candle("ETH/USDT", "1h", close)
            await jobs.evaluate_candles()
            await jobs.deliver_notifications()
        delivered = out.getvalue().count("ETH/USDT 1h: RSI below 30 (RSI")
        assert delivered == 1, out.getvalue()
    finally:
        await bot.session.close()
        await news.close()
        await trading.close()
