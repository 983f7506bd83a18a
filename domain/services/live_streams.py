"""Order streams of connected accounts: the exchange pushes order changes over its websocket
(ccxt's ``watch_orders``) and the account is synced at once, instead of at the next poll.

The stream only says *when* to look: the sync reads the orders back over REST exactly as the
polling job does, so a fill is booked once whichever path sees it first, and a lost or closed
stream costs nothing but latency (the poll still runs). One stream per account with open orders;
accounts whose exchange has no order stream are left to the poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain.errors import DomainError, OrderStreamUnsupported
from domain.ports import TradingUnitOfWork

if TYPE_CHECKING:
    from domain.services.live_trading import LiveVenue

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0


class OrderStreams:
    def __init__(self, venue: LiveVenue, uow_factory: Callable[[], TradingUnitOfWork], *,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self._venue = venue
        self._uow_factory = uow_factory
        self._retry_seconds = retry_seconds
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}

    @property
    def watching(self) -> set[uuid.UUID]:
        return {pid for pid, task in self._tasks.items() if not task.done()}

    async def refresh(self) -> None:
        """Watch every account that has open orders; stop watching the others."""
        async with self._uow_factory() as uow:
            wanted = {portfolio.id for portfolio, _ in await uow.live.open_orders_by_portfolio()}
            await uow.rollback()  # the lookup locked the rows: let the sync have them
        for portfolio_id in set(self._tasks) - wanted:
            await self._stop(portfolio_id)
        for portfolio_id in wanted:
            task = self._tasks.get(portfolio_id)
            if task is None or task.done():
                self._tasks[portfolio_id] = asyncio.create_task(self._watch(portfolio_id),
                                                                name=f"order-stream-{portfolio_id}")

    async def close(self) -> None:
        for portfolio_id in list(self._tasks):
            await self._stop(portfolio_id)

    async def _stop(self, portfolio_id: uuid.UUID) -> None:
        task = self._tasks.pop(portfolio_id)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    async def _watch(self, portfolio_id: uuid.UUID) -> None:
        while True:
            try:
                await self._stream(portfolio_id)
                return
            except OrderStreamUnsupported:
                return  # the poll follows this account
            except (DomainError, OSError) as error:  # the stream dropped: the poll covers the gap
                log.warning("order stream of portfolio %s: %s; again in %ss", portfolio_id,
                            getattr(error, "user_message", type(error).__name__), self._retry_seconds)
            await asyncio.sleep(self._retry_seconds)

    async def _stream(self, portfolio_id: uuid.UUID) -> None:
        async with self._uow_factory() as uow:
            portfolio = await uow.portfolios.get(portfolio_id)
            if portfolio is None or portfolio.credential_id is None:
                return
            account: Any = await self._venue.open_account(uow, portfolio)
            await uow.commit()
        try:
            while True:
                changed = await account.watch_order_changes()
                log.debug("order stream of portfolio %s: %d order(s) changed", portfolio_id, len(changed))
                async with self._uow_factory() as uow:
                    await self._venue.sync(uow, portfolio_id=portfolio_id)
        finally:
            await account.close()
