"""Trading in the chat, against the real PostgreSQL and Redis with the simulated market.

The end-to-end fixtures reuse the local Bot API server of ``tests/e2e``; the dispatcher mirrors
``bot.dispatcher.build_dispatcher`` with the trading and portfolio routers inserted before the
free-text router, and the trading services passed as the ``trading`` workflow data (the name the
integrator gives the BotServices field).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from aiogram import Dispatcher
from sqlalchemy import text

from bot.assistant.context import IntentContext
from bot.charts import ChartRenderer
from bot.client import build_bot
from bot.commands import register_commands
from bot.dispatcher import FEATURE_ROUTERS, _install_middlewares
from bot.fsm_storage import DialogStorage
from bot.runners import run_polling
from bot.services import BotServices
from bot.text_handler import IncomingText
from db.repositories.trading_uow import TradingUnitOfWork
from db.trading_services import TradingServices, build_trading_services
from handlers import free_text
from handlers import portfolio as portfolio_handlers
from handlers import trading as trading_handlers
from nlp.models import COMMAND_TYPE_OF_INTENT, ParsedCommand
from nlp.service import NLPService
from tests.e2e.conftest import RunningBot, build_services
from tests.e2e.conftest import bot_api, settings  # noqa: F401  (fixtures reused from the e2e harness)
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi


def build_test_dispatcher(services: BotServices, trading: TradingServices, nlp: NLPService | None = None) -> Dispatcher:
    """``build_dispatcher`` with this feature's routers before free text, ``trading`` and ``nlp`` injected."""
    workflow = {**services.as_workflow_data(), "trading": trading}  # BotServices may have the field already
    if nlp is not None:
        workflow["nlp"] = nlp
    dispatcher = Dispatcher(storage=DialogStorage(services.redis), **workflow)
    _install_middlewares(dispatcher, services)
    builders = list(FEATURE_ROUTERS)
    mine = [b for b in (trading_handlers.build_router, portfolio_handlers.build_router) if b not in builders]
    at = builders.index(free_text.build_router)
    builders[at:at] = mine  # unless the integrator has registered them already
    dispatcher.include_routers(*(build() for build in builders))
    dispatcher.startup.register(register_commands)
    return dispatcher


@pytest.fixture(scope="session")
def nlp_service() -> NLPService:
    return NLPService()


@pytest.fixture
def trading_uow_factory(session_factory) -> Callable[[], TradingUnitOfWork]:
    return lambda: TradingUnitOfWork(session_factory)


@pytest.fixture
def make_trading(session_factory, redis_client) -> Callable[..., TradingServices]:
    def make(**overrides: object) -> TradingServices:
        return build_trading_services(session_factory=session_factory, redis=redis_client, market_data="simulated",
                                      **overrides)  # type: ignore[arg-type]

    return make


@pytest.fixture
def trading(make_trading) -> TradingServices:
    return make_trading()


async def new_user(session_factory, name: str = "alice") -> uuid.UUID:
    async with session_factory() as session:
        user_id = (await session.execute(text("INSERT INTO users (username) VALUES (:n) RETURNING id"), {"n": name})).scalar()
        await session.commit()
    return user_id


async def new_ai_command(session_factory, user_id: uuid.UUID, text_: str = "buy 0.01 btc") -> uuid.UUID:
    async with session_factory() as session:
        command_id = (await session.execute(
            text("INSERT INTO ai_commands (user_id, command_type, input_text, extracted_entities)"
                 " VALUES (:u, 'trade_execution', :t, '{}') RETURNING id"),
            {"u": user_id, "t": text_},
        )).scalar()
        await session.commit()
    return command_id


def parsed(intent: str, text_: str = "", **entities: object) -> ParsedCommand:
    return ParsedCommand(text_ or intent, COMMAND_TYPE_OF_INTENT[intent], intent, 0.9, dict(entities))


@dataclass
class Assistant:
    """Builds intent contexts the way the assistant's text handler does."""

    trading: TradingServices
    uow_factory: Callable[[], TradingUnitOfWork]

    def context(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID | None, *, may_trade: bool = True,
        ai_command_id: uuid.UUID | None = None,
    ) -> IntentContext:
        message = IncomingText("text", 1, uuid.uuid4(), user_id, may_trade, None)
        services = SimpleNamespace(trading=self.trading, charts=ChartRenderer())  # AssistantServices, as far as these intents read it
        return IntentContext(message, uow, services, ai_command_id)  # type: ignore[arg-type]


@pytest.fixture
def assistant(trading, trading_uow_factory) -> Assistant:
    return Assistant(trading, trading_uow_factory)


StartTradingBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def start_trading_bot(
    bot_api: FakeBotApi, settings, trading_uow_factory, redis_client, make_trading, nlp_service,  # noqa: F811
) -> AsyncIterator[StartTradingBot]:
    started: list[tuple[RunningBot, TradingServices]] = []

    async def start(**trading_overrides: object) -> RunningBot:
        trading = make_trading(**trading_overrides)
        bot = build_bot(TOKEN, trading_uow_factory, api_url=bot_api.base_url)
        services = build_services(bot, settings, trading_uow_factory, redis_client, None)
        dispatcher = build_test_dispatcher(services, trading, nlp_service)
        polls_before = len(bot_api.calls_of("getUpdates"))
        task = asyncio.create_task(run_polling(dispatcher, bot, handle_signals=False))
        running = RunningBot(dispatcher, bot, services, task)
        started.append((running, trading))
        await bot_api.wait_for(lambda: len(bot_api.calls_of("getUpdates")) > polls_before)
        return running

    yield start
    for running, trading in started:
        if not running.task.done():
            await running.stop()
        await trading.close()
