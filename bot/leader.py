"""The scheduler runs in exactly one process: the holder of a Redis lock.

Every worker starts its scheduler paused and runs :meth:`SchedulerLeader.run`: it takes the lock
with ``SET NX`` and an expiry, renews it well before it expires, and resumes its scheduler while
it holds it. A leader that dies stops renewing; its lock expires and another worker takes it
within ``ttl_seconds`` + ``renew_seconds``. A leader that cannot renew (Redis unreachable, or the
lock was lost) pauses its jobs as soon as it cannot be sure the lock is still its own, so two
schedulers never run at once for longer than a renewal step.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.cancellation import keep_cancellation

log = logging.getLogger(__name__)

LOCK_KEY = "scheduler:leader"

# Extends the lock only while it is still ours.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Pausable(Protocol):
    def pause(self) -> None: ...
    def resume(self) -> None: ...


class SchedulerLeader:
    def __init__(
        self, redis: Redis, scheduler: Pausable, *, ttl_seconds: float = 15, renew_seconds: float = 5,
        key: str = LOCK_KEY,
    ) -> None:
        if renew_seconds >= ttl_seconds:
            raise ValueError("the lock must be renewed before it expires")
        self._redis = redis
        self._scheduler = scheduler
        self._ttl_ms = int(ttl_seconds * 1000)
        self._renew_seconds = renew_seconds
        self._key = key
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)
        self.is_leader = False
        self._held_until = 0.0  # monotonic time until which the lock is surely ours

    async def run(self) -> None:
        """Until cancelled: hold the lock (or wait for it) and keep the scheduler in step."""
        try:
            while True:
                await self.step()
                await asyncio.sleep(self._renew_seconds)
        finally:
            await self.resign()

    async def step(self) -> None:
        asked_at = time.monotonic()
        try:
            if self.is_leader:
                held = bool(await keep_cancellation(self._renew(keys=[self._key], args=[self.holder, self._ttl_ms])))
            else:
                held = bool(await keep_cancellation(
                    self._redis.set(self._key, self.holder, nx=True, px=self._ttl_ms)
                ))
        except (RedisError, OSError) as error:
            # Unsure: keep running only while the lock surely has not expired yet.
            held = self.is_leader and time.monotonic() + self._renew_seconds < self._held_until
            log.warning("Scheduler lock: Redis unavailable (%s); %s", error, "still leader" if held else "pausing")
        else:
            if held:
                self._held_until = asked_at + self._ttl_ms / 1000
        self._follow(held)

    async def resign(self) -> None:
        """Give the lock up at shutdown so another worker need not wait for it to expire."""
        if not self.is_leader:
            return
        self.is_leader = False
        self._scheduler.pause()
        log.info("Scheduler lock released by %s", self.holder)
        try:
            await keep_cancellation(self._release(keys=[self._key], args=[self.holder]))
        except (RedisError, OSError):
            pass  # it expires on its own

    def _follow(self, held: bool) -> None:
        if held and not self.is_leader:
            log.info("Scheduler lock taken by %s: running the scheduled jobs here", self.holder)
            self._scheduler.resume()
        elif not held and self.is_leader:
            log.warning("Scheduler lock lost by %s: jobs paused here", self.holder)
            self._scheduler.pause()
        self.is_leader = held
