"""Long polling that handles a batch of updates at once and confirms it only once it is handled.

aiogram offers two ways: updates one at a time (the getUpdates offset moves only after each is
handled, but one slow database round trip holds up every other user) or each update as a task
(fast, but the offset moves before handling, so a stop loses what was in flight). This is the
third: each getUpdates batch is handled concurrently, one chat's updates in arrival order, and
the next getUpdates confirms the batch only after all of it was handled. A stop mid-batch
confirms nothing, so Telegram delivers the batch again; the update claims
(bot/middlewares/deduplication.py) skip what was already handled.

However updates arrive (a polled batch, webhook requests), at most ``concurrent_updates`` are
handled at once: beyond the database pool, more at once only adds connection churn.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.middlewares.deduplication import UpdateInProgress

log = logging.getLogger(__name__)

CLAIM_RETRY_SECONDS = 1.0
DEFAULT_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class BatchPollingDispatcher(Dispatcher):
    def __init__(self, *args: Any, concurrent_updates: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots = asyncio.Semaphore(concurrent_updates) if concurrent_updates else None

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        if self._slots is None:
            return await super().feed_update(bot, update, **kwargs)
        async with self._slots:
            return await super().feed_update(bot, update, **kwargs)

    async def _polling(  # aiogram's hook for one bot's polling loop (start_polling calls it)
        self,
        bot: Bot,
        polling_timeout: int = 30,
        handle_as_tasks: bool = True,
        backoff_config: BackoffConfig = DEFAULT_BACKOFF,
        allowed_updates: list[str] | None = None,
        tasks_concurrency_limit: int | None = None,
        **kwargs: Any,
    ) -> None:
        if handle_as_tasks:  # aiogram's own behaviour, asked for explicitly
            await super()._polling(
                bot, polling_timeout, handle_as_tasks, backoff_config, allowed_updates,
                tasks_concurrency_limit, **kwargs,
            )
            return
        user = await bot.me()
        log.info("Polling for bot @%s, batches handled concurrently", user.username)
        get_updates = GetUpdates(timeout=polling_timeout, allowed_updates=allowed_updates)
        # The long poll may outlast the session's own timeout: wait for it.
        request_timeout = int(bot.session.timeout + polling_timeout) if bot.session.timeout else None
        backoff = Backoff(config=backoff_config)
        while True:
            try:
                updates = await bot(get_updates, request_timeout=request_timeout)
            except Exception as error:  # noqa: BLE001 - the Bot API being away must not stop polling
                log.error("Failed to fetch updates - %s: %s; retrying in %.1f s",
                          type(error).__name__, error, backoff.next_delay)
                await backoff.asleep()
                continue
            backoff.reset()
            if updates:
                await self.handle_batch(bot, updates, **kwargs)
                get_updates.offset = updates[-1].update_id + 1

    async def handle_batch(self, bot: Bot, updates: list[Update], **kwargs: Any) -> None:
        """Every chat's updates in order, the chats side by side."""
        by_chat: dict[int, list[Update]] = defaultdict(list)
        for update in updates:
            by_chat[_conversation(update)].append(update)

        async def in_order(chat_updates: list[Update]) -> None:
            for update in chat_updates:
                await self._handle_once(bot, update, **kwargs)

        await asyncio.gather(*(in_order(chat_updates) for chat_updates in by_chat.values()))


    async def _handle_once(self, bot: Bot, update: Update, **kwargs: Any) -> None:
        """Handle the update; if a previous run of the bot still holds its claim (it died
        mid-update), wait until that claim expires rather than skip the update."""
        while True:
            try:
                await self.feed_update(bot, update, **kwargs)
                return
            except UpdateInProgress:
                await asyncio.sleep(CLAIM_RETRY_SECONDS)
            except Exception:  # noqa: BLE001 - as aiogram does: logged, the batch goes on
                log.exception("Update %s failed", update.update_id)
                return


def _conversation(update: Update) -> int:
    """Whose conversation the update belongs to: its chat, else its sender, else itself."""
    try:
        event = update.event
    except Exception:  # noqa: BLE001 - an update type this aiogram does not know
        return -update.update_id
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return chat.id
    sender = getattr(event, "from_user", None)
    return sender.id if sender is not None else -update.update_id
