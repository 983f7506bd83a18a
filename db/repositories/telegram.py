"""Telegram accounts and the message log. Repositories never commit: the unit of work does."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger, Boolean, DateTime, Integer, String, Text, Uuid, bindparam, case, cast, func, literal, select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TelegramMessage, TelegramUser
from db.repositories.batch import arrays, unnest
from db.single_statement import run_alone
from domain.enums import MessageDirection, TelegramUserStatus


@dataclass(frozen=True)
class DailyUsage:
    messages: int
    commands: int
    resets_at: datetime


@dataclass(frozen=True)
class DailyStep:
    """One more message (a command when ``is_command``) today; today ends at ``next_reset``."""

    is_command: bool
    now: datetime
    next_reset: datetime


class TelegramUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, telegram_user_id: uuid.UUID) -> TelegramUser | None:
        return await self._session.get(TelegramUser, telegram_user_id)

    async def get_by_telegram_id(self, telegram_id: int) -> TelegramUser | None:
        return await self._session.scalar(select(TelegramUser).where(TelegramUser.telegram_id == telegram_id))

    async def get_by_registration_code(self, code: str) -> TelegramUser | None:
        return await self._session.scalar(select(TelegramUser).where(TelegramUser.registration_code == code))

    async def upsert_profile(
        self,
        *,
        telegram_id: int,
        chat_id: int,
        username: str | None,
        first_name: str | None,
        last_name: str | None,
        language_code: str | None,
        language: str | None = None,
        count: DailyStep | None = None,
    ) -> TelegramUser:
        """The account of whoever just wrote: created ``pending`` on first contact, profile refreshed.

        One statement, so two first messages arriving together cannot create two rows. Writing
        to the bot also proves it is no longer blocked. ``language`` is the language a new account
        starts with (from Telegram's ``language_code``); afterwards only /settings changes it.
        With ``count``, the update is also added to today's counters (as ``count_daily_usage``
        does) in the same statement: one round trip and one commit per update instead of two.
        Runs for every update: a Core statement built once (see ``_UPSERT_PROFILE``).
        """
        parameters = {
            "telegram_id": telegram_id, "chat_id": chat_id, "username": username, "first_name": first_name,
            "last_name": last_name, "language_code": language_code,
            **({"language": language} if language else {}),
            **({"now": count.now, "step": int(count.is_command), "next_reset": count.next_reset} if count else {}),
        }
        (row,) = await run_alone(self._session, _UPSERT_PROFILE[bool(language), count is not None], parameters)
        return TelegramUser(**row)  # a record of the row, not tracked by the session

    async def mark_blocked(self, chat_id: int) -> None:
        await self._session.execute(
            update(TelegramUser).where(TelegramUser.chat_id == chat_id).values(is_bot_blocked=True)
        )

    async def is_blocked(self, chat_id: int) -> bool:
        blocked = await self._session.scalar(
            select(TelegramUser.is_bot_blocked).where(TelegramUser.chat_id == chat_id)
        )
        return bool(blocked)

    async def count_daily_usage(
        self, telegram_user_id: uuid.UUID, *, is_command: bool, now: datetime, next_reset: datetime
    ) -> DailyUsage:
        """Add one message (or command) to today's counters, starting a new day once reset time passed."""
        parameters = {"account_id": telegram_user_id, "now": now, "step": int(is_command), "next_reset": next_reset}
        (row,) = await run_alone(self._session, _COUNT_DAILY_USAGE, parameters)
        return DailyUsage(row["daily_message_count"], row["daily_command_count"], row["rate_limit_reset_at"])

    async def count_by_status(self) -> dict[TelegramUserStatus, int]:
        rows = await self._session.execute(
            select(TelegramUser.status, func.count()).group_by(TelegramUser.status)
        )
        return {status: count for status, count in rows}

    async def count_blocked(self) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(TelegramUser).where(TelegramUser.is_bot_blocked.is_(True))
        ) or 0


# Statements of every update, built once: building and caching an ORM statement per call was a
# large share of the bot's CPU under load (py-spy).
_USERS = TelegramUser.__table__
_PROFILE = ("chat_id", "username", "first_name", "last_name", "language_code")


def _upsert_profile(with_language: bool, counting: bool) -> Any:
    columns = ("telegram_id", *_PROFILE, *(("language",) if with_language else ()))
    values: dict[str, Any] = {name: bindparam(name) for name in columns}
    counters: dict[str, Any] = {}
    if counting:  # a new account's first day starts now
        values.update(daily_message_count=1, daily_command_count=_STEP, rate_limit_reset_at=_NEXT_RESET)
        counters = _daily_step()
    statement = insert(_USERS).values(values)
    return statement.on_conflict_do_update(
        index_elements=[_USERS.c.telegram_id],
        set_={
            **{name: statement.excluded[name] for name in _PROFILE}, "is_bot_blocked": False, "updated_at": func.now(),
            **counters,
        },
    ).returning(*_USERS.c)


