"""What the NLP layer understood, what the bot answered, signals and market analyses."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Score, created_at, json_object, money, pg_enum, updated_at, uuid_pk
from domain.enums import CommandStatus, CommandType, SignalSource, SignalType

COMMAND_TYPE = pg_enum(CommandType, "command_type")
COMMAND_STATUS = pg_enum(CommandStatus, "command_status")
SIGNAL_TYPE = pg_enum(SignalType, "signal_type")
SIGNAL_SOURCE = pg_enum(SignalSource, "signal_source")


class AICommand(Base):
    __tablename__ = "ai_commands"
    __table_args__ = (
        Index("idx_ai_commands_user_id", "user_id"),
        Index("idx_ai_commands_telegram_user_id", "telegram_user_id"),
        Index("idx_ai_commands_status", "status"),
        Index("idx_ai_commands_type", "command_type"),
        Index("idx_ai_commands_created_at", "created_at"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    telegram_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("telegram_users.id", ondelete="CASCADE")
    )
    command_type: Mapped[CommandType] = mapped_column(COMMAND_TYPE)
    status: Mapped[CommandStatus] = mapped_column(COMMAND_STATUS, server_default=CommandStatus.PENDING.value)
    input_text: Mapped[str] = mapped_column(Text)
    processed_input: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    detected_intent: Mapped[str | None] = mapped_column(String(100))
    extracted_entities: Mapped[json_object]
    confidence_score: Mapped[Decimal | None] = mapped_column(Score)
    processing_time_ms: Mapped[int | None] = mapped_column(Integer)
    model_version: Mapped[str | None] = mapped_column(String(100))
    context_data: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    parameters: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]


class AIResponse(Base):
    __tablename__ = "ai_responses"
    __table_args__ = (Index("idx_ai_responses_command_id", "command_id"),)

    id: Mapped[uuid_pk]
    command_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_commands.id", ondelete="CASCADE", name="fk_ai_responses_command_id")
    )
    # text | confirmation | clarification | error
    response_type: Mapped[str] = mapped_column(String(30), server_default="text")
    response_text: Mapped[str] = mapped_column(Text)
    response_data: Mapped[json_object]
    model_version: Mapped[str | None] = mapped_column(String(100))
    tokens_used: Mapped[int | None] = mapped_column(Integer)
    processing_time_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[created_at]


class TradingSignal(Base):
    __tablename__ = "trading_signals"
    __table_args__ = (
        Index("idx_trading_signals_symbol", "symbol"),
        Index("idx_trading_signals_user_id", "user_id"),
        Index("idx_trading_signals_trading_pair_id", "trading_pair_id"),
        Index("idx_trading_signals_signal_type", "signal_type"),
        Index("idx_trading_signals_active", "is_active"),
        Index("idx_trading_signals_created_at", "created_at"),
        Index("idx_trading_signals_source_name", "source_name"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    trading_pair_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trading_pairs.id", ondelete="RESTRICT"))
    ai_command_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_commands.id", ondelete="SET NULL", name="fk_trading_signals_command_id")
    )
    symbol: Mapped[str] = mapped_column(String(40))
    signal_type: Mapped[SignalType] = mapped_column(SIGNAL_TYPE)
    source: Mapped[SignalSource] = mapped_column(SIGNAL_SOURCE)
    # Channel or author the signal came from (forwarded posts).
    source_name: Mapped[str | None] = mapped_column(String(255))
    strength: Mapped[Decimal] = mapped_column(Score)
    confidence: Mapped[Decimal] = mapped_column(Score)
    entry_low: Mapped[money | None]
    entry_high: Mapped[money | None]
    target_price: Mapped[money | None]
    stop_loss_price: Mapped[money | None]
    take_profit_price: Mapped[money | None]
    # Every entry price (zone ends, DCA entries) ascending, and every take-profit level in the
    # order written, as decimal strings (JSON has no decimal type).
    entry_prices: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    take_profit_levels: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # Tracking of a followed signal: how many targets the price has reached so far.
    targets_hit: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    leverage: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    raw_text: Mapped[str | None] = mapped_column(Text)
    reasoning: Mapped[str | None] = mapped_column(Text)
    technical_indicators: Mapped[json_object]
    sentiment_data: Mapped[json_object]
    market_conditions: Mapped[json_object]
    valid_until: Mapped[datetime | None]
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    # How it ended: tp1_hit, all_targets, sl_hit, closed, cancelled, expired.
    outcome: Mapped[str | None] = mapped_column(String(30))
    # The price move in the signal's favour when it ended, in percent (no leverage).
    actual_outcome: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    accuracy_score: Mapped[Decimal | None] = mapped_column(Score)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    executed_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    # The tracking state machine: waiting_for_entry, entered, tp1..tpN, closed, cancelled, expired.
    state: Mapped[str] = mapped_column(String(20), server_default="waiting_for_entry")
    entered_at: Mapped[datetime | None]
    entry_fill_price: Mapped[money | None]  # where the entry was actually reached
    closed_at: Mapped[datetime | None]
    exit_price: Mapped[money | None]
    result_r: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))  # the result in multiples of the risk
    # The user's rules when it was followed (move stop to entry after TP1, trailing).
    tracking_rules: Mapped[json_object]
    # Set when the user executed it: market type, margin mode, leverage, portfolio.
    execution: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class SignalSettings(Base):
    """How a user executes and tracks signals; a missing row means the defaults."""

    __tablename__ = "signal_settings"
    __table_args__ = (
        CheckConstraint("margin_mode IN ('isolated', 'cross')", name="margin_mode_known"),
        CheckConstraint("margin_per_trade > 0", name="margin_per_trade_positive"),
        CheckConstraint("max_leverage >= 1 AND max_leverage <= 125", name="max_leverage_range"),
        CheckConstraint("entry_expiry_hours > 0", name="entry_expiry_positive"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    margin_per_trade: Mapped[money] = mapped_column(server_default=text("100"))
    max_leverage: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default=text("20"))
    margin_mode: Mapped[str] = mapped_column(String(10), server_default="isolated")
    split_entries: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    target_split: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    move_stop_to_entry_after_tp1: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    trail_after_target: Mapped[int | None] = mapped_column(Integer)
    entry_expiry_hours: Mapped[int] = mapped_column(Integer, server_default=text("48"))
    ask_before_follow_ups: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class MarketAnalysis(Base):
    __tablename__ = "market_analysis"
    __table_args__ = (
        Index("ix_market_analysis_symbol_timeframe_created_at", "symbol", "timeframe", "created_at"),
    )

    id: Mapped[uuid_pk]
    trading_pair_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("trading_pairs.id", ondelete="CASCADE")
    )
    ai_command_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ai_commands.id", ondelete="SET NULL"))
    symbol: Mapped[str] = mapped_column(String(40))
    timeframe: Mapped[str | None] = mapped_column(String(5))
    # technical | overview | sentiment | news | risk
    analysis_type: Mapped[str] = mapped_column(String(30))
    price_at_analysis: Mapped[money | None]
    trend: Mapped[str | None] = mapped_column(String(20))
    indicators: Mapped[json_object]
    support_levels: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    resistance_levels: Mapped[list[Any]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime | None]
