"""A signal's stop and targets on a live spot account, held by the exchange as OCO lists.

Spot has no position to reduce and no reduce-only: a stop and a target resting on the same coins
would each need them. So each target slice (the filled amount split per the user's target split)
goes as one OCO list, a take-profit limit above and a stop-loss limit below: the first to fill
expires the other, and the coins are held once. With no targets the stop guards the whole; with
no stop each target is a plain limit sell.

Client ids come from the card's token, as on futures (``sig-<token>-tp2`` and ``-stop2``, the
list ``-oco2``): a repeated tap or a second sync pass finds them taken and places nothing. Moving
the stop cancels each open list and places it again at the new stop, one generation on
(``tp2g1``), since a client id is never used twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.errors import AlreadyConfirmed, DomainError, OrderOutcomeUnknown
from domain.models import Market, Order, Portfolio
from domain.numbers import ZERO
from domain.phrases import Phrase
from domain.ports import Clock, TradingUnitOfWork
from domain.services.paper_broker import OrderEvent
from domain.signal_trade import LegKind, SignalTrade, leg_client_id, parse_leg_name

if TYPE_CHECKING:
    from domain.services.live_trading import LiveVenue

log = logging.getLogger(__name__)
# How far under its trigger a stop-loss limit may sell: enough to fill in a fast fall, as the
# exchanges' own apps suggest by default.
STOP_LIMIT_SLIP = Decimal("0.005")

@dataclass(frozen=True, slots=True)
class Slice:
    """One exit of the filled amount: a target (with the stop under it), or the stop alone."""

    index: int
    quantity: Decimal
    target: Decimal | None
    stop: Decimal | None


def slices(trade: SignalTrade, quantity: Decimal, market: Market, stop: Decimal | None) -> list[Slice]:
    """``quantity`` split over the targets as the plan splits the entries (the last takes the rest)."""
    targets = trade.legs_of(LegKind.TARGET)
    if not targets:
        return [Slice(1, market.round_amount(quantity), None, stop)]
    planned = sum((t.quantity for t in targets), ZERO)
    result, left = [], quantity
    for number, target in enumerate(targets, start=1):
        share = left if number == len(targets) else market.round_amount(quantity * target.quantity / planned)
        share = market.round_amount(min(left, share))
        left -= share
        if share > ZERO:
            result.append(Slice(number, share, target.price, stop))
    return result


def stop_limit_price(trade: SignalTrade, stop: Decimal, market: Market) -> Decimal:
    slip = -STOP_LIMIT_SLIP if trade.exit_side is OrderSide.SELL else STOP_LIMIT_SLIP
    return market.round_price(stop * (1 + slip))


@dataclass(frozen=True, slots=True)
class OcoList:
    """Two sells on the same spot coins, one cancelling the other: a limit above, a stop-limit below."""

    above: Order
    below: Order
    list_id: str  # the list's client id


@dataclass(frozen=True, slots=True)
class SpotPlacement:
    placed: tuple[OrderEvent, ...] = ()
    refused: tuple[tuple[str, str | Phrase], ...] = ()
    rejected: tuple[OrderEvent, ...] = ()
    unguarded: Decimal = ZERO  # what a refused stop left without protection


class SpotLegs:
    def __init__(self, venue: LiveVenue, clock: Clock) -> None:
        self._venue = venue
        self._clock = clock

    async def protect(self, uow: TradingUnitOfWork, portfolio: Portfolio, trade: SignalTrade, market: Market,
                      signal_id: uuid.UUID, token: str, exits: list[Slice], generation: int = 0) -> SpotPlacement:
        placed: list[OrderEvent] = []
        refused: list[tuple[str, str | Phrase]] = []
        rejected: list[OrderEvent] = []
        unguarded = ZERO
        lists: list[tuple[Slice, OcoList]] = []
        for part in exits:
            orders = self._orders(trade, market, portfolio, signal_id, token, part, generation)
            if len(orders) == 2:
                list_id = leg_client_id(token, f"oco{part.index}" + (f"g{generation}" if generation else ""))
                lists.append((part, OcoList(*orders, list_id)))
                continue
            try:
                placed.append(await self._venue.place(uow, portfolio, orders[0], market, actor="system"))
            except (AlreadyConfirmed, OrderOutcomeUnknown):
                continue  # placed before, or the sync finds it by its client id
            except DomainError as error:
                refused.append((orders[0].client_order_id.rsplit("-", 1)[-1], error.phrase))
                rejected.append(OrderEvent(orders[0], ("order.rejected",)))
                unguarded += part.quantity if part.stop is not None else ZERO
        results = await self._venue.place_ocos(uow, portfolio, [oco for _, oco in lists], market) if lists else []
        for (part, oco), result in zip(lists, results):
            if isinstance(result, tuple):
                placed += result
            elif not isinstance(result, (AlreadyConfirmed, OrderOutcomeUnknown)):
                refused.append((oco.above.client_order_id.rsplit("-", 1)[-1], result.phrase))
                rejected += [OrderEvent(oco.above, ("order.rejected",)), OrderEvent(oco.below, ("order.rejected",))]
                unguarded += part.quantity
        return SpotPlacement(tuple(placed), tuple(refused), tuple(rejected), unguarded)

    async def move_stop(self, uow: TradingUnitOfWork, portfolio: Portfolio, trade: SignalTrade, market: Market,
                        signal_id: uuid.UUID, token: str, open_legs: list[Order], price: Decimal,
                        generation: int) -> list[OrderEvent]:
        """Cancel each open exit (an OCO goes whole when one leg is cancelled) and place it again
        with the stop at ``price``, sized to what is still unfilled, under ``generation``'s names."""
        exits = []
        by_index: dict[int, list[Order]] = {}
        for order in open_legs:
            named = parse_leg_name(order.client_order_id)
            if named is not None and named[0] is not LegKind.ENTRY:
                by_index.setdefault(named[1], []).append(order)
        for index, orders in sorted(by_index.items()):
            if all(o.order_type is not OrderType.STOP_LIMIT or o.stop_price == price for o in orders):
                continue  # nothing to move on this exit
            target = next((o.price for o in orders if o.order_type is OrderType.LIMIT), None)
            remaining = min(o.remaining for o in orders)
            cancelled = [await self._venue.cancel(uow, portfolio, o, actor="system") for o in orders]
            if any(e.order.status is not OrderStatus.CANCELLED for e in cancelled):
                continue  # a leg filled meanwhile: that exit is done
            exits.append(Slice(index, market.round_amount(remaining), target, price))
        if not exits:
            return []
        placement = await self.protect(uow, portfolio, trade, market, signal_id, token, exits, generation)
        for name, reason in placement.refused:
            log.warning("signal %s: %s not placed again after a stop move: %s", signal_id, name, reason)
        return list(placement.placed)

    def _orders(self, trade: SignalTrade, market: Market, portfolio: Portfolio, signal_id: uuid.UUID, token: str,
                part: Slice, generation: int) -> list[Order]:
        """The target's limit sell (above) first, then the stop-loss limit (below)."""
        suffix = f"{part.index}" + (f"g{generation}" if generation else "")
        orders = []
        if part.target is not None:
            orders.append(self._order(trade, portfolio, signal_id, leg_client_id(token, f"tp{suffix}"),
                                      OrderType.LIMIT, part.quantity, price=part.target))
        if part.stop is not None:
            orders.append(self._order(trade, portfolio, signal_id, leg_client_id(token, f"stop{suffix}"),
                                      OrderType.STOP_LIMIT, part.quantity,
                                      price=stop_limit_price(trade, part.stop, market), stop_price=part.stop))
        return orders

    def _order(self, trade: SignalTrade, portfolio: Portfolio, signal_id: uuid.UUID, client_id: str,
               order_type: OrderType, quantity: Decimal, *, price: Decimal, stop_price: Decimal | None = None) -> Order:
        return Order(
            id=uuid.uuid4(), user_id=portfolio.user_id, portfolio_id=portfolio.id, symbol=trade.symbol,
            side=trade.exit_side, order_type=order_type, quantity=quantity, client_order_id=client_id,
            created_at=self._clock(), status=OrderStatus.PENDING, price=price, stop_price=stop_price,
            source=OrderSource.SIGNAL, reduce_only=True, signal_id=signal_id,
        )
