"""A technical call on one pair and timeframe: "analyze btc 4h".

Each indicator votes bullish (+1), bearish (-1) or neither, weighted by how strongly it says so;
the weighted mean is the score (-1..1) that names the signal, and how many of the voting
indicators agree with it is the confidence. Entry, stop and targets come from ATR and the swing
levels: the stop sits beyond the nearest level (or 1.5 ATR away when none is near), targets are
the next levels the other way, topped up with multiples of the risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np

from domain.enums import SignalType
from domain.errors import InvalidRequest
from domain.models import Candle
from domain.numbers import money
from domain.ports import MarketDataPort
from domain.services import indicators as ta
from domain.services.market_analysis import READERS, IndicatorReading, Level, support_resistance
from domain.timeframes import TIMEFRAMES
from domain.phrases import phrase

CANDLES = 200
VALID_FOR_CANDLES = 12  # a call is judged on the next dozen candles
STOP_ATR = Decimal("1.5")  # stop distance when no level is close
MIN_STOP_ATR = Decimal(1)
MAX_STOP_ATR = Decimal(3)  # a level further than this is too far for a stop
LEVEL_BUFFER_ATR = Decimal("0.25")  # a stop goes this far beyond its level
ENTRY_ZONE_ATR = Decimal("0.25")  # half the width of the entry zone
REWARD_MULTIPLES = (Decimal("1.5"), Decimal("2.5"), Decimal("4"))  # targets when levels run out
READINGS = ("ema", "macd", "rsi", "adx", "ichimoku", "bollinger", "stochastic", "vwap", "obv", "atr")




@dataclass(frozen=True, slots=True)
class Vote:
    indicator: str
    weight: float  # -1 (bearish) .. 1 (bullish)
    reason: str


@dataclass(frozen=True, slots=True)
class TradeSetup:
    entry_low: Decimal
    entry_high: Decimal
    stop_loss: Decimal
    targets: tuple[Decimal, ...]
    risk_reward: Decimal  # first target's reward over the risk


@dataclass(frozen=True, slots=True)
class TechnicalAnalysis:
    symbol: str
    timeframe: str
    price: Decimal
    as_of: datetime  # the last candle's open
    valid_until: datetime
    signal: SignalType
    score: float  # -1 .. 1
    strength: Decimal  # 0 .. 1, |score|
    confidence: Decimal  # 0 .. 1, share of voting indicators that agree with the signal
    votes: tuple[Vote, ...]
    readings: tuple[IndicatorReading, ...]
    supports: tuple[Level, ...]
    resistances: tuple[Level, ...]
    atr: Decimal | None
    setup: TradeSetup | None  # None for a neutral call
    candles: tuple[Candle, ...]  # what the chart draws


def signal_of(score: float) -> SignalType:
    if score >= 0.5:
        return SignalType.STRONG_BUY
    if score >= 0.2:
        return SignalType.BUY
    if score <= -0.5:
        return SignalType.STRONG_SELL
    if score <= -0.2:
        return SignalType.SELL
    return SignalType.HOLD


def _clip(value: float) -> float:
    return float(np.clip(value, -1.0, 1.0))


def votes_of(bars: ta.Bars, readings: dict[str, IndicatorReading]) -> list[Vote]:
    price = float(bars.close[-1])
    votes: list[Vote] = []
    fast, slow = ta.ema(bars.close, 20)[-1], ta.ema(bars.close, 50)[-1]
    if not np.isnan(slow):
        side = 1.0 if price > fast > slow else -1.0 if price < fast < slow else 0.0
        votes.append(Vote("trend", side, "price, EMA 20 and EMA 50 stacked " + (
            "upwards" if side > 0 else "downwards" if side < 0 else "in no order")))
    if "macd" in readings:
        histogram = float(readings["macd"].values["histogram"])
        atr = float(readings["atr"].values["atr"]) if "atr" in readings else price * 0.01
        # the histogram measured in ATRs: a fifth of an ATR of separation is a decided MACD
        weight = _clip(histogram / (0.2 * atr)) if atr else 0.0
        votes.append(Vote("macd", weight, f"MACD {'above' if weight > 0 else 'below'} its signal line"))
    if "rsi" in readings:
        value = float(readings["rsi"].values["rsi"])
        # oversold counts as a buy (mean reversion), otherwise above 50 is momentum up
        weight = 1.0 if value <= 30 else -1.0 if value >= 70 else _clip((value - 50) / 20)
        zone = "oversold" if value <= 30 else "overbought" if value >= 70 else "above 50" if value > 50 else "below 50"
        votes.append(Vote("rsi", weight, f"RSI {value:.0f}, {zone}"))
    if "adx" in readings:
        values = readings["adx"].values
        strength = min(float(values["adx"]) / 40, 1.0)
        if readings["adx"].signal != "neutral":
            direction = 1.0 if values["plus_di"] > values["minus_di"] else -1.0
            votes.append(Vote("adx", direction * strength, f"ADX {float(values['adx']):.0f}: a trend, "
                                                            f"{'+DI' if direction > 0 else '-DI'} leading"))
    if "ichimoku" in readings:
        side = {"above": 1.0, "below": -1.0}.get(readings["ichimoku"].signal or "", 0.0)
        votes.append(Vote("ichimoku", side, {1.0: "price above the cloud", -1.0: "price below the cloud"}.get(
            side, "price inside the cloud")))
    if "bollinger" in readings:
        percent_b = float(readings["bollinger"].values["percent_b"])
        weight = 0.5 if percent_b < 0 else -0.5 if percent_b > 1 else 0.0  # stretched outside the bands
        where = "below the lower band" if percent_b < 0 else "above the upper band" if percent_b > 1 else "inside the bands"
        votes.append(Vote("bollinger", weight, f"Bollinger: price {where} (%B {percent_b:.2f})"))
    if "stochastic" in readings:
        k = float(readings["stochastic"].values["k"])
        zone = "oversold" if k <= 20 else "overbought" if k >= 80 else "mid-range"
        votes.append(Vote("stochastic", 0.5 if k <= 20 else -0.5 if k >= 80 else 0.0, f"Stochastic %K {k:.0f}, {zone}"))
    if "vwap" in readings and len(np.unique(bars.day)) < len(bars):  # on daily bars each is its own session
        votes.append(Vote("vwap", 0.5 if readings["vwap"].signal == "above" else -0.5,
                          f"price {readings['vwap'].signal} the session VWAP"))
    if "obv" in readings:
        votes.append(Vote("obv", 0.5 if readings["obv"].signal == "bullish" else -0.5,
                          f"OBV {'rising' if readings['obv'].signal == 'bullish' else 'falling'}"))
    return votes


def setup_for(signal: SignalType, price: Decimal, atr: Decimal, supports: tuple[Level, ...],
              resistances: tuple[Level, ...]) -> TradeSetup | None:
    if signal is SignalType.HOLD or atr <= 0:
        return None
    long = signal in (SignalType.BUY, SignalType.STRONG_BUY)
    direction = 1 if long else -1
    behind = supports if long else resistances  # the level a stop hides behind
    ahead = resistances if long else supports
    near = [lv.price - direction * LEVEL_BUFFER_ATR * atr for lv in behind if abs(price - lv.price) <= MAX_STOP_ATR * atr]
    # behind the nearest level, but never closer than MIN_STOP_ATR: noise alone reaches that far
    widest = price - direction * MIN_STOP_ATR * atr
    stop = (min if long else max)(near[0], widest) if near else price - direction * STOP_ATR * atr
    risk = abs(price - stop)
    # levels at least 1:1 away and multiples of the risk, nearest first, no two within half a risk
    candidates = sorted([lv.price for lv in ahead if abs(lv.price - price) >= risk]
                        + [price + direction * m * risk for m in REWARD_MULTIPLES], key=lambda t: abs(t - price))
    targets: list[Decimal] = []
    for candidate in candidates:
        if len(targets) < len(REWARD_MULTIPLES) and (not targets or abs(candidate - targets[-1]) >= risk / 2):
            targets.append(candidate)
    return TradeSetup(
        entry_low=money(price - ENTRY_ZONE_ATR * atr),
        entry_high=money(price + ENTRY_ZONE_ATR * atr),
        stop_loss=money(stop),
        targets=tuple(money(t) for t in targets),
        risk_reward=(abs(targets[0] - price) / risk).quantize(Decimal("0.01")) if risk else Decimal(0),
    )


def analyze_candles(symbol: str, timeframe: str, candles: list[Candle]) -> TechnicalAnalysis:
    if len(candles) < 60:
        raise InvalidRequest(phrase("{symbol} has too short a history on {timeframe} for an analysis yet.",
                                    symbol=symbol, timeframe=timeframe))
    bars, price = ta.Bars.of(candles), candles[-1].close
    found = (READERS[name](bars, price, 20 if name == "ema" else 14) for name in READINGS)
    readings = {r.name: r for r in found if r is not None}
    votes = votes_of(bars, readings)
    score = sum(v.weight for v in votes) / len(votes) if votes else 0.0
    signal = signal_of(score)
    direction = np.sign(score) if signal is not SignalType.HOLD else 0.0
    voting = [v for v in votes if v.weight != 0]
    bullish = sum(1 for v in voting if v.weight > 0)
    agreeing = bullish if direction > 0 else len(voting) - bullish if direction < 0 else len(voting) - abs(
        2 * bullish - len(voting))  # neutral: as sure as the two sides are balanced
    confidence = Decimal(agreeing) / Decimal(len(voting) or 1)
    supports, resistances = support_resistance(candles, price)
    atr = readings["atr"].values["atr"] if "atr" in readings else None
    opened = candles[-1].opened_at
    return TechnicalAnalysis(
        symbol=symbol,
        timeframe=timeframe,
        price=price,
        as_of=opened,
        valid_until=opened + TIMEFRAMES[timeframe] * (VALID_FOR_CANDLES + 1),
        signal=signal,
        score=score,
        strength=Decimal(f"{abs(score):.2f}"),
        confidence=confidence.quantize(Decimal("0.01")),
        votes=tuple(votes),
        readings=tuple(readings[name] for name in READINGS if name in readings),
        supports=supports,
        resistances=resistances,
        atr=atr,
        setup=setup_for(signal, price, atr, supports, resistances) if atr is not None else None,
        candles=tuple(candles),
    )


class TechnicalAnalysisService:
    def __init__(self, market_data: MarketDataPort) -> None:
        self._market_data = market_data

    async def analyze(self, symbol: str, timeframe: str = "4h") -> TechnicalAnalysis:
        if timeframe not in TIMEFRAMES:
            raise InvalidRequest(phrase("Unknown timeframe {timeframe}; use one of {timeframes}.",
                                        timeframe=timeframe, timeframes=tuple(TIMEFRAMES)))
        candles = await self._market_data.ohlcv(symbol, timeframe, CANDLES)
        return analyze_candles(symbol, timeframe, candles)
