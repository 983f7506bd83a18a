"""bot/markup.py lays buttons out as aiogram's InlineKeyboardBuilder.adjust() does, for less CPU."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.markup import button, keyboard


class Pick(CallbackData, prefix="pk"):
    n: int


def _labels(markup) -> list[list[str]]:
    return [[b.text for b in row] for row in markup.inline_keyboard]


def test_a_button_carries_the_packed_callback_data():
    made = button("Two", Pick(n=2))
    assert made == InlineKeyboardButton(text="Two", callback_data="pk:2")
    assert Pick.unpack(made.callback_data) == Pick(n=2)


def test_widths_fill_rows_in_turn_and_the_last_one_repeats():
    buttons = [button(str(n), Pick(n=n)) for n in range(7)]
    assert _labels(keyboard(buttons, 3, 1)) == [["0", "1", "2"], ["3"], ["4"], ["5"], ["6"]]
    assert _labels(keyboard(buttons, 2)) == [["0", "1"], ["2", "3"], ["4", "5"], ["6"]]


def test_without_widths_one_row_that_wraps_after_eight():
    assert _labels(keyboard([button("a", Pick(n=1)), button("b", Pick(n=2))])) == [["a", "b"]]
    ten = [button(str(n), Pick(n=n)) for n in range(10)]
    assert [len(row) for row in keyboard(ten).inline_keyboard] == [8, 2]


def test_no_buttons_make_an_empty_keyboard():
    assert keyboard([], 2).inline_keyboard == []


@pytest.mark.parametrize("count", [1, 4, 9])
@pytest.mark.parametrize("widths", [(), (1,), (3, 1), (1, 2, 2, 3, 3, 1, 1), (5, 1)])
def test_the_same_markup_as_the_builder(count, widths):
    buttons = [button(f"b{n}", Pick(n=n)) for n in range(count)]
    builder = InlineKeyboardBuilder()
    for each in buttons:
        builder.add(each)
    if widths:
        builder.adjust(*widths)
    assert keyboard(buttons, *widths) == builder.as_markup()
