"""Risk statistics from daily candles, in float64 (they are estimates, not money): volatility,
historical Value at Risk and Expected Shortfall (CVaR), correlation of returns.

Historical VaR at 95 % is the daily loss exceeded on only 5 % of the observed days; CVaR is the
average loss on those worst days. Both are read straight from the past returns (no normal
assumption), so fat tails count as they happened.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from domain.models import Candle

DAYS_PER_YEAR = 365  # crypto trades every day


@dataclass(frozen=True, slots=True)
class TailRisk:
    confidence: float  # 0.95 or 0.99
    var: float  # worst daily loss at that confidence, as a fraction of the value (positive = a loss)
    cvar: float  # average loss beyond the VaR, as a fraction


def simple_returns(closes: ArrayLike) -> NDArray[np.float64]:
    values = np.asarray(closes, dtype=np.float64)
    return values[1:] / values[:-1] - 1.0


def volatility(closes: ArrayLike) -> tuple[float, float]:
    """(daily, annualised) standard deviation of log returns; NaN with fewer than 3 closes."""
    values = np.asarray(closes, dtype=np.float64)
    if len(values) < 3:
        return math.nan, math.nan
    daily = float(np.std(np.diff(np.log(values)), ddof=1))
    return daily, daily * math.sqrt(DAYS_PER_YEAR)


def tail_risk(returns: ArrayLike, confidence: float) -> TailRisk:
    """Historical VaR and CVaR of a return series at ``confidence`` (e.g. 0.95)."""
    values = np.asarray(returns, dtype=np.float64)
    if not len(values):
        return TailRisk(confidence, math.nan, math.nan)
    # "lower": the threshold is an observed return, never an interpolation between two days
    threshold = float(np.quantile(values, 1.0 - confidence, method="lower"))
    tail = values[values <= threshold]
    return TailRisk(confidence, max(-threshold, 0.0), max(-float(tail.mean()), 0.0))


def aligned_returns(histories: Mapping[str, Sequence[Candle]]) -> tuple[list[str], NDArray[np.float64]]:
    """Daily returns of each asset on the days every asset has a candle: (assets, days x assets)."""
    assets = [asset for asset, candles in histories.items() if len(candles) >= 2]
    if not assets:
        return [], np.empty((0, 0))
    common = set.intersection(*({c.opened_at for c in histories[a]} for a in assets))
    closes = np.array([[float(c.close) for c in histories[a] if c.opened_at in common] for a in assets]).T
    if len(closes) < 2:
        return assets, np.empty((0, len(assets)))
    return assets, closes[1:] / closes[:-1] - 1.0


def portfolio_returns(returns: NDArray[np.float64], weights: ArrayLike) -> NDArray[np.float64]:
    """Daily returns of a portfolio holding ``weights`` (fractions of its total value; cash is
    what the weights leave out and returns nothing)."""
    return returns @ np.asarray(weights, dtype=np.float64)


def correlation(returns: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pearson correlation of the columns; an asset whose price never moved correlates 0."""
    if returns.shape[0] < 3:
        return np.full((returns.shape[1], returns.shape[1]), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = np.corrcoef(returns, rowvar=False)
    matrix = np.atleast_2d(np.nan_to_num(matrix, nan=0.0))
    np.fill_diagonal(matrix, 1.0)
    return matrix
