"""Followed trade signals (trading_signals rows with source forwarded_post)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramUser, TradingSignal
from domain.enums import OrderSide, SignalSource, SignalType
from domain.signals import FollowedSignal, TradeSignal


@dataclass(frozen=True, slots=True)
class SignalOwner:
    telegram_user_id: uuid.UUID
    user_id: uuid.UUID


def _to_domain(row: TradingSignal) -> FollowedSignal:
    signal = TradeSignal(
        symbol=row.symbol,
        side=OrderSide.BUY if row.signal_type is SignalType.BUY else OrderSide.SELL,
        entries=tuple(Decimal(v) for v in row.entry_prices),
        take_profits=tuple(Decimal(v) for v in row.take_profit_levels),
        stop_loss=row.stop_loss_price,
        leverage=row.leverage,
        entry_at_market=bool(row.market_data.get("entry_at_market", False)),
        exchange=row.market_data.get("exchange"),
    )
    return FollowedSignal(row.id, signal, row.targets_hit, row.source_name, row.is_active, row.actual_outcome)


class TradingSignalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        owner: SignalOwner,
        signal: TradeSignal,
        *,
        source_name: str | None,
        raw_text: str | None,
        confidence: Decimal | None,
        ai_command_id: uuid.UUID | None,
    ) -> FollowedSignal:
        row = TradingSignal(
            user_id=owner.user_id,
            ai_command_id=ai_command_id,
            symbol=signal.symbol,
            signal_type=SignalType.BUY if signal.side is OrderSide.BUY else SignalType.SELL,
            source=SignalSource.FORWARDED_POST,
            source_name=source_name,
            confidence=confidence,
            entry_low=signal.entry_low,
            entry_high=signal.entry_high,
            entry_prices=[str(v) for v in signal.entries],
            take_profit_levels=[str(v) for v in signal.take_profits],
            take_profit_price=signal.take_profits[0] if signal.take_profits else None,
            target_price=signal.take_profits[-1] if signal.take_profits else None,
            stop_loss_price=signal.stop_loss,
            leverage=signal.leverage,
            raw_text=raw_text,
            market_data={"entry_at_market": signal.entry_at_market, "exchange": signal.exchange},
        )
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _to_domain(row)

    async def list_active(self, owner: SignalOwner, symbol: str | None = None) -> list[FollowedSignal]:
        query = select(TradingSignal).where(
            TradingSignal.user_id == owner.user_id, TradingSignal.is_active.is_(True)
        )
        if symbol:
            query = query.where(TradingSignal.symbol == symbol)
        rows = await self._session.scalars(query.order_by(TradingSignal.created_at.desc()))
        return [_to_domain(r) for r in rows]

    async def active_for_symbol(self, symbol: str) -> list[tuple[FollowedSignal, SignalOwner]]:
        """Active signals on ``symbol`` with the Telegram account to notify, locked for the check."""
        rows = (
            await self._session.execute(
                select(TradingSignal, TelegramUser.id)
                .join(TelegramUser, TelegramUser.user_id == TradingSignal.user_id)
                .where(TradingSignal.symbol == symbol, TradingSignal.is_active.is_(True))
                .order_by(TradingSignal.created_at)
                .with_for_update(of=TradingSignal, skip_locked=True)
            )
        ).all()
        return [(_to_domain(row), SignalOwner(telegram_user_id, row.user_id)) for row, telegram_user_id in rows]

    async def watched_symbols(self) -> list[str]:
        rows = await self._session.scalars(
            select(TradingSignal.symbol).where(TradingSignal.is_active.is_(True)).distinct()
        )
        return list(rows)

    async def record_progress(
        self,
        signal_id: uuid.UUID,
        *,
        targets_hit: int | None = None,
        outcome: str | None = None,
        is_active: bool | None = None,
        stop_loss: Decimal | None = None,
    ) -> None:
        values = {
            "targets_hit": targets_hit,
            "actual_outcome": outcome,
            "is_active": is_active,
            "stop_loss_price": stop_loss,
        }
        changes = {k: v for k, v in values.items() if v is not None}
        if changes:
            await self._session.execute(update(TradingSignal).where(TradingSignal.id == signal_id).values(**changes))
