"""Group commit: many writers, one transaction.

Every update writes the same few log rows (the message, the reply, activity counters). Written
one transaction each, the round trips (checkout, BEGIN, statements, COMMIT) cost more than the
rest of the update. Here each writer queues its entry and waits until it is committed: while one
batch is being written the next one gathers, and is written as one transaction with multi-row
statements. A writer returns only once its entry is durable, so nothing is lost to a crash that a
write-behind buffer would lose; a batch that fails is retried entry by entry, so one bad entry
fails only its own writer.

:class:`GroupWrite` is the same without a database transaction, for other stores (the update
claims' done marks in Redis, bot/middlewares/deduplication.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from db.uow import UnitOfWork

log = logging.getLogger(__name__)

E = TypeVar("E")
R = TypeVar("R")

WriteBatch = Callable[[UnitOfWork, Sequence[E]], Awaitable[None]]


class GroupWrite(Generic[E, R]):
    """Entries queued by many writers, written together by ``write_batch(entries)``: while one
    batch is being written the next one gathers. Each writer waits for its own entry, and gets
    its result when ``write_batch`` returns one per entry (else None)."""

    def __init__(self, write_batch: Callable[[Sequence[E]], Awaitable[Sequence[R] | None]], *,
                 max_batch: int = 500, narrow_failures: bool = True) -> None:
        """``narrow_failures``: a failed batch is tried again entry by entry, so one bad entry
        fails only its writer; off where a failure is the store's, not an entry's (an outage
        would otherwise be waited for once per entry)."""
        self._write_batch = write_batch
        self._max_batch = max_batch
        self._narrow_failures = narrow_failures
        self._pending: list[tuple[E, asyncio.Future[R | None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, entry: E) -> R | None:
        """Returns once ``entry`` is written; raises what made its batch fail."""
        return await self.submit(entry)

    def submit(self, entry: E) -> asyncio.Future[R | None]:
        """Queue ``entry`` without waiting (a writer being cancelled): written all the same,
        at the latest by :meth:`close`."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R | None] = loop.create_future()
        self._pending.append((entry, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = loop.create_task(self._flush())
        return future

    async def close(self) -> None:
        """Write everything queued, also the entries of writers that stopped waiting (a
        shutdown cancels them): their updates were handled, their rows must not be lost."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch:]
            try:
                results = await self._write_batch([entry for entry, _ in batch])
            except Exception as error:  # noqa: BLE001 - narrowed down entry by entry below
                if len(batch) == 1 or not self._narrow_failures:
                    for _, future in batch:
                        _settle(future, error)
                    continue
                log.warning("A batch of %d entries failed (%r); writing them one by one", len(batch), error)
                for entry, future in batch:
                    try:
                        [result] = await self._write_batch([entry]) or [None]
                    except Exception as single_error:  # noqa: BLE001
                        _settle(future, single_error)
                    else:
                        _settle(future, None, result)
            else:
                for index, (_, future) in enumerate(batch):
                    _settle(future, None, results[index] if results is not None else None)


class GroupCommit(GroupWrite[E, None]):
    """Group commit: each batch is one transaction of a unit of work."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], write_batch: WriteBatch[E], *, max_batch: int = 500) -> None:
        super().__init__(self._commit, max_batch=max_batch)
        self._uow_factory = uow_factory
        self._write_in_uow = write_batch

    async def _commit(self, entries: Sequence[E]) -> None:
        async with self._uow_factory() as uow:
            await self._write_in_uow(uow, entries)
            await uow.commit()


def _settle(future: asyncio.Future[Any], error: BaseException | None, result: Any = None) -> None:
    if future.done():  # its writer was cancelled (a shutdown): nobody waits any more
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
