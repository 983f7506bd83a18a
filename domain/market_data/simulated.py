"""A deterministic, offline market: realistic prices that wander like real ones.

Each coin's log-price is a sum of smooth random waves (value noise) with periods from a minute to
about six weeks, their sizes growing with the square root of the period as a random walk's do.
The price at any instant is a pure function of (seed, coin, time): no history is generated or
stored, candles of every timeframe agree with each other (a candle's close is the next one's
open, the last close is the current price) and two runs with the same seed and clock agree.
Pairs quoted in another coin (ETH/BTC) are the ratio of the two coins' USD prices.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from domain.errors import InvalidRequest, UnknownSymbol
from domain.market_data import ticks
from domain.models import Candle, Market, OrderBookTop, Ticker
from domain.numbers import money
from domain.phrases import phrase
from domain.timeframes import TIMEFRAMES

# USD price around which each coin wanders, its typical daily move, and its daily volume in USD.
COINS: dict[str, tuple[float, float, float]] = {
    "BTC": (90_000, 0.025, 2.0e9),
    "ETH": (3_000, 0.035, 1.0e9),
    "BNB": (900, 0.03, 2.0e8),
    "SOL": (140, 0.05, 4.0e8),
    "XRP": (2.1, 0.05, 3.0e8),
    "ADA": (0.45, 0.05, 1.0e8),
    "DOGE": (0.15, 0.06, 2.0e8),
    "TRX": (0.28, 0.03, 5.0e7),
    "TON": (1.6, 0.05, 3.0e7),
    "AVAX": (14, 0.055, 6.0e7),
    "DOT": (2.5, 0.055, 4.0e7),
    "LINK": (13, 0.055, 8.0e7),
    "LTC": (85, 0.045, 6.0e7),
    "BCH": (500, 0.045, 4.0e7),
    "NEAR": (2.0, 0.06, 4.0e7),
    "UNI": (6.0, 0.06, 3.0e7),
    "ATOM": (2.5, 0.055, 2.0e7),
    "SUI": (1.5, 0.07, 1.0e8),
    "APT": (2.0, 0.065, 2.0e7),
    "ARB": (0.2, 0.065, 3.0e7),
    "OP": (0.3, 0.065, 2.0e7),
    "PEPE": (0.000006, 0.08, 1.0e8),
}
from domain.timeframes import TIMEFRAMES  # noqa: E402

STABLE_QUOTES = frozenset({"USDT", "USDC", "USD", "FDUSD"})
MAX_CANDLES = 1000

OCTAVES = 9  # wave periods 1 min * 4**k: 1 min ... about 45 days
SAMPLES_PER_CANDLE = 12  # points between open and close that set a candle's high and low
SPREAD = 0.0001  # 0.01 % between best bid and best ask
MIN_NOTIONAL_USD = Decimal(5)
FEE = Decimal("0.001")
# Weekly candles open on Monday 00:00 UTC, as on the major exchanges.
WEEK_ORIGIN = datetime(1970, 1, 5, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECONDS_PER_DAY = 86_400.0


@lru_cache(maxsize=1 << 16)
def _knot(seed: int, coin: str, octave: int, index: int) -> float:
    """A fixed pseudo-random value in [-1, 1] for one knot of one wave."""
    digest = hashlib.blake2b(f"{seed}:{coin}:{octave}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**63 - 1


class SimulatedMarketData:
    """Implements ``MarketDataPort`` without any network."""

    def __init__(self, seed: int = 1, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._seed = seed
        self._clock = clock
        ticks.learn(self._market(f"{coin}/{quote}") for coin in COINS for quote in sorted(STABLE_QUOTES))

    async def market(self, symbol: str) -> Market:
        market = self._market(symbol)
        ticks.learn((market,))  # cross pairs (ETH/BTC) are listed when first asked for
        return market

    def _market(self, symbol: str) -> Market:
        base, quote = self._split(symbol)
        # About six significant digits of price, and an amount step worth under a dollar.
        price_places = min(8, max(2, 4 - math.floor(math.log10(self._reference_price(base, quote)))))
        amount_places = min(8, max(0, math.floor(math.log10(COINS[base][0])) + 1))
        return Market(
            symbol=symbol,
            base=base,
            quote=quote,
            price_precision=price_places,
            amount_precision=amount_places,
            min_amount=Decimal(1).scaleb(-amount_places),
            min_notional=MIN_NOTIONAL_USD if quote in STABLE_QUOTES else None,
            maker_fee=FEE,
            taker_fee=FEE,
        )

    async def ticker(self, symbol: str) -> Ticker:
        market = await self.market(symbol)
        now = self._clock()
        hours = [now - timedelta(hours=24 - h) for h in range(25)]
        path = [self._price(market, t) for t in hours]
        last, opened = path[-1], path[0]
        volumes = [self._volume(market, t, t + timedelta(hours=1)) for t in hours[:-1]]
        half_spread = last * SPREAD / 2
        return Ticker(
            symbol=symbol,
            last=self._decimal(market, last),
            open=self._decimal(market, opened),
            high=self._decimal(market, max(path)),
            low=self._decimal(market, min(path)),
            base_volume=money(Decimal(repr(sum(volumes)))),
            quote_volume=money(Decimal(repr(sum(v * p for v, p in zip(volumes, path[1:], strict=True))))),
            bid=self._decimal(market, last - half_spread),
            ask=self._decimal(market, last + half_spread),
            timestamp=now,
        )

    async def order_book_top(self, symbol: str) -> OrderBookTop:
        market = await self.market(symbol)
        now = self._clock()
        last = self._price(market, now)
        minute = int((now - EPOCH).total_seconds() // 60)
        depth_usd = 20_000 * (1.5 + _knot(self._seed, market.base, -1, minute))

        def size(salt: int) -> Decimal:
            amount = depth_usd * (1.2 + _knot(self._seed, market.base, -2 - salt, minute)) / self._usd(market, now)
            return market.round_amount(Decimal(repr(amount)))

        return OrderBookTop(
            symbol=symbol,
            bid=self._decimal(market, last * (1 - SPREAD / 2)),
            bid_amount=size(0),
            ask=self._decimal(market, last * (1 + SPREAD / 2)),
            ask_amount=size(1),
            timestamp=now,
        )

    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        """The last ``limit`` candles, oldest first; the last one is still forming."""
        if timeframe not in TIMEFRAMES:
            raise InvalidRequest(phrase("Unknown timeframe {timeframe}; use one of {timeframes}.",
                                        timeframe=timeframe, timeframes=tuple(TIMEFRAMES)))
        market = await self.market(symbol)
        width, now = TIMEFRAMES[timeframe], self._clock()
        current = self._bucket_start(now, timeframe)
        starts = [current - width * back for back in range(min(limit, MAX_CANDLES) - 1, -1, -1)]
        return [self._candle(market, start, min(start + width, now)) for start in starts]

    # --- the price path ----------------------------------------------------------------------

    def _price(self, market: Market, at: datetime) -> float:
        price = self._usd_of(market.base, at)
        return price if market.quote in STABLE_QUOTES else price / self._usd_of(market.quote, at)

    def _usd(self, market: Market, at: datetime) -> float:
        return self._usd_of(market.base, at)

    def _usd_of(self, coin: str, at: datetime) -> float:
        base_price, daily_move, _ = COINS[coin]
        minutes = (at - EPOCH).total_seconds() / 60
        log_offset = 0.0
        for octave in range(OCTAVES):
            period = 4.0**octave  # minutes
            amplitude = daily_move * math.sqrt(period * 60 / SECONDS_PER_DAY)
            position = minutes / period
            index = math.floor(position)
            fraction = position - index
            smooth = fraction * fraction * (3 - 2 * fraction)
            left = _knot(self._seed, coin, octave, index)
            right = _knot(self._seed, coin, octave, index + 1)
            log_offset += amplitude * (left + (right - left) * smooth)
        return base_price * math.exp(log_offset)

    def _candle(self, market: Market, start: datetime, end: datetime) -> Candle:
        step = (end - start) / SAMPLES_PER_CANDLE
        path = [self._price(market, start + step * i) for i in range(SAMPLES_PER_CANDLE + 1)]
        return Candle(
            opened_at=start,
            open=self._decimal(market, path[0]),
            high=self._decimal(market, max(path)),
            low=self._decimal(market, min(path)),
            close=self._decimal(market, path[-1]),
            volume=money(Decimal(repr(self._volume(market, start, end)))),
        )

    def _volume(self, market: Market, start: datetime, end: datetime) -> float:
        """Base-asset volume traded in [start, end): the coin's daily volume, noisier and larger
        when the price moves."""
        _, _, daily_usd = COINS[market.base]
        days = (end - start).total_seconds() / SECONDS_PER_DAY
        bucket = int((start - EPOCH).total_seconds())
        noise = 1 + 0.5 * _knot(self._seed, market.base, -3, bucket)
        opened, closed = self._price(market, start), self._price(market, end)
        move = abs(closed / opened - 1) if opened else 0.0
        return daily_usd * days * noise * (1 + 20 * move) / self._usd(market, start)

    # --- helpers ----------------------------------------------------------------------------

    def _split(self, symbol: str) -> tuple[str, str]:
        base, _, quote = symbol.upper().partition("/")
        if base not in COINS or not (quote in STABLE_QUOTES or quote in COINS) or base == quote:
            raise UnknownSymbol(phrase("I don't know the pair {symbol}. Try one like BTC/USDT.", symbol=symbol))
        return base, quote

    @staticmethod
    def _reference_price(base: str, quote: str) -> float:
        price = COINS[base][0]
        return price if quote in STABLE_QUOTES else price / COINS[quote][0]

    @staticmethod
    def _decimal(market: Market, value: float) -> Decimal:
        return market.round_price(Decimal(repr(value)))

    @staticmethod
    def _bucket_start(at: datetime, timeframe: str) -> datetime:
        width = TIMEFRAMES[timeframe]
        origin = WEEK_ORIGIN if timeframe == "1w" else EPOCH
        return origin + width * ((at - origin) // width)
