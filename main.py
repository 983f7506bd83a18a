"""Composition root: ``python main.py [run [--workers N]|chat|migrate|parse [--forwarded] [MESSAGE]]``.

Only this module sees every layer: it loads the settings, resolves the database and Redis
(starting embedded servers when no URL is configured), and hands the pieces to the layer that
runs them. Nothing else builds engines or clients.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from functools import partial
from pathlib import Path

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import aiohttp
import redis.asyncio as aioredis
from aiogram import Bot, Dispatcher
from aiogram.types import User
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alert_evaluator import AlertEvaluator
from bot.assistant import advice as advice_intents
from bot.assistant import market as market_intents
from bot.assistant import portfolio as portfolio_intents
from bot.assistant import trading as trading_intents
from bot.assistant.memory import AssistantMemory
from bot.assistant.routes import build_routes
from bot.assistant.services import AssistantServices
from bot.assistant.text_handler import AssistantTextHandler

from bot import event_loop, runtime_config
from bot.charts import ChartRenderer, warm_up
from bot.analysis_record import AnalysisScoringJob
from bot.client import build_bot, close_bot
from bot.daily_summary import DailySummaryJob
from bot.dispatcher import build_dispatcher
from bot.housekeeping import Housekeeping
from bot.i18n import Catalogs
from bot.leader import SchedulerLeader
from bot.local_chat.console import LocalChat, stdin_lines, terminal_lines
from bot.local_chat.screen import CurrentStdout, Screen
from bot.local_chat.session import TerminalSession
from bot.outbox import NotificationOutbox
from bot.pacing import Pacer
from bot.runners import run_polling, run_webhook, run_workers
from bot.scheduler import AlertWatcher, BackgroundJobs, PeriodicJob, SignalWatcher
from bot.sender import Sender
from bot.services import BotServices
from bot.settings import Settings, load_settings
from db.engine import create_engine, create_session_factory
from db.local_servers import LocalServers
from db.market_updates import MarketUpdates
from db.migrate import upgrade
from db.performance import record_trading_performance
from db.news_feed import RssNewsFeed
from db.repositories.trading_uow import TradingUnitOfWork
from db.timeseries import TimeSeries, build_time_series
from db.trading_services import TradingServices, build_trading_services
from domain.services.alerts import AlertService
from domain.services.glossary import Glossary
from domain.services.live_streams import OrderStreams
from domain.services.live_trading import IN_FLIGHT, LiveVenue
from domain.services.market_overview import MarketOverviewService
from domain.services.news import NewsService
from domain.services.recommendations import RecommendationService
from domain.services.sentiment import SentimentService
from domain.services.signals import SignalService
from domain.services.technical_analysis import TechnicalAnalysisService
from domain.services.trade_review import TradeReviewService
from nlp.service import NLPService

log = logging.getLogger("main")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

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


def cmd_parse(_settings: Settings, message: list[str], *, forwarded: bool = False) -> int:
    from nlp.cli import main as parse_main

    return parse_main((["--forwarded"] if forwarded else []) + (["--", *message] if message else []))


def cmd_run(settings: Settings, *, force_local_chat: bool = False, workers: int = 1, open_pictures: bool = False) -> int:
    token = settings.telegram.bot_token.get_secret_value() if settings.telegram.bot_token else ""
    local_chat = force_local_chat or not token
    if workers > 1 and (local_chat or settings.telegram.mode != "webhook"):
        print("More than one worker needs webhook mode (TELEGRAM_MODE=webhook) and a bot token: "
              "Telegram lets only one process poll a bot.", file=sys.stderr)
        return 2
    if not token and not force_local_chat:
        print("No TELEGRAM_BOT_TOKEN is configured: opening a local chat in this terminal instead.")
    if local_chat:
        log_file = _log_to_file(settings.app.data_dir / "logs" / "bot.log")
        print(f"Logs go to {_shown(log_file)}.")
        # aiogram logs every update at INFO, alembic every step, the scheduler every job run.
        for noisy in ("aiogram.event", "alembic", "apscheduler"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    servers = _local_servers(settings)
    try:
        database_url = servers.database_url()
        upgrade(database_url)
        if workers > 1:
            run_workers(workers, partial(_worker, database_url, servers.redis_url(), token, workers))
        else:
            event_loop.run(_serve(settings, database_url, servers.redis_url(), token=None if local_chat else token,
                                  open_pictures=open_pictures), event_loop=settings.app.event_loop)
    except KeyboardInterrupt:
        print()  # Ctrl-C: leave the prompt line tidy; everything was closed on the way out
    finally:
        servers.stop()
    return 0


def _freeze_startup_objects() -> None:
    """Everything built so far (NLP model, routers, SQLAlchemy and pydantic metadata) lives as
    long as the process: keep it out of the garbage collector's full passes, which otherwise walk
    those millions of objects every few hundred updates and stall the event loop. Young passes
    run every 10,000 allocations rather than 700: each walks every object of the updates in
    flight, and at the default they took a tenth of the CPU under load (gc.callbacks)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _worker(database_url: str, redis_url: str, token: str, workers: int) -> None:
    """One webhook worker process: the same bot, sharing the port, PostgreSQL and Redis."""
    settings = load_settings()
    logging.basicConfig(level=settings.app.log_level, format=LOG_FORMAT, stream=sys.stderr)
    with suppress(KeyboardInterrupt):
        event_loop.run(_serve(settings, database_url, redis_url, token=token, workers=workers),
                       event_loop=settings.app.event_loop)


