"""Volatility, historical VaR/CVaR, correlation and the portfolio's market risk on data whose
answers are known."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import numpy as np
import pytest

from domain.models import Candle, Market
from domain.services import risk_statistics as stats
from domain.services.portfolio import Allocation
from domain.services.risk import market_risk, size_position

START = datetime(2025, 1, 1, tzinfo=UTC)
BTC = Market("BTC/USDT", "BTC", "USDT", price_precision=2, amount_precision=5, min_amount=D("0.00001"),
             taker_fee=D("0.001"))


def daily(closes: list[float], start: datetime = START, spread: float = 0.01) -> list[Candle]:
    return [Candle(start + timedelta(days=i), D(repr(c)), D(repr(c * (1 + spread))), D(repr(c * (1 - spread))),
                   D(repr(c)), D(1)) for i, c in enumerate(closes)]


def prices_from(returns: list[float], start: float = 100.0) -> list[float]:
    return [start, *(start * np.cumprod(1 + np.array(returns))).tolist()]


# 100 daily returns: -10 %, -9 %, ... -1 % once each, then +0.5 % ninety times
RETURNS = [-(i + 1) / 100 for i in range(10)][::-1] + [0.005] * 90


def test_var_and_cvar_are_read_from_the_worst_days():
    at_95 = stats.tail_risk(RETURNS, 0.95)
    # 5 % of 100 days: the 5th worst day (-6 %) is the threshold, CVaR the mean of the 5 worst
    assert at_95.var == pytest.approx(0.06) and at_95.cvar == pytest.approx(0.08)
    at_99 = stats.tail_risk(RETURNS, 0.99)
    assert at_99.var == pytest.approx(0.10) and at_99.cvar == pytest.approx(0.10)
    assert stats.tail_risk([0.01, 0.02, 0.03], 0.95).var == 0  # never lost: no loss at risk


def test_volatility_of_alternating_moves():
    # log returns +-ln(1.1) alternating: sample stdev ln(1.1) * sqrt(n / (n - 1))
    closes = [100.0, 110.0] * 50
    daily_vol, annual = stats.volatility(closes)
    n = 99
    assert daily_vol == pytest.approx(math.log(1.1) * math.sqrt(n / (n - 1)) * math.sqrt(1 - 1 / n**2), rel=1e-3)
    assert annual == pytest.approx(daily_vol * math.sqrt(365))
    assert math.isnan(stats.volatility([1.0, 2.0])[0])


def test_correlation_of_mirrored_and_independent_series():
    rng = np.random.default_rng(4)
    a = rng.normal(0, 0.02, 300)
    returns = np.column_stack([a, -a, 2 * a, rng.normal(0, 0.02, 300)])
    matrix = stats.correlation(returns)
    assert matrix[0, 1] == pytest.approx(-1) and matrix[0, 2] == pytest.approx(1)
    assert abs(matrix[0, 3]) < 0.15 and np.allclose(np.diag(matrix), 1)


def test_returns_are_aligned_on_the_days_both_assets_traded():
    old = daily([100, 110, 121, 133.1])
    young = daily([10, 11, 12.1], start=START + timedelta(days=1))
    assets, returns = stats.aligned_returns({"OLD": old, "NEW": young})
    assert assets == ["OLD", "NEW"] and returns.shape == (2, 2)
    np.testing.assert_allclose(returns, [[0.1, 0.1], [0.1, 0.1]])


def test_portfolio_var_weights_holdings_and_leaves_cash_still():
    btc = daily(prices_from(RETURNS, 50_000))
    eth = daily(prices_from(RETURNS, 2_000))  # the same path: correlation 1
    holdings = [Allocation("BTC", D(1), D(btc[-1].close), D(3000), D(30)),
                Allocation("ETH", D(1), D(eth[-1].close), D(2000), D(20))]
    report = market_risk(holdings, {"BTC": btc, "ETH": eth}, D(10_000), "USDT")
    # half the portfolio in coins moving together: half the coins' VaR and CVaR
    at_95 = report.tail(0.95)
    assert at_95 is not None and report.days == 100
    assert (at_95.var_percent, at_95.cvar_percent) == (D("3.00"), D("4.00"))
    assert (at_95.var_amount, at_95.cvar_amount) == (D("300.00000000"), D("400.00000000"))
    assert report.assets == ("BTC", "ETH") and report.correlation[0][1] == pytest.approx(1)
    btc_risk = report.holdings[0]
    assert btc_risk.symbol == "BTC/USDT" and btc_risk.atr_percent is not None
    assert btc_risk.suggested_stop is not None and btc_risk.suggested_stop < btc_risk.price


def test_too_short_a_history_gives_volatility_but_no_var():
    candles = daily([100, 101, 102, 101, 103])
    report = market_risk([Allocation("SOL", D(1), D(103), D(103), D(100))], {"SOL": candles}, D(103), "USDT")
    assert report.tails == () and report.correlation == () and report.holdings[0].daily_volatility_percent > 0


def test_position_size_is_capped_at_the_allowed_leverage():
    # 1 % of 10,000 with a 0.5 % stop would be about 14,000 of BTC: 1.4x the portfolio
    sizing = size_position(BTC, D(10_000), D(50_000), D(49_750), risk_percent=D(1))
    assert sizing.capped_at_leverage == 1 and sizing.quantity == D("0.2") and sizing.leverage == D("1.00")
    assert sizing.risk_amount < 100
    allowed = size_position(BTC, D(10_000), D(50_000), D(49_750), risk_percent=D(1), max_leverage=D(2))
    assert allowed.capped_at_leverage is None and allowed.leverage > 1