_MESSAGES = TelegramMessage.__table__
_NOW = bindparam("now", type_=DateTime(timezone=True))
_STEP = bindparam("step", type_=Integer)
_NEXT_RESET = bindparam("next_reset", type_=DateTime(timezone=True))


def _daily_step() -> dict[str, Any]:
    """One message (or command, ``step`` 1) more today; a new day once ``rate_limit_reset_at`` passed."""
    new_day = _USERS.c.rate_limit_reset_at.is_(None) | (_USERS.c.rate_limit_reset_at <= _NOW)
    return {
        "daily_message_count": case((new_day, 1), else_=_USERS.c.daily_message_count + 1),
        "daily_command_count": case((new_day, _STEP), else_=_USERS.c.daily_command_count + _STEP),
        "rate_limit_reset_at": case((new_day, _NEXT_RESET), else_=_USERS.c.rate_limit_reset_at),
    }


_UPSERT_PROFILE = {
    (with_language, counting): _upsert_profile(with_language, counting)
    for with_language in (False, True) for counting in (False, True)
}


def _count_daily_usage() -> Any:
    return (
        update(_USERS)
        .where(_USERS.c.id == bindparam("account_id"))
        .values(_daily_step())
        .returning(_USERS.c.daily_message_count, _USERS.c.daily_command_count, _USERS.c.rate_limit_reset_at)
    )


_COUNT_DAILY_USAGE = _count_daily_usage()

# The columns a log row may set (telegram_messages).
LOGGED_FIELDS = {
    "telegram_user_id": Uuid(), "ai_command_id": Uuid(), "direction": String(), "chat_id": BigInteger(),
    "message_id": BigInteger(), "update_id": BigInteger(), "message_type": String(), "text": Text(),
    "callback_data": String(), "is_forwarded": Boolean(), "forward_from_chat": String(), "extra": Text(),
    "created_at": DateTime(timezone=True), "edited_at": DateTime(timezone=True),
}
_LOGGED = tuple(LOGGED_FIELDS)


def logged_values(row: dict[str, Any]) -> tuple[Any, ...]:
    extra = row.get("extra")
    return tuple(
        json.dumps(extra) if name == "extra" and extra is not None
        else bool(row.get(name)) if name == "is_forwarded"
        else row.get(name)
        for name in _LOGGED
    )


def _insert_logged() -> Any:
    """INSERT ... SELECT from the batch's arrays: one statement whatever the batch; a row's account
    found by its chat when the writer did not know it (outgoing messages)."""
    batch = unnest("batch", **LOGGED_FIELDS)
    by_chat = select(_USERS.c.id).where(_USERS.c.chat_id == batch.c.chat_id).limit(1).scalar_subquery()
    columns = {name: batch.c[name] for name in _LOGGED}
    columns.update(
        telegram_user_id=func.coalesce(batch.c.telegram_user_id, by_chat),
        extra=func.coalesce(cast(batch.c.extra, JSONB), cast(literal("{}"), JSONB)),
        created_at=func.coalesce(batch.c.created_at, func.now()),
    )
    return insert(_MESSAGES).from_select(list(columns), select(*columns.values()))


_INSERT_LOGGED = _insert_logged()


class TelegramMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, **fields: Any) -> TelegramMessage:
        message = TelegramMessage(**fields)
        self._session.add(message)
        return message

    async def add_all(self, rows: Iterable[dict[str, Any]]) -> None:
        """Log rows (the fields of :data:`LOGGED_FIELDS`, ``extra`` optional), many in one
        statement: committed on its own, or in the session's open transaction.

        A row without ``telegram_user_id`` gets the account of its chat; one without
        ``created_at`` the time of the statement."""
        batch = arrays("batch", _LOGGED, (logged_values(row) for row in rows))
        if batch["batch_chat_id"]:
            await run_alone(self._session, _INSERT_LOGGED, batch)

    async def record_edit(self, chat_id: int, message_id: int, text: str | None, at: datetime) -> bool:
        """Apply an edit to the stored outgoing message; False when that message is not in the log."""
        edited = await self._session.scalar(
            update(TelegramMessage)
            .where(
                TelegramMessage.chat_id == chat_id,
                TelegramMessage.message_id == message_id,
                TelegramMessage.direction == MessageDirection.OUT.value,
            )
            .values(text=text, edited_at=at)
            .returning(TelegramMessage.id)
        )
        return edited is not None

    async def count_since(self, since: datetime) -> dict[MessageDirection, int]:
        rows = await self._session.execute(
            select(TelegramMessage.direction, func.count())
            .where(TelegramMessage.created_at >= since)
            .group_by(TelegramMessage.direction)
        )
        return {MessageDirection(direction): count for direction, count in rows}