def _log_to_file(path: Path) -> Path:
    """The local chat owns the terminal: every log record and Python warning (the embedded
    servers', the libraries') goes to ``path`` instead of between the chat lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.basicConfig(level=logging.getLogger().level, handlers=[handler], force=True)
    logging.captureWarnings(True)
    return path


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build_assistant(
    settings: Settings, trading: TradingServices, redis: aioredis.Redis, news_session: aiohttp.ClientSession,
    time_series: TimeSeries, charts: ChartRenderer | None = None,
    *,
    signals: SignalService | None = None,
) -> AssistantTextHandler:
    """The NLP layer and every service an intent can reach, behind one text handler
    (``signals``: a signal service over another market, for tests that move prices)."""
    llm = settings.llm
    nlp = NLPService(
        openai_api_key=llm.api_key.get_secret_value() if llm.api_key else None,
        openai_base_url=llm.base_url,
        openai_model=llm.model,
        llm_timeout=llm.timeout_seconds,
        llm_threshold=llm.confidence_threshold,
        parse_cache_size=settings.app.nlp_parse_cache_size,
    )
    market = trading.market_data
    services = AssistantServices(
        nlp=nlp,
        trading=trading,
        alerts=AlertService(trading.analysis, candles=market),
        signals=signals or SignalService(market, trading.portfolios,
                                         futures_starting_balance=settings.exchange.paper_starting_balance,
                                         live=trading.live.signals if trading.live is not None else None),
        overview=MarketOverviewService(market),
        sentiment=SentimentService(market),
        recommendations=RecommendationService(market),
        trade_review=TradeReviewService(market),
        glossary=Glossary(),
        technical=TechnicalAnalysisService(market),
        news=NewsService(RssNewsFeed(news_session, settings.news.feeds) if settings.news.feeds else None),
        confidence_threshold=settings.app.nlp_confidence_threshold,
        memory=AssistantMemory(redis),
        charts=charts or ChartRenderer(),
        time_series=time_series,
    )
    routes = build_routes(
        trading_intents.INTENT_HANDLERS,
        portfolio_intents.INTENT_HANDLERS,
        market_intents.INTENT_HANDLERS,
        advice_intents.INTENT_HANDLERS,
    )
    return AssistantTextHandler(services, routes)


def build_jobs(
    settings: Settings, uow_factory: Callable[[], TradingUnitOfWork], text_handler: AssistantTextHandler,
    sender: Sender, time_series: TimeSeries, redis: aioredis.Redis, catalogs: Catalogs | None = None,
) -> BackgroundJobs:
    services = text_handler.services
    market = services.trading.market_data
    exchange = settings.exchange.exchange_id if settings.exchange.market_data == "ccxt" else "simulated"
    scheduler = settings.scheduler
    ticks = MarketUpdates(redis, group="alerts", consumer="alerts")
    catalogs = catalogs or Catalogs()

    async def record_price(symbol: str, price: Decimal) -> None:
        time_series.market_data(exchange, await market.ticker(symbol))  # the ticker the price came from (cached)

    return BackgroundJobs(
        uow_factory=uow_factory,
        prices=services.trading.analysis,
        consumers=[AlertWatcher(ticks), SignalWatcher(services.signals), services.trading.monitor],
        outbox=NotificationOutbox(uow_factory, sender, catalogs=catalogs),
        evaluator=AlertEvaluator(uow_factory, services.alerts, ticks),
        on_price_read=record_price,
        price_interval_seconds=scheduler.price_interval_seconds,
        notify_interval_seconds=scheduler.notify_interval_seconds,
        tick_interval_seconds=scheduler.tick_interval_seconds,
        candle_interval_seconds=scheduler.candle_interval_seconds,
        daily_summary=DailySummaryJob(uow_factory, services.trading, catalogs).run,
        periodic=(
            PeriodicJob("record_performance", 15, partial(record_trading_performance, uow_factory, market, time_series)),
            PeriodicJob("score_analyses", 10, AnalysisScoringJob(uow_factory, market, time_series).run),
            PeriodicJob("housekeeping", 60, Housekeeping(
                uow_factory,
                archive_messages_after=timedelta(days=scheduler.archive_messages_after_days),
                prune_notifications_after=timedelta(days=scheduler.prune_notifications_after_days),
            ).run),
            *live_sync_job(settings, uow_factory, services.trading.live, services.trading.streams),
        ),
    )


def live_sync_job(
    settings: Settings, uow_factory: Callable[[], TradingUnitOfWork], venue: LiveVenue | None,
    streams: OrderStreams | None = None,
) -> tuple[PeriodicJob, ...]:
    """Follows open orders on users' exchange accounts; none without a live venue (no ENCRYPTION_KEY)."""
    if venue is None:
        return ()
    run = partial(sync_live, uow_factory, venue, streams=streams)
    return (PeriodicJob("live_sync", settings.scheduler.live_sync_seconds / 60, run),)


