"""Orders with the user's confirmation: preview, confirm, edit a draft, close a position.

A trade is never placed on a parse alone. ``preview`` prices and checks the order and stores a
draft under a short single-use token; ``confirm`` takes the draft atomically (a second tap finds
it gone), re-checks the price and places the order. The client order id is derived from the
token and unique in the database, so even a replayed draft cannot create a second order.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from domain.enums import OrderSide, OrderSource, OrderType
from domain.errors import (
    AlreadyConfirmed,
    ConfirmationExpired,
    ConfirmationNotYours,
    DomainError,
    InsufficientFunds,
    InvalidOrder,
    PositionNotFound,
)
from domain.models import Market, Order, OrderDraft, OrderRequest, Portfolio, Position, Wallet
from domain.numbers import HUNDRED, ZERO, percent
from domain.ports import Clock, ConfirmationStore, MarketDataPort, TradingUnitOfWork, utc_now
from domain.services.live_trading import LiveVenue
from domain.services.paper_broker import OrderEvent, PaperBroker
from domain.services.portfolio import PortfolioService
from domain.services.previews import (
    OrderPreview,
    build_order,
    check_shape,
    estimate,
    executes_at_once,
    warnings_for,
)
from domain.phrases import phrase

@dataclass(frozen=True, slots=True)
class TradingPolicy:
    confirmation_ttl_seconds: int
    price_tolerance_percent: Decimal
    max_position_percent: Decimal


@dataclass(frozen=True, slots=True)
class NeedsSecondTap:
    """A live order above the user's confirmation threshold: nothing placed, the token still works."""

    token: str
    value: Decimal
    threshold: Decimal
    account: str


@dataclass(frozen=True, slots=True)
class PriceMoved:
    """Confirm found the price too far from the preview's: nothing placed, here is a new preview."""

    previous_price: Decimal
    current_price: Decimal
    moved_percent: Decimal
    preview: OrderPreview

logger = logging.getLogger(__name__)


def new_token() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, 72 random bits


