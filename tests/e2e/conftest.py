"""End-to-end harness: the real dispatcher, polling through the real aiogram HTTP session
against a local Bot API server, with the test PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher
from redis.asyncio import Redis

from bot.client import build_bot
from bot.dispatcher import build_dispatcher
from bot.runners import run_polling
from bot.sender import Sender
from bot.services import BotServices
from bot.settings import Settings
from bot.text_handler import TextHandler
from db.uow import UnitOfWork
from tests.e2e.fake_bot_api import TOKEN, FakeBotApi

ADMIN_ID = 900


@dataclass
class RunningBot:
    dispatcher: Dispatcher
    bot: Bot
    services: BotServices
    task: asyncio.Task[None]

    async def stop(self) -> None:
        """Stop as on SIGTERM: an update being handled is interrupted, not finished."""
        if not self.task.done():
            await self.dispatcher.stop_polling()
            await self.task
        await self.bot.session.close()


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def settings() -> Settings:
    settings = Settings(env_file=None)
    settings.security = settings.security.model_copy(update={"admin_ids": [ADMIN_ID], "allowed_user_ids": []})
    return settings


def build_services(
    bot: Bot, settings: Settings, uow_factory: Callable[[], UnitOfWork], redis: Redis, text_handler: TextHandler | None
) -> BotServices:
    return BotServices(
        settings=settings,
        uow_factory=uow_factory,
        redis=redis,
        sender=Sender(bot, uow_factory),
        text_handler=text_handler,
    )


@pytest.fixture
async def start_bot(
    bot_api: FakeBotApi, settings: Settings, uow_factory: Callable[[], UnitOfWork], redis_client: Redis
) -> AsyncIterator[StartBot]:
    """Start polling; tests may swap the text handler, the database or Redis."""
    started: list[RunningBot] = []

    async def start(
        text_handler: TextHandler | None = None,
        uow_factory: Callable[[], UnitOfWork] = uow_factory,
        redis: Redis = redis_client,
    ) -> RunningBot:
        bot = build_bot(TOKEN, uow_factory, api_url=bot_api.base_url)
        services = build_services(bot, settings, uow_factory, redis, text_handler)
        dispatcher = build_dispatcher(services)
        polls_before = len(bot_api.calls_of("getUpdates"))
        task = asyncio.create_task(run_polling(dispatcher, bot, handle_signals=False))
        running = RunningBot(dispatcher, bot, services, task)
        started.append(running)
        await bot_api.wait_for(lambda: len(bot_api.calls_of("getUpdates")) > polls_before)
        return running

    yield start
    for running in started:
        if not running.task.done():
            await running.stop()


async def accept_terms(bot_api: FakeBotApi, user_id: int) -> None:
    """/start, then tap "I accept": the user is active afterwards."""
    bot_api.send_text(user_id, "/start")
    await bot_api.wait_for_text(user_id, "Before we start")
    bot_api.tap(user_id, "I accept")
    await bot_api.wait_for_edit(user_id, "you are all set")


async def switch_to_russian(bot_api: FakeBotApi, user_id: int) -> None:
    """/settings → Language → Русский, as a user does it: the replies are Russian afterwards."""
    bot_api.send_text(user_id, "/settings")
    await bot_api.wait_for_text(user_id, "Settings")
    bot_api.tap(user_id, "Language")
    await bot_api.wait_for_edit(user_id, "Choose your language")
    bot_api.tap(user_id, "Русский")
    await bot_api.wait_for_edit(user_id, "Язык: <b>Русский</b>")
