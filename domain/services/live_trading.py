"""Orders on a user's own exchange account, with the care real money needs.

Write-ahead: a live order is stored (``pending``, under its client order id) and committed
*before* it is sent. If the process dies before the exchange's answer is stored, the start-up
reconciliation finds the order on the exchange by that client order id and books it (or marks it
as never placed). A timeout after the exchange took the order leaves it pending for the same
lookup, so nothing ever sends it twice. Fills become ``trades`` through the same booking as paper
fills (positions, portfolio totals, audit rows), balances are copied from the exchange, and the
user hears of fills through the notification outbox.

Brakes, per user: a maximum order value, a maximum leverage (perpetuals), and a daily loss limit
that refuses new live orders once today's realized losses on live accounts reach it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType
from domain.errors import (
    AlreadyConfirmed,
    DomainError,
    ExchangeUnavailable,
    InvalidOrder,
    LiveLimitExceeded,
    OrderNotFound,
    OrderOutcomeUnknown,
    RateLimited,
)
from domain.models import AuditEntry, ExchangeReport, Fill, LiveLimits, Market, Order, Portfolio, Position
from domain.numbers import ZERO, money
from domain.ports import Clock, ExchangePort, TradingUnitOfWork, utc_now
from domain.services.order_monitor import queue_fill_notifications
from domain.services.live_signals import LiveSignalExecutor
from domain.services.live_spot_legs import OcoList
from domain.services.paper_broker import OrderEvent, PaperBroker, order_snapshot
from domain.phrases import phrase

log = logging.getLogger(__name__)

# A pending order younger than this may still be on its way to the exchange: the sync leaves it.
IN_FLIGHT = timedelta(minutes=2)
NOT_PLACED = "The order never reached the exchange."


class LiveAccountOpener(Protocol):
    async def open_for_portfolio(self, uow: Any, portfolio: Portfolio) -> ExchangePort:
        """The exchange adapter of the account ``portfolio`` books (its key decrypted into memory)."""
        ...


@dataclass(frozen=True, slots=True)
class LiveCheck:
    """What a live order is measured against before it is sent."""

    value: Decimal  # estimated, in the quote currency
    limits: LiveLimits
    needs_second_tap: bool


def start_of_day(at: datetime) -> datetime:
    return datetime.combine(at.date(), time(0), tzinfo=at.tzinfo)


class LiveVenue:
    """Places, follows, cancels and closes orders on connected exchange accounts."""

    def __init__(self, accounts: LiveAccountOpener, booking: PaperBroker, *, clock: Clock = utc_now) -> None:
        self._accounts = accounts
        self._booking = booking  # its fill booking (trades, positions, audit) serves live fills too
        self._clock = clock
        self.signals = LiveSignalExecutor(self, clock=clock)  # signal legs: protection, stop moves

    async def open_account(self, uow: TradingUnitOfWork, portfolio: Portfolio) -> ExchangePort:
        """The exchange adapter of a live portfolio's account (close it when done)."""
        return await self._accounts.open_for_portfolio(uow, portfolio)

    # -- limits -----------------------------------------------------------------------------

    async def check(self, uow: TradingUnitOfWork, user_id: uuid.UUID, value: Decimal) -> LiveCheck:
        """Refuse (``LiveLimitExceeded``) an order beyond the user's limits; say whether it needs a second tap."""
        limits = await uow.live.limits(user_id)
        if value > limits.max_order_value:
            raise LiveLimitExceeded(phrase(
                "This live order is worth about {value}, above your limit of {limit} per order. Make it smaller, "
                "or raise the limit with /limits.", value=money(value), limit=limits.max_order_value,
            ))
        lost = -await uow.live.realized_since(user_id, start_of_day(self._clock()))
        if lost >= limits.daily_loss_limit:
            raise LiveLimitExceeded(phrase(
                "Today's realized loss on your live accounts ({lost}) reached your daily limit of {limit}: "
                "no new live orders until 00:00 UTC. /limits shows the limit.", lost=money(lost),
                limit=limits.daily_loss_limit,
            ))
        return LiveCheck(value, limits, value > limits.confirm_above_value)

    # -- placing ----------------------------------------------------------------------------

    async def place(
        self, uow: TradingUnitOfWork, portfolio: Portfolio, order: Order, market: Market, actor: str = "user"
    ) -> OrderEvent:
        """Store the order, commit, send it under its client order id, then book the answer.

        Raises the exchange's refusal (``InsufficientFunds``, ``InvalidOrder``...) with the order
        kept as rejected, or ``OrderOutcomeUnknown`` when the answer was lost (the sync resolves it).
        """
        account = await self._accounts.open_for_portfolio(uow, portfolio)
        try:
            await self._check_direction(uow, account, order)
            await uow.pairs.ensure(market, portfolio.exchange)
            order.status = OrderStatus.PENDING
            await uow.orders.add(order)
            await self._audit(uow, "order.submitting", order, None, actor)
            await uow.commit()  # the write-ahead record: from here a crash is reconciled by client id
            await self._protect_leverage(uow, account, portfolio, order)
            try:
                report = await account.create_order(order)
            except (ExchangeUnavailable, RateLimited) as error:
                log.warning("live order %s: no answer from %s (%s)", order.id, portfolio.exchange, type(error).__name__)
                raise OrderOutcomeUnknown() from error
            except DomainError as error:
                await self._reject(uow, [order], error, actor)
                raise
            event = await self._apply(uow, order, report, actor, created=True, perpetual=account.market_type == "swap")
            if event.fills or not (order.reduce_only and account.market_type == "swap"):
                await self._copy_balances(uow, account, portfolio)  # a resting reduce-only order on perps holds no funds
            await uow.commit()
            protect = not account.attaches_protection
        finally:
            await account.close()
        if protect:
            await self._protect(uow, portfolio, order)
        closed = event.position
        if closed is not None and not closed.is_open and closed.signal_id is not None:
            await self.signals.cancel_legs(uow, portfolio, closed.signal_id)  # nothing left to guard
        return event

    async def place_ocos(
        self, uow: TradingUnitOfWork, portfolio: Portfolio, lists: list[OcoList], market: Market,
        actor: str = "system",
    ) -> list[tuple[OrderEvent, OrderEvent] | DomainError]:
        """Spot OCO lists, written ahead together: every leg stored and committed, then each list
        sent, then the answers booked and the balances copied in one commit. Per list, in order:
        its two booked legs, or why it was not placed: ``AlreadyConfirmed`` (its client ids are
        taken: placed before), the exchange's refusal (both legs kept as rejected), or
        ``OrderOutcomeUnknown`` (the answer was lost: the sync finds the legs by their client ids)."""
        results: list[tuple[OrderEvent, OrderEvent] | DomainError] = []
        account = await self._accounts.open_for_portfolio(uow, portfolio)
        try:
            await uow.pairs.ensure(market, portfolio.exchange)
            stored = []
            for oco in lists:
                oco.above.status = oco.below.status = OrderStatus.PENDING
                try:
                    await uow.orders.add(oco.above)  # both legs go together: a taken id means a placed list
                except AlreadyConfirmed as taken:
                    stored.append(taken)
                    continue
                await uow.orders.add(oco.below)
                for order in (oco.above, oco.below):
                    await self._audit(uow, "order.submitting", order, None, actor, {"list_client_id": oco.list_id})
                stored.append(None)
            await uow.commit()  # the write-ahead records of every list
            for oco, taken in zip(lists, stored):
                results.append(taken or await self._send_oco(uow, account, portfolio, oco, actor))
            if any(isinstance(result, tuple) for result in results):
                await self._copy_balances(uow, account, portfolio)
            await uow.commit()
        finally:
            await account.close()
        return results

    async def _send_oco(self, uow: TradingUnitOfWork, account: ExchangePort, portfolio: Portfolio, oco: OcoList,
                        actor: str) -> tuple[OrderEvent, OrderEvent] | DomainError:
        try:
            above, below = await account.create_oco(oco.above, oco.below, oco.list_id)
        except (ExchangeUnavailable, RateLimited) as error:
            log.warning("live OCO %s: no answer from %s (%s)", oco.list_id, portfolio.exchange, type(error).__name__)
            return OrderOutcomeUnknown()
        except DomainError as error:
            await self._reject(uow, [oco.above, oco.below], error, actor)
            return error
        return (await self._apply(uow, oco.above, above, actor, created=True),
                await self._apply(uow, oco.below, below, actor, created=True))

    async def _reject(self, uow: TradingUnitOfWork, orders: list[Order], error: DomainError, actor: str) -> None:
        for order in orders:
            before = order_snapshot(order)
            order.close(OrderStatus.REJECTED, self._clock(), error.user_message)
            await uow.orders.save(order)
            await self._audit(uow, "order.rejected", order, before, actor, {"reason": error.user_message})
        await uow.commit()

    async def _protect(self, uow: TradingUnitOfWork, portfolio: Portfolio, bought: Order) -> None:
        """Once a live buy with a stop-loss has filled, the exchange's own stop order guards it
        (where the exchange could not attach it to the buy itself): it holds while the bot is down."""
        if bought.side is not OrderSide.BUY or bought.status is not OrderStatus.FILLED or bought.stop_loss is None:
            return
        market = await self.market(uow, portfolio, bought.symbol)
        held = {b.asset: b.free for b in await uow.balances.list(portfolio.id)}.get(market.base, bought.filled_quantity)
        stop = Order(
            id=uuid.uuid4(), user_id=bought.user_id, portfolio_id=portfolio.id, symbol=bought.symbol,
            side=OrderSide.SELL, order_type=OrderType.STOP, quantity=market.round_amount(min(held, bought.filled_quantity)),
            client_order_id=f"tsr-sl{uuid.uuid4().hex[:20]}", created_at=self._clock(), stop_price=bought.stop_loss,
            source=OrderSource.STOP_LOSS, reduce_only=True, signal_id=bought.signal_id,
        )
        try:
            await self.place(uow, portfolio, stop, market, actor="system")
        except DomainError as error:  # kept as a rejected order with its reason; the position shows no stop
            log.warning("stop-loss for live order %s not placed: %s", bought.id, error.user_message)

    async def _protect_leverage(
        self, uow: TradingUnitOfWork, account: ExchangePort, portfolio: Portfolio, order: Order
    ) -> None:
        """On perpetuals, cap the leverage the exchange applies at the user's maximum (before an
        order that can add exposure; a reduce-only one cannot)."""
        if account.market_type == "swap" and not order.reduce_only:
            limits = await uow.live.limits(order.user_id)
            await account.set_leverage(order.symbol, limits.max_leverage)

    @staticmethod
    async def _check_direction(uow: TradingUnitOfWork, account: ExchangePort, order: Order) -> None:
        """On perpetuals (one-way mode) an order against the open position only reduces it
        (reduce-only, so it can never flip the position by mistake); with no position a sell
        opens a short. An order larger than the position it reduces is refused."""
        if account.market_type != "swap" or order.reduce_only:
            return
        position = await uow.positions.open_for(order.portfolio_id, order.symbol)
        if position is None or position.side is order.side:
            return
        if order.quantity > position.quantity:
            raise InvalidOrder(phrase(
                "That is more than your open {symbol} position ({amount}): close it first, then open the other side.",
                symbol=order.symbol, amount=position.quantity,
            ))
        order.reduce_only = True

    # -- following --------------------------------------------------------------------------

    async def sync(
        self, uow: TradingUnitOfWork, *, in_flight: timedelta = IN_FLIGHT, portfolio_id: uuid.UUID | None = None,
    ) -> list[OrderEvent]:
        """Follow every open live order (of one account when ``portfolio_id`` is given: its order
        stream spoke): new fills, cancellations, and orders whose answer was lost (found by client
        order id, or marked as never placed). Balances are copied, fills queued as notifications,
        all in one commit. ``in_flight=0`` at start-up."""
        now = self._clock()
        events: list[OrderEvent] = []
        to_protect: list[tuple[Portfolio, Order]] = []
        filled: list[OrderEvent] = []
        for portfolio, orders in await uow.live.open_orders_by_portfolio(portfolio_id=portfolio_id):
            portfolio_events: list[OrderEvent] = []
            waiting = [o for o in orders if o.exchange_order_id is not None or o.created_at <= now - in_flight]
            if not waiting:
                continue
            try:
                account = await self._accounts.open_for_portfolio(uow, portfolio)
            except DomainError as error:  # the key was removed or cannot be decrypted
                log.warning("cannot follow live portfolio %s: %s", portfolio.id, error.user_message)
                continue
            try:
                for order in waiting:
                    event = await self._follow(uow, account, order)
                    if event is not None and event.fills:
                        filled.append(event)
                    if event is not None and event.actions:
                        portfolio_events.append(event)
                        if not account.attaches_protection:
                            to_protect.append((portfolio, order))
                await self._copy_balances(uow, account, portfolio)
            except (ExchangeUnavailable, RateLimited) as error:
                log.warning("live portfolio %s not synced: %s", portfolio.id, type(error).__name__)
            finally:
                await account.close()
            if portfolio_events:
                await queue_fill_notifications(uow, portfolio_events, live_exchange=portfolio.name)
            events += portfolio_events
        await uow.commit()
        for portfolio, order in to_protect:  # each placed (and committed) on its own
            await self._protect(uow, portfolio, order)
        await self.signals.after_fills(uow, filled)
        return events

    async def _follow(self, uow: TradingUnitOfWork, account: ExchangePort, order: Order) -> OrderEvent | None:
        try:
            report = await account.fetch_order(order)
        except OrderNotFound:
            if order.exchange_order_id is not None:
                log.error("live order %s (%s) is unknown to the exchange", order.id, order.exchange_order_id)
                return None
            before = order_snapshot(order)
            order.close(OrderStatus.REJECTED, self._clock(), NOT_PLACED)
            await uow.orders.save(order)
            await self._audit(uow, "order.rejected", order, before, "system", {"reason": NOT_PLACED})
            return OrderEvent(order, ("order.rejected",))
        return await self._apply(uow, order, report, "system", created=order.exchange_order_id is None,
                                 perpetual=account.market_type == "swap")

    # -- cancelling and closing -------------------------------------------------------------

    async def cancel(self, uow: TradingUnitOfWork, portfolio: Portfolio, order: Order, actor: str = "user") -> OrderEvent:
        account = await self._accounts.open_for_portfolio(uow, portfolio)
        try:
            try:
                report = await account.cancel_order(order)
            except OrderNotFound:  # filled or cancelled meanwhile: take the exchange's word for it
                report = await account.fetch_order(order)
            event = await self._apply(uow, order, report, actor, perpetual=account.market_type == "swap")
            await self._copy_balances(uow, account, portfolio)
        finally:
            await account.close()
        await uow.commit()
        return event

    async def replace(
        self, uow: TradingUnitOfWork, portfolio: Portfolio, order: Order, *, price: Decimal | None = None,
        quantity: Decimal | None = None,
    ) -> tuple[OrderEvent, OrderEvent | None]:
        """Modify a resting order as cancel-then-place (the exchanges here have no amend for
        every order type): the unfilled rest goes back at the new price, or the new total size
        less what already filled. No new order when the cancel found it filled meanwhile."""
        if order.price is None and price is not None:
            raise InvalidOrder("Only limit orders have a price to change. Cancel this one and place a new order instead.")
        cancelled = await self.cancel(uow, portfolio, order)
        rest = (quantity or order.quantity) - cancelled.order.filled_quantity
        if cancelled.order.status is not OrderStatus.CANCELLED or rest <= ZERO:
            return cancelled, None
        new_price = price or order.price
        await self.check(uow, order.user_id, rest * (new_price or order.average_fill_price or ZERO))
        market = await self.market(uow, portfolio, order.symbol)
        successor = replace(
            order, id=uuid.uuid4(), quantity=market.round_amount(rest), price=new_price, filled_quantity=ZERO,
            average_fill_price=None, fee=ZERO, fee_currency=None, exchange_order_id=None, error_message=None,
            client_order_id=f"tsr-r{uuid.uuid4().hex[:20]}", created_at=self._clock(), status=OrderStatus.PENDING,
            filled_at=None, cancelled_at=None,
        )
        return cancelled, await self.place(uow, portfolio, successor, market)

    async def cancel_all(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[OrderEvent]:
        """Every open live order of the user, on every account (the /panic brake)."""
        events = []
        for portfolio, orders in await uow.live.open_orders_by_portfolio(user_id):
            for order in orders:
                if order.exchange_order_id is None and order.status is OrderStatus.PENDING:
                    continue  # not known to be placed yet: the sync settles it
                events.append(await self.cancel(uow, portfolio, order, actor="panic"))
        return events

    async def close_all(self, uow: TradingUnitOfWork, user_id: uuid.UUID) -> list[OrderEvent | DomainError]:
        """Close every open live position at market (after the user confirmed /panic)."""
        results: list[OrderEvent | DomainError] = []
        for portfolio in await uow.live.portfolios(user_id):
            for position in await uow.positions.list_open(portfolio.id):
                try:
                    results.append(await self.close(uow, portfolio, position, actor="panic"))
                except DomainError as error:
                    results.append(error)
        return results

    async def close(self, uow: TradingUnitOfWork, portfolio: Portfolio, position: Position,
                    actor: str = "user") -> OrderEvent:
        """Close one live position at market: a reduce-only order on the other side (a sell for a
        long, a buy for a short). Orders still guarding it (a signal's stop and targets) are
        cancelled once it is closed (see ``place``)."""
        market = await self.market(uow, portfolio, position.symbol)
        side = OrderSide.SELL if position.side is OrderSide.BUY else OrderSide.BUY
        order = Order(
            id=uuid.uuid4(), user_id=portfolio.user_id, portfolio_id=portfolio.id, symbol=position.symbol,
            side=side, order_type=OrderType.MARKET, quantity=market.round_amount(position.quantity),
            client_order_id=f"tsr-{actor[:5]}-{uuid.uuid4().hex[:20]}", created_at=self._clock(),
            source=OrderSource.MANUAL, reduce_only=True, signal_id=position.signal_id,
        )
        return await self.place(uow, portfolio, order, market, actor=actor)

    async def market(self, uow: TradingUnitOfWork, portfolio: Portfolio, symbol: str) -> Market:
        """The market of the account itself: a spot account and a perpetuals account on one
        exchange trade ``BTC/USDT`` in other steps, and the stored pair row is one per exchange.
        (The pooled client holds the exchange's market list: no request after the first.)"""
        account = await self._accounts.open_for_portfolio(uow, portfolio)
        try:
            return await account.market(symbol)
        finally:
            await account.close()

    # -- booking ----------------------------------------------------------------------------

    async def _apply(
        self, uow: TradingUnitOfWork, order: Order, report: ExchangeReport, actor: str, *, created: bool = False,
        perpetual: bool = False,
    ) -> OrderEvent:
        """Bring the stored order to the exchange's state; new fills are booked as trades."""
        before = order_snapshot(order) | ({"status": OrderStatus.OPEN, "filled_quantity": ZERO} if created else {})
        order.exchange_order_id = report.exchange_order_id
        if order.status is OrderStatus.PENDING:
            order.status = OrderStatus.OPEN
        fills = new_fills(order, report, self._clock())
        for fill in fills:
            order.record_fill(fill)
        if report.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REJECTED) and order.is_open:
            order.close(report.status, self._clock(), None)
        await uow.orders.save(order)
        if created:
            await self._audit(uow, "order.created", order, None, actor, {"exchange_order_id": report.exchange_order_id})
        return await self._booking.record(uow, order, before, fills, actor, may_open_short=perpetual)

    async def _copy_balances(self, uow: TradingUnitOfWork, account: ExchangePort, portfolio: Portfolio) -> None:
        """The exchange's balances become the live portfolio's (assets it no longer reports go to 0)."""
        reported = await account.balances()
        stored = {b.asset for b in await uow.balances.list(portfolio.id)}
        wallet = await uow.balances.lock_wallet(portfolio.id, sorted(stored | set(reported)))
        for asset, balance in wallet.items():
            fresh = reported.get(asset)
            balance.free, balance.locked = (fresh.free, fresh.locked) if fresh else (ZERO, ZERO)
        await uow.balances.save(portfolio.id, wallet)

    @staticmethod
    async def _audit(
        uow: TradingUnitOfWork, action: str, order: Order, before: dict[str, Any] | None, actor: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        context = {"symbol": order.symbol, "side": order.side, "type": order.order_type, "source": order.source,
                   "client_order_id": order.client_order_id, "ai_command_id": order.ai_command_id,
                   "signal_id": order.signal_id, "live": True}
        await uow.audit.record(
            AuditEntry(action, "order", order.id, order.user_id, actor, before, order_snapshot(order),
                       context | (details or {}))
        )


def new_fills(order: Order, report: ExchangeReport, now: datetime) -> list[Fill]:
    """The fills in ``report`` not yet on ``order``, fees in the quote currency.

    The exchange's own fills are used when the report carries all of them; otherwise (an order
    lookup reports totals only) the difference since the last look becomes one fill at the price
    that makes the order's average come out as the exchange's.
    """
    delta = report.filled - order.filled_quantity
    if delta <= ZERO:
        return []
    if order.filled_quantity == ZERO and report.fills and sum(f.quantity for f in report.fills) == report.filled:
        return [_in_quote(f, order.symbol) for f in report.fills]
    average = report.average or report.price or ZERO
    spent_before = (order.average_fill_price or ZERO) * order.filled_quantity
    price = money((average * report.filled - spent_before) / delta)
    fee_so_far = _quote_fee(report.fee, report.fee_currency, order.symbol, average)
    return [Fill(
        order_id=order.id, trade_id=f"{report.exchange_order_id}:{report.filled}", side=order.side, quantity=delta,
        price=price, fee=max(fee_so_far - order.fee, ZERO), fee_currency=_quote(order.symbol),
        is_maker=order.order_type is not OrderType.MARKET, executed_at=now,
    )]


def _quote(symbol: str) -> str:
    return symbol.split("/")[-1].split(":")[0]  # "BTC/USDT:USDT" (a perpetual) -> "USDT"


def _quote_fee(fee: Decimal, currency: str | None, symbol: str, price: Decimal | None) -> Decimal:
    if currency == symbol.split("/")[0] and price:
        return money(fee * price)
    return fee if currency in (None, "", _quote(symbol)) else ZERO  # paid in another coin (BNB): not ours to value


def _in_quote(fill: Fill, symbol: str) -> Fill:
    """A fee paid in the base coin, valued at the fill price (positions and PnL are in the quote)."""
    return replace(fill, fee=_quote_fee(fill.fee, fill.fee_currency, symbol, fill.price), fee_currency=_quote(symbol))
