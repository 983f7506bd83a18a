"""Scoring a technical call against the candles of its window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from domain.enums import SignalType
from domain.models import Candle
from domain.services.call_scoring import RecordedCall, score_call

T0 = datetime(2026, 11, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def call(signal: SignalType = SignalType.BUY, *, stop: str | None = "95", targets: tuple[str, ...] = ("105", "110"),
         atr: str = "2") -> RecordedCall:
    return RecordedCall(signal, D(100), None if stop is None else D(stop), tuple(D(t) for t in targets), D(atr),
                        as_of=T0, valid_until=T0 + 5 * HOUR)


def bars(*rows: tuple[str, str, str]) -> list[Candle]:
    """(high, low, close) for the hours after the call's candle; the call's own candle first."""
    own = Candle(T0, D(100), D(101), D(99), D(100), D(1))
    return [own] + [Candle(T0 + (i + 1) * HOUR, D(100), D(h), D(lo), D(c), D(1)) for i, (h, lo, c) in enumerate(rows)]


def test_a_target_before_the_stop_wins():
    score = score_call(call(), bars(("103", "99", "102"), ("106", "101", "104"), ("104", "94", "95")))
    assert score is not None and (score.accuracy, score.outcome) == (1, "tp1_hit")
    assert score.move_percent == 5  # banked at the first target


def test_every_target_reached_is_all_targets():
    score = score_call(call(), bars(("106", "99", "105"), ("111", "104", "110")))
    assert score is not None and (score.accuracy, score.outcome, score.move_percent) == (1, "all_targets", 10)


def test_the_stop_first_loses_and_a_candle_touching_both_counts_as_the_stop():
    score = score_call(call(), bars(("101", "97", "98"), ("106", "94", "100")))
    assert score is not None and (score.accuracy, score.outcome, score.move_percent) == (0, "sl_hit", -5)


def test_a_short_is_judged_the_other_way():
    short = call(SignalType.STRONG_SELL, stop="104", targets=("96",))
    score = score_call(short, bars(("101", "97", "98"), ("99", "95.5", "96")))
    assert score is not None and (score.accuracy, score.outcome, score.move_percent) == (1, "all_targets", 4)


def test_an_expired_call_scores_by_how_far_it_went():
    # the close at 102.5 went halfway to the first target (105): 0.75
    score = score_call(call(), bars(("103", "99", "101"), ("103", "100", "102.5")))
    assert score is not None and (score.accuracy, score.outcome, score.move_percent) == (D("0.75"), "expired", D("2.5"))
    against = score_call(call(), bars(("101", "96", "97.5")))
    assert against is not None and against.accuracy == D("0.25") and against.move_percent == D("-2.5")


def test_a_hold_scores_on_how_calm_the_price_stayed():
    hold = call(SignalType.HOLD, stop=None, targets=())
    calm = score_call(hold, bars(("101", "99", "101.5")))  # 0.75 ATR away
    wild = score_call(hold, bars(("107", "99", "106")))  # 3 ATRs away
    halfway = score_call(hold, bars(("105", "99", "96")))  # 2 ATRs down
    assert calm is not None and wild is not None and halfway is not None
    assert (calm.accuracy, wild.accuracy, halfway.accuracy) == (1, 0, D("0.5"))
    assert halfway.move_percent == -4


def test_no_candle_after_the_call_yet_gives_no_score():
    assert score_call(call(), bars()) is None
    late = Candle(T0 + 6 * HOUR, D(100), D(120), D(100), D(120), D(1))  # after valid_until: not counted
    assert score_call(call(), [*bars(), late]) is None
