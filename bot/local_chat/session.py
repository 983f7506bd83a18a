"""A Bot session that answers API calls in-process and prints what the bot sends.

Pictures (charts) are saved as PNG files under the pictures folder and their path printed; with
``open_pictures`` each one is also handed to the system's viewer.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendChatAction,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from bot.local_chat.screen import Screen

_ACKNOWLEDGED = (SetMyCommands, DeleteMyCommands, DeleteWebhook, SendChatAction)


class TerminalSession(BaseSession):
    def __init__(self, screen: Screen, pictures_dir: Path | None = None, *, open_pictures: bool = False) -> None:
        super().__init__()
        self._screen = screen
        self._pictures_dir = pictures_dir
        self._open_pictures = open_pictures
        self._message_ids = itertools.count(1)
        self._messages: dict[int, Message] = {}
        # The buttons of the latest keyboard: what typing a number taps.
        self.buttons: list[InlineKeyboardButton] = []
        self.buttons_message: Message | None = None

    def next_message_id(self) -> int:
        """Message ids are one sequence per chat, shared by both sides as in Telegram."""
        return next(self._message_ids)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> Any:
        if isinstance(method, GetMe):
            return User(id=bot.id, is_bot=True, first_name="Trading assistant", username="local_chat_bot")
        if isinstance(method, SendMessage):
            return self._show_new(bot, method.chat_id, method.text, method.reply_markup)
        if isinstance(method, SendPhoto):
            saved = self._save_picture(method.photo)
            label = f"[picture: {saved}]" if saved else "[picture]"
            return self._show_new(bot, method.chat_id, f"{label} {method.caption or ''}".rstrip(), method.reply_markup)
        if isinstance(method, EditMessageText):
            return self._show_edit(method, text=method.text)
        if isinstance(method, EditMessageReplyMarkup):
            return self._show_edit(method, text=None)
        if isinstance(method, AnswerCallbackQuery):
            if method.text:
                self._screen.notice(method.text)
            return True
        if isinstance(method, DeleteMessage):
            self._screen.notice("(your message was deleted from the chat; in this terminal, clear the screen)")
            return True
        if isinstance(method, _ACKNOWLEDGED):
            return True
        raise TelegramBadRequest(method, f"{method.__api_method__} is not available in the local chat")

    def _save_picture(self, photo: Any) -> str | None:
        """Write the picture under the pictures folder; the path to print, or None if not kept."""
        if self._pictures_dir is None or not isinstance(photo, BufferedInputFile):
            return None
        self._pictures_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        path = self._pictures_dir / f"{stamp}-{Path(photo.filename or 'picture.png').name}"
        path.write_bytes(photo.data)
        if self._open_pictures:
            _open_with_viewer(path)
        return _shown(path)

    def _show_new(self, bot: Bot, chat_id: Any, text: str, markup: Any) -> Message:
        message = Message(
            message_id=self.next_message_id(),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=User(id=bot.id, is_bot=True, first_name="Trading assistant"),
            text=text,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )
        self._display(message, edited=False)
        return message

    def _show_edit(self, method: EditMessageText | EditMessageReplyMarkup, *, text: str | None) -> Message:
        original = self._messages.get(method.message_id or 0)
        if original is None:
            raise TelegramBadRequest(method, "message to edit not found")
        markup = method.reply_markup
        message = original.model_copy(
            update={
                "text": text if text is not None else original.text,
                "reply_markup": markup if isinstance(markup, InlineKeyboardMarkup) else None,
                "edit_date": int(datetime.now(UTC).timestamp()),
            }
        )
        self._display(message, edited=True)
        return message

    def _display(self, message: Message, *, edited: bool) -> None:
        self._messages[message.message_id] = message
        callback_buttons = [
            button
            for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
            for button in row
            if button.callback_data
        ]
        if callback_buttons or (self.buttons_message and self.buttons_message.message_id == message.message_id):
            self.buttons, self.buttons_message = callback_buttons, message
        self._screen.bot_message(message.text or "", callback_buttons, edited=edited)
        self._screen.links(message.reply_markup)

    def stream_content(self, url: str, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("downloading files is not available in the local chat")

    async def close(self) -> None:
        """Nothing to release: no connections."""


def _open_with_viewer(path: Path) -> None:
    """Hand the file to the desktop's viewer, without waiting; nothing happens where there is none."""
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener) is not None:
        subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
