"""The composition root builds working services from plain values."""

from __future__ import annotations

from decimal import Decimal as D

from cryptography.fernet import Fernet
from sqlalchemy import text

from db.trading_services import build_trading_services
from domain.enums import OrderSide
from domain.models import OrderRequest


async def test_built_services_trade_on_the_simulated_market(session_factory, redis_client):
    services = build_trading_services(session_factory=session_factory, redis=redis_client,
                                      paper_starting_balance=D("5000"), encryption_key=Fernet.generate_key().decode())
    async with session_factory() as session:
        user = (await session.execute(text("insert into users (username) values ('carol') returning id"))).scalar()
        await session.commit()
    async with services.uow_factory() as uow:
        preview = await services.orders.preview(uow, user, OrderRequest("ETH/USDT", OrderSide.BUY, quote_amount=D("100")))
    async with services.uow_factory() as uow:
        event = await services.orders.confirm(uow, preview.token, user)
    assert event.order.filled_quantity == preview.amount
    async with services.uow_factory() as uow:
        summary = await services.portfolios.summary(uow, user)
        assert await services.monitor.watched_symbols(uow) == []  # filled at once, no stop to watch
    assert summary.portfolio.initial_balance == D("5000") and services.accounts is not None
    assert await services.analysis.current_price("ETH/USDT") == (await services.market_data.ticker("ETH/USDT")).last
    assert await redis_client.exists("cache:market_data:ETH/USDT")
    await services.close()
