"""Followed trade signals (trading_signals rows with source forwarded_post)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramUser, TradingPair, TradingSignal
from domain.enums import OrderSide, SignalSource, SignalType
from domain.signals import FollowedSignal, SignalState, Track, TrackingRules, TradeSignal


@dataclass(frozen=True, slots=True)
class SignalOwner:
    telegram_user_id: uuid.UUID
    user_id: uuid.UUID


def _signal(row: TradingSignal) -> TradeSignal:
    return TradeSignal(
        symbol=row.symbol,
        side=OrderSide.BUY if row.signal_type in (SignalType.BUY, SignalType.STRONG_BUY) else OrderSide.SELL,
        entries=tuple(Decimal(v) for v in row.entry_prices),
        take_profits=tuple(Decimal(v) for v in row.take_profit_levels),
        stop_loss=row.stop_loss_price,  # the post's stop (the live one is the track's)
        leverage=row.leverage,
        entry_at_market=bool(row.market_conditions.get("entry_at_market", False)),
        exchange=row.market_conditions.get("exchange"),
        margin_mode=row.market_conditions.get("margin_mode"),
        market_type=row.market_conditions.get("market_type"),
    )


def _track(row: TradingSignal) -> Track:
    live_stop = row.market_conditions.get("live_stop")
    return Track(
        state=row.state, targets_hit=row.targets_hit,
        stop=Decimal(live_stop) if live_stop is not None else row.stop_loss_price,
        entry_price=row.entry_fill_price, entered_at=row.entered_at, closed_at=row.closed_at,
        exit_price=row.exit_price, outcome=row.outcome, valid_until=row.valid_until,
    )


def _to_domain(row: TradingSignal) -> FollowedSignal:
    rules = TrackingRules(
        move_stop_to_entry_after_tp1=bool(row.tracking_rules.get("move_stop_to_entry_after_tp1", True)),
        trail_after_target=row.tracking_rules.get("trail_after_target"),
    )
    return FollowedSignal(row.id, _signal(row), _track(row), row.source_name, row.created_at, rules,
                          row.executed_at, row.execution)


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
        rules: TrackingRules = TrackingRules(),
        valid_until: datetime | None = None,  # None: the entry never expires
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
            market_conditions={"entry_at_market": signal.entry_at_market, "exchange": signal.exchange,
                               "margin_mode": signal.margin_mode, "market_type": signal.market_type},
            tracking_rules={"move_stop_to_entry_after_tp1": rules.move_stop_to_entry_after_tp1,
                            "trail_after_target": rules.trail_after_target},
            valid_until=valid_until,
        )
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _to_domain(row)

    async def get(self, owner_user_id: uuid.UUID, signal_id: uuid.UUID, *, for_update: bool = False) -> FollowedSignal | None:
        query = select(TradingSignal).where(TradingSignal.id == signal_id, TradingSignal.user_id == owner_user_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else _to_domain(row)

    async def list_for(self, owner: SignalOwner, *, closed_limit: int = 5) -> list[FollowedSignal]:
        """The user's active signals, newest first, then the latest few that ended."""
        base = select(TradingSignal).where(TradingSignal.user_id == owner.user_id,
                                           TradingSignal.source == SignalSource.FORWARDED_POST)
        active = await self._session.scalars(base.where(TradingSignal.is_active.is_(True))
                                             .order_by(TradingSignal.created_at.desc()))
        ended = await self._session.scalars(base.where(TradingSignal.is_active.is_(False))
                                            .order_by(TradingSignal.updated_at.desc()).limit(closed_limit))
        return [_to_domain(r) for r in [*active, *ended]]

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
        # A user with two linked Telegram accounts is notified on one: each signal moves once per tick.
        seen: dict[uuid.UUID, tuple[FollowedSignal, SignalOwner]] = {}
        for row, telegram_user_id in rows:
            seen.setdefault(row.id, (_to_domain(row), SignalOwner(telegram_user_id, row.user_id)))
        return list(seen.values())

    async def watched_symbols(self) -> list[str]:
        rows = await self._session.scalars(
            select(TradingSignal.symbol).where(TradingSignal.is_active.is_(True)).distinct()
        )
        return list(rows)

    async def save_track(self, signal_id: uuid.UUID, track: Track, *, actual_outcome: Decimal | None = None,
                         accuracy_score: Decimal | None = None, result_r: Decimal | None = None) -> None:
        row = await self._session.get(TradingSignal, signal_id)
        assert row is not None
        row.state, row.targets_hit, row.outcome = str(track.state), track.targets_hit, track.outcome
        row.entry_fill_price, row.entered_at = track.entry_price, track.entered_at
        row.exit_price, row.closed_at = track.exit_price, track.closed_at
        row.is_active = not track.is_final
        if track.state == SignalState.EXPIRED:
            row.expired_at = track.closed_at
        if track.stop is not None and track.stop != row.stop_loss_price:
            row.market_conditions = {**row.market_conditions, "live_stop": str(track.stop)}
        if actual_outcome is not None:
            row.actual_outcome = _outcome_percent(actual_outcome)
        if accuracy_score is not None:
            row.accuracy_score = accuracy_score
        if result_r is not None:
            row.result_r = max(Decimal("-999999"), min(Decimal("999999"), result_r)).quantize(Decimal("0.0001"))
        await self._session.flush()

    async def mark_executed(self, signal_id: uuid.UUID, execution: dict[str, Any], at: datetime) -> None:
        await self._session.execute(update(TradingSignal).where(TradingSignal.id == signal_id)
                                    .values(execution=execution, executed_at=at))

    async def save_execution(self, signal_id: uuid.UUID, execution: dict[str, Any]) -> None:
        """The live execution record as it now stands (its pending follow-ups, its leg generation)."""
        await self._session.execute(update(TradingSignal).where(TradingSignal.id == signal_id)
                                    .values(execution=execution))

    async def with_pending_follow_ups(self) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(owner user id, signal id) of live executions with a follow-up still to carry out."""
        rows = await self._session.execute(
            select(TradingSignal.user_id, TradingSignal.id)
            .where(TradingSignal.execution.has_key("pending"))  # removed once carried out
            .order_by(TradingSignal.created_at))
        return [(user_id, signal_id) for user_id, signal_id in rows]

    async def latest_from_source(self, owner: SignalOwner, source_name: str | None, symbol: str) -> FollowedSignal | None:
        """The user's most recent active signal on ``symbol`` from that channel (any channel if unknown)."""
        query = select(TradingSignal).where(TradingSignal.user_id == owner.user_id, TradingSignal.symbol == symbol,
                                            TradingSignal.is_active.is_(True))
        if source_name:
            query = query.where(TradingSignal.source_name == source_name)
        row = await self._session.scalar(query.order_by(TradingSignal.created_at.desc()).limit(1).with_for_update())
        return None if row is None else _to_domain(row)

    async def ended_by_source(self, owner: SignalOwner, source_name: str | None = None) -> list[FollowedSignal]:
        """Every forwarded signal of the user, oldest first, for statistics per channel."""
        query = select(TradingSignal).where(TradingSignal.user_id == owner.user_id,
                                            TradingSignal.source == SignalSource.FORWARDED_POST)
        if source_name:
            names = {source_name.lower(), "@" + source_name.lower().lstrip("@")}
            query = query.where(func.lower(TradingSignal.source_name).in_(names))
        rows = await self._session.scalars(query.order_by(TradingSignal.created_at))
        return [_to_domain(r) for r in rows]
