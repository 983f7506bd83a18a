"""The accounts of recent writers, so that most updates skip the registration statement.

Registration refreshes the sender's ``telegram_users`` row on every update (profile, daily
counters). For a user seen moments ago with the same profile that statement changes nothing but
the counters, so the account is kept here and the update is counted by the message log's batch
instead (bot/middlewares/update_log.py). A copy is dropped:

- when a transaction changes the account (terms, ban, /settings, link, a chat that blocked the
  bot): in this process at once (db/account_changes.py), in the others through a Redis
  channel every process listens to;
- when the listener lost its Redis connection (a change may have been missed): all copies;
- after ``ttl`` at the latest. That bounds what a missed message could leave stale, and how far
  the daily counters of a user served by several worker processes can run behind: each worker
  counts its own updates on its copy; the database has them all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from redis.asyncio import Redis
from redis.exceptions import RedisError

from db import account_changes
from db.models import TelegramUser
from db.repositories.telegram import DailyUsage

log = logging.getLogger(__name__)

# Channels are shared by all of a server's databases: named per database, so that bots on other
# databases of the same Redis do not drop each other's copies.
CHANNEL = "tsr:telegram-account-changed:{db}"
EVERYONE = "*"

# (chat_id, username, first_name, last_name, language_code): what registration would refresh.
Profile = tuple[int, str | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class _Copy:
    account: TelegramUser
    profile: Profile
    usage: DailyUsage  # the account's counters plus the updates counted on this copy
    expires: float


class AccountCache:
    def __init__(self, redis: Redis, *, ttl_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 max_accounts: int = 50_000) -> None:
        self._redis = redis
        self.channel = CHANNEL.format(db=redis.connection_pool.connection_kwargs.get("db", 0))
        self._ttl = ttl_seconds
        self._clock = clock
        self._max = max_accounts
        self._copies: dict[int, _Copy] = {}
        # Counts drops: a copy read before a drop is not kept after it (it may predate the change).
        self.generation = 0
        self._listener: asyncio.Task[None] | None = None
        self._publishing: set[asyncio.Task[None]] = set()  # referenced until done (the loop holds tasks weakly)
        self._subscribed = asyncio.Event()
        self._stop_watching = account_changes.listen(self._changed_here)

    def get(self, telegram_id: int, profile: Profile) -> TelegramUser | None:
        """The kept account, when it is fresh and the sender's profile is as kept."""
        copy = self._copies.get(telegram_id)
        if copy is None or copy.profile != profile or copy.expires <= self._clock() or self._listener_down():
            return None
        return copy.account

    def keep(self, account: TelegramUser, profile: Profile, *, read_at_generation: int) -> None:
        """Keep ``account`` as read when :attr:`generation` was ``read_at_generation``."""
        if read_at_generation != self.generation:
            return  # something changed while it was being read
        if account.is_bot_blocked or account.rate_limit_reset_at is None:
            return  # the next update must go through the statement that clears / starts them
        if len(self._copies) >= self._max:
            self._copies.clear()
        usage = DailyUsage(account.daily_message_count, account.daily_command_count, account.rate_limit_reset_at)
        self._copies[account.telegram_id] = _Copy(account, profile, usage, self._clock() + self._ttl)

    def count(self, telegram_id: int, *, is_command: bool, now: datetime, next_reset: datetime) -> DailyUsage:
        """Today's counters with one more update, as the registration statement would count it."""
        copy = self._copies[telegram_id]
        usage = copy.usage
        if usage.resets_at <= now:  # a new day
            usage = DailyUsage(1, int(is_command), next_reset)
        else:
            usage = DailyUsage(usage.messages + 1, usage.commands + int(is_command), usage.resets_at)
        self._copies[telegram_id] = replace(copy, usage=usage)
        return usage

    def drop(self, telegram_id: int | None) -> None:
        """Forget one account (None: all of them)."""
        self.generation += 1
        if telegram_id is None:
            self._copies.clear()
        else:
            self._copies.pop(telegram_id, None)

    # -- invalidation ---------------------------------------------------------------------------

    def _changed_here(self, changed: account_changes.Changed) -> None:
        for telegram_id in (None,) if changed is None else changed:
            self.drop(telegram_id)
        if self._listener is not None:  # the other processes listen on Redis
            message = EVERYONE if changed is None else ",".join(map(str, sorted(changed)))
            task = asyncio.get_running_loop().create_task(self._publish(message))
            self._publishing.add(task)
            task.add_done_callback(self._publishing.discard)

    async def _publish(self, message: str) -> None:
        try:
            await self._redis.publish(self.channel, message)
        except (RedisError, OSError):
            log.warning("Could not tell other processes that accounts changed; their copies expire in %.0f s",
                        self._ttl, exc_info=True)

    def _listener_down(self) -> bool:
        """Copies are used only while changes made elsewhere can be heard."""
        return self._listener is None or not self._subscribed.is_set()

    async def start(self) -> None:
        """Listen for changes made by other processes; until subscribed, nothing is served from
        here (a bot starting while Redis is down starts all the same)."""
        if self._listener is None:
            self._listener = asyncio.get_running_loop().create_task(self._listen())

    async def subscribed(self) -> None:
        """Until the change channel is listened to (and copies may be served)."""
        await self._subscribed.wait()

    async def stop(self) -> None:
        self._stop_watching()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
        self._copies.clear()

    async def _listen(self) -> None:
        reported = False
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._subscribed.set()
                    reported = False
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            self._heard(message["data"])
            except (RedisError, OSError):
                if not reported:  # once per outage, not once a second
                    log.warning("No account-change channel (Redis): every update reads its account until it is back")
                    reported = True
            self._subscribed.clear()
            self.drop(None)  # changes may have been missed meanwhile
            await asyncio.sleep(1)

    def _heard(self, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        if text == EVERYONE:
            self.drop(None)
            return
        for part in text.split(","):
            if part.strip().lstrip("-").isdigit():
                self.drop(int(part))
