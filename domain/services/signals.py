"""Following forwarded trade signals: save them, watch the price, apply channel follow-ups.

A followed signal notifies its user when a take-profit or the stop-loss is reached. Each event is
recorded and queued in one transaction, with a dedup key per signal and event, so a re-run check
never announces the same target twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from domain.alerts import NotificationQueue
from domain.errors import DomainError
from domain.signals import (
    FollowedSignal,
    SignalEvent,
    SignalEventKind,
    TradeSignal,
    pnl_percent,
    price_move_percent,
    progress,
    setup_strength,
)


class SignalNotFound(DomainError):
    default_message = "You are not following a signal on that pair. Forward the signal post first."


class InvalidSignal(DomainError):
    default_message = "That post does not read as a complete signal (it needs a pair and a direction)."


class SignalStore(Protocol):
    async def add(self, owner: Any, signal: TradeSignal, *, source_name: str | None, raw_text: str | None,
                  strength: Decimal, confidence: Decimal, ai_command_id: uuid.UUID | None) -> FollowedSignal: ...
    async def list_active(self, owner: Any, symbol: str | None = None) -> list[FollowedSignal]: ...
    async def active_for_symbol(self, symbol: str) -> list[tuple[FollowedSignal, Any]]: ...
    async def watched_symbols(self) -> list[str]: ...
    async def record_progress(self, signal_id: uuid.UUID, *, targets_hit: int | None = None,
                              outcome: str | None = None, move_percent: Decimal | None = None,
                              is_active: bool | None = None, stop_loss: Decimal | None = None) -> None: ...


class SignalsUnitOfWork(Protocol):
    @property
    def signals(self) -> SignalStore: ...
    @property
    def notifications(self) -> NotificationQueue: ...
    async def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SignalUpdateResult:
    followed: FollowedSignal
    update: str
    message: str


class SignalService:
    async def follow(
        self,
        uow: SignalsUnitOfWork,
        owner: Any,
        entities: Mapping[str, Any],
        *,
        raw_text: str | None = None,
        source_name: str | None = None,
        confidence: float = 1.0,
        ai_command_id: uuid.UUID | None = None,
    ) -> FollowedSignal:
        """``confidence``: how sure the parser was of its reading (1 for entities given directly)."""
        try:
            signal = TradeSignal.from_entities(entities)
        except (ValueError, ArithmeticError) as error:
            raise InvalidSignal() from error
        followed = await uow.signals.add(
            owner, signal, source_name=source_name, raw_text=raw_text,
            strength=setup_strength(signal), confidence=Decimal(str(round(min(max(confidence, 0.0), 1.0), 2))),
            ai_command_id=ai_command_id,
        )
        await uow.commit()
        return followed

    async def list(self, uow: SignalsUnitOfWork, owner: Any) -> list[FollowedSignal]:
        return await uow.signals.list_active(owner)

    async def check(self, uow: SignalsUnitOfWork, symbol: str, price: Decimal) -> list[tuple[FollowedSignal, SignalEvent]]:
        fired: list[tuple[FollowedSignal, SignalEvent]] = []
        for followed, owner in await uow.signals.active_for_symbol(symbol):
            events = progress(followed.signal, followed.targets_hit, price)
            if not events:
                continue
            await self._record(uow, followed, events)
            for event in events:
                await uow.notifications.enqueue(
                    owner.telegram_user_id, "signal_update", _payload(followed, event), user_id=owner.user_id,
                    dedup_key=f"signal:{followed.id}:{event.kind}:{event.target_index or 0}",
                )
                fired.append((followed, event))
        if fired:
            await uow.commit()
        return fired

    async def _record(self, uow: SignalsUnitOfWork, followed: FollowedSignal, events: list[SignalEvent]) -> None:
        last = events[-1]
        move = price_move_percent(followed.signal, last.price)
        if last.kind is SignalEventKind.STOP_HIT:
            await uow.signals.record_progress(followed.id, outcome="sl_hit", move_percent=move, is_active=False)
            return
        hit = last.target_index or followed.targets_hit
        finished = hit >= len(followed.signal.take_profits)
        await uow.signals.record_progress(
            followed.id, targets_hit=hit, outcome="all_targets" if finished else f"tp{hit}_hit",
            move_percent=move, is_active=not finished,
        )

    async def apply_update(
        self, uow: SignalsUnitOfWork, owner: Any, symbol: str, entities: Mapping[str, Any]
    ) -> SignalUpdateResult:
        """A channel's follow-up post (TP hit, stop hit, stop moved, closed, cancelled)."""
        matches = await uow.signals.list_active(owner, symbol)
        if not matches:
            raise SignalNotFound()
        followed = matches[0]  # the most recent one on that pair
        update = str(entities.get("update", ""))
        signal = followed.signal
        if update == "tp_hit" or entities.get("all_targets"):
            hit = len(signal.take_profits) if entities.get("all_targets") else int(entities.get("target_index") or 1)
            hit = max(hit, followed.targets_hit)
            finished = hit >= len(signal.take_profits) > 0
            level = signal.take_profits[min(hit, len(signal.take_profits)) - 1] if signal.take_profits else None
            await uow.signals.record_progress(
                followed.id, targets_hit=hit, outcome="all_targets" if finished else f"tp{hit}_hit",
                move_percent=None if level is None else price_move_percent(signal, level), is_active=not finished,
            )
            message = f"Target {hit} of {len(signal.take_profits) or '?'} reached on {symbol}."
        elif update == "sl_hit":
            move = None if signal.stop_loss is None else price_move_percent(signal, signal.stop_loss)
            await uow.signals.record_progress(followed.id, outcome="sl_hit", move_percent=move, is_active=False)
            message = f"Stop-loss hit on {symbol}: no longer following it."
        elif update == "move_sl":
            new_stop = signal.average_entry if entities.get("to_breakeven") else _decimal(entities.get("stop_loss"))
            if new_stop is None:
                raise InvalidSignal("The follow-up moves the stop but gives no price.")
            await uow.signals.record_progress(followed.id, stop_loss=new_stop)
            message = f"Stop-loss on {symbol} moved to {new_stop.normalize():f}."
        elif update in ("close", "cancel"):
            await uow.signals.record_progress(followed.id, outcome="closed" if update == "close" else "cancelled",
                                              is_active=False)
            message = f"Signal on {symbol} {'closed' if update == 'close' else 'cancelled'} by the channel."
        elif update == "entry_filled":
            message = f"Entry filled on {symbol}."
        else:
            raise InvalidSignal("I could not tell what this follow-up changes.")
        await uow.commit()
        return SignalUpdateResult(followed, update, message)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _payload(followed: FollowedSignal, event: SignalEvent) -> dict[str, Any]:
    gain = pnl_percent(followed.signal, event.price)
    return {
        "signal_id": str(followed.id),
        "symbol": followed.signal.symbol,
        "side": followed.signal.side.value,
        "event": event.kind.value,
        "target_index": event.target_index,
        "targets_total": len(followed.signal.take_profits),
        "level": None if event.level is None else str(event.level),
        "price": str(event.price),
        "pnl_percent": None if gain is None else str(round(gain, 2)),
        "source_name": followed.source_name,
    }
