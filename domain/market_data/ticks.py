"""How many decimals each market's price has (its tick), as the market data source lists them.

Renderers show a price to its market's tick and no further (62,345.12 BTC/USDT, 0.00000612
PEPE/USDT); they run without awaiting anything, so the market data adapters write each market's
precision here when they learn it (the simulated market at start, ccxt when it loads the markets)
and the number formatter reads it. A symbol nobody has listed yet has no entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.models import Market

_PLACES: dict[str, int] = {}


def learn(markets: Iterable[Market]) -> None:
    for market in markets:
        _PLACES[market.symbol] = market.price_precision


def price_places(symbol: str | None) -> int | None:
    """The tick of ``symbol``'s price in decimal places, None when no market lists it."""
    return _PLACES.get(symbol.upper()) if symbol else None
