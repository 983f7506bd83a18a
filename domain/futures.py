"""USDT-margined perpetual futures maths, the way Binance USD-M Futures publishes it.

- Initial margin = notional / leverage.
- Maintenance margin = notional x maintenance margin rate of the notional's bracket - the
  bracket's maintenance amount (``cum``), which makes the margin continuous across tiers.
- Liquidation price of one position in one-way mode (Binance, "How to Calculate Liquidation
  Price of USD-M Futures Contracts"):

      LP = (WB - TMM1 + UPNL1 + cumB - Side1 x Position1 x EP1) / (Position1 x MMR_B - Side1 x Position1)

  WB is the wallet balance backing the position: its isolated margin, or the whole cross
  wallet; TMM1 and UPNL1 are the maintenance margin and unrealised PnL of *other* cross
  positions (none here: a signal trade is one position); Side1 is 1 for long, -1 for short;
  Position1 the absolute size; EP1 the entry price; MMR_B and cumB the bracket's rate and amount.
- Fees: a fraction of the notional of each fill (Binance's regular tier: maker 0.02 %, taker 0.05 %).

Everything is ``Decimal``; nothing here knows about storage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

from domain.enums import OrderSide
from domain.numbers import ZERO

BRACKETS_FILE = Path(__file__).parent / "data" / "futures_brackets.json"
MAKER_FEE = Decimal("0.0002")
TAKER_FEE = Decimal("0.0005")


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class MarketType(StrEnum):
    SPOT = "spot"
    FUTURES = "futures"


@dataclass(frozen=True, slots=True)
class Bracket:
    floor: Decimal  # notional, USDT
    cap: Decimal
    max_leverage: Decimal
    rate: Decimal  # maintenance margin rate
    amount: Decimal  # maintenance amount (cum)


@cache
def brackets(symbol: str) -> tuple[Bracket, ...]:
    """The pair's tiers, lowest first, with each tier's maintenance amount derived from the rates."""
    table = json.loads(BRACKETS_FILE.read_text())
    tiers = table.get(symbol, table["default"])
    result: list[Bracket] = []
    cum, previous_rate = ZERO, ZERO
    for tier in tiers:
        floor, rate = Decimal(tier["floor"]), Decimal(tier["rate"])
        cum += floor * (rate - previous_rate)
        previous_rate = rate
        result.append(Bracket(floor, Decimal(tier["cap"]), Decimal(tier["max_leverage"]), rate, cum))
    return tuple(result)


def bracket_for(symbol: str, notional: Decimal) -> Bracket:
    tiers = brackets(symbol)
    for tier in tiers:
        if notional <= tier.cap:
            return tier
    return tiers[-1]


def max_leverage(symbol: str, notional: Decimal) -> Decimal:
    return bracket_for(symbol, notional).max_leverage


def initial_margin(notional: Decimal, leverage: Decimal) -> Decimal:
    return notional / leverage


def maintenance_margin(symbol: str, notional: Decimal) -> Decimal:
    tier = bracket_for(symbol, notional)
    return notional * tier.rate - tier.amount


def side_sign(side: OrderSide) -> int:
    return 1 if side is OrderSide.BUY else -1


def liquidation_price(symbol: str, side: OrderSide, size: Decimal, entry: Decimal, wallet_balance: Decimal) -> Decimal:
    """Where the position is liquidated; ``wallet_balance`` is its isolated margin (isolated) or
    the cross wallet's balance (cross). Zero when it cannot be liquidated (a long fully backed)."""
    if size <= ZERO:
        return ZERO
    tier = bracket_for(symbol, size * entry)
    sign = side_sign(side)
    price = (wallet_balance + tier.amount - sign * size * entry) / (size * tier.rate - sign * size)
    return max(price, ZERO)


def unrealized_pnl(side: OrderSide, size: Decimal, entry: Decimal, price: Decimal) -> Decimal:
    return side_sign(side) * size * (price - entry)


def liquidated(side: OrderSide, liquidation: Decimal, price: Decimal) -> bool:
    if liquidation <= ZERO:
        return False
    return price <= liquidation if side is OrderSide.BUY else price >= liquidation
