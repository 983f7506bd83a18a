"""Trade signals read from channel posts, and how a followed signal is tracked.

Tracking is a state machine: waiting for entry -> entered -> TP1 ... TPn -> closed, or cancelled,
or expired when the entry is not reached in time. Targets and the stop count only once the entry
was reached: a signal far from its entry zone reaches nothing. Results are measured from the
price where the entry was actually reached, not from the post's zone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.enums import OrderSide
from domain.numbers import HUNDRED, ZERO


class SignalState(StrEnum):
    WAITING = "waiting_for_entry"
    ENTERED = "entered"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @staticmethod
    def target(index: int) -> str:
        return f"tp{index}"

    @staticmethod
    def is_final(state: str) -> bool:
        return state in (SignalState.CLOSED, SignalState.CANCELLED, SignalState.EXPIRED)


class SignalEventKind(StrEnum):
    ENTERED = "entered"
    TARGET_HIT = "tp_hit"
    STOP_HIT = "sl_hit"
    EXPIRED = "expired"
    CLOSED = "closed"  # by the channel or the user
    CANCELLED = "cancelled"
    LIQUIDATED = "liquidated"
    STOP_MOVED = "stop_moved"


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
    margin_mode: str | None = None
    market_type: str | None = None  # "spot" or "futures" when the post says so

    @property
    def entry_low(self) -> Decimal | None:
        return min(self.entries) if self.entries else None

    @property
    def entry_high(self) -> Decimal | None:
        return max(self.entries) if self.entries else None

    @property
    def average_entry(self) -> Decimal | None:
        return sum(self.entries) / len(self.entries) if self.entries else None

    @property
    def near_edge(self) -> Decimal | None:
        """The zone edge the market reaches first: the top for a long, the bottom for a short."""
        return self.entry_high if self.side is OrderSide.BUY else self.entry_low

    @property
    def is_futures(self) -> bool:
        """Leverage, a short or an explicit futures market make it a futures trade; else spot."""
        if self.market_type == "spot":
            return False
        return self.market_type == "futures" or self.leverage is not None or self.side is OrderSide.SELL

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
            entry_at_market=bool(entities.get("entry_at_market", False)) or not entities.get("entries"),
            exchange=entities.get("exchange"),
            margin_mode=entities.get("margin_mode"),
            market_type=entities.get("market_type"),
        )


def reached(side: OrderSide, price: Decimal, level: Decimal) -> bool:
    """Has ``price`` reached a level on the profit side (a target)?"""
    return price >= level if side is OrderSide.BUY else price <= level


def stopped(side: OrderSide, price: Decimal, stop: Decimal) -> bool:
    return price <= stop if side is OrderSide.BUY else price >= stop


def favourable_move_percent(side: OrderSide, entry: Decimal, price: Decimal) -> Decimal:
    """Move from ``entry`` to ``price`` in the trade's favour, in percent (no leverage)."""
    move = (price - entry) / entry * HUNDRED
    return -move if side is OrderSide.SELL else move


def price_move_percent(signal: TradeSignal, price: Decimal) -> Decimal | None:
    """Move from the post's average entry to ``price`` in the signal's favour, in percent."""
    entry = signal.average_entry
    return None if not entry else favourable_move_percent(signal.side, entry, price)


def reward_risk(signal: TradeSignal, entry: Decimal, target: Decimal) -> Decimal | None:
    """Reward to risk of one target from ``entry``: distance to the target over distance to the stop."""
    if signal.stop_loss is None:
        return None
    risk = -favourable_move_percent(signal.side, entry, signal.stop_loss)
    reward = favourable_move_percent(signal.side, entry, target)
    return None if risk <= 0 else reward / risk


NEUTRAL_STRENGTH = Decimal("0.50")


def setup_strength(signal: TradeSignal) -> Decimal:
    """How much of the trade's range lies on the reward side, 0 to 1: reward / (reward + risk),
    from the average entry to the first target and to the stop (a 2:1 setup is 0.67). Without an
    entry, a target or a stop the setup cannot be rated and counts as neutral (0.50)."""
    entry = signal.average_entry
    if not entry or not signal.take_profits or signal.stop_loss is None:
        return NEUTRAL_STRENGTH
    reward = price_move_percent(signal, signal.take_profits[0]) or ZERO
    risk = -(price_move_percent(signal, signal.stop_loss) or ZERO)
    if reward <= 0 or risk <= 0:  # a target or stop on the wrong side of the entry: no rating
        return NEUTRAL_STRENGTH
    return round(reward / (reward + risk), 2)


@dataclass(frozen=True, slots=True)
class TrackingRules:
    """The user's rules for a followed signal."""

    move_stop_to_entry_after_tp1: bool = True
    trail_after_target: int | None = None  # from TPn on, the stop follows one target behind


@dataclass(slots=True)
class Track:
    """Where a followed signal stands; stored on its trading_signals row."""

    state: str = SignalState.WAITING
    targets_hit: int = 0
    stop: Decimal | None = None  # the live stop (moved by rules and follow-ups)
    entry_price: Decimal | None = None  # where the entry was reached
    entered_at: datetime | None = None
    closed_at: datetime | None = None
    exit_price: Decimal | None = None
    outcome: str | None = None  # tp1_hit ... all_targets, sl_hit, breakeven, closed, liquidated, ...
    valid_until: datetime | None = None  # the entry must be reached by then

    @property
    def is_final(self) -> bool:
        return SignalState.is_final(self.state)

    @property
    def is_entered(self) -> bool:
        return self.entry_price is not None and not self.is_final


