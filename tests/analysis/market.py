"""A scripted exchange for the analysis services: daily candles built from closes chosen by the
test, so every indicator value can be worked out by hand. Implements the two market-data
questions the services ask (``ticker``, ``ohlcv``), like ``MarketDataPort``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.errors import UnknownSymbol
from domain.models import Candle, Ticker

NOW = datetime(2025, 3, 10, 0, 0, tzinfo=UTC)


class ScriptedMarket:
    """Each candle opens at the previous close and reaches ``candle_range / 2`` beyond its body
    on both sides; the ticker's 24 h change is last close against the one before."""

    def __init__(
        self,
        closes: Mapping[str, Sequence[Decimal]],
        *,
        volumes: Mapping[str, Sequence[Decimal]] | None = None,
        candle_range: Decimal = Decimal(0),
    ) -> None:
        self._closes = closes
        self._volumes = volumes or {}
        self._half_range = candle_range / 2
        self.requests: list[tuple[str, str, int]] = []

    async def ticker(self, symbol: str) -> Ticker:
        candles = self._candles(symbol)
        last, previous = candles[-1], candles[-2] if len(candles) > 1 else candles[-1]
        return Ticker(
            symbol=symbol,
            last=last.close,
            open=previous.close,
            high=last.high,
            low=last.low,
            base_volume=last.volume,
            quote_volume=last.volume * last.close,
            bid=None,
            ask=None,
            timestamp=NOW,
        )

    async def ohlcv(self, symbol: str, timeframe: str, limit: int) -> list[Candle]:
        self.requests.append((symbol, timeframe, limit))
        return self._candles(symbol)[-limit:]

    def _candles(self, symbol: str) -> list[Candle]:
        if symbol not in self._closes:
            raise UnknownSymbol(f"I don't know the pair {symbol}.")
        closes = self._closes[symbol]
        volumes = self._volumes.get(symbol) or [Decimal(1000)] * len(closes)
        start = NOW - timedelta(days=len(closes) - 1)
        candles = []
        for day, (close, volume) in enumerate(zip(closes, volumes, strict=True)):
            opened = closes[day - 1] if day else close
            candles.append(
                Candle(
                    opened_at=start + timedelta(days=day),
                    open=opened,
                    high=max(opened, close) + self._half_range,
                    low=min(opened, close) - self._half_range,
                    close=close,
                    volume=volume,
                )
            )
        return candles


def line(start: Decimal | int, step: Decimal | int | str, count: int) -> list[Decimal]:
    """``count`` closes from ``start`` moving by ``step`` each day."""
    return [Decimal(start) + Decimal(step) * i for i in range(count)]
