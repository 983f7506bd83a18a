"""Portfolios and their balances. Repositories never commit: the unit of work does.

Balance rows double as the portfolio's mutex: every change to a portfolio's orders, positions or
balances first locks the balances it touches (``lock_wallet``), assets in sorted order so two
transactions always take the same locks in the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Balance as BalanceRow
from db.models import Portfolio as PortfolioRow
from db.models import TelegramUser
from db.single_statement import run_alone
from domain.models import Balance, Portfolio, Wallet

DEFAULT_PAPER_PORTFOLIO = "Paper"
PAPER_EXCHANGE = "paper"


PORTFOLIO_FIELDS = ("id", "user_id", "name", "base_currency", "exchange", "is_paper", "initial_balance",
                     "realized_pnl", "total_fees", "credential_id")


def _portfolio(row: PortfolioRow) -> Portfolio:
    return Portfolio(**{name: getattr(row, name) for name in PORTFOLIO_FIELDS})


# Read by most trading and portfolio requests: Core built once, run on its own outside a
# transaction (db/single_statement.py) instead of through the ORM session.
_PORTFOLIOS, _BALANCES = PortfolioRow.__table__, BalanceRow.__table__
_DEFAULT_PORTFOLIO = select(*(_PORTFOLIOS.c[name] for name in PORTFOLIO_FIELDS)).where(
    _PORTFOLIOS.c.user_id == bindparam("user_id"), _PORTFOLIOS.c.is_default.is_(True)
)
_BALANCES_OF = select(_BALANCES.c.asset, _BALANCES.c.free, _BALANCES.c.locked).where(
    _BALANCES.c.portfolio_id == bindparam("portfolio_id")
).order_by(_BALANCES.c.asset)


class PortfolioRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def default_for(self, user_id: uuid.UUID) -> Portfolio | None:
        rows = await run_alone(self._session, _DEFAULT_PORTFOLIO, {"user_id": user_id})
        return Portfolio(**rows[0]) if rows else None

    async def create_default(self, user_id: uuid.UUID, quote_asset: str, starting_balance: Decimal) -> Portfolio:
        created_id = await self._session.scalar(
            insert(PortfolioRow)
            .values(
                user_id=user_id,
                name=DEFAULT_PAPER_PORTFOLIO,
                base_currency=quote_asset,
                exchange=PAPER_EXCHANGE,
                is_paper=True,
                is_default=True,
                initial_balance=starting_balance,
            )
            .on_conflict_do_nothing(index_elements=[PortfolioRow.user_id, PortfolioRow.name])
            .returning(PortfolioRow.id)
        )
        if created_id is not None:
            await self._session.execute(
                insert(BalanceRow).values(portfolio_id=created_id, asset=quote_asset, free=starting_balance)
            )
        row = await self._session.scalar(
            select(PortfolioRow).where(PortfolioRow.user_id == user_id, PortfolioRow.name == DEFAULT_PAPER_PORTFOLIO)
        )
        assert row is not None  # inserted above, or by the concurrent call that won the race
        return _portfolio(row)

    async def get(self, portfolio_id: uuid.UUID) -> Portfolio | None:
        row = await self._session.get(PortfolioRow, portfolio_id)
        return None if row is None else _portfolio(row)

    async def add_results(self, portfolio_id: uuid.UUID, realized_pnl: Decimal, fees: Decimal) -> None:
        await self._session.execute(
            update(PortfolioRow)
            .where(PortfolioRow.id == portfolio_id)
            .values(realized_pnl=PortfolioRow.realized_pnl + realized_pnl, total_fees=PortfolioRow.total_fees + fees)
        )


class BalanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_wallet(self, portfolio_id: uuid.UUID, assets: Sequence[str]) -> Wallet:
        wanted = sorted(set(assets))
        wallet = await self._select_for_update(portfolio_id, wanted)
        missing = [asset for asset in wanted if asset not in wallet]
        if missing:
            await self._session.execute(
                insert(BalanceRow)
                .values([{"portfolio_id": portfolio_id, "asset": asset} for asset in missing])
                .on_conflict_do_nothing(index_elements=[BalanceRow.portfolio_id, BalanceRow.asset])
            )
            wallet.update(await self._select_for_update(portfolio_id, missing))
        return wallet

    async def save(self, portfolio_id: uuid.UUID, wallet: Wallet) -> None:
        table = BalanceRow.__table__
        # One executemany on the Core table: the ORM's bulk update would insist on primary keys.
        statement = (
            update(table)
            .where(table.c.portfolio_id == portfolio_id, table.c.asset == bindparam("b_asset"))
            .values(free=bindparam("b_free"), locked=bindparam("b_locked"))
        )
        rows = [{"b_asset": b.asset, "b_free": b.free, "b_locked": b.locked} for b in wallet.values()]
        await (await self._session.connection()).execute(statement, rows)

    async def list(self, portfolio_id: uuid.UUID) -> list[Balance]:
        rows = await run_alone(self._session, _BALANCES_OF, {"portfolio_id": portfolio_id})
        return [Balance(row["asset"], row["free"], row["locked"]) for row in rows]

    async def _select_for_update(self, portfolio_id: uuid.UUID, assets: Sequence[str]) -> Wallet:
        rows = await self._session.scalars(
            select(BalanceRow)
            .where(BalanceRow.portfolio_id == portfolio_id, BalanceRow.asset.in_(assets))
            .order_by(BalanceRow.asset)
            .with_for_update()
        )
        return {row.asset: Balance(row.asset, row.free, row.locked) for row in rows}


class RecipientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def telegram_user_ids(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(TelegramUser.user_id, TelegramUser.id).where(TelegramUser.user_id.in_(set(user_ids)))
        )
        return {user_id: telegram_user_id for user_id, telegram_user_id in rows if user_id is not None}
