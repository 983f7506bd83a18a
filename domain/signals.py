"""Trade signals read from channel posts, and how a followed signal progresses with the price.

A long signal reaches target n when the price rises to its n-th take-profit, and is stopped when
the price falls to its stop-loss; a short one mirrors that. Progress only moves forward: a target
counted once stays counted, whatever the price does afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.enums import OrderSide


class SignalEventKind(StrEnum):
    TARGET_HIT = "tp_hit"
    STOP_HIT = "sl_hit"


@dataclass(frozen=True, slots=True)
class TradeSignal:
    symbol: str
    side: OrderSide
    entries: tuple[Decimal, ...] = ()
    take_profits: tuple[Decimal, ...] = ()
    stop_loss: Decimal | None = None
    leverage: Decimal | None = None
    entry_at_market: bool = False
    exchange: str | None = None

    @property
    def entry_low(self) -> Decimal | None:
        return min(self.entries) if self.entries else None

    @property
    def entry_high(self) -> Decimal | None:
        return max(self.entries) if self.entries else None

    @property
    def average_entry(self) -> Decimal | None:
        return sum(self.entries) / len(self.entries) if self.entries else None

    @classmethod
    def from_entities(cls, entities: Mapping[str, Any]) -> TradeSignal:
        """Build from the NLP contract's signal entities (numbers as JSON numbers or strings)."""

        def dec(value: Any) -> Decimal:
            return Decimal(str(value))

        side = entities.get("side")
        if not entities.get("symbol") or side not in ("buy", "sell"):
            raise ValueError("a signal needs a symbol and a side")
        return cls(
            symbol=str(entities["symbol"]),
            side=OrderSide(side),
            entries=tuple(sorted(dec(v) for v in entities.get("entries", []))),
            take_profits=tuple(dec(v) for v in entities.get("take_profits", [])),
            stop_loss=dec(entities["stop_loss"]) if entities.get("stop_loss") is not None else None,
            leverage=dec(entities["leverage"]) if entities.get("leverage") is not None else None,
            entry_at_market=bool(entities.get("entry_at_market", False)),
            exchange=entities.get("exchange"),
        )


@dataclass(frozen=True, slots=True)
class SignalEvent:
    kind: SignalEventKind
    price: Decimal
    target_index: int | None = None  # 1-based, for target hits
    level: Decimal | None = None


def _reached(side: OrderSide, price: Decimal, level: Decimal) -> bool:
    return price >= level if side is OrderSide.BUY else price <= level


def _stopped(side: OrderSide, price: Decimal, stop: Decimal) -> bool:
    return price <= stop if side is OrderSide.BUY else price >= stop


def progress(signal: TradeSignal, targets_hit: int, price: Decimal) -> list[SignalEvent]:
    """Events newly caused by ``price`` for a signal that already reached ``targets_hit`` targets."""
    if signal.stop_loss is not None and _stopped(signal.side, price, signal.stop_loss):
        return [SignalEvent(SignalEventKind.STOP_HIT, price, level=signal.stop_loss)]
    return [
        SignalEvent(SignalEventKind.TARGET_HIT, price, target_index=index, level=level)
        for index, level in enumerate(signal.take_profits, start=1)
        if index > targets_hit and _reached(signal.side, price, level)
    ]


def price_move_percent(signal: TradeSignal, price: Decimal) -> Decimal | None:
    """Move from the average entry to ``price`` in the signal's favour, in percent."""
    entry = signal.average_entry
    if not entry:
        return None
    move = (price - entry) / entry * 100
    return -move if signal.side is OrderSide.SELL else move


def pnl_percent(signal: TradeSignal, exit_price: Decimal) -> Decimal | None:
    """Move from the average entry to ``exit_price`` in the signal's favour, times leverage."""
    move = price_move_percent(signal, exit_price)
    return None if move is None else move * (signal.leverage or 1)


NEUTRAL_STRENGTH = Decimal("0.50")


def setup_strength(signal: TradeSignal) -> Decimal:
    """How much of the trade's range lies on the reward side, 0 to 1: reward / (reward + risk),
    from the average entry to the first target and to the stop (a 2:1 setup is 0.67). Without an
    entry, a target or a stop the setup cannot be rated and counts as neutral (0.50)."""
    entry = signal.average_entry
    if not entry or not signal.take_profits or signal.stop_loss is None:
        return NEUTRAL_STRENGTH
    reward = price_move_percent(signal, signal.take_profits[0]) or Decimal(0)
    risk = -(price_move_percent(signal, signal.stop_loss) or Decimal(0))
    if reward <= 0 or risk <= 0:  # a target or stop on the wrong side of the entry: no rating
        return NEUTRAL_STRENGTH
    return round(reward / (reward + risk), 2)


@dataclass(frozen=True, slots=True)
class FollowedSignal:
    id: uuid.UUID
    signal: TradeSignal
    targets_hit: int
    source_name: str | None
    is_active: bool
    outcome: str | None
