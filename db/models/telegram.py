"""Telegram accounts and the log of every message in and out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy import text as sql_text  # the model has a column named "text"
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, created_at, json_object, pg_enum, updated_at, uuid_pk
from domain.enums import TelegramUserStatus

TELEGRAM_USER_STATUS = pg_enum(TelegramUserStatus, "telegram_user_status")

# Every notification type starts enabled; /settings turns them off one by one.
DEFAULT_NOTIFICATION_TYPES = (
    """'{"price_alerts": true, "signal_updates": true, "order_fills": true, "daily_summary": true}'::jsonb"""
)


class TelegramUser(Base):
    __tablename__ = "telegram_users"
    __table_args__ = (
        Index("idx_telegram_users_telegram_id", "telegram_id"),
        Index("idx_telegram_users_user_id", "user_id"),
        Index("idx_telegram_users_status", "status"),
        Index("idx_telegram_users_chat_id", "chat_id"),  # the message log finds a chat's account
        CheckConstraint(
            "(quiet_hours_start IS NULL AND quiet_hours_end IS NULL) OR "
            "(quiet_hours_start BETWEEN 0 AND 23 AND quiet_hours_end BETWEEN 0 AND 23)",
            name="quiet_hours_valid",
        ),
        CheckConstraint("summary_hour BETWEEN 0 AND 23", name="summary_hour_valid"),
    )

    id: Mapped[uuid_pk]
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_telegram_users_user_id")
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    username: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    language_code: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[TelegramUserStatus] = mapped_column(
        TELEGRAM_USER_STATUS, server_default=TelegramUserStatus.PENDING.value
    )
    is_bot_blocked: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("false"))
    registration_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    terms_accepted_at: Mapped[datetime | None]
    daily_message_count: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"))
    daily_command_count: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"))
    rate_limit_reset_at: Mapped[datetime | None]
    total_messages: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"))
    total_commands: Mapped[int] = mapped_column(Integer, server_default=sql_text("0"))
    # Verified = accepted the terms (the registration step of a Telegram-first user).
    is_verified: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("false"))
    verified_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]
    notifications_enabled: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("true"))
    notification_types: Mapped[dict[str, Any]] = mapped_column(
        JSONB, server_default=sql_text(DEFAULT_NOTIFICATION_TYPES)
    )
    timezone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    # Local hours [start, end) when only urgent notifications are delivered; both NULL: none.
    quiet_hours_start: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_hours_end: Mapped[int | None] = mapped_column(SmallInteger)
    urgent_notification_types: Mapped[list[str]] = mapped_column(
        JSONB, server_default=sql_text("""'["stop_loss"]'::jsonb""")
    )
    summary_hour: Mapped[int] = mapped_column(SmallInteger, server_default=sql_text("8"))
    preferred_currency: Mapped[str] = mapped_column(String(10), server_default="USDT")
    language: Mapped[str] = mapped_column(String(8), server_default="en")
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class TelegramMessage(Base):
    __tablename__ = "telegram_messages"
    __table_args__ = (
        Index("ix_telegram_messages_telegram_user_id_created_at", "telegram_user_id", "created_at"),
        Index("ix_telegram_messages_chat_id_message_id", "chat_id", "message_id"),
        CheckConstraint("direction IN ('in', 'out')", name="direction_in_or_out"),
    )

    id: Mapped[uuid_pk]
    telegram_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("telegram_users.id", ondelete="CASCADE")
    )
    ai_command_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ai_commands.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(3))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # callbacks and failed sends have none
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    # text | command | callback | photo | forward | other
    message_type: Mapped[str] = mapped_column(String(20), server_default="text")
    text: Mapped[str | None] = mapped_column(Text)
    callback_data: Mapped[str | None] = mapped_column(String(64))
    is_forwarded: Mapped[bool] = mapped_column(Boolean, server_default=sql_text("false"))
    forward_from_chat: Mapped[str | None] = mapped_column(String(255))
    extra: Mapped[json_object]
    created_at: Mapped[created_at]
    edited_at: Mapped[datetime | None]


class TelegramMessageArchive(Base):
    """Message log rows older than the configured age, moved here by housekeeping (no foreign keys:
    the archive outlives the rows it came from)."""

    __tablename__ = "telegram_messages_archive"
    __table_args__ = (Index("ix_telegram_messages_archive_chat_id_created_at", "chat_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[uuid.UUID | None]
    ai_command_id: Mapped[uuid.UUID | None]
    direction: Mapped[str] = mapped_column(String(3))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    message_type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    callback_data: Mapped[str | None] = mapped_column(String(64))
    is_forwarded: Mapped[bool] = mapped_column(Boolean)
    forward_from_chat: Mapped[str | None] = mapped_column(String(255))
    extra: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
    archived_at: Mapped[created_at]
