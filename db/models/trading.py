"""Trading records: pairs, orders, fills (trades), positions and balances."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Computed, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, FeeRate, Money, created_at, money, pg_enum, updated_at, uuid_pk
from domain.enums import OrderSide, OrderSource, OrderStatus, OrderType, PositionStatus

ORDER_TYPE = pg_enum(OrderType, "order_type")
ORDER_SIDE = pg_enum(OrderSide, "order_side")
ORDER_STATUS = pg_enum(OrderStatus, "order_status")
POSITION_STATUS = pg_enum(PositionStatus, "position_status")
ORDER_SOURCES = ", ".join(f"'{s.value}'" for s in OrderSource)


class TradingPair(Base):
    __tablename__ = "trading_pairs"
    __table_args__ = (
        UniqueConstraint("symbol", "exchange", name="uq_trading_pair_exchange"),
        Index("idx_trading_pairs_symbol", "symbol"),
        Index("idx_trading_pairs_exchange", "exchange"),
        Index("idx_trading_pairs_active", "is_active"),
    )

    id: Mapped[uuid_pk]
    symbol: Mapped[str] = mapped_column(String(40))  # unified ccxt form, "BTC/USDT"
    base_currency: Mapped[str] = mapped_column(String(20))
    quote_currency: Mapped[str] = mapped_column(String(20))
    exchange: Mapped[str] = mapped_column(String(50), server_default="paper")
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    min_order_size: Mapped[money]
    max_order_size: Mapped[money | None]
    min_notional: Mapped[money | None]
    price_precision: Mapped[int] = mapped_column(Integer, server_default=text("8"))
    quantity_precision: Mapped[int] = mapped_column(Integer, server_default=text("8"))
    maker_fee: Mapped[Decimal] = mapped_column(FeeRate, server_default=text("0.001"))
    taker_fee: Mapped[Decimal] = mapped_column(FeeRate, server_default=text("0.001"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("idx_orders_user_id", "user_id"),
        Index("idx_orders_portfolio_id", "portfolio_id"),
        Index("idx_orders_status", "status"),
        Index("idx_orders_created_at", "created_at"),
        Index("idx_orders_exchange_order_id", "exchange_order_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("filled_amount >= 0 AND filled_amount <= amount", name="filled_within_amount"),
        CheckConstraint(f"source IN ({ORDER_SOURCES})", name="source_known"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE", name="fk_orders_user_id"))
    portfolio_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("portfolios.id", ondelete="CASCADE", name="fk_orders_portfolio_id")
    )
    trading_pair_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trading_pairs.id", ondelete="RESTRICT", name="fk_orders_trading_pair_id")
    )
    ai_command_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ai_commands.id", ondelete="SET NULL"))
    signal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trading_signals.id", ondelete="SET NULL"))
    exchange_order_id: Mapped[str | None] = mapped_column(String(100))
    # Sent to the exchange with the order, so that a retried request can never create a twin.
    client_order_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[OrderType] = mapped_column(ORDER_TYPE)
    side: Mapped[OrderSide] = mapped_column(ORDER_SIDE)
    status: Mapped[OrderStatus] = mapped_column(ORDER_STATUS, server_default=OrderStatus.PENDING.value)
    source: Mapped[str] = mapped_column(String(50), server_default=OrderSource.MANUAL.value)
    amount: Mapped[money]
    price: Mapped[money | None]
    stop_price: Mapped[money | None]
    trailing_percent: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    filled_amount: Mapped[money] = mapped_column(server_default=text("0"))
    # Kept by PostgreSQL itself, so no writer can forget it.
    remaining_amount: Mapped[Decimal | None] = mapped_column(Money, Computed("amount - filled_amount", persisted=True))
    average_fill_price: Mapped[money | None]
    total_fee: Mapped[money] = mapped_column(server_default=text("0"))
    fee_currency: Mapped[str | None] = mapped_column(String(20))
    time_in_force: Mapped[str] = mapped_column(String(10), server_default="GTC")
    reduce_only: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    error_message: Mapped[str | None] = mapped_column(Text)
    # Protection handed to the position when the order fills (the position keeps the live values).
    stop_loss: Mapped[money | None]
    take_profit: Mapped[money | None]
    # When a stop_limit's trigger was hit: from then on it rests as a plain limit order.
    triggered_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    submitted_at: Mapped[datetime | None]
    filled_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class Position(Base):
    __tablename__ = "positions"
    __table_args__ = (
        Index("idx_positions_user_id", "user_id"),
        Index("idx_positions_portfolio_id", "portfolio_id"),
        Index("idx_positions_status", "status"),
        Index("idx_positions_trading_pair_id", "trading_pair_id"),
        CheckConstraint("remaining_size >= 0", name="remaining_size_not_negative"),
        CheckConstraint("market_type IN ('spot', 'futures')", name="market_type_known"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    portfolio_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    trading_pair_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trading_pairs.id", ondelete="RESTRICT", name="fk_positions_trading_pair_id")
    )
    signal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trading_signals.id", ondelete="SET NULL"))
    side: Mapped[OrderSide] = mapped_column(ORDER_SIDE)
    status: Mapped[PositionStatus] = mapped_column(POSITION_STATUS, server_default=PositionStatus.OPEN.value)
    size: Mapped[money]  # everything ever opened
    remaining_size: Mapped[money]  # what is still open
    entry_price: Mapped[money]  # volume-weighted average
    exit_price: Mapped[money | None]  # volume-weighted average of the closing fills
    current_price: Mapped[money | None]
    realized_pnl: Mapped[money] = mapped_column(server_default=text("0"))
    unrealized_pnl: Mapped[money] = mapped_column(server_default=text("0"))
    total_fees: Mapped[money] = mapped_column(server_default=text("0"))
    stop_loss_price: Mapped[money | None]
    take_profit_price: Mapped[money | None]
    leverage: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default=text("1"))
    # Paper futures (USDT-margined perpetuals): isolated or cross margin and where it liquidates.
    market_type: Mapped[str] = mapped_column(String(10), server_default="spot")
    margin_mode: Mapped[str | None] = mapped_column(String(10))
    margin: Mapped[money | None]
    liquidation_price: Mapped[money | None]
    opened_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    closed_at: Mapped[datetime | None]


class Trade(Base):
    """One fill of an order."""

    __tablename__ = "trades"
    __table_args__ = (
        UniqueConstraint("order_id", "exchange_trade_id"),
        Index("ix_trades_order_id", "order_id"),
        Index("ix_trades_portfolio_id", "portfolio_id"),
        Index("ix_trades_user_id_executed_at", "user_id", "executed_at"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[uuid_pk]
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    portfolio_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    trading_pair_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trading_pairs.id", ondelete="RESTRICT"))
    position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id", ondelete="SET NULL"))
    exchange_trade_id: Mapped[str] = mapped_column(String(100))
    side: Mapped[OrderSide] = mapped_column(ORDER_SIDE)
    quantity: Mapped[money]
    price: Mapped[money]
    quote_quantity: Mapped[money]
    fee: Mapped[money] = mapped_column(server_default=text("0"))
    fee_currency: Mapped[str | None] = mapped_column(String(20))
    is_maker: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    realized_pnl: Mapped[money | None]
    executed_at: Mapped[created_at]


class Balance(Base):
    __tablename__ = "balances"
    __table_args__ = (
        UniqueConstraint("portfolio_id", "asset"),
        CheckConstraint("free >= 0", name="free_not_negative"),
        CheckConstraint("locked >= 0", name="locked_not_negative"),
    )

    id: Mapped[uuid_pk]
    portfolio_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"))
    asset: Mapped[str] = mapped_column(String(20))
    free: Mapped[money] = mapped_column(server_default=text("0"))
    # Reserved by open orders.
    locked: Mapped[money] = mapped_column(server_default=text("0"))
    updated_at: Mapped[updated_at]
