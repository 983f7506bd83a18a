"""Followed trade signals (trading_signals rows with source forwarded_post)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramUser, TradingPair, TradingSignal
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
        entry_at_market=bool(row.market_conditions.get("entry_at_market", False)),
        exchange=row.market_conditions.get("exchange"),
    )
    return FollowedSignal(row.id, signal, row.targets_hit, row.source_name, row.is_active, row.outcome)


# Where a pair is created for a signal before any exchange described it.
DEFAULT_EXCHANGE = "paper"
# NUMERIC(6,4) holds up to 99.9999 (percent).
OUTCOME_LIMIT = Decimal("99.9999")


async def pair_id_for_signal(session: AsyncSession, symbol: str, exchange: str | None) -> uuid.UUID:
    """The trading pair a signal is about: a known pair of that symbol (the post's exchange first,
    then paper), else a new one that stays inactive until an exchange describes the market
    (``PairRepository.ensure`` fills in its limits and activates it)."""
    preferred = (exchange or DEFAULT_EXCHANGE).lower()
    query = (
        select(TradingPair.id)
        .where(TradingPair.symbol == symbol)
        .order_by((TradingPair.exchange == preferred).desc(), (TradingPair.exchange == DEFAULT_EXCHANGE).desc(),
                  TradingPair.created_at)
        .limit(1)
    )
    found = await session.scalar(query)
    if found is not None:
        return found
    base, _, quote = symbol.partition("/")
    await session.execute(
        insert(TradingPair)
        .values(symbol=symbol, base_currency=base, quote_currency=quote or "USDT", exchange=preferred,
                is_active=False, min_order_size=Decimal(0))
        .on_conflict_do_nothing(index_elements=[TradingPair.symbol, TradingPair.exchange])
    )
    return await session.scalar(query)


def _outcome_percent(move: Decimal) -> Decimal:
    return max(-OUTCOME_LIMIT, min(OUTCOME_LIMIT, move)).quantize(Decimal("0.0001"))


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
        strength: Decimal,
        confidence: Decimal,
        ai_command_id: uuid.UUID | None,
    ) -> FollowedSignal:
        row = TradingSignal(
            user_id=owner.user_id,
            ai_command_id=ai_command_id,
            trading_pair_id=await pair_id_for_signal(self._session, signal.symbol, signal.exchange),
            symbol=signal.symbol,
            signal_type=SignalType.BUY if signal.side is OrderSide.BUY else SignalType.SELL,
            source=SignalSource.FORWARDED_POST,
            source_name=source_name,
            strength=strength,
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
            market_conditions={"entry_at_market": signal.entry_at_market, "exchange": signal.exchange},
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
        move_percent: Decimal | None = None,
        is_active: bool | None = None,
        stop_loss: Decimal | None = None,
    ) -> None:
        values = {
            "targets_hit": targets_hit,
            "outcome": outcome,
            "actual_outcome": None if move_percent is None else _outcome_percent(move_percent),
            "is_active": is_active,
            "stop_loss_price": stop_loss,
        }
        changes = {k: v for k, v in values.items() if v is not None}
        if changes:
            await self._session.execute(update(TradingSignal).where(TradingSignal.id == signal_id).values(**changes))
