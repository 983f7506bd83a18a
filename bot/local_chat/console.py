"""The local chat loop: typed lines become updates for the real dispatcher.

A line is a message from the local user; a number taps that button of the latest keyboard
(a callback query, as in Telegram). Works with a terminal or a pipe
(``printf '/start\\n1\\n/help\\n' | python main.py chat``); ends on end of input.

In a terminal the prompt is prompt_toolkit's: line editing, history (kept under .data), and a
multi-line paste (bracketed paste) arrives as one message. Anywhere, ``/paste`` starts a message
of several lines, ended by an empty line: how a signal post is pasted through a pipe.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from aiogram import Bot, Dispatcher
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.i18n import N_, Catalogs, _, speaking
from bot.local_chat.screen import USER_PROMPT, Screen
from bot.local_chat.session import TerminalSession

log = logging.getLogger(__name__)

GREETING = N_(
    "Local chat with the bot: nothing goes to Telegram. Type a message, or the number of a button to tap it. "
    "/paste starts a message of several lines (end it with an empty line). Ctrl-D (end of input) or Ctrl-C leaves."
)
PASTE = "/paste"


class LocalChat:
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, session: TerminalSession, screen: Screen, user: User
    ) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._session = session
        self._screen = screen
        self._user = user
        # Millisecond-based ids: a new session never reuses the ids of an earlier one, which
        # the deduplication middleware would take for redeliveries.
        self._update_ids = itertools.count(int(time.time() * 1000))

    async def run(self, lines: AsyncIterator[str], *, echo_input: bool, show_prompt: bool | None = None) -> None:
        """``echo_input``: print each message (piped input); ``show_prompt``: print "you> " before
        reading (a plain terminal; prompt_toolkit shows its own). By default, the opposite of echo."""
        show_prompt = not echo_input if show_prompt is None else show_prompt
        await self._dispatcher.emit_startup(bot=self._bot, **self._dispatcher.workflow_data)
        with speaking(self._dispatcher.workflow_data.get("catalogs") or Catalogs(), self._user.language_code):
            self._screen.info(_(GREETING))
        try:
            if show_prompt:
                self._screen.prompt()
            async for text in messages(lines):
                if text:
                    if echo_input:
                        self._screen.user_line(text)
                    await self._feed(self._update_for(text))
                if show_prompt:
                    self._screen.prompt()
        finally:
            await self._dispatcher.emit_shutdown(bot=self._bot, **self._dispatcher.workflow_data)

    async def _feed(self, update: Update) -> None:
        try:
            await self._dispatcher.feed_update(self._bot, update)
        except Exception:  # as in polling: one failed update must not end the conversation
            log.exception("Update %s failed", update.update_id)

    def _update_for(self, text: str) -> Update:
        buttons = self._session.buttons
        if text.isdigit() and 1 <= int(text) <= len(buttons) and self._session.buttons_message:
            button = buttons[int(text) - 1]
            self._screen.notice(f"tapped: {button.text}")
            query = CallbackQuery(
                id=uuid.uuid4().hex,
                from_user=self._user,
                chat_instance="local-chat",
                data=button.callback_data,
                message=self._session.buttons_message,
            )
            return Update(update_id=next(self._update_ids), callback_query=query)
        message = Message(
            message_id=self._session.next_message_id(),
            date=datetime.now(UTC),
            chat=Chat(id=self._user.id, type="private", first_name=self._user.first_name),
            from_user=self._user,
            text=text,
        )
        return Update(update_id=next(self._update_ids), message=message)


async def messages(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """Input lines as messages: one per line, or, after ``/paste``, the lines up to an empty one."""
    pasted: list[str] | None = None
    async for line in lines:
        text = line.rstrip("\r\n")
        if pasted is not None:
            if text.strip():
                pasted.append(text)
                continue
            yield "\n".join(pasted).strip()
            pasted = None
        elif text.strip() == PASTE:
            pasted = []
        else:
            yield text.strip()
    if pasted:
        yield "\n".join(pasted).strip()


async def terminal_lines(history_file: Path) -> AsyncIterator[str]:
    """What is typed at prompt_toolkit's prompt: editing, history, a bracketed paste as one input.

    Output printed while the prompt waits (a push, a fill) appears above it (``patch_stdout``).
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.patch_stdout import patch_stdout

    # Cursor-position requests only place menus; a terminal that ignores them would get a warning line.
    os.environ.setdefault("PROMPT_TOOLKIT_NO_CPR", "1")
    history_file.parent.mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(history=FileHistory(str(history_file)))
    with patch_stdout(raw=True):
        while True:
            try:
                yield await session.prompt_async(USER_PROMPT)
            except (EOFError, KeyboardInterrupt):
                return


async def stdin_lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines of ``stream`` without blocking the event loop.

    A daemon thread does the blocking reads, so Ctrl-C or the end of the loop never waits for
    a line that may not come.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in stream:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="local-chat-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line
