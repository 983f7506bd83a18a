"""The technical call: how votes become a signal, and where the entry, stop and targets go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from domain.enums import SignalType
from domain.errors import InvalidRequest
from domain.market_data.simulated import SimulatedMarketData
from domain.services.market_analysis import Level
from domain.services.technical_analysis import TechnicalAnalysisService, setup_for, signal_of

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize(("score", "signal"), [
    (0.7, SignalType.STRONG_BUY), (0.3, SignalType.BUY), (0.1, SignalType.HOLD), (-0.1, SignalType.HOLD),
    (-0.3, SignalType.SELL), (-0.5, SignalType.STRONG_SELL),
])
def test_the_score_names_the_signal(score, signal):
    assert signal_of(score) is signal


def test_a_long_stops_beyond_the_nearest_support_and_targets_the_resistances():
    # price 100, ATR 2: support at 97 (1.5 ATR away) -> stop at 97 - 0.25 * 2 = 96.5 (risk 3.5)
    setup = setup_for(SignalType.BUY, D(100), D(2), (Level(D(97), 2),), (Level(D(102), 1), Level(D(106), 3)))
    assert setup is not None
    assert (setup.entry_low, setup.entry_high, setup.stop_loss) == (D("99.5"), D("100.5"), D("96.5"))
    # 102 is less than 1:1 away and is skipped; then 1.5R = 105.25, 106 (within half a risk: skipped),
    # 2.5R = 108.75, 4R = 114
    assert setup.targets == (D("105.25"), D("108.75"), D("114"))
    assert setup.risk_reward == D("1.50")


def test_a_short_without_a_near_level_stops_one_and_a_half_atr_away():
    setup = setup_for(SignalType.STRONG_SELL, D(100), D(2), (Level(D(95), 1),), (Level(D(120), 1),))
    assert setup is not None and setup.stop_loss == D(103)  # 120 is 10 ATR away: too far to hide behind
    assert setup.targets[0] == D("95.5") and all(t < D(100) for t in setup.targets)


def test_a_stop_is_never_closer_than_one_atr():
    setup = setup_for(SignalType.BUY, D(100), D(2), (Level(D("99.8"), 1),), ())
    assert setup is not None and setup.stop_loss == D(98)


def test_neutral_calls_have_no_setup():
    assert setup_for(SignalType.HOLD, D(100), D(2), (), ()) is None


async def test_an_analysis_of_simulated_candles_is_consistent():
    service = TechnicalAnalysisService(SimulatedMarketData(seed=5, clock=lambda: NOW))
    analysis = await service.analyze("BTC/USDT", "1d")
    assert len(analysis.candles) == 200 and analysis.price == analysis.candles[-1].close
    assert analysis.valid_until == analysis.as_of + timedelta(days=13)
    assert D(0) <= analysis.confidence <= 1 and analysis.strength == D(f"{abs(analysis.score):.2f}")
    assert {r.name for r in analysis.readings} >= {"rsi", "macd", "adx", "ichimoku", "atr"}
    if analysis.setup is not None:
        long = analysis.signal in (SignalType.BUY, SignalType.STRONG_BUY)
        assert (analysis.setup.stop_loss < analysis.price) == long
    with pytest.raises(InvalidRequest):
        await service.analyze("BTC/USDT", "7h")