async def sync_live(
    uow_factory: Callable[[], TradingUnitOfWork], venue: LiveVenue, in_flight: timedelta = IN_FLIGHT,
    streams: OrderStreams | None = None,
) -> int:
    """One pass over open live orders; at start-up (``in_flight=0``) it also settles orders whose
    answer a previous process never stored, by their client order id. Then the accounts with open
    orders get an order stream (where their exchange has one), so fills arrive between passes."""
    async with uow_factory() as uow:
        settled = len(await venue.sync(uow, in_flight=in_flight))
    if streams is not None:
        await streams.refresh()
    return settled


async def _serve(
    settings: Settings, database_url: str, redis_url: str, *, token: str | None, workers: int = 1,
    open_pictures: bool = False,
) -> None:
    """Build everything once, run Telegram (with a token) or the local chat, close everything."""
    database = settings.database
    engine = create_engine(database_url, echo=database.echo, pool_size=database.pool_size,
                           max_overflow=database.max_overflow)
    session_factory = create_session_factory(engine)
    redis = aioredis.from_url(redis_url)
    uow_factory = partial(TradingUnitOfWork, session_factory)
    async with uow_factory() as uow:
        await runtime_config.load(uow, settings)  # what admins changed with /config
    exchange, trading_settings = settings.exchange, settings.trading
    trading = build_trading_services(
        session_factory=session_factory,
        redis=redis,
        exchange_id=exchange.exchange_id,
        market_data=exchange.market_data,
        market_cache_ttl_seconds=exchange.market_cache_ttl_seconds,
        market_cache_local_seconds=exchange.market_cache_local_seconds,
        paper_starting_balance=exchange.paper_starting_balance,
        paper_quote_asset=exchange.paper_quote_asset,
        paper_slippage_percent=exchange.paper_slippage_percent,
        confirmation_ttl_seconds=trading_settings.confirmation_ttl_seconds,
        price_tolerance_percent=trading_settings.price_tolerance_percent,
        max_position_percent=trading_settings.max_position_percent,
        max_leverage=trading_settings.max_leverage,
        encryption_key=settings.security.encryption_key.get_secret_value() if settings.security.encryption_key else None,
        exchange_api_url=exchange.exchange_api_url,
    )
    if trading.live is not None:
        try:
            settled = await sync_live(uow_factory, trading.live, in_flight=timedelta(0))
            log.info("start-up reconciliation of live orders: %d settled", settled)
        except Exception:  # noqa: BLE001 - the bot still starts; the scheduled sync tries again
            log.exception("start-up reconciliation of live orders failed")
    influx = settings.influx
    time_series = build_time_series(
        influx.url, influx.token.get_secret_value() if influx.token else None, influx.org, influx.bucket
    )
    news_session = aiohttp.ClientSession()
    screen = Screen(CurrentStdout(), styled=sys.stdout.isatty())
    pictures = settings.app.data_dir / "pictures"
    terminal = TerminalSession(screen, pictures, open_pictures=open_pictures) if token is None else None
    bot = build_bot(token or LOCAL_CHAT_TOKEN, uow_factory, api_url=settings.telegram.api_url, session=terminal)
    scheduler = AsyncIOScheduler(timezone="UTC")
    # Chart drawing is CPU-bound: a separate process keeps it off the event loop and the GIL.
    # "spawn" because forking a process that runs an event loop and threads is unsafe.
    chart_pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up)
    charts = ChartRenderer(chart_pool)
    leadership: asyncio.Task[None] | None = None
    try:
        pacer = Pacer(redis, per_chat_per_second=settings.scheduler.per_chat_messages_per_second,
                      global_per_second=settings.scheduler.global_messages_per_second)
        sender = Sender(bot, uow_factory, pacer)
        text_handler = build_assistant(settings, trading, redis, news_session, time_series, charts)
        catalogs = Catalogs()
        services = BotServices(
            settings=settings, uow_factory=uow_factory, redis=redis, sender=sender, text_handler=text_handler,
            trading=trading, nlp=text_handler.nlp, charts=charts, time_series=time_series, catalogs=catalogs,
        )
        dispatcher = build_dispatcher(services)
        _freeze_startup_objects()
        build_jobs(settings, uow_factory, text_handler, sender, time_series, redis, catalogs).schedule(scheduler)
        # Paused until this process holds the scheduler lock: one scheduler among all workers.
        scheduler.start(paused=True)
        leader = SchedulerLeader(redis, scheduler, ttl_seconds=settings.scheduler.leader_ttl_seconds,
                                 renew_seconds=settings.scheduler.leader_renew_seconds)
        leadership = asyncio.create_task(leader.run())
        if terminal is not None:
            await _chat(settings, dispatcher, bot, terminal, screen)
        elif settings.telegram.mode == "webhook":
            await run_webhook(dispatcher, bot, settings.telegram, reuse_port=workers > 1)
        else:
            await run_polling(dispatcher, bot)
    finally:
        if leadership is not None:
            leadership.cancel()
            await asyncio.gather(leadership, return_exceptions=True)
        if scheduler.running:
            scheduler.shutdown(wait=False)
        chart_pool.shutdown(wait=False, cancel_futures=True)
        await close_bot(bot)
        await news_session.close()
        await trading.close()
        await asyncio.to_thread(time_series.close)  # sends the points still buffered
        await redis.aclose()
        await engine.dispose()


