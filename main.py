"""Composition root: ``python main.py [run|chat|migrate|parse]``.

Only this module sees every layer: it loads the settings, resolves the database and Redis
(starting embedded servers when no URL is configured), and hands the pieces to the layer that
runs them. Nothing else builds engines or clients.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from functools import partial

import redis.asyncio as aioredis
from aiogram import Bot, Dispatcher
from aiogram.types import User

from bot.client import build_bot
from bot.dispatcher import build_dispatcher
from bot.local_chat.console import LocalChat, stdin_lines
from bot.local_chat.screen import Screen
from bot.local_chat.session import TerminalSession
from bot.runners import run_polling, run_webhook
from bot.sender import Sender
from bot.services import BotServices
from bot.settings import Settings, load_settings
from db.engine import create_engine, create_session_factory
from db.local_servers import LocalServers
from db.migrate import upgrade
from db.uow import UnitOfWork

log = logging.getLogger("main")

# The local chat never reaches Telegram, but a Bot still needs a well-formed token.
LOCAL_CHAT_TOKEN = "1:local-chat"


def _local_servers(settings: Settings) -> LocalServers:
    database_url = settings.database.url.get_secret_value() if settings.database.url else None
    redis_url = settings.redis.url.get_secret_value() if settings.redis.url else None
    return LocalServers(settings.app.data_dir, database_url, redis_url)


def cmd_migrate(settings: Settings) -> int:
    servers = _local_servers(settings)
    try:
        upgrade(servers.database_url())
        print("Database is at the latest schema.")
    finally:
        servers.stop()
    return 0


def cmd_parse(_settings: Settings) -> int:
    from nlp.cli import main as parse_main

    return parse_main([])


def cmd_run(settings: Settings, *, force_local_chat: bool = False) -> int:
    token = settings.telegram.bot_token.get_secret_value() if settings.telegram.bot_token else ""
    local_chat = force_local_chat or not token
    if not token and not force_local_chat:
        print("No TELEGRAM_BOT_TOKEN is configured: opening a local chat in this terminal instead.")
    if local_chat:
        # aiogram logs every update at INFO, alembic every step: noise around a conversation.
        for noisy in ("aiogram.event", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    servers = _local_servers(settings)
    try:
        database_url = servers.database_url()
        upgrade(database_url)
        asyncio.run(_serve(settings, database_url, servers.redis_url(), token=None if local_chat else token))
    except KeyboardInterrupt:
        print()  # Ctrl-C: leave the prompt line tidy; everything was closed on the way out
    finally:
        servers.stop()
    return 0


async def _serve(settings: Settings, database_url: str, redis_url: str, *, token: str | None) -> None:
    """Build everything once, run Telegram (with a token) or the local chat, close everything."""
    engine = create_engine(database_url, echo=settings.database.echo, pool_size=settings.database.pool_size)
    redis = aioredis.from_url(redis_url)
    uow_factory = partial(UnitOfWork, create_session_factory(engine))
    screen = Screen(sys.stdout, styled=sys.stdout.isatty())
    terminal = TerminalSession(screen) if token is None else None
    bot = build_bot(token or LOCAL_CHAT_TOKEN, uow_factory, api_url=settings.telegram.api_url, session=terminal)
    try:
        services = BotServices(
            settings=settings, uow_factory=uow_factory, redis=redis, sender=Sender(bot, uow_factory)
        )
        dispatcher = build_dispatcher(services)
        if terminal is not None:
            await _chat(settings, dispatcher, bot, terminal, screen)
        elif settings.telegram.mode == "webhook":
            await run_webhook(dispatcher, bot, settings.telegram)
        else:
            await run_polling(dispatcher, bot)
    finally:
        await bot.session.close()
        await redis.aclose()
        await engine.dispose()


async def _chat(settings: Settings, dispatcher: Dispatcher, bot: Bot, terminal: TerminalSession, screen: Screen) -> None:
    user = User(
        id=settings.telegram.local_chat_user_id,
        is_bot=False,
        first_name=os.environ.get("USER") or "Local user",
    )
    chat = LocalChat(dispatcher, bot, terminal, screen, user)
    await chat.run(stdin_lines(sys.stdin), echo_input=not sys.stdin.isatty())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description="Trading Signals Reader bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "chat", "migrate", "parse"],
        help="run: start the bot (local chat when no Telegram token is set); chat: local chat; "
        "migrate: apply database migrations; parse: NLP parser, stdin lines -> JSON lines",
    )
    args = parser.parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=settings.app.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.command == "migrate":
        return cmd_migrate(settings)
    if args.command == "parse":
        return cmd_parse(settings)
    return cmd_run(settings, force_local_chat=args.command == "chat")


if __name__ == "__main__":
    sys.exit(main())
