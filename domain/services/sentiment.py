"""Market mood behind the ``sentiment`` intent: a 0–100 fear/greed score for a pair or for the
market, computed from price and volume only, with each component shown.

No social, news or on-chain source is connected, and every reading says so (:data:`BASIS`).
Components, equally weighted, each scored 0 (fear) to 100 (greed):

- momentum: the 30-day change; ±20 % or more scores 0 / 100, linearly in between;
- RSI 14 of daily closes, taken as is;
- volatility: the size of the last 7 days' daily moves against the last 30 days'; calm markets
  read as greedy and sudden turbulence as fearful (twice the usual moves scores 0);
- volume: the share of the last 14 days' volume traded on up days;
- breadth (market only): the share of the major pairs up over 7 days.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.errors import MarketDataUnavailable
from domain.models import Candle
from domain.numbers import HUNDRED, ZERO, round_to
from domain.phrases import N_
from domain.services import indicators as ta
from domain.services.market_overview import (
    MarketReader,
    change_over,
    gather_available,
    typical_daily_move,
)

BASIS = N_("Derived from price and volume only; no social media, news or on-chain data source is connected.")
MARKET = "market"
DEFAULT_MAJORS = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT")
CANDLES = 60
MOMENTUM_DAYS = 30
MOMENTUM_FULL_SCALE = Decimal(20)  # percent change that scores 0 or 100
RSI_PERIOD = 14
RECENT_VOLATILITY_DAYS = 7
USUAL_VOLATILITY_DAYS = 30
VOLUME_DAYS = 14
BREADTH_DAYS = 7
NEUTRAL = Decimal(50)


class Mood(StrEnum):
    EXTREME_FEAR = "extreme_fear"  # 0–24
    FEAR = "fear"  # 25–44
    NEUTRAL = "neutral"  # 45–55
    GREED = "greed"  # 56–75
    EXTREME_GREED = "extreme_greed"  # 76–100

    @property
    def label(self) -> str:
        return MOOD_LABELS[self]

    @classmethod
    def of(cls, score: int) -> Mood:
        for ceiling, mood in ((24, cls.EXTREME_FEAR), (44, cls.FEAR), (55, cls.NEUTRAL), (75, cls.GREED)):
            if score <= ceiling:
                return mood
        return cls.EXTREME_GREED


MOOD_LABELS = {Mood.EXTREME_FEAR: N_("Extreme fear"), Mood.FEAR: N_("Fear"), Mood.NEUTRAL: N_("Neutral"),
               Mood.GREED: N_("Greed"), Mood.EXTREME_GREED: N_("Extreme greed")}


@dataclass(frozen=True, slots=True)
class MoodComponent:
    key: str  # momentum | rsi | volatility | volume | breadth
    value: Decimal  # the measurement, in ``unit``
    unit: str  # "%", "" (an index) or "x" (a ratio)
    score: int  # 0 fear .. 100 greed
    meaning: str  # what the measurement is and how it is scored


@dataclass(frozen=True, slots=True)
class SentimentReading:
    subject: str  # the pair, or "market"
    score: int
    mood: Mood
    components: tuple[MoodComponent, ...]
    pairs: tuple[str, ...]  # the pairs measured
    unavailable: tuple[str, ...] = ()  # majors the market data could not answer for
    basis: str = BASIS


@dataclass(frozen=True, slots=True)
class _Measures:
    momentum: Decimal  # percent
    rsi: Decimal
    volatility_ratio: Decimal
    up_volume_share: Decimal  # percent


def _score(value: Decimal) -> int:
    return int(min(HUNDRED, max(ZERO, value)).to_integral_value(ROUND_HALF_UP))


def _measure(candles: Sequence[Candle]) -> _Measures:
    usual = typical_daily_move(candles, USUAL_VOLATILITY_DAYS)
    recent = typical_daily_move(candles, RECENT_VOLATILITY_DAYS)
    rsi = ta.latest(ta.rsi(ta.Bars.of(candles).close, RSI_PERIOD))
    window = candles[-VOLUME_DAYS:]
    total_volume = sum((c.volume for c in window), ZERO)
    up_volume = sum((c.volume for c in window if c.close > c.open), ZERO)
    return _Measures(
        momentum=change_over(candles, MOMENTUM_DAYS),
        rsi=NEUTRAL if rsi is None else rsi,  # too young a pair counts as neutral
        volatility_ratio=round_to(Decimal(repr(recent / usual)), 2) if usual else Decimal(1),
        up_volume_share=round_to(up_volume / total_volume * HUNDRED, 2) if total_volume else NEUTRAL,
    )


def _components(m: _Measures) -> list[MoodComponent]:
    return [
        MoodComponent("momentum", m.momentum, "%", _score(NEUTRAL + m.momentum * NEUTRAL / MOMENTUM_FULL_SCALE),
                      "Price change over 30 days; +20% or more scores 100, -20% or less scores 0."),
        MoodComponent("rsi", round_to(m.rsi, 1), "", _score(m.rsi),
                      "Daily RSI 14, used as the score: above 70 is stretched buying, below 30 stretched selling."),
        MoodComponent("volatility", m.volatility_ratio, "x", _score(NEUTRAL * (2 - m.volatility_ratio)),
                      "The last 7 days' swings against the 30-day usual; calmer than usual reads as greed, "
                      "twice as wild as fear."),
        MoodComponent("volume", m.up_volume_share, "%", _score(m.up_volume_share),
                      "Share of the last 14 days' volume traded on up days."),
    ]


def _reading(subject: str, components: list[MoodComponent], pairs: Sequence[str],
             unavailable: tuple[str, ...] = ()) -> SentimentReading:
    score = _score(Decimal(sum(c.score for c in components)) / len(components))
    return SentimentReading(subject, score, Mood.of(score), tuple(components), tuple(pairs), unavailable)


def pair_sentiment(symbol: str, candles: Sequence[Candle]) -> SentimentReading:
    return _reading(symbol, _components(_measure(candles)), [symbol])


def market_sentiment(
    candles_by_pair: dict[str, Sequence[Candle]], unavailable: tuple[str, ...] = ()
) -> SentimentReading:
    """Each component from the majors' average measurement, plus breadth."""
    measures = [_measure(candles) for candles in candles_by_pair.values()]
    count = Decimal(len(measures))
    average = _Measures(
        momentum=round_to(sum((m.momentum for m in measures), ZERO) / count, 2),
        rsi=sum((m.rsi for m in measures), ZERO) / count,
        volatility_ratio=round_to(sum((m.volatility_ratio for m in measures), ZERO) / count, 2),
        up_volume_share=round_to(sum((m.up_volume_share for m in measures), ZERO) / count, 2),
    )
    rising = sum(1 for candles in candles_by_pair.values() if change_over(candles, BREADTH_DAYS) > ZERO)
    breadth = round_to(Decimal(rising) / count * HUNDRED, 2)
    components = _components(average) + [
        MoodComponent("breadth", breadth, "%", _score(breadth), "Share of the major pairs that are up over 7 days."),
    ]
    return _reading(MARKET, components, list(candles_by_pair), unavailable)


class SentimentService:
    def __init__(self, market: MarketReader, majors: Sequence[str] = DEFAULT_MAJORS) -> None:
        self._market = market
        self._majors = tuple(majors)

    async def pair(self, symbol: str) -> SentimentReading:
        return pair_sentiment(symbol, await self._daily(symbol))

    async def pairs(self, symbols: Sequence[str]) -> tuple[SentimentReading, ...]:
        """For "sentiment sol vs eth": one reading per pair, in the order asked."""
        return tuple(await asyncio.gather(*(self.pair(symbol) for symbol in symbols)))

    async def market(self) -> SentimentReading:
        candles, unavailable = await gather_available(self._majors, self._daily)
        if not candles:
            raise MarketDataUnavailable()
        return market_sentiment(candles, unavailable)

    async def _daily(self, symbol: str) -> list[Candle]:
        return await self._market.ohlcv(symbol, "1d", CANDLES)