class OrderService:
    def __init__(
        self,
        market_data: MarketDataPort,
        confirmations: ConfirmationStore,
        broker: PaperBroker,
        portfolios: PortfolioService,
        policy: TradingPolicy,
        *,
        clock: Clock = utc_now,
        token_factory: Callable[[], str] = new_token,
        venue: LiveVenue | None = None,
    ) -> None:
        self._market_data = market_data
        self._confirmations = confirmations
        self._broker = broker
        self._portfolios = portfolios
        self._policy = policy
        self._clock = clock
        self._new_token = token_factory
        self._venue = venue  # connected exchange accounts; without it every order is paper

    async def preview(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID, request: OrderRequest, portfolio_id: uuid.UUID | None = None
    ) -> OrderPreview:
        """Price and check an order and keep it as a draft awaiting :meth:`confirm`; on the paper
        portfolio unless ``portfolio_id`` names one of the user's live accounts."""
        check_shape(request)
        portfolio = await self._portfolio(uow, user_id, portfolio_id)
        return await self._draft(uow, portfolio, request)

    async def move_draft(
        self, uow: TradingUnitOfWork, token: str, user_id: uuid.UUID, portfolio_id: uuid.UUID | None
    ) -> OrderPreview:
        """The same draft on another account (paper when ``portfolio_id`` is None); the old token stops working."""
        draft = await self._verify(token, user_id)
        if draft.position_id is not None:
            raise InvalidOrder("This card closes a position on its own account; it cannot move to another one.")
        portfolio = await self._portfolio(uow, user_id, portfolio_id)
        preview = await self._draft(uow, portfolio, draft.request)
        await self._take(token)
        return preview

    async def _portfolio(self, uow: TradingUnitOfWork, user_id: uuid.UUID, portfolio_id: uuid.UUID | None) -> Portfolio:
        if portfolio_id is None:
            return await self._portfolios.ensure_default(uow, user_id)
        portfolio = await uow.portfolios.get(portfolio_id)
        if portfolio is None or portfolio.user_id != user_id or (not portfolio.is_paper and self._venue is None):
            raise InvalidOrder("That account is not available. /accounts lists yours.")
        if not portfolio.is_paper and portfolio.credential_id is None:
            raise InvalidOrder("That exchange account was disconnected. Connect it again with /connect.")
        return portfolio

    async def preview_close(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str, percent_to_close: Decimal = HUNDRED,
        source: OrderSource = OrderSource.MANUAL, ai_command_id: uuid.UUID | None = None,
        portfolio_id: uuid.UUID | None = None,
    ) -> OrderPreview:
        """A draft closing ``percent_to_close`` of the open position on ``symbol`` at market (a
        sell for a long, a buy back for a short): in ``portfolio_id``, or the paper portfolio's,
        else the one on a connected account."""
        if not ZERO < percent_to_close <= HUNDRED:
            raise InvalidOrder("Say how much to close, between 1% and 100%.")
        portfolio, position = await self._position_to_close(uow, user_id, symbol, portfolio_id)
        market = await self._market(uow, portfolio, symbol)
        amount = market.round_amount(position.quantity * percent_to_close / HUNDRED)
        side = OrderSide.SELL if position.side is OrderSide.BUY else OrderSide.BUY
        request = OrderRequest(symbol, side, OrderType.MARKET, amount=amount, reduce_only=True,
                               source=source, ai_command_id=ai_command_id)
        return await self._draft(uow, portfolio, request, position.id)

    async def _position_to_close(
        self, uow: TradingUnitOfWork, user_id: uuid.UUID, symbol: str, portfolio_id: uuid.UUID | None
    ) -> tuple[Portfolio, Position]:
        if portfolio_id is not None:
            candidates = [await self._portfolio(uow, user_id, portfolio_id)]
        else:
            candidates = [await self._portfolios.ensure_default(uow, user_id)]
            if self._venue is not None:
                candidates += await uow.live.portfolios(user_id)
        for portfolio in candidates:
            position = await uow.positions.open_for(portfolio.id, symbol)
            if position is not None:
                return portfolio, position
        raise PositionNotFound(phrase("You have no open {symbol} position.", symbol=symbol))

    async def edit_draft(
        self,
        uow: TradingUnitOfWork,
        token: str,
        user_id: uuid.UUID,
        *,
        amount: Decimal | None = None,
        quote_amount: Decimal | None = None,
        price: Decimal | None = None,
        stop_price: Decimal | None = None,
    ) -> OrderPreview:
        """Replace a draft by one with a new size or price; the old token stops working."""
        draft = await self._verify(token, user_id)
        request = draft.request
        if amount is not None or quote_amount is not None:
            request = replace(request, amount=amount, quote_amount=quote_amount, percent_of_balance=None)
        if price is not None:
            request = replace(request, price=price)
        if stop_price is not None:
            request = replace(request, stop_price=stop_price)
        check_shape(request)
        portfolio = await self._portfolio(uow, user_id, draft.portfolio_id)
        preview = await self._draft(uow, portfolio, request, draft.position_id)
        await self._take(token)
        return preview

    async def confirm(
        self, uow: TradingUnitOfWork, token: str, user_id: uuid.UUID, *, second_tap: bool = False
    ) -> OrderEvent | PriceMoved | NeedsSecondTap:
        """Place the drafted order, once. Raises ``ConfirmationNotYours`` (token left usable),
        ``ConfirmationExpired``, ``AlreadyConfirmed``, ``InsufficientFunds`` (the order is kept
        as rejected) or ``InvalidOrder``/``PositionNotFound`` when the draft no longer applies.
        A live order beyond the user's limits raises ``LiveLimitExceeded``; one above the
        confirmation threshold returns ``NeedsSecondTap`` until confirmed with ``second_tap``."""
        draft = await self._verify(token, user_id)
        # Prices first: if they cannot be read, the token is still there for another tap.
        portfolio = await self._portfolio(uow, user_id, draft.portfolio_id)
        market = await self._market(uow, portfolio, draft.request.symbol)
        price = (await self._market_data.ticker(market.symbol)).last
        if not portfolio.is_paper:
            assert self._venue is not None  # _portfolio refuses live portfolios without a venue
            check = await self._venue.check(uow, user_id, draft.quantity * (draft.request.price or price))
            if check.needs_second_tap and not second_tap:
                return NeedsSecondTap(token, check.value, check.limits.confirm_above_value, portfolio.name)
        await self._take(token)
        try:
            return await self._place(uow, draft, market, price, portfolio)
        except DomainError:
            raise  # refused for a reason the user is told; a rejected order is stored and committed
        except Exception:
            if portfolio.is_paper:
                # A paper order is one transaction: a failure before its commit (the database
                # went away...) stored nothing, so the draft is given back for another tap; the
                # order's unique client id forbids a second order. A live one may have reached
                # the exchange: reconciliation settles it, the token stays used.
                await self._give_back(draft)
            raise

    async def _place(
        self, uow: TradingUnitOfWork, draft: OrderDraft, market: Market, price: Decimal, portfolio: Portfolio
    ) -> OrderEvent | PriceMoved:
        order = build_order(draft.request, market, user_id=draft.user_id, portfolio_id=portfolio.id, token=draft.token,
                            at=self._clock())
        order.quantity = draft.quantity
        moved = abs(percent(price - draft.reference_price, draft.reference_price))
        if executes_at_once(order, price) and moved > self._policy.price_tolerance_percent:
            preview = await self._draft(uow, portfolio, draft.request, draft.position_id)
            return PriceMoved(draft.reference_price, price, moved, preview)
        if not portfolio.is_paper:
            assert self._venue is not None
            return await self._venue.place(uow, portfolio, order, market)
        await uow.pairs.ensure(market, portfolio.exchange)
        # Lock order: the orders a close may cancel, then the wallet (see the repositories).
        open_sells = await self._open_sells(uow, portfolio, market, draft)
        wallet = await uow.balances.lock_wallet(portfolio.id, [market.base, market.quote])
        if draft.position_id is not None:
            await self._make_room_to_close(uow, draft, order, market, wallet, open_sells)
        try:
            event = await self._broker.place(uow, order, market, wallet, price)
        except InsufficientFunds:
            await uow.balances.save(portfolio.id, wallet)
            await uow.commit()  # keep the rejected order and its audit row
            raise
        await uow.balances.save(portfolio.id, wallet)
        await uow.commit()
        return event

    async def _give_back(self, draft: OrderDraft) -> None:
        seconds_left = int((draft.expires_at - self._clock()).total_seconds())
        if seconds_left <= 0:
            return
        try:
            await self._confirmations.give_back(draft, seconds_left)
        except Exception:  # noqa: BLE001 - the original failure is the one to report
            logger.warning("draft %s could not be given back after a failed confirm", draft.token, exc_info=True)

    async def _verify(self, token: str, user_id: uuid.UUID) -> OrderDraft:
        """The user's live draft under ``token``, left in place."""
        draft = await self._confirmations.peek(token)
        if draft is None:
            raise AlreadyConfirmed() if await self._confirmations.was_taken(token) else ConfirmationExpired()
        if draft.user_id != user_id:
            raise ConfirmationNotYours()
        if self._clock() >= draft.expires_at:
            raise ConfirmationExpired()
        return draft

    async def _take(self, token: str) -> None:
        """Use the token up: of two concurrent takers only one gets past this."""
        if await self._confirmations.take(token) is None:
            raise AlreadyConfirmed()

    async def _draft(
        self, uow: TradingUnitOfWork, portfolio: Portfolio, request: OrderRequest, position_id: uuid.UUID | None = None
    ) -> OrderPreview:
        market = await self._market(uow, portfolio, request.symbol)
        price = (await self._market_data.ticker(market.symbol)).last
        balance_list = await uow.balances.list(portfolio.id)
        balances = {b.asset: b for b in balance_list}
        token, now = self._new_token(), self._clock()
        order = build_order(request, market, user_id=portfolio.user_id, portfolio_id=portfolio.id, token=token, at=now)
        figures = estimate(self._broker.engine, request, order, market, price, balances)
        position = await uow.positions.open_for(portfolio.id, market.symbol)
        total_value = (await self._portfolios.total_value(uow, portfolio, balance_list)
                       if order.side is OrderSide.BUY else ZERO)
        warnings, share = warnings_for(figures, market, position, total_value, self._policy.max_position_percent)
        expires_at = now + timedelta(seconds=self._policy.confirmation_ttl_seconds)
        draft = OrderDraft(token, portfolio.user_id, portfolio.id, request, order.quantity, price, now, expires_at,
                           position_id)
        await self._confirmations.put(draft, self._policy.confirmation_ttl_seconds)
        return OrderPreview(
            token=token,
            expires_at=expires_at,
            symbol=market.symbol,
            side=order.side,
            order_type=order.order_type,
            amount=order.quantity,
            price=order.price,
            stop_price=order.stop_price,
            trailing_percent=order.trailing_percent,
            stop_loss=order.stop_loss,
            take_profit=order.take_profit,
            market_price=price,
            estimated_price=figures.price,
            estimated_cost=figures.cost,
            estimated_fee=figures.fee,
            base_asset=market.base,
            quote_asset=market.quote,
            base_balance_after=figures.base_after,
            quote_balance_after=figures.quote_after,
            position_share_percent=share,
            warnings=warnings,
            closes_position=position_id is not None,
            live_account=None if portfolio.is_paper else portfolio.name,
        )

    async def _market(self, uow: TradingUnitOfWork, portfolio: Portfolio, symbol: str) -> Market:
        """The market the order goes to: a live account's own (its steps and minimums: spot and
        perpetuals differ on one exchange), else the market data's."""
        if portfolio.is_paper or self._venue is None:
            return await self._market_data.market(symbol)
        return await self._venue.market(uow, portfolio, symbol)

    async def _open_sells(
        self, uow: TradingUnitOfWork, portfolio: Portfolio, market: Market, draft: OrderDraft
    ) -> list[Order]:
        if draft.position_id is None:
            return []
        orders = await uow.orders.list_open(portfolio.id, market.symbol, for_update=True)
        return [o for o in orders if o.side is OrderSide.SELL]

    async def _make_room_to_close(
        self, uow: TradingUnitOfWork, draft: OrderDraft, order: Order, market: Market, wallet: Wallet,
        open_sells: list[Order],
    ) -> None:
        """Size a close to what is still held, cancelling resting sells that hold the coins."""
        position = await uow.positions.open_for(draft.portfolio_id, market.symbol, for_update=True)
        if position is None or position.id != draft.position_id:
            raise PositionNotFound(phrase("Your {symbol} position is already closed.", symbol=market.symbol))
        order.quantity = min(order.quantity, position.quantity)
        if wallet[market.base].free < order.quantity:
            for sell in open_sells:
                await self._broker.cancel(uow, sell, market, wallet, order.created_at)
