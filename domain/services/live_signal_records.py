"""What a live signal execution is and how the signal keeps it: the plan, the placement's
outcome, and the execution record (``execution_record`` / ``trade_from_record``) the sync reads to
follow the legs up later. Split from ``live_signals``, which re-exports these names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.enums import OrderSide
from domain.errors import DomainError
from domain.futures import MarginMode, MarketType
from domain.models import Market, Portfolio
from domain.phrases import Phrase
from domain.services.paper_broker import OrderEvent
from domain.signal_trade import Leg, LegKind, SignalTrade

if TYPE_CHECKING:
    from domain.services.live_trading import LiveCheck

FUTURES_ACCOUNTS = "swap"  # USDT-perpetual accounts: shorts, leverage, reduce-only exits
SPOT_ACCOUNTS = "spot"  # longs only
# Exchanges whose spot accounts hold a stop and a target on the same coins as one OCO list. On the
# others (Bybit) the stop and targets are conditional orders, which hold no coins until they
# trigger; the stop is resized after each target fills.
OCO_EXCHANGES = frozenset({"binance"})


class LiveEntryRefused(DomainError):
    """The exchange refused a signal's entry (stored as rejected): the card is used up."""

    default_message = "The exchange refused the entry. Check the account's margin and /limits, then forward the signal again."


@dataclass(frozen=True, slots=True)
class LivePlan:
    trade: SignalTrade
    market: Market
    value: Decimal  # of the entries, in the quote currency
    check: LiveCheck


@dataclass(frozen=True, slots=True)
class Protection:
    """What became of the stop and targets once the entry filled."""

    placed: tuple[OrderEvent, ...] = ()
    refused: tuple[tuple[str, str | Phrase], ...] = ()  # (leg, e.g. "tp2", the exchange's reason)
    closed: OrderEvent | None = None  # the entry closed at market because its stop was refused
    rejected: tuple[OrderEvent, ...] = ()  # the refused legs' orders, stored as rejected


@dataclass(frozen=True, slots=True)
class LiveNeedsSecondTap:
    """The entries are worth more than the user's second-tap value: the card asks again."""

    token: str
    account_number: int
    account: str
    trade: SignalTrade
    value: Decimal
    threshold: Decimal


@dataclass(frozen=True, slots=True)
class LivePlacement:
    entries: tuple[OrderEvent, ...]
    protection: Protection
    outcome_unknown: bool = False  # the entry's answer was lost: the sync settles it


@dataclass(frozen=True, slots=True)
class LiveExecution:
    followed: Any  # the FollowedSignal
    trade: SignalTrade  # the plan
    account: str
    placement: LivePlacement
    price: Decimal


def execution_record(plan: LivePlan, portfolio: Portfolio, token: str, margin_per_trade: Decimal) -> dict[str, Any]:
    """What the signal keeps of its live execution: enough to place and move its legs later."""
    trade = plan.trade
    return {
        "live": True, "account": portfolio.name, "token": token, "user_id": str(portfolio.user_id),
        "portfolio_id": str(portfolio.id), "symbol": trade.symbol, "base": trade.base, "quote": trade.quote,
        "side": trade.side.value, "market_type": trade.market_type.value, "margin_mode": trade.margin_mode.value,
        "leverage": str(trade.leverage), "maker_fee": str(trade.maker_fee), "taker_fee": str(trade.taker_fee),
        "margin_per_trade": str(margin_per_trade),
        "legs": [{"kind": leg.kind.value, "index": leg.index, "price": None if leg.price is None else str(leg.price),
                  "quantity": str(leg.quantity)} for leg in trade.legs],
    }


def trade_from_record(execution: Mapping[str, Any]) -> SignalTrade:
    legs = [Leg(LegKind(leg["kind"]), int(leg["index"]), None if leg["price"] is None else Decimal(leg["price"]),
                Decimal(leg["quantity"])) for leg in execution["legs"]]
    return SignalTrade(
        symbol=execution["symbol"], base=execution["base"], quote=execution["quote"], side=OrderSide(execution["side"]),
        market_type=MarketType(execution["market_type"]), margin_mode=MarginMode(execution["margin_mode"]),
        leverage=Decimal(execution["leverage"]), legs=legs, maker_fee=Decimal(execution["maker_fee"]),
        taker_fee=Decimal(execution["taker_fee"]),
    )
