"""How good a signal channel is, from the signals a user forwarded from it.

Rates: entered of all signals; TP1, all targets and stopped of the entered ones; expired of all.
The average R is the result of each ended signal in multiples of the risk its stop took from the
real entry. The simulated result is what executing every ended signal with the user's settings
(amount, leverage cap, target split) would have made.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.numbers import HUNDRED, ZERO, money
from domain.signal_trade import ExecutionSettings, target_shares
from domain.signals import FollowedSignal, SignalState, favourable_move_percent, result_r


@dataclass(frozen=True, slots=True)
class ChannelStats:
    source: str
    signals: int
    entered: int
    tp1: int
    all_targets: int
    stopped: int
    expired: int
    open: int
    average_r: Decimal | None
    simulated_pnl: Decimal  # executing every entered signal with the user's settings, in USDT
    simulated_percent: Decimal  # of the margin put in

    def rate(self, count: int, of: int | None = None) -> Decimal:
        whole = self.signals if of is None else of
        return Decimal(count) * HUNDRED / whole if whole else ZERO


def channel_stats(source: str, items: list[FollowedSignal], execution: ExecutionSettings) -> ChannelStats:
    entered = [f for f in items if f.track.entry_price is not None]
    ended = [f for f in entered if f.track.is_final and f.track.exit_price is not None]
    rs = [r for f in ended if (r := result_r(f.signal, f.track, f.track.exit_price)) is not None]  # type: ignore[arg-type]
    pnl = sum((_simulated(f, execution) for f in ended), ZERO)
    margin_in = execution.margin_per_trade * len(ended)
    return ChannelStats(
        source=source, signals=len(items), entered=len(entered),
        tp1=sum(1 for f in entered if f.track.targets_hit >= 1),
        all_targets=sum(1 for f in entered if f.track.outcome == "all_targets"),
        stopped=sum(1 for f in entered if f.track.outcome in ("sl_hit", "breakeven", "liquidated")),
        expired=sum(1 for f in items if f.track.state == SignalState.EXPIRED),
        open=sum(1 for f in items if not f.track.is_final),
        average_r=(sum(rs, ZERO) / len(rs)) if rs else None,
        simulated_pnl=money(pnl), simulated_percent=(pnl / margin_in * HUNDRED) if margin_in else ZERO,
    )


def _simulated(followed: FollowedSignal, execution: ExecutionSettings) -> Decimal:
    """What executing the ended signal with these settings would have made, in USDT, fees left out:
    each target reached closes its share at its level, the rest exits where the signal ended."""
    signal, track = followed.signal, followed.track
    assert track.entry_price is not None and track.exit_price is not None
    leverage = min(signal.leverage or Decimal(1), execution.max_leverage) if signal.is_futures else Decimal(1)
    notional = execution.margin_per_trade * leverage
    shares = target_shares(len(signal.take_profits), execution.target_split)
    result, left = ZERO, HUNDRED
    for index in range(min(track.targets_hit, len(shares))):
        move = favourable_move_percent(signal.side, track.entry_price, signal.take_profits[index])
        result += notional * shares[index] / HUNDRED * move / HUNDRED
        left -= shares[index]
    if left > Decimal("0.0001"):
        move = favourable_move_percent(signal.side, track.entry_price, track.exit_price)
        result += notional * left / HUNDRED * move / HUNDRED
    return max(result, -execution.margin_per_trade)  # a position cannot lose more than its margin
