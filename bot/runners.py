"""Running the dispatcher against Telegram: long polling or a webhook server.

Both acknowledge an update only after it was handled, so nothing a user sends is lost when
the bot stops mid-conversation: polling handles each getUpdates batch (bot/polling.py) and only
then moves the offset past it; the webhook answers Telegram's POST after handling, and Telegram
redelivers what was not answered. (Redelivered duplicates are skipped by the deduplication
middleware.) One process may poll a token; to scale out, ``run_workers`` runs several webhook
worker processes on one port: each update is claimed by exactly one of them
(bot/middlewares/deduplication.py), the scheduler runs in one (bot/leader.py).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import time
from collections.abc import Callable
from contextlib import suppress
from multiprocessing.process import BaseProcess

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.settings import TelegramSettings

log = logging.getLogger(__name__)


async def run_polling(dispatcher: Dispatcher, bot: Bot, *, handle_signals: bool = True) -> None:
    # getUpdates fails while a webhook is set; pending updates are kept.
    await bot.delete_webhook(drop_pending_updates=False)
    await dispatcher.start_polling(
        bot,
        handle_as_tasks=False,  # batches (bot/polling.py): the offset moves once a batch is handled
        handle_signals=handle_signals,
        close_bot_session=False,  # the composition root closes what it built
    )


def build_webhook_app(dispatcher: Dispatcher, bot: Bot, *, path: str, secret: str) -> web.Application:
    """Requests without the ``X-Telegram-Bot-Api-Secret-Token`` we registered get 401."""
    app = web.Application()
    SimpleRequestHandler(
        dispatcher=dispatcher,
        bot=bot,
        secret_token=secret,
        handle_in_background=False,  # answer Telegram only once the update is handled
    ).register(app, path=path)
    setup_application(app, dispatcher, bot=bot)
    return app


async def run_webhook(dispatcher: Dispatcher, bot: Bot, settings: TelegramSettings, *, reuse_port: bool = False) -> None:
    """``reuse_port``: several worker processes listen on the same port (SO_REUSEPORT); the
    kernel spreads the connections over them."""
    if not settings.webhook_url or settings.webhook_secret is None:
        raise ValueError("Webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
    secret = settings.webhook_secret.get_secret_value()
    app = build_webhook_app(dispatcher, bot, path=settings.webhook_path, secret=secret)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port, reuse_port=reuse_port or None).start()
        await bot.set_webhook(
            settings.webhook_url.rstrip("/") + settings.webhook_path,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        log.info("Webhook server listening on %s:%s", settings.webhook_host, settings.webhook_port)
        await _until_stopped()
    finally:
        await runner.cleanup()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await stop.wait()


# A worker that dies sooner than this after starting is restarted only after the same pause,
# so a broken configuration does not spin.
QUICK_EXIT_SECONDS = 5.0


def run_workers(count: int, worker: Callable[[], None]) -> None:
    """Run ``count`` worker processes until SIGINT/SIGTERM, starting a new one when one dies."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited event loop
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(target=worker, name="bot-worker")
        process.start()
        return process, time.monotonic()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    workers = [start() for _ in range(count)]
    log.info("Started %d webhook workers: %s", count, ", ".join(str(p.pid) for p, _ in workers))
    try:
        while not stopping:
            for index, (process, started) in enumerate(workers):
                if process.is_alive() or stopping:
                    continue
                log.warning("Worker %s exited with code %s; starting another", process.pid, process.exitcode)
                if time.monotonic() - started < QUICK_EXIT_SECONDS:
                    time.sleep(QUICK_EXIT_SECONDS)
                workers[index] = start()
            time.sleep(0.5)
    finally:
        for process, _ in workers:
            if process.is_alive():
                process.terminate()  # SIGTERM: each worker finishes its requests and closes down
        for process, _ in workers:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
