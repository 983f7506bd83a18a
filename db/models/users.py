"""Accounts: users, their sessions, portfolios and exchange API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import INET, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, created_at, json_object, money, updated_at, uuid_pk


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        Index("idx_users_email", "email"),
        Index("idx_users_username", "username"),
        Index("idx_users_active", "is_active"),
        Index("idx_users_created_at", "created_at"),
    )

    id: Mapped[uuid_pk]
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    is_verified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    is_admin: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    is_premium: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    two_factor_enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    two_factor_secret: Mapped[str | None] = mapped_column(String(32))
    failed_login_attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime | None]
    preferred_currency: Mapped[str] = mapped_column(String(10), server_default="USDT")
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    language: Mapped[str] = mapped_column(String(8), server_default="en")
    # Share of the portfolio a single position may take before the bot warns.
    max_position_percent: Mapped[Decimal | None] = mapped_column()
    notification_preferences: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
    last_login_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]


class UserSession(Base):
    __tablename__ = "user_sessions"
    __table_args__ = (
        Index("idx_sessions_user_id", "user_id"),
        Index("idx_sessions_token", "session_token"),
        Index("idx_sessions_expires_at", "expires_at"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Only a hash of the token is stored: a database leak must not hand out live sessions.
    session_token: Mapped[str] = mapped_column(String(255), unique=True)
    refresh_token: Mapped[str | None] = mapped_column(String(255), unique=True)
    ip_address: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)
    device_info: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None] = mapped_column(server_default=func.now())
    revoked_at: Mapped[datetime | None]


class Portfolio(Base):
    __tablename__ = "portfolios"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        Index("ix_portfolios_user_id", "user_id"),
        Index("uq_portfolios_credential_id", "credential_id", unique=True),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE", name="fk_portfolios_user_id"))
    name: Mapped[str] = mapped_column(String(100), server_default="Main")
    description: Mapped[str | None] = mapped_column(Text)
    base_currency: Mapped[str] = mapped_column(String(10), server_default="USDT")
    # "paper" or a ccxt exchange id; paper portfolios never reach a real exchange.
    exchange: Mapped[str] = mapped_column(String(50), server_default="paper")
    is_paper: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    is_default: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # The connected account a live portfolio books; None for paper (and after a disconnect).
    credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("exchange_credentials.id", ondelete="SET NULL", name="fk_portfolios_credential_id")
    )
    initial_balance: Mapped[money] = mapped_column(server_default=text("0"))
    realized_pnl: Mapped[money] = mapped_column(server_default=text("0"))
    total_fees: Mapped[money] = mapped_column(server_default=text("0"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class ExchangeCredential(Base):
    """A user's own exchange API key. Key, secret and passphrase are Fernet-encrypted."""

    __tablename__ = "exchange_credentials"
    __table_args__ = (
        UniqueConstraint("user_id", "exchange", "label"),
        Index("ix_exchange_credentials_user_id", "user_id"),
        CheckConstraint("market_type IN ('spot', 'swap')", name="market_type_known"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exchange: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(100), server_default="default")
    api_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    api_secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    passphrase_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Last characters of the key, so a user can tell keys apart without seeing them.
    key_hint: Mapped[str] = mapped_column(String(8))
    is_testnet: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    market_type: Mapped[str] = mapped_column(String(10), server_default="spot")  # spot | swap (USDT perpetuals)
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    permissions: Mapped[json_object]
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None]


class LiveTradingLimits(Base):
    """A user's brakes on live orders (paper orders are not limited)."""

    __tablename__ = "live_trading_limits"
    __table_args__ = (
        CheckConstraint("max_order_value > 0", name="max_order_value_positive"),
        CheckConstraint("confirm_above_value >= 0", name="confirm_above_value_not_negative"),
        CheckConstraint("max_leverage >= 1", name="max_leverage_at_least_one"),
        CheckConstraint("daily_loss_limit > 0", name="daily_loss_limit_positive"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    max_order_value: Mapped[money] = mapped_column(server_default=text("1000"))
    # Live orders worth more than this need a second tap.
    confirm_above_value: Mapped[money] = mapped_column(server_default=text("100"))
    max_leverage: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default=text("3"))
    # Realized losses on live accounts since 00:00 UTC beyond which new live orders are refused.
    daily_loss_limit: Mapped[money] = mapped_column(server_default=text("200"))
    updated_at: Mapped[updated_at]
