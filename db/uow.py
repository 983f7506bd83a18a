"""The unit of work: one database transaction per update (or per job).

Services call ``commit()`` when their change is complete; repositories never commit. Whatever
was not committed when the unit of work closes is rolled back, so an order and its balance
change land together or not at all.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.alerts import PriceAlertRepository
from db.repositories.notifications import NotificationRepository
from db.repositories.signal_settings import SignalSettingsRepository
from db.repositories.signal_trades import SignalTradeRepository
from db.repositories.signals import TradingSignalRepository

R = TypeVar("R")


class UnitOfWork:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        self._open = False
        self._repositories: dict[type, Any] = {}

    @property
    def session(self) -> AsyncSession:
        """Made on first use: many units of work (one per update) never need one."""
        if not self._open:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        if self._session is None:
            self._session = self._session_factory()
        return self._session

    def repo(self, repository_cls: type[R]) -> R:
        """The repository of that class bound to this unit's session (built once per unit)."""
        if repository_cls not in self._repositories:
            self._repositories[repository_cls] = repository_cls(self.session)  # type: ignore[call-arg]
        return self._repositories[repository_cls]

    # Named repositories, for services that take the unit of work through a domain Protocol.
    @property
    def alerts(self) -> PriceAlertRepository:
        return self.repo(PriceAlertRepository)

    @property
    def notifications(self) -> NotificationRepository:
        return self.repo(NotificationRepository)

    @property
    def signals(self) -> TradingSignalRepository:
        return self.repo(TradingSignalRepository)

    @property
    def signal_trades(self) -> SignalTradeRepository:
        return self.repo(SignalTradeRepository)

    @property
    def signal_settings(self) -> SignalSettingsRepository:
        return self.repo(SignalSettingsRepository)

    async def __aenter__(self) -> UnitOfWork:
        self._open = True
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        session, self._session, self._open = self._session, None, False
        self._repositories.clear()
        if session is None:
            return
        try:
            if session.in_transaction():  # discards anything left over
                await session.rollback()
        finally:
            await session.close()

    async def commit(self) -> None:
        # Nothing begun and nothing waiting to be flushed: nothing to commit. (The session's own
        # commit would open and close an empty transaction: a tenth of a millisecond per call,
        # and an update calls it several times.)
        session = self._session
        if session is not None and (session.in_transaction() or session.new or session.dirty or session.deleted):
            await session.commit()

    async def rollback(self) -> None:
        if self._session is not None:
            await self._session.rollback()

    async def flush(self) -> None:
        if self._session is not None:
            await self._session.flush()
