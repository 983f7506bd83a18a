"""Operations: the outbound notification queue, price alerts, the audit trail, runtime config."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, func, text
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
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class PriceAlert(Base):
    __tablename__ = "price_alerts"
    __table_args__ = (
        Index("ix_price_alerts_symbol_is_active", "symbol", "is_active"),
        Index("ix_price_alerts_telegram_user_id", "telegram_user_id"),
        CheckConstraint(f"condition IN ({ALERT_CONDITIONS})", name="condition_known"),
        CheckConstraint(
            "(condition = 'percent_change' AND percent_change IS NOT NULL AND time_window IS NOT NULL)"
            " OR (condition <> 'percent_change' AND target_price IS NOT NULL)",
            name="level_matches_condition",
        ),
    )

    id: Mapped[uuid_pk]
    telegram_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("telegram_users.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ai_command_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ai_commands.id", ondelete="SET NULL"))
    symbol: Mapped[str] = mapped_column(String(40))
    condition: Mapped[str] = mapped_column(String(20))
    target_price: Mapped[money | None]
    percent_change: Mapped[Decimal | None] = mapped_column()
    time_window: Mapped[str | None] = mapped_column(String(5))
    # Price when the alert was set: tells "reaches X" alerts which way to watch.
    reference_price: Mapped[money | None]
    note: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    repeat: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
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
