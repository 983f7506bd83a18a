"""A router answering only commands and its dialogs is skipped in one check by other messages."""

from __future__ import annotations

from aiogram import Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Update

from bot.inline_filters import run_sync_filters_inline
from bot.route_guards import CommandOrDialog, guard_message_routers
from tests.bot.fakes import message


class Order(StatesGroup):
    amount = State()


class CountingCommand(Command):
    """Command, counting how often a message is checked against it."""

    checks = 0

    async def __call__(self, message, bot):
        type(self).checks += 1
        return await super().__call__(message, bot)


def _dispatcher(answered: list[str]) -> Dispatcher:
    dispatcher, commands, free_text = Dispatcher(), Router(), Router()

    @commands.message(CountingCommand("buy"))
    async def buy(event, state: FSMContext) -> None:
        answered.append("buy")
        await state.set_state(Order.amount)

    @commands.message(Order.amount, F.text)
    async def amount(event, state: FSMContext) -> None:
        answered.append(f"amount {event.text}")
        await state.clear()

    @free_text.message(F.text)
    async def anything(event) -> None:
        answered.append(f"free text {event.text}")

    dispatcher.include_routers(commands, free_text)
    guard_message_routers(dispatcher)
    run_sync_filters_inline(dispatcher)
    return dispatcher


async def test_typed_text_skips_the_command_router_and_routing_is_unchanged(bot):
    answered: list[str] = []
    dispatcher = _dispatcher(answered)
    CountingCommand.checks = 0
    for update_id, text in enumerate(["hello", "/buy", "0.5", "/sell", "bye"], start=1):
        await dispatcher.feed_update(bot, Update(update_id=update_id, message=message(bot, text)))
    assert answered == ["free text hello", "buy", "amount 0.5", "free text /sell", "free text bye"]
    assert CountingCommand.checks == 3  # only the commands, and the message sent in the dialog


def test_a_router_that_may_take_any_message_gets_no_guard():
    dispatcher, commands, free_text = Dispatcher(), Router(), Router()
    commands.message.register(lambda event: None, Command("menu"))
    free_text.message.register(lambda event: None, F.text)
    dispatcher.include_routers(commands, free_text)
    guard_message_routers(dispatcher)
    guards = [
        [f.callback for f in router.message._handler.filters if isinstance(f.callback, CommandOrDialog)]
        for router in (dispatcher, commands, free_text)
    ]
    assert [len(found) for found in guards] == [0, 1, 0]


async def test_the_guard_reads_captions_as_command_does(bot):
    guard = CommandOrDialog("/", frozenset({"Order:amount"}))
    assert await guard(message(bot, None, caption="/buy 1"))
    assert await guard(message(bot, "12"), raw_state="Order:amount")
    assert not await guard(message(bot, "12"), raw_state=None)
    assert not await guard(message(bot, None))