async def _chat(
    settings: Settings, dispatcher: Dispatcher, bot: Bot, terminal: TerminalSession, screen: Screen
) -> None:
    user = User(
        id=settings.telegram.local_chat_user_id,
        is_bot=False,
        first_name=os.environ.get("USER") or "Local user",
        language_code=_terminal_language(),  # as Telegram sends the app's language
    )
    chat = LocalChat(dispatcher, bot, terminal, screen, user)
    if sys.stdin.isatty() and sys.stdout.isatty():
        await chat.run(terminal_lines(settings.app.data_dir / "chat_history"), echo_input=False, show_prompt=False)
    else:
        await chat.run(stdin_lines(sys.stdin), echo_input=True)


def _terminal_language() -> str | None:
    """The terminal's language (LC_ALL, LC_MESSAGES, LANG: "ru_RU.UTF-8" -> "ru")."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value.split(".")[0].replace("_", "-")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description="Trading Signals Reader bot")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "chat", "migrate", "parse"],
        help="run: start the bot (local chat when no Telegram token is set); chat: local chat; "
        "migrate: apply database migrations; parse: NLP parser, stdin lines (or the message given) -> JSON lines",
    )
    parser.add_argument(
        "--workers", type=int, default=1,
        help="run: this many webhook worker processes sharing the port (TELEGRAM_MODE=webhook)",
    )
    parser.add_argument(
        "--open-pictures", action="store_true",
        help="local chat: open each picture (chart) with the system's viewer; it is saved under .data/pictures either way",
    )
    parser.add_argument("--forwarded", action="store_true", help="parse: read each message as a post forwarded from a channel")
    parser.add_argument("message", nargs="*", help="parse: one message to read instead of stdin lines")
    args = parser.parse_intermixed_args(argv)  # "parse --forwarded TEXT": options between the positionals
    if args.message and args.command != "parse":
        parser.error("a message is read only by the parse command")
    settings = load_settings()
    logging.basicConfig(
        level=settings.app.log_level,
        format=LOG_FORMAT,
        stream=sys.stderr,
    )
    if args.command == "migrate":
        return cmd_migrate(settings)
    if args.command == "parse":
        return cmd_parse(settings, args.message, forwarded=args.forwarded)
    return cmd_run(settings, force_local_chat=args.command == "chat", workers=args.workers,
                   open_pictures=args.open_pictures)


if __name__ == "__main__":
    sys.exit(main())