@dataclass(frozen=True, slots=True)
class SignalEvent:
    kind: SignalEventKind
    price: Decimal
    target_index: int | None = None  # 1-based, for target hits
    level: Decimal | None = None
    new_stop: Decimal | None = None  # when a rule moved the stop with this event


def advance(signal: TradeSignal, track: Track, price: Decimal, at: datetime, rules: TrackingRules,
            *, placing: bool = False) -> list[SignalEvent]:
    """Apply one market price; returns the transitions it caused, in order (mutates ``track``).
    ``placing``: the price when the signal is followed; a market already past the entry edge
    enters at that price (a limit placed there fills at once, at the market)."""
    if track.is_final:
        return []
    events: list[SignalEvent] = []
    if track.entry_price is None:
        if track.valid_until is not None and at >= track.valid_until:
            finish(track, SignalState.EXPIRED, "expired", None, at)
            return [SignalEvent(SignalEventKind.EXPIRED, price)]
        edge = signal.near_edge
        if signal.entry_at_market or edge is None:
            enter_at = price
        elif stopped(signal.side, price, edge):  # the market came to the zone
            enter_at = price if placing else edge  # a resting limit at the zone edge fills at its price
        else:
            return []
        track.entry_price, track.entered_at, track.state = enter_at, at, SignalState.ENTERED
        events.append(SignalEvent(SignalEventKind.ENTERED, price, level=enter_at))
    if track.stop is not None and stopped(signal.side, price, track.stop):
        # A stop-market order fills at the market: never better than the stop itself.
        exit_price = min(price, track.stop) if signal.side is OrderSide.BUY else max(price, track.stop)
        breakeven = track.entry_price is not None and track.stop == track.entry_price
        outcome = "breakeven" if breakeven else "sl_hit"
        finish(track, SignalState.CLOSED, outcome, exit_price, at)
        events.append(SignalEvent(SignalEventKind.STOP_HIT, exit_price, level=track.stop))
        return events
    for index, level in enumerate(signal.take_profits, start=1):
        if index <= track.targets_hit or not reached(signal.side, price, level):
            continue
        track.targets_hit = index
        track.state = SignalState.target(index)
        track.outcome = f"tp{index}_hit"
        new_stop = _rule_stop(signal, track, rules)
        if new_stop is not None:
            track.stop = new_stop
        events.append(SignalEvent(SignalEventKind.TARGET_HIT, level, target_index=index, level=level, new_stop=new_stop))
    if signal.take_profits and track.targets_hit == len(signal.take_profits):
        finish(track, SignalState.CLOSED, "all_targets", signal.take_profits[-1], at)
    return events


def _rule_stop(signal: TradeSignal, track: Track, rules: TrackingRules) -> Decimal | None:
    """The stop the user's rules want after the latest target, if it improves on the live one."""
    hit = track.targets_hit
    wanted: Decimal | None = None
    if rules.trail_after_target is not None and hit >= rules.trail_after_target:
        wanted = track.entry_price if hit == 1 else signal.take_profits[hit - 2]
    elif rules.move_stop_to_entry_after_tp1 and hit >= 1:
        wanted = track.entry_price
    if wanted is None or hit >= len(signal.take_profits):
        return None
    if track.stop is not None and not reached(signal.side, wanted, track.stop) or wanted == track.stop:
        return None  # never loosen a stop
    return wanted


def finish(track: Track, state: str, outcome: str, exit_price: Decimal | None, at: datetime) -> None:
    track.state, track.outcome, track.exit_price, track.closed_at = state, outcome, exit_price, at


def result_percent(signal: TradeSignal, track: Track, price: Decimal) -> Decimal | None:
    """Move from the real entry to ``price`` in the signal's favour, in percent (no leverage)."""
    return None if track.entry_price is None else favourable_move_percent(signal.side, track.entry_price, price)


def result_r(signal: TradeSignal, track: Track, price: Decimal) -> Decimal | None:
    """The result in R: the move over the risk the post's stop took from the real entry."""
    if track.entry_price is None or signal.stop_loss is None:
        return None
    risk = -favourable_move_percent(signal.side, track.entry_price, signal.stop_loss)
    move = favourable_move_percent(signal.side, track.entry_price, price)
    return None if risk <= 0 else move / risk


def accuracy(signal: TradeSignal, track: Track) -> Decimal | None:
    """How right the signal was, 0 to 1: the share of its targets reached (None if never entered)."""
    if track.entry_price is None or not signal.take_profits:
        return None
    return (Decimal(track.targets_hit) / len(signal.take_profits)).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class FollowedSignal:
    id: uuid.UUID
    signal: TradeSignal
    track: Track
    source_name: str | None
    created_at: datetime
    rules: TrackingRules
    executed_at: datetime | None = None
    execution: Mapping[str, Any] | None = None  # how the user executed it (see SignalService.execute)

    @property
    def targets_hit(self) -> int:
        return self.track.targets_hit

    @property
    def is_active(self) -> bool:
        return not self.track.is_final
