"""Signals executed on the user's own exchange account (USDT perpetuals or spot, longs only there).

The card's plan (``plan_trade``) goes to the exchange through the live venue, so the brakes of
every live order apply: the maximum order value, the daily loss limit, the leverage cap, and a
second tap above the user's value. Every order is written ahead under a client id made from the
card's token (``sig-<token>-entry1``...): a repeated tap finds the id taken and places nothing.

The entry goes first. Once it has filled (in part too), on perpetuals the stop becomes the
exchange's stop-market order and each target a take-profit-market order, all reduce-only; on
Binance spot each target slice goes as an OCO list with the stop (``live_spot_legs``), on Bybit
spot the stop and targets are conditional orders, the stop resized as targets sell. The exchange
holds them, so they work while the bot is down. Fills come back through the venue's sync, which calls
``after_fills``: an entry's fills are guarded (resized as more arrive), TP1 moves the stop to the
entry, and a position that is closed has its remaining orders cancelled. A follow-up that fails is
kept in the execution record (``pending``) and carried out again on a later sync pass, with a
growing wait; after a few failures the bot gives up on it and tells the user (``follow_up_retries``).

A leg the exchange refuses after the entry filled is reported with the exchange's reason. A
refused stop is never left that way: what it would have guarded is closed at market at once (an
unprotected position is the worse outcome).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.errors import AlreadyConfirmed, DomainError, InvalidOrder, OrderOutcomeUnknown
from domain.models import Market, Order, Portfolio
from domain.numbers import ZERO, money
from domain.phrases import Phrase, phrase
from domain.ports import Clock, TradingUnitOfWork, utc_now
from domain.services.follow_up_retries import GIVE_UP_AFTER, is_due, with_failure, without
from domain.services.follow_up_retries import NOTIFICATION_TYPE as FOLLOW_UP_FAILED
from domain.services.live_signal_records import (  # the names callers import from here too
    FUTURES_ACCOUNTS,
    OCO_EXCHANGES,
    SPOT_ACCOUNTS,
    LiveEntryRefused,  # noqa: F401
    LiveExecution,  # noqa: F401
    LiveNeedsSecondTap,  # noqa: F401
    LivePlacement,
    LivePlan,
    Protection,
    execution_record,  # noqa: F401
    trade_from_record,
)
from domain.services.live_spot_legs import SpotLegs, slices
from domain.services.order_monitor import queue_fill_notifications
from domain.services.paper_broker import OrderEvent
from domain.signal_trade import (
    ExecutionSettings,
    Leg,
    LegKind,
    SignalTrade,
    leg_client_id,
    leg_generation,
    leg_name,
    leg_order,
    parse_leg_name,
    plan_trade,
)
from domain.signals import TradeSignal

if TYPE_CHECKING:
    from domain.services.live_trading import LiveVenue

log = logging.getLogger(__name__)


class LiveSignalExecutor:
    def __init__(self, venue: LiveVenue, *, clock: Clock = utc_now) -> None:
        self._venue = venue
        self._clock = clock
        self._spot = SpotLegs(venue, clock)

    async def accounts(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[Portfolio]:
        """The connected accounts a signal can execute on: perpetuals first, then spot."""
        return (await uow.live.portfolios(user_id, market_type=FUTURES_ACCOUNTS)
                + await uow.live.portfolios(user_id, market_type=SPOT_ACCOUNTS))

    async def account(self, uow: TradingUnitOfWork, user_id: uuid.UUID, number: int) -> Portfolio:
        accounts = await self.accounts(uow, user_id)
        if not 1 <= number <= len(accounts):
            raise InvalidOrder("That exchange account is no longer connected. /accounts lists yours.")
        return accounts[number - 1]

    async def plan(self, uow: TradingUnitOfWork, portfolio: Portfolio, signal: TradeSignal,
                   settings: ExecutionSettings, price: Decimal) -> LivePlan:
        """The orders on the account's own market (its precision), leverage capped by /limits;
        refused (``LiveLimitExceeded``) beyond the user's limits."""
        limits = await uow.live.limits(portfolio.user_id)
        capped = replace(settings, max_leverage=min(settings.max_leverage, limits.max_leverage))
        account = await self._venue.open_account(uow, portfolio)
        try:  # the account's own market: a spot pair stored for the same exchange has other steps
            market = await account.market(signal.symbol)
            spot = account.market_type == SPOT_ACCOUNTS
        finally:
            await account.close()
        if spot and signal.side is OrderSide.SELL:
            raise InvalidOrder(phrase("{account} is a spot account: it cannot sell {symbol} it does not hold. A short "
                                      "needs a USDT-perpetuals account.", account=portfolio.name, symbol=signal.symbol))
        trade = plan_trade(replace(signal, market_type="spot" if spot else "futures"), capped, market, price)
        value = money(sum((leg.quantity * (leg.price or price) for leg in trade.legs_of(LegKind.ENTRY)), ZERO))
        return LivePlan(trade, market, value, await self._venue.check(uow, portfolio.user_id, value))

    async def place(self, uow: TradingUnitOfWork, portfolio: Portfolio, plan: LivePlan, *, signal_id: uuid.UUID,
                    token: str) -> LivePlacement:
        """Send the entries (the signal and its execution record commit with the first one's
        write-ahead record); protect the position at once when they filled."""
        entries = []
        for leg in plan.trade.legs_of(LegKind.ENTRY):
            order = self._order(plan.trade, leg, portfolio, signal_id, token)
            try:
                entries.append(await self._venue.place(uow, portfolio, order, plan.market))
            except OrderOutcomeUnknown:
                return LivePlacement(tuple(entries), Protection(), outcome_unknown=True)
        protection = Protection()
        filled = sum((e.order.filled_quantity for e in entries), ZERO)
        if filled > ZERO:  # what filled at once (a limit entry may fill in part) is guarded at once
            protection = await self._protect(uow, portfolio, plan.trade, plan.market, signal_id, token, filled)
        return LivePlacement(tuple(entries), protection)

    # -- the exchange's fills, from the venue's sync -----------------------------------------

    async def after_fills(self, uow: TradingUnitOfWork, events: list[OrderEvent]) -> None:
        """Follow up signal legs the sync saw fill: guard what an entry filled (in part too,
        resized as more fills), move the stop to the entry after TP1, cancel what is left once
        the position is closed. A follow-up the exchange refused, or could not be reached for, is
        kept with the signal and carried out again on the next pass (``retry_follow_ups``)."""
        await self.retry_follow_ups(uow)
        for event in events:
            order = event.order
            named = parse_leg_name(order.client_order_id) if order.source is OrderSource.SIGNAL else None
            if named is None or order.signal_id is None:
                continue
            partly_entered = named[0] is LegKind.ENTRY and order.filled_quantity > ZERO
            if order.status is OrderStatus.FILLED or partly_entered:
                await self._follow_up_or_keep(uow, order, named)

    async def retry_follow_ups(self, uow: TradingUnitOfWork) -> None:
        for user_id, signal_id in await uow.signals.with_pending_follow_ups():
            followed = await uow.signals.get(user_id, signal_id)
            execution = (followed.execution or {}) if followed is not None else {}
            for order_id in execution.get("pending", []):
                if not is_due(execution, order_id, self._clock()):
                    continue  # backing off: it failed a moment ago
                order = await uow.orders.get(uuid.UUID(order_id))
                named = None if order is None else parse_leg_name(order.client_order_id)
                if order is None or named is None:
                    await self._keep(uow, user_id, signal_id, order_id, pending=False)
                    continue
                log.info("signal %s: carrying out the follow-up of %s again", signal_id, order.client_order_id)
                await self._follow_up_or_keep(uow, order, named)

    async def _follow_up_or_keep(self, uow: TradingUnitOfWork, order: Order, named: tuple[LegKind, int]) -> None:
        assert order.signal_id is not None
        followed = await uow.signals.get(order.user_id, order.signal_id)
        execution = None if followed is None else followed.execution
        portfolio = await uow.portfolios.get(order.portfolio_id)
        if not execution or not execution.get("live") or portfolio is None:
            return
        try:
            await self._follow_up(uow, portfolio, execution, followed, order, named)
        except DomainError as error:
            log.warning("signal %s: follow-up of %s failed (%s)", order.signal_id, order.client_order_id,
                        error.user_message)
            await uow.rollback()
            if await self._keep(uow, order.user_id, order.signal_id, str(order.id), pending=True):
                await self._give_up(uow, portfolio, execution, order, named)
            return
        if str(order.id) in execution.get("pending", []):
            await self._keep(uow, order.user_id, order.signal_id, str(order.id), pending=False)

    async def _keep(self, uow: TradingUnitOfWork, user_id: uuid.UUID, signal_id: uuid.UUID, order_id: str, *,
                    pending: bool) -> bool:
        """Count a failed attempt of ``order_id``'s follow-up (kept, or given up after too many), or
        remove it from the signal's follow-ups still to carry out. True when the bot gives up on it."""
        followed = await uow.signals.get(user_id, signal_id, for_update=True)
        if followed is None or not followed.execution:
            return False
        gave_up = False
        if pending:
            execution, gave_up = with_failure(followed.execution, order_id, self._clock())
            if not gave_up:
                log.info("signal %s: follow-up of order %s tried again from %s", signal_id, order_id,
                         execution["retries"][order_id]["next_at"])
        else:
            execution = without(followed.execution, order_id)
        await uow.signals.save_execution(signal_id, execution)
        await uow.commit()
        return gave_up

    async def _give_up(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                       order: Order, named: tuple[LegKind, int]) -> None:
        """One push saying what the bot could not do on the exchange: it no longer tries."""
        if named[0] is LegKind.ENTRY:
            action = "protect"  # the filled entry's stop and targets
        elif await uow.positions.open_for(portfolio.id, execution["symbol"]) is None:
            action = "cancel"  # the closed position's leftover orders
        else:
            action = "stop"  # the stop moved or resized
        log.error("signal %s: follow-up of %s failed %d times; given up (%s)", order.signal_id,
                  order.client_order_id, GIVE_UP_AFTER, action)
        recipient = (await uow.recipients.telegram_user_ids([order.user_id])).get(order.user_id)
        if recipient is None:
            return
        await uow.notifications.enqueue(
            recipient, FOLLOW_UP_FAILED,
            {"symbol": execution["symbol"], "action": action, "live_account": portfolio.name,
             "attempts": GIVE_UP_AFTER},
            user_id=order.user_id, dedup_key=f"follow_up_failed:{order.signal_id}:{order.id}", priority=1)
        await uow.commit()

    async def _next_generation(self, uow: TradingUnitOfWork, execution: Mapping[str, Any],
                               signal_id: uuid.UUID) -> int:
        """A fresh generation for legs placed again (their client ids must be new ones)."""
        followed = await uow.signals.get(uuid.UUID(execution["user_id"]), signal_id, for_update=True)
        current = dict(followed.execution) if followed is not None and followed.execution else dict(execution)
        generation = int(current.get("generation", 0)) + 1
        await uow.signals.save_execution(signal_id, current | {"generation": generation})
        await uow.commit()
        return generation

    async def _follow_up(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                         followed: Any, order: Order, named: tuple[LegKind, int]) -> None:
        kind, index = named
        trade = trade_from_record(execution)
        if kind is LegKind.ENTRY:
            protection = await self._guard(uow, portfolio, execution, order.signal_id)
            if protection.refused:  # nobody is looking at a card now: the user hears of it
                await queue_fill_notifications(uow, list(protection.rejected), live_exchange=portfolio.name)
                await uow.commit()
            return
        position = await uow.positions.open_for(portfolio.id, trade.symbol)
        if position is None:
            await self.cancel_legs(uow, portfolio, order.signal_id)
        elif kind is LegKind.TARGET and index == 1 and followed.rules.move_stop_to_entry_after_tp1:
            await self.move_stop(uow, portfolio, execution, order.signal_id, position.entry_price)
        elif kind is LegKind.TARGET and not trade.is_futures and portfolio.exchange not in OCO_EXCHANGES:
            await self._resize_stop(uow, portfolio, execution, order.signal_id)  # sized for coins now sold

    async def _guard(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                     signal_id: uuid.UUID) -> Protection:
        """The stop and targets sized to what the entries have filled: placed when there are none,
        cancelled and placed again (a new generation) when they guard another amount."""
        trade, token = trade_from_record(execution), execution["token"]
        position = await uow.positions.open_for(portfolio.id, trade.symbol)
        if position is None or position.signal_id != signal_id:
            return Protection()
        market = await self._venue.market(uow, portfolio, trade.symbol)
        exits = [o for o in await self._open_legs(uow, portfolio, signal_id)
                 if (parse_leg_name(o.client_order_id) or (LegKind.ENTRY, 0))[0] is not LegKind.ENTRY]
        size = market.round_amount(await self._held(uow, portfolio, trade, position.quantity))
        if exits and guarded(exits) == size:
            return Protection()
        generation = 0
        if exits:
            for order in exits:
                await self._venue.cancel(uow, portfolio, order, actor="system")
            generation = await self._next_generation(uow, execution, signal_id)
            position = await uow.positions.open_for(portfolio.id, trade.symbol)
            if position is None:
                return Protection()  # an exit filled meanwhile and closed it
            size = market.round_amount(await self._held(uow, portfolio, trade, position.quantity))
        return await self._protect(uow, portfolio, trade, market, signal_id, token, size, generation)

    # -- changing the trade ------------------------------------------------------------------

    async def move_stop(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                        signal_id: uuid.UUID, price: Decimal) -> OrderEvent | None:
        """Cancel the stop in force and place a new one at ``price`` for what is still open (the
        exchanges here cannot amend a conditional order's trigger on every account type)."""
        trade = trade_from_record(execution)
        if not trade.is_futures and portfolio.exchange in OCO_EXCHANGES:
            return await self._move_spot_stop(uow, portfolio, execution, signal_id, price)
        stops = [o for o in await self._open_legs(uow, portfolio, signal_id) if o.order_type is OrderType.STOP]
        position = await uow.positions.open_for(portfolio.id, execution["symbol"])
        if position is None or trade.stop is None:
            return None
        market = await self._venue.market(uow, portfolio, execution["symbol"])
        size = market.round_amount(await self._held(uow, portfolio, trade, position.quantity))
        # A reduce-only stop on perpetuals never sells more than the position; a spot one must be resized.
        if stops and stops[-1].stop_price == price and (trade.is_futures or stops[-1].remaining == size):
            return None
        if stops:
            current = stops[-1]
            cancelled = await self._venue.cancel(uow, portfolio, current, actor="system")
            if cancelled.order.status is not OrderStatus.CANCELLED:
                return None  # it filled meanwhile: the position is closed
            number = (parse_leg_name(current.client_order_id) or (LegKind.STOP, 1))[1] + 1
            generation = leg_generation(current.client_order_id)
        else:  # the stop was cancelled and its successor refused: placed again under a new name
            number, generation = 1, await self._next_generation(uow, execution, signal_id)
        leg = Leg(LegKind.STOP, number, price, size)
        order = self._order(trade, leg, portfolio, signal_id, execution["token"], generation)
        try:
            return await self._venue.place(uow, portfolio, order, market, actor="system")
        except DomainError:
            if order.status is OrderStatus.REJECTED:  # the position has no stop until a retry: the user hears
                await queue_fill_notifications(uow, [OrderEvent(order, ("order.rejected",))],
                                               live_exchange=portfolio.name)
                await uow.commit()
            raise

    async def _resize_stop(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                           signal_id: uuid.UUID) -> OrderEvent | None:
        """The stop in force, placed again for what is still held (a spot target sold some)."""
        stops = [o for o in await self._open_legs(uow, portfolio, signal_id) if o.order_type is OrderType.STOP]
        if not stops or stops[-1].stop_price is None:
            return None
        return await self.move_stop(uow, portfolio, execution, signal_id, stops[-1].stop_price)

    async def cancel_legs(self, uow: TradingUnitOfWork, portfolio: Portfolio, signal_id: uuid.UUID) -> list[OrderEvent]:
        events = []
        for order in await self._open_legs(uow, portfolio, signal_id):
            if order.exchange_order_id is None and order.status is OrderStatus.PENDING:
                continue  # not known to be placed yet: the sync settles it
            events.append(await self._venue.cancel(uow, portfolio, order, actor="system"))
        return events

    async def close(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                    signal_id: uuid.UUID) -> OrderEvent | None:
        """Cancel the signal's open orders, then close what is left of its position at market."""
        await self.cancel_legs(uow, portfolio, signal_id)
        position = await uow.positions.open_for(portfolio.id, execution["symbol"])
        if position is None or position.signal_id != signal_id:
            return None
        trade = trade_from_record(execution)
        quantity = await self._held(uow, portfolio, trade, position.quantity)
        return await self._close_at_market(uow, portfolio, trade, signal_id, execution["token"], quantity)

    async def _move_spot_stop(self, uow: TradingUnitOfWork, portfolio: Portfolio, execution: Mapping[str, Any],
                              signal_id: uuid.UUID, price: Decimal) -> OrderEvent | None:
        """Every open exit's OCO placed again with its stop at ``price``; the new stop leg, if any."""
        legs = await self._open_legs(uow, portfolio, signal_id)
        market = await self._venue.market(uow, portfolio, execution["symbol"])
        generation = await self._next_generation(uow, execution, signal_id)
        placed = await self._spot.move_stop(uow, portfolio, trade_from_record(execution), market, signal_id,
                                            execution["token"], legs, price, generation)
        return next((e for e in reversed(placed) if e.order.order_type is OrderType.STOP_LIMIT), None)

    async def _held(self, uow: TradingUnitOfWork, portfolio: Portfolio, trade: SignalTrade, bought: Decimal) -> Decimal:
        """What a spot exit can sell: the bought amount, less a fee the exchange took in the coin."""
        if trade.is_futures:
            return bought
        # free and locked: the coins an exit already holds are still the trade's
        held = {b.asset: b.free + b.locked for b in await uow.balances.list(portfolio.id)}.get(trade.base)
        return bought if held is None else min(bought, held)

    # -- helpers -----------------------------------------------------------------------------

    async def _protect(self, uow: TradingUnitOfWork, portfolio: Portfolio, trade: SignalTrade, market: Market,
                       signal_id: uuid.UUID, token: str, filled: Decimal, generation: int = 0) -> Protection:
        """The stop first (what matters most), then the targets (``filled`` split as the plan
        splits it), each placed once (a leg whose client id is taken was placed already)."""
        if not trade.is_futures and portfolio.exchange in OCO_EXCHANGES:
            return await self._protect_spot(uow, portfolio, trade, market, signal_id, token, filled, generation)
        filled = market.round_amount(await self._held(uow, portfolio, trade, filled))
        placed: list[OrderEvent] = []
        refused: list[tuple[str, str | Phrase]] = []
        rejected: list[OrderEvent] = []
        plan = []
        if trade.stop is not None:
            plan.append(replace(trade.stop, order_id=uuid.uuid4(), quantity=market.round_amount(filled)))
        plan += [Leg(LegKind.TARGET, part.index, part.target, part.quantity)
                 for part in slices(trade, filled, market, None) if part.target is not None]
        for leg in plan:
            order = self._order(trade, leg, portfolio, signal_id, token, generation)
            try:
                placed.append(await self._venue.place(uow, portfolio, order, market, actor="system"))
            except AlreadyConfirmed:
                continue
            except OrderOutcomeUnknown:
                continue  # the sync finds it by its client id
            except DomainError as error:
                refused.append((leg_name(leg, generation), error.phrase))
                rejected.append(OrderEvent(order, ("order.rejected",)))
                if leg.kind is LegKind.STOP:
                    log.warning("signal %s: stop refused (%s); closing the entry", signal_id, error.user_message)
                    closed = await self._close_at_market(uow, portfolio, trade, signal_id, token, filled)
                    return Protection(tuple(placed), tuple(refused), closed, tuple(rejected))
        return Protection(tuple(placed), tuple(refused), None, tuple(rejected))

    async def _protect_spot(self, uow: TradingUnitOfWork, portfolio: Portfolio, trade: SignalTrade, market: Market,
                            signal_id: uuid.UUID, token: str, filled: Decimal, generation: int = 0) -> Protection:
        """One OCO per target slice; the coins a refused stop left unguarded are sold at market."""
        held = market.round_amount(await self._held(uow, portfolio, trade, filled))
        stop = trade.stop.price if trade.stop is not None else None
        placement = await self._spot.protect(uow, portfolio, trade, market, signal_id, token,
                                             slices(trade, held, market, stop), generation)
        closed = None
        if placement.unguarded > ZERO:
            log.warning("signal %s: a stop was refused; selling its %s at market", signal_id, placement.unguarded)
            closed = await self._close_at_market(uow, portfolio, trade, signal_id, token, placement.unguarded)
        return Protection(placement.placed, placement.refused, closed, placement.rejected)

    async def _close_at_market(self, uow: TradingUnitOfWork, portfolio: Portfolio, trade: SignalTrade,
                               signal_id: uuid.UUID, token: str, quantity: Decimal) -> OrderEvent | None:
        order = Order(
            id=uuid.uuid4(), user_id=portfolio.user_id, portfolio_id=portfolio.id, symbol=trade.symbol,
            side=trade.exit_side, order_type=OrderType.MARKET, quantity=quantity,
            client_order_id=leg_client_id(token, f"close{self._clock().timestamp():.0f}"), created_at=self._clock(),
            source=OrderSource.SIGNAL, reduce_only=True, signal_id=signal_id,
        )
        market = await self._venue.market(uow, portfolio, trade.symbol)
        order.quantity = market.round_amount(quantity)
        try:
            return await self._venue.place(uow, portfolio, order, market, actor="system")  # cancels what is left
        except DomainError as error:
            log.error("signal %s: closing at market failed: %s", signal_id, error.user_message)
            return None

    async def _open_legs(self, uow: TradingUnitOfWork, portfolio: Portfolio, signal_id: uuid.UUID) -> list[Order]:
        for found, orders in await uow.live.open_orders_by_portfolio(portfolio.user_id):
            if found.id == portfolio.id:
                return [o for o in orders if o.signal_id == signal_id]
        return []

    def _order(self, trade: SignalTrade, leg: Leg, portfolio: Portfolio, signal_id: uuid.UUID, token: str,
               generation: int = 0) -> Order:
        return leg_order(trade, leg, signal_id=signal_id, user_id=portfolio.user_id, portfolio_id=portfolio.id,
                         token=token, at=self._clock(), live=True, generation=generation)


def guarded(exits: list[Order]) -> Decimal:
    """The amount a signal's open exits guard: their stops' (one per OCO on spot), else their targets'."""
    stops = [o for o in exits if o.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)]
    return sum((o.remaining for o in stops or exits), ZERO)
