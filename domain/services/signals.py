"""Signals end to end: check a read signal against the market, follow it, execute it on the paper
spot or futures account, track it by price, apply the channel's follow-ups, report per channel.

Every tick runs in one transaction: the signal's state, its trade's orders, position, fills and
balances, and the user's notifications (deduplicated per signal and transition) land together,
so a re-run tick never announces the same transition twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from domain import futures
from domain.alerts import NotificationQueue
from domain.errors import AlreadyConfirmed, DomainError, InvalidOrder, UnknownSymbol
from domain.models import Portfolio, Wallet
from domain.numbers import ZERO, money, normalized
from domain.phrases import Phrase, Price, phrase
from domain.ports import Clock, MarketDataPort, utc_now
from domain.services.live_signals import (
    LiveEntryRefused,
    LiveExecution,
    LiveNeedsSecondTap,
    LiveSignalExecutor,
    execution_record,
)
from domain.services.portfolio import PortfolioService
from domain.channel_stats import ChannelStats, channel_stats
from domain.signal_check import SignalCheck, check_signal
from domain.signal_trade import ExecutionSettings, LegKind, SignalTrade, TradeFill, plan_trade
from domain.signals import (
    FollowedSignal,
    SignalEvent,
    SignalEventKind,
    SignalState,
    Track,
    TrackingRules,
    TradeSignal,
    accuracy,
    advance,
    favourable_move_percent,
    finish,
    result_percent,
    result_r,
    setup_strength,
)

NOTIFICATION_TYPE = "signal_update"
PAPER_EXCHANGE = "paper"


class SignalNotFound(DomainError):
    default_message = "You are not following a signal on that pair. Forward the signal post first."


class InvalidSignal(DomainError):
    default_message = "That post does not read as a complete signal (it needs a pair and a direction), e.g. 'BTC/USDT LONG Entry 61000 TP 63000 SL 59000'."


@dataclass(frozen=True, slots=True)
class UserSignalSettings:
    execution: ExecutionSettings = field(default_factory=ExecutionSettings)
    rules: TrackingRules = field(default_factory=TrackingRules)
    entry_expiry_hours: int = 48
    ask_before_follow_ups: bool = False


class SignalStore(Protocol):
    async def add(self, owner: Any, signal: TradeSignal, *, source_name: str | None, raw_text: str | None,
                  strength: Decimal, confidence: Decimal, ai_command_id: uuid.UUID | None,
                  rules: TrackingRules = ..., valid_until: datetime | None = None) -> FollowedSignal: ...
    async def get(self, owner_user_id: uuid.UUID, signal_id: uuid.UUID, *, for_update: bool = False) -> FollowedSignal | None: ...
    async def list_for(self, owner: Any) -> list[FollowedSignal]: ...
    async def active_for_symbol(self, symbol: str) -> list[tuple[FollowedSignal, Any]]: ...
    async def watched_symbols(self) -> list[str]: ...
    async def save_track(self, signal_id: uuid.UUID, track: Track, *, actual_outcome: Decimal | None = None,
                         accuracy_score: Decimal | None = None, result_r: Decimal | None = None) -> None: ...
    async def mark_executed(self, signal_id: uuid.UUID, execution: dict[str, Any], at: datetime) -> None: ...
    async def save_execution(self, signal_id: uuid.UUID, execution: dict[str, Any]) -> None: ...
    async def with_pending_follow_ups(self) -> list[tuple[uuid.UUID, uuid.UUID]]: ...
    async def latest_from_source(self, owner: Any, source_name: str | None, symbol: str) -> FollowedSignal | None: ...
    async def ended_by_source(self, owner: Any, source_name: str | None = None) -> list[FollowedSignal]: ...


class SignalTradeStore(Protocol):
    async def futures_balance(self, user_id: uuid.UUID, quote: str) -> Decimal | None: ...
    async def futures_portfolio(self, user_id: uuid.UUID, quote: str, starting_balance: Decimal) -> Portfolio: ...
    async def add(self, trade: SignalTrade, *, signal_id: uuid.UUID, user_id: uuid.UUID, portfolio_id: uuid.UUID,
                  token: str, at: datetime) -> None: ...
    async def load(self, signal_id: uuid.UUID, execution: Mapping[str, Any]) -> SignalTrade: ...
    async def save(self, trade: SignalTrade, fills: list[TradeFill], *, signal_id: uuid.UUID, user_id: uuid.UUID,
                   portfolio_id: uuid.UUID, token: str, at: datetime, mark_price: Decimal | None = None) -> None: ...


class SignalSettingsStore(Protocol):
    async def get(self, user_id: uuid.UUID) -> UserSignalSettings: ...
    async def save(self, user_id: uuid.UUID, settings: UserSignalSettings) -> None: ...


class SignalsUnitOfWork(Protocol):
    @property
    def signals(self) -> SignalStore: ...
    @property
    def signal_trades(self) -> SignalTradeStore: ...
    @property
    def signal_settings(self) -> SignalSettingsStore: ...
    @property
    def notifications(self) -> NotificationQueue: ...
    @property
    def balances(self) -> Any: ...
    @property
    def pairs(self) -> Any: ...
    @property
    def portfolios(self) -> Any: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Execution:
    followed: FollowedSignal
    trade: SignalTrade
    fills: tuple[TradeFill, ...]
    price: Decimal


@dataclass(frozen=True, slots=True)
class SignalUpdateResult:
    followed: FollowedSignal
    update: str
    message: Phrase
    changes: tuple[Phrase, ...] = ()  # what changed in the user's paper trade
    needs_confirmation: bool = False  # the user asked to approve follow-ups on executed trades


@dataclass(frozen=True, slots=True)
class SignalView:
    followed: FollowedSignal
    price: Decimal | None
    result_percent: Decimal | None  # from the real entry, no leverage
    trade: SignalTrade | None
    unrealized_pnl: Decimal | None


class SignalService:
    def __init__(
        self,
        market_data: MarketDataPort,
        portfolios: PortfolioService,
        *,
        futures_starting_balance: Decimal = Decimal(10000),
        futures_quote: str = "USDT",
        clock: Clock = utc_now,
        live: LiveSignalExecutor | None = None,
    ) -> None:
        self._market_data = market_data
        self._portfolios = portfolios
        self._live = live  # executes on connected exchange accounts; None: paper only
        self._futures_starting_balance = futures_starting_balance
        self._futures_quote = futures_quote
        self._clock = clock

    # --- the card ------------------------------------------------------------------------

    async def validate(self, uow: SignalsUnitOfWork, user_id: uuid.UUID | None, entities: Mapping[str, Any]) -> SignalCheck:
        """The card's figures: the post against the market and the user's settings."""
        signal = _read(entities)
        settings = await uow.signal_settings.get(user_id) if user_id else UserSignalSettings()
        try:
            await self._market_data.market(signal.symbol)
            price: Decimal | None = (await self._market_data.ticker(signal.symbol)).last
        except UnknownSymbol:
            price = None
        wallet = await uow.signal_trades.futures_balance(user_id, self._futures_quote) if user_id else None
        return check_signal(signal, settings.execution, price, expiry_hours=settings.entry_expiry_hours,
                            cross_wallet=self._futures_starting_balance if wallet is None else wallet)

    # --- follow and execute --------------------------------------------------------------

    async def follow(
        self, uow: SignalsUnitOfWork, owner: Any, entities: Mapping[str, Any], *, raw_text: str | None = None,
        source_name: str | None = None, confidence: float = 1.0, ai_command_id: uuid.UUID | None = None,
    ) -> FollowedSignal:
        """Track the signal by price (no trade). ``confidence``: how sure the parser was of its reading."""
        signal = _read(entities)
        followed = await self._add(uow, owner, signal, raw_text, source_name, confidence, ai_command_id)
        try:
            price = (await self._market_data.ticker(signal.symbol)).last
        except DomainError:
            price = None  # the first price the watch reads decides
        if price is not None and advance(signal, followed.track, price, self._clock(), followed.rules, placing=True):
            await uow.signals.save_track(followed.id, followed.track)
        await uow.commit()
        return followed

    async def execute(
        self, uow: SignalsUnitOfWork, owner: Any, entities: Mapping[str, Any], *, token: str,
        raw_text: str | None = None, source_name: str | None = None, confidence: float = 1.0,
        ai_command_id: uuid.UUID | None = None,
    ) -> Execution:
        """Follow the signal and place its trade on the paper account: entries, one take-profit
        per target, the stop. ``token`` (the card's) names the orders: a second tap on the same
        card raises ``AlreadyConfirmed`` and places nothing."""
        signal = _read(entities)
        settings = await uow.signal_settings.get(owner.user_id)
        market = await self._market_data.market(signal.symbol)
        price = (await self._market_data.ticker(signal.symbol)).last
        trade = plan_trade(signal, settings.execution, market, price)
        if trade.is_futures:
            portfolio = await uow.signal_trades.futures_portfolio(owner.user_id, self._futures_quote,
                                                                  self._futures_starting_balance)
        else:
            portfolio = await self._portfolios.ensure_default(uow, owner.user_id)  # type: ignore[arg-type]
        followed = await self._add(uow, owner, signal, raw_text, source_name, confidence, ai_command_id)
        now = self._clock()
        await uow.pairs.ensure(market, PAPER_EXCHANGE)
        wallet = await uow.balances.lock_wallet(portfolio.id, [market.base, market.quote])
        for leg in trade.legs_of(LegKind.ENTRY):
            if leg.price is not None:
                leg.reserved = trade.reserve_for(leg, leg.price)
                wallet[market.quote].lock(leg.reserved)  # InsufficientFunds: nothing is stored
        if not trade.legs_of(LegKind.ENTRY)[0].price:
            needed = trade.reserve_for(trade.legs_of(LegKind.ENTRY)[0], price)
            if needed > wallet[market.quote].free:
                wallet[market.quote].lock(needed)  # raises InsufficientFunds with the figures
        await uow.signal_trades.add(trade, signal_id=followed.id, user_id=owner.user_id, portfolio_id=portfolio.id,
                                    token=token, at=now)
        execution = {
            "token": token, "user_id": str(owner.user_id), "portfolio_id": str(portfolio.id), "symbol": market.symbol, "base": market.base,
            "quote": market.quote, "side": signal.side.value, "market_type": trade.market_type.value,
            "margin_mode": trade.margin_mode.value, "leverage": str(trade.leverage),
            "maker_fee": str(trade.maker_fee), "taker_fee": str(trade.taker_fee),
            "margin_per_trade": str(settings.execution.margin_per_trade),
        }
        await uow.signals.mark_executed(followed.id, execution, now)
        followed = replace(followed, execution=execution, executed_at=now)
        fills = trade.on_price(price, now, wallet, placing=True)
        track = followed.track
        advance(signal, track, price, now, followed.rules, placing=True)
        await uow.signal_trades.save(trade, fills, signal_id=followed.id, user_id=owner.user_id,
                                     portfolio_id=portfolio.id, token=token, at=now, mark_price=price)
        await uow.signals.save_track(followed.id, track)
        await uow.balances.save(portfolio.id, wallet)
        await uow.commit()
        return Execution(followed, trade, tuple(fills), price)

    async def live_accounts(self, uow: Any, user_id: uuid.UUID | None) -> list[Portfolio]:
        """The user's connected accounts a signal card offers (none without live trading)."""
        if self._live is None or user_id is None:
            return []
        return await self._live.accounts(uow, user_id)

    async def execute_live(
        self, uow: Any, owner: Any, entities: Mapping[str, Any], *, token: str, account: int, second_tap: bool,
        raw_text: str | None = None, source_name: str | None = None, confidence: float = 1.0,
        ai_command_id: uuid.UUID | None = None,
    ) -> LiveExecution | LiveNeedsSecondTap:
        """Execute on the user's ``account``-th connected futures account, with the live brakes:
        refused beyond /limits, a second tap above the user's value. The orders are named by the
        card's token, so a repeated tap raises ``AlreadyConfirmed`` and places nothing."""
        if self._live is None:
            raise InvalidOrder("Live trading is not set up on this bot: signals execute on paper.")
        signal = _read(entities)
        settings = await uow.signal_settings.get(owner.user_id)
        portfolio = await self._live.account(uow, owner.user_id, account)
        price = (await self._market_data.ticker(signal.symbol)).last
        plan = await self._live.plan(uow, portfolio, signal, settings.execution, price)
        if plan.check.needs_second_tap and not second_tap:
            return LiveNeedsSecondTap(token, account, portfolio.name, plan.trade, plan.value,
                                      plan.check.limits.confirm_above_value)
        followed = await self._add(uow, owner, signal, raw_text, source_name, confidence, ai_command_id)
        now = self._clock()
        execution = execution_record(plan, portfolio, token, settings.execution.margin_per_trade)
        await uow.signals.mark_executed(followed.id, execution, now)
        if advance(signal, followed.track, price, now, followed.rules, placing=True):
            await uow.signals.save_track(followed.id, followed.track)
        followed = replace(followed, execution=execution, executed_at=now)
        try:
            placement = await self._live.place(uow, portfolio, plan, signal_id=followed.id, token=token)
        except AlreadyConfirmed:
            raise
        except DomainError as error:  # the exchange refused the entry (stored as rejected): nothing to follow
            finish(followed.track, SignalState.CANCELLED, "cancelled", None, now)
            await uow.signals.save_track(followed.id, followed.track)
            await uow.commit()
            raise LiveEntryRefused(error.phrase) from error
        return LiveExecution(followed, plan.trade, portfolio.name, placement, price)

    async def _add(self, uow: SignalsUnitOfWork, owner: Any, signal: TradeSignal, raw_text: str | None,
                   source_name: str | None, confidence: float, ai_command_id: uuid.UUID | None) -> FollowedSignal:
        settings = await uow.signal_settings.get(owner.user_id)
        return await uow.signals.add(
            owner, signal, source_name=source_name, raw_text=raw_text, strength=setup_strength(signal),
            confidence=Decimal(str(round(min(max(confidence, 0.0), 1.0), 2))), ai_command_id=ai_command_id,
            rules=settings.rules, valid_until=self._clock() + timedelta(hours=settings.entry_expiry_hours),
        )

    # --- prices --------------------------------------------------------------------------

    async def watched_symbols(self, uow: SignalsUnitOfWork) -> list[str]:
        return await uow.signals.watched_symbols()

    async def on_price(self, uow: SignalsUnitOfWork, symbol: str, price: Decimal) -> list[tuple[FollowedSignal, SignalEvent]]:
        """Move every active signal on ``symbol`` (and its trade) by one price; notify each transition once."""
        now = self._clock()
        fired: list[tuple[FollowedSignal, SignalEvent]] = []
        for followed, owner in await uow.signals.active_for_symbol(symbol):
            track = followed.track
            events = advance(followed.signal, track, price, now, followed.rules)
            trade, fills = None, []
            if followed.execution is not None and not _is_live(followed):  # a live trade's fills come from its exchange
                trade, fills = await self._trade_tick(uow, followed, track, events, price, now)
            if not events and not fills:
                continue
            await self._save_track(uow, followed, track)
            for event in events:
                await self._notify(uow, owner, followed, track, event, trade, fills)
                fired.append((followed, event))
        await uow.commit()
        return fired

    async def _trade_tick(self, uow: SignalsUnitOfWork, followed: FollowedSignal, track: Track,
                          events: list[SignalEvent], price: Decimal, now: datetime) -> tuple[SignalTrade, list[TradeFill]]:
        execution = followed.execution
        assert execution is not None
        trade = await uow.signal_trades.load(followed.id, execution)
        portfolio_id = uuid.UUID(execution["portfolio_id"])
        wallet = await uow.balances.lock_wallet(portfolio_id, [trade.base, trade.quote])
        if track.stop is not None:
            trade.move_stop(track.stop)
        if track.state == SignalState.EXPIRED:
            trade.cancel_open(now, wallet)
            fills: list[TradeFill] = []
        else:
            fills = trade.on_price(price, now, wallet)
        if trade.liquidated and not track.is_final:
            finish(track, SignalState.CLOSED, "liquidated", trade.liquidation_price, now)
            events.append(SignalEvent(SignalEventKind.LIQUIDATED, trade.liquidation_price, level=trade.liquidation_price))
        elif track.is_final and not trade.closed:
            fills += trade.close_at_market(price, now, wallet)  # e.g. a rounding remainder
        await uow.signal_trades.save(trade, fills, signal_id=followed.id, user_id=uuid.UUID(execution["user_id"]),
                                     portfolio_id=portfolio_id, token=execution["token"], at=now, mark_price=price)
        await uow.balances.save(portfolio_id, wallet)
        return trade, fills

    async def _save_track(self, uow: SignalsUnitOfWork, followed: FollowedSignal, track: Track) -> None:
        if not track.is_final or track.exit_price is None:
            await uow.signals.save_track(followed.id, track)
            return
        signal = followed.signal
        await uow.signals.save_track(
            followed.id, track, actual_outcome=result_percent(signal, track, track.exit_price),
            accuracy_score=accuracy(signal, track), result_r=result_r(signal, track, track.exit_price),
        )

    async def _notify(self, uow: SignalsUnitOfWork, owner: Any, followed: FollowedSignal, track: Track,
                      event: SignalEvent, trade: SignalTrade | None, fills: list[TradeFill]) -> None:
        await uow.notifications.enqueue(
            owner.telegram_user_id, NOTIFICATION_TYPE, _payload(followed, track, event, trade, fills),
            user_id=owner.user_id, dedup_key=f"signal:{followed.id}:{event.kind}:{event.target_index or 0}",
        )

    # --- the user's and the channel's changes --------------------------------------------

    async def apply_update(
        self, uow: SignalsUnitOfWork, owner: Any, symbol: str, entities: Mapping[str, Any], *,
        source_name: str | None = None, confirmed: bool = False,
    ) -> SignalUpdateResult:
        """A channel's follow-up post (stop moved, breakeven, close, cancel, TP reached) applied to
        the user's latest active signal on that pair from the same channel."""
        followed = await uow.signals.latest_from_source(owner, source_name, symbol)
        if followed is None and source_name:
            followed = await uow.signals.latest_from_source(owner, None, symbol)
        if followed is None:
            raise SignalNotFound()
        update = str(entities.get("update", ""))
        settings = await uow.signal_settings.get(owner.user_id)
        changes_orders = followed.execution is not None and update in ("move_sl", "close", "cancel")
        if changes_orders and settings.ask_before_follow_ups and not confirmed:
            return SignalUpdateResult(followed, update, _describe_update(symbol, update, entities), needs_confirmation=True)
        track, signal, now = followed.track, followed.signal, self._clock()
        if update == "move_sl":
            new_stop = track.entry_price or signal.near_edge if entities.get("to_breakeven") else _decimal(entities.get("stop_loss"))
            if new_stop is None:
                raise InvalidSignal("The follow-up moves the stop but gives no price. Tell me the new stop, e.g. 'move my btc stop to 61,500'.")
            track.stop = new_stop
            changes = await self._apply_to_trade(uow, followed, lambda t, w, p: _move_stop(t, new_stop), new_stop)
            message = phrase("Stop on {symbol} moved to {price}.", symbol=symbol, price=Price(new_stop, symbol))
        elif update in ("close", "cancel"):
            price = (await self._market_data.ticker(symbol)).last
            entered = track.entry_price is not None
            state = SignalState.CLOSED if entered else SignalState.CANCELLED
            outcome = "closed" if entered else "cancelled"
            finish(track, state, outcome, price if entered else None, now)
            changes = await self._apply_to_trade(uow, followed, lambda t, w, p: _close(t, w, p, now))
            message = (phrase("{symbol} closed by the channel at about {price}.", symbol=symbol,
                              price=Price(price, symbol)) if entered
                       else phrase("{symbol} cancelled by the channel before its entry.", symbol=symbol))
        elif update in ("tp_hit", "sl_hit", "entry_filled"):
            index = entities.get("target_index")
            what = {"tp_hit": phrase("target {index} reached", index=index) if index else phrase("target reached"),
                    "sl_hit": phrase("stop hit"), "entry_filled": phrase("entry filled")}[update]
            message = phrase("The channel says {what} on {symbol}. I track it by the market price: it stands at "
                             "{state}.", what=what, symbol=symbol, state=_state_label(track, signal))
            changes = ()
        else:
            raise InvalidSignal("I could not tell what this follow-up changes. /signals shows the signals you follow; you can close one there.")
        await self._save_track(uow, followed, track)
        await uow.commit()
        return SignalUpdateResult(followed, update, message, tuple(changes))

    async def close(self, uow: SignalsUnitOfWork, owner: Any, signal_id: uuid.UUID) -> SignalUpdateResult:
        """The user's close: an executed trade is closed at market; a tracked one stops being followed."""
        followed = await uow.signals.get(owner.user_id, signal_id, for_update=True)
        if followed is None or not followed.is_active:
            raise SignalNotFound("That signal is no longer active. /signals shows the ones you follow.")
        track, now = followed.track, self._clock()
        price = (await self._market_data.ticker(followed.signal.symbol)).last
        entered = track.entry_price is not None
        finish(track, SignalState.CLOSED if entered else SignalState.CANCELLED, "closed" if entered else "cancelled",
               price if entered else None, now)
        changes = await self._apply_to_trade(uow, followed, lambda t, w, p: _close(t, w, p, now))
        await self._save_track(uow, followed, track)
        await uow.commit()
        symbol = followed.signal.symbol
        message = (phrase("{symbol}: closed at about {price}.", symbol=symbol, price=Price(price, symbol)) if entered
                   else phrase("{symbol}: no longer followed.", symbol=symbol))
        return SignalUpdateResult(followed, "close", message, tuple(changes))

    async def _apply_to_live(self, uow: Any, followed: FollowedSignal, new_stop: Decimal | None) -> list[Phrase]:
        """The change on the exchange: the stop moved (cancel and replace), or the trade closed."""
        execution = followed.execution
        assert execution is not None and self._live is not None
        portfolio = await uow.portfolios.get(uuid.UUID(execution["portfolio_id"]))
        if portfolio is None:
            return []
        account, symbol = execution["account"], execution["symbol"]
        if new_stop is not None:
            moved = await self._live.move_stop(uow, portfolio, execution, followed.id, new_stop)
            return [] if moved is None else [phrase("your stop order on {account} moved to {price}", account=account,
                                                    price=Price(new_stop, symbol))]
        closed = await self._live.close(uow, portfolio, execution, followed.id)
        if closed is None:
            return [phrase("cancelled the open orders on {account}", account=account)]
        return [phrase("closed {amount} {asset} at market on {account}", amount=closed.order.filled_quantity,
                       asset=execution["base"], account=account)]

    async def _apply_to_trade(self, uow: SignalsUnitOfWork, followed: FollowedSignal, change: Any,
                              new_stop: Decimal | None = None) -> list[Phrase]:
        execution = followed.execution
        if execution is None:
            return []
        if _is_live(followed):
            return await self._apply_to_live(uow, followed, new_stop)
        trade = await uow.signal_trades.load(followed.id, execution)
        if trade.closed:
            return []
        portfolio_id = uuid.UUID(execution["portfolio_id"])
        wallet = await uow.balances.lock_wallet(portfolio_id, [trade.base, trade.quote])
        price = (await self._market_data.ticker(trade.symbol)).last
        fills, changes = change(trade, wallet, price)
        await uow.signal_trades.save(trade, fills, signal_id=followed.id, user_id=uuid.UUID(execution["user_id"]),
                                     portfolio_id=portfolio_id, token=execution["token"], at=self._clock(),
                                     mark_price=price)
        await uow.balances.save(portfolio_id, wallet)
        return changes

    async def settings(self, uow: SignalsUnitOfWork, user_id: uuid.UUID) -> UserSignalSettings:
        return await uow.signal_settings.get(user_id)

    async def save_settings(self, uow: SignalsUnitOfWork, user_id: uuid.UUID, settings: UserSignalSettings) -> None:
        await uow.signal_settings.save(user_id, settings)
        await uow.commit()

    # --- views ---------------------------------------------------------------------------

    async def list(self, uow: SignalsUnitOfWork, owner: Any) -> list[SignalView]:
        views = []
        prices: dict[str, Decimal | None] = {}
        for followed in await uow.signals.list_for(owner):
            symbol = followed.signal.symbol
            if symbol not in prices and followed.is_active:
                try:
                    prices[symbol] = (await self._market_data.ticker(symbol)).last
                except DomainError:
                    prices[symbol] = None
            price = prices.get(symbol) if followed.is_active else followed.track.exit_price
            trade = None if followed.execution is None else await uow.signal_trades.load(followed.id, followed.execution)
            unrealized = None
            if trade is not None and price is not None and trade.size:
                unrealized = money(futures.unrealized_pnl(trade.side, trade.size, trade.entry_price, price))
            result = None if price is None else result_percent(followed.signal, followed.track, price)
            views.append(SignalView(followed, price, result, trade, unrealized))
        return views

    async def channel_stats(self, uow: SignalsUnitOfWork, owner: Any, source: str | None = None) -> list[ChannelStats]:
        settings = await uow.signal_settings.get(owner.user_id)
        grouped: dict[str, list[FollowedSignal]] = {}
        for followed in await uow.signals.ended_by_source(owner, source):
            grouped.setdefault(followed.source_name or "(pasted, no channel)", []).append(followed)
        return sorted((channel_stats(name, items, settings.execution) for name, items in grouped.items()),
                      key=lambda s: (-s.signals, s.source))


def _is_live(followed: FollowedSignal) -> bool:
    return bool(followed.execution and followed.execution.get("live"))


def _read(entities: Mapping[str, Any]) -> TradeSignal:
    try:
        return TradeSignal.from_entities(entities)
    except (ValueError, ArithmeticError) as error:
        raise InvalidSignal() from error


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _move_stop(trade: SignalTrade, stop: Decimal) -> tuple[list[TradeFill], list[Phrase]]:
    before = trade.stop.price if trade.stop is not None else None
    trade.move_stop(stop)
    if before == stop or trade.stop is None:
        return [], []
    return [], [phrase("your stop order moved from {before} to {after}", before=Price(before, trade.symbol),
                       after=Price(stop, trade.symbol)) if before is not None
                else phrase("stop set at {price}", price=Price(stop, trade.symbol))]


def _close(trade: SignalTrade, wallet: Wallet, price: Decimal, at: datetime) -> tuple[list[TradeFill], list[Phrase]]:
    open_orders = sum(1 for leg in trade.legs if leg.is_open)
    size = trade.size
    fills = trade.close_at_market(price, at, wallet)
    changes = []
    if fills:
        pnl = f"{fills[0].realized:+.2f}"  # signed, to the cent
        changes.append(phrase("closed {amount} {base} at market ({pnl} {quote})", amount=size.normalize(),
                              base=trade.base, pnl=pnl, quote=trade.quote))
    if open_orders:
        changes.append(phrase("cancelled open orders: {n}", n=open_orders))
    return fills, changes


def _describe_update(symbol: str, update: str, entities: Mapping[str, Any]) -> Phrase:
    if update == "move_sl":
        if entities.get("to_breakeven"):
            return phrase("The channel moves the stop on {symbol} to breakeven.", symbol=symbol)
        return phrase("The channel moves the stop on {symbol} to {price}.", symbol=symbol,
                      price=Price(Decimal(str(entities.get("stop_loss"))), symbol)
                      if entities.get("stop_loss") is not None else "—")
    return (phrase("The channel closes {symbol}.", symbol=symbol) if update == "close"
            else phrase("The channel cancels {symbol}.", symbol=symbol))


def _state_label(track: Track, signal: TradeSignal) -> Phrase:
    if track.state == SignalState.WAITING:
        return phrase("waiting for entry")
    if track.targets_hit:
        return phrase("TP{hit} of {total}", hit=track.targets_hit, total=len(signal.take_profits))
    return phrase("entered") if track.state == SignalState.ENTERED else Phrase(str(track.state).replace("_", " "))


def _payload(followed: FollowedSignal, track: Track, event: SignalEvent, trade: SignalTrade | None,
             fills: list[TradeFill]) -> dict[str, Any]:
    signal = followed.signal
    leverage = Decimal(followed.execution["leverage"]) if followed.execution else (signal.leverage or Decimal(1))
    move = None if track.entry_price is None else favourable_move_percent(signal.side, track.entry_price, event.price)
    r = result_r(signal, track, event.price)

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(normalized(value))

    payload: dict[str, Any] = {
        "signal_id": str(followed.id), "symbol": signal.symbol, "side": signal.side.value,
        "event": event.kind.value, "target_index": event.target_index, "targets_total": len(signal.take_profits),
        "level": text(event.level), "price": text(event.price), "entry_price": text(track.entry_price),
        "result_percent": text(None if move is None else round(move, 2)),
        "leverage": text(leverage), "leveraged_percent": text(None if move is None else round(move * leverage, 2)),
        "result_r": text(None if r is None else round(r, 2)), "new_stop": text(event.new_stop),
        "source_name": followed.source_name, "executed": trade is not None,
    }
    if trade is not None:
        related = [f for f in fills if _fill_matches(f, event)]
        payload["trade"] = {
            "fill_pnl": text(sum((f.realized for f in related), ZERO)) if related else None,
            "filled": text(sum((f.quantity for f in related), ZERO)) if related else None,
            "realized_pnl": text(trade.realized_pnl), "quote": trade.quote, "base": trade.base,
            "size_left": text(trade.size), "liquidation_price": text(trade.liquidation_price or None),
            "market_type": trade.market_type.value, "margin_mode": trade.margin_mode.value,
        }
    return payload


def _fill_matches(fill: TradeFill, event: SignalEvent) -> bool:
    if event.kind is SignalEventKind.ENTERED:
        return fill.leg is not None and fill.leg.kind is LegKind.ENTRY
    if event.kind is SignalEventKind.TARGET_HIT:
        return fill.leg is not None and fill.leg.kind is LegKind.TARGET and fill.leg.index == event.target_index
    if event.kind is SignalEventKind.STOP_HIT:
        return fill.leg is not None and fill.leg.kind is LegKind.STOP
    if event.kind is SignalEventKind.LIQUIDATED:
        return fill.leg is None
    return False
