"""The unit of work the trading services take: the shared one plus named trading repositories.

It is a ``db.uow.UnitOfWork`` (so alerts, signals and notifications keep working through it) that
also satisfies ``domain.ports.TradingUnitOfWork``. Build units of work with this class wherever
trading services are called (handlers' middleware, scheduler jobs).
"""

from __future__ import annotations

from db.repositories.audit import AuditRepository
from db.repositories.live_trading import LiveTradingRepository
from db.repositories.portfolios import BalanceRepository, PortfolioRepository, RecipientRepository
from db.repositories.trading import OrderRepository, PairRepository, PositionRepository, TradeRepository
from db.uow import UnitOfWork


class TradingUnitOfWork(UnitOfWork):
    @property
    def portfolios(self) -> PortfolioRepository:
        return self.repo(PortfolioRepository)

    @property
    def balances(self) -> BalanceRepository:
        return self.repo(BalanceRepository)

    @property
    def pairs(self) -> PairRepository:
        return self.repo(PairRepository)

    @property
    def orders(self) -> OrderRepository:
        return self.repo(OrderRepository)

    @property
    def trades(self) -> TradeRepository:
        return self.repo(TradeRepository)

    @property
    def positions(self) -> PositionRepository:
        return self.repo(PositionRepository)

    @property
    def audit(self) -> AuditRepository:
        return self.repo(AuditRepository)

    @property
    def recipients(self) -> RecipientRepository:
        return self.repo(RecipientRepository)

    @property
    def live(self) -> LiveTradingRepository:
        return self.repo(LiveTradingRepository)
