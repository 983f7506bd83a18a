"""Telegram objects and a recording Bot session for middleware and sender tests (no HTTP)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, Update, User

_ids = itertools.count(1)


class RecordingSession(BaseSession):
    """Answers like Telegram would, remembers every call; ``fail_with`` makes the next call raise."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.fail_with: list[Exception] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        if self.fail_with:
            raise self.fail_with.pop(0)
        if isinstance(method, SendMessage | EditMessageText):
            return Message(
                message_id=getattr(method, "message_id", None) or next(_ids),
                date=datetime.now(UTC),
                chat=Chat(id=method.chat_id, type="private"),
                text=method.text,
                reply_markup=method.reply_markup,
            )
        return True

    def sent_texts(self) -> list[str]:
        return [m.text for m in self.requests if isinstance(m, SendMessage)]

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def close(self) -> None:
        pass


def user(user_id: int = 1001, username: str | None = None) -> User:
    return User(id=user_id, is_bot=False, first_name=f"User{user_id}", username=username or f"user{user_id}")


def message(
    bot: Bot,
    text: str | None = "hello",
    *,
    user_id: int = 1001,
    username: str | None = None,
    chat_type: str = "private",
    **fields: Any,
) -> Message:
    return Message(
        message_id=next(_ids),
        date=datetime.now(UTC),
        chat=Chat(id=user_id if chat_type == "private" else -500, type=chat_type),
        from_user=user(user_id, username),
        text=text,
        **fields,
    ).as_(bot)


def callback(bot: Bot, data: str = "menu:main", *, user_id: int = 1001) -> CallbackQuery:
    return CallbackQuery(
        id=f"cb{next(_ids)}",
        from_user=user(user_id),
        chat_instance="ci",
        data=data,
        message=message(bot, "screen", user_id=user_id),
    ).as_(bot)


def update_of(event: Message | CallbackQuery) -> Update:
    if isinstance(event, Message):
        return Update(update_id=next(_ids), message=event)
    return Update(update_id=next(_ids), callback_query=event)


def context(event: Message | CallbackQuery) -> dict[str, Any]:
    """The data aiogram's user-context middleware would have put in front of ours."""
    chat = event.chat if isinstance(event, Message) else event.message.chat  # type: ignore[union-attr]
    return {"event_from_user": event.from_user, "event_chat": chat}
