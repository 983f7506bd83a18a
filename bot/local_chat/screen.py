"""Printing the conversation: bot messages rendered from HTML, inline buttons numbered."""

from __future__ import annotations

import sys
from typing import TextIO

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.html import html_to_terminal

BOT_PROMPT = "bot> "
USER_PROMPT = "you> "
_INDENT = " " * len(BOT_PROMPT)


class CurrentStdout:
    """Whatever ``sys.stdout`` is at the moment of writing: prompt_toolkit swaps it for a proxy
    that prints above the prompt."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


class Screen:
    def __init__(self, out: TextIO | CurrentStdout, *, styled: bool) -> None:
        self._out = out
        self._styled = styled

    def bot_message(self, text: str, buttons: list[InlineKeyboardButton], *, edited: bool = False) -> None:
        rendered = html_to_terminal(text, styled=self._styled)
        if edited:
            rendered = "(edited) " + rendered
        first, *rest = rendered.split("\n")
        self._write("\n".join([BOT_PROMPT + first, *(_INDENT + line if line else "" for line in rest)]))
        for number, button in enumerate(buttons, start=1):
            self._write(f"{_INDENT}[{number}] {button.text}")

    def links(self, markup: InlineKeyboardMarkup | None) -> None:
        for row in markup.inline_keyboard if markup else ():
            for button in row:
                if button.url:
                    self._write(f"{_INDENT}[link] {button.text}: {button.url}")

    def notice(self, text: str) -> None:
        self._write(f"{_INDENT}({text})")

    def user_line(self, text: str) -> None:
        """Echo input that did not come from a keyboard, so a piped session reads as a dialogue."""
        self._write(USER_PROMPT + text)

    def prompt(self) -> None:
        self._out.write(USER_PROMPT)
        self._out.flush()

    def info(self, text: str) -> None:
        self._write(text)

    def _write(self, line: str) -> None:
        self._out.write(line + "\n")
        self._out.flush()
