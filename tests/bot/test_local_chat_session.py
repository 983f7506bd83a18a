from __future__ import annotations

import io

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.local_chat.screen import Screen
from bot.local_chat.session import TerminalSession


@pytest.fixture
def screen_output() -> io.StringIO:
    return io.StringIO()


@pytest.fixture
def terminal(screen_output) -> TerminalSession:
    return TerminalSession(Screen(screen_output, styled=False))


@pytest.fixture
def local_bot(terminal) -> Bot:
    return Bot("1:local-chat", session=terminal)


def _keyboard(*labels: str):
    builder = InlineKeyboardBuilder()
    for number, label in enumerate(labels):
        builder.button(text=label, callback_data=f"menu:{number}")
    builder.button(text="Docs", url="https://example.org")
    return builder.as_markup()


async def test_messages_are_printed_readably_with_numbered_buttons(local_bot, terminal, screen_output):
    sent = await local_bot.send_message(7, "<b>Hi</b> &amp; welcome\nline two", reply_markup=_keyboard("Yes", "No"))
    assert screen_output.getvalue() == (
        "bot> Hi & welcome\n"
        "     line two\n"
        "     [1] Yes\n"
        "     [2] No\n"
        "     [link] Docs: https://example.org\n"
    )
    assert [b.text for b in terminal.buttons] == ["Yes", "No"] and terminal.buttons_message.message_id == sent.message_id


async def test_an_edit_replaces_the_screen_and_its_buttons(local_bot, terminal, screen_output):
    sent = await local_bot.send_message(7, "Pick", reply_markup=_keyboard("A"))
    await local_bot.edit_message_text("Done", chat_id=7, message_id=sent.message_id)
    assert screen_output.getvalue().endswith("bot> (edited) Done\n")
    assert terminal.buttons == []


async def test_callback_answers_show_as_notices(local_bot, screen_output):
    await local_bot.answer_callback_query("cb1", text="Saved")
    assert screen_output.getvalue() == "     (Saved)\n"


async def test_methods_without_a_terminal_meaning_are_refused_clearly(local_bot):
    with pytest.raises(TelegramBadRequest, match="not available in the local chat"):
        await local_bot.get_chat(7)
