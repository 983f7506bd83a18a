"""Where a forwarded message came from, in words (signal posts are usually forwarded)."""

from __future__ import annotations

from aiogram.types import (
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)


def forwarded_from(message: Message) -> str | None:
    """``"@channel"``, a chat title or a person's name; None when the message was not forwarded."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        return f"@{chat.username}" if chat.username else chat.title
    if isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
        return f"@{chat.username}" if chat.username else chat.title
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        return f"@{user.username}" if user.username else user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    return None
