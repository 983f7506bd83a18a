"""Operations: the outbound notification queue, price alerts, the audit trail, runtime config."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, created_at, json_object, money, updated_at, uuid_pk
from domain.enums import AlertCondition, NotificationStatus

NOTIFICATION_STATUSES = ", ".join(f"'{s.value}'" for s in NotificationStatus)
ALERT_CONDITIONS = ", ".join(f"'{c.value}'" for c in AlertCondition)


class Notification(Base):
    """A durable outbound message: written in the same transaction as its cause, sent later."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notifications_telegram_user_id", "telegram_user_id"),
        Index("ix_notifications_status_lease_expires_at", "status", "lease_expires_at"),
        Index("ix_notifications_sent_at", "sent_at"),
        CheckConstraint(f"status IN ({NOTIFICATION_STATUSES})", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[uuid_pk]
    telegram_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("telegram_users.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # price_alert | signal_update | order_fill | daily_summary | system
    notification_type: Mapped[str] = mapped_column(String(30))
    payload: Mapped[json_object]
    # Keeps a repeated trigger (a re-run job, a retried fill) from queueing the same message twice.
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), server_default=NotificationStatus.PENDING.value)
    priority: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    max_attempts: Mapped[int] = mapped_column(Integer, server_default=text("5"))
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    # The sender holding a row in 'sending', until when; a lapsed lease means that sender died.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    # Long texts go out in parts: a resumed send starts after the last part Telegram accepted.
    parts_sent: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class NotificationAttempt(Base):
    """One try at sending one part of a notification, and how it ended (NULL while in flight)."""

    __tablename__ = "notification_attempts"
    __table_args__ = (Index("ix_notification_attempts_notification_id", "notification_id"),)

    id: Mapped[uuid_pk]
    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(Integer)
    part: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    worker: Mapped[str] = mapped_column(String(64))
    # sent | retry_after | server_error | network | forbidden | bad_request | held | abandoned
    outcome: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    retry_after: Mapped[int | None] = mapped_column(Integer)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[created_at]
    finished_at: Mapped[datetime | None]


class PriceAlert(Base):
    __tablename__ = "price_alerts"
    __table_args__ = (
        Index("ix_price_alerts_symbol_is_active", "symbol", "is_active"),
        Index("ix_price_alerts_telegram_user_id", "telegram_user_id"),
        CheckConstraint(f"condition IN ({ALERT_CONDITIONS})", name="condition_known"),
        Index("ix_price_alerts_updated_at", "updated_at"),
        CheckConstraint(
            "(kind = 'move' AND condition = 'percent_change' AND percent_change IS NOT NULL AND time_window IS NOT NULL)"
            " OR (kind = 'price' AND condition IN ('above', 'below') AND target_price IS NOT NULL)"
            " OR (kind = 'indicator' AND condition IN ('above', 'below') AND indicator IS NOT NULL"
            " AND timeframe IS NOT NULL)",
            name="level_matches_condition",
        ),
        CheckConstraint("kind IN ('price', 'move', 'indicator')", name="kind_known"),
        CheckConstraint("cooldown_seconds >= 0", name="cooldown_not_negative"),
    )

    id: Mapped[uuid_pk]
    telegram_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("telegram_users.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ai_command_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ai_commands.id", ondelete="SET NULL"))
    symbol: Mapped[str] = mapped_column(String(40))
    # price (a level) | move (percent in a window) | indicator (on a candle timeframe)
    kind: Mapped[str] = mapped_column(String(10), server_default="price")
    condition: Mapped[str] = mapped_column(String(20))
    # The level: a price, or the indicator's value (RSI 70); MACD/MA/Bollinger alerts have none.
    target_price: Mapped[money | None]
    percent_change: Mapped[Decimal | None] = mapped_column()
    time_window: Mapped[str | None] = mapped_column(String(5))
    # Price when the alert was set: tells "reaches X" alerts which way to watch.
    reference_price: Mapped[money | None]
    note: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    repeat: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    indicator: Mapped[str | None] = mapped_column(String(12))  # rsi | macd | ema | sma | bollinger
    timeframe: Mapped[str | None] = mapped_column(String(5))
    indicator_period: Mapped[int | None] = mapped_column(Integer)
    cooldown_seconds: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # A repeating alert re-arms only after the price moved back this far past its level.
    hysteresis_percent: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    expires_at: Mapped[datetime | None]
    armed: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    trigger_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    triggered_at: Mapped[datetime | None]
    triggered_price: Mapped[money | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class AuditLog(Base):
    __tablename__ = "audit_logs"
    __table_args__ = (
        Index("ix_audit_logs_entity_type_entity_id", "entity_type", "entity_id"),
        Index("ix_audit_logs_user_id", "user_id"),
        Index("ix_audit_logs_created_at", "created_at"),
    )

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    telegram_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("telegram_users.id", ondelete="SET NULL")
    )
    # user | system | scheduler | admin
    actor: Mapped[str] = mapped_column(String(20), server_default="user")
    action: Mapped[str] = mapped_column(String(60))  # e.g. order.created, order.filled
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None]
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    details: Mapped[json_object]
    created_at: Mapped[created_at]


class SystemConfig(Base):
    __tablename__ = "system_config"

    id: Mapped[uuid_pk]
    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[Any] = mapped_column(JSONB)
    description: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
