"""A router answering only commands and its dialogs is skipped in one check by other messages."""

from __future__ import annotations

from aiogram import Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Update

from bot.inline_filters import run_sync_filters_inline
from bot.route_guards import CommandOrDialog, grouped, guard_message_routers
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

    menu = Router(name="menu")

    @menu.message(CountingCommand("menu"))
    async def show_menu(event) -> None:
        answered.append("menu")

    dispatcher.include_routers(*grouped([commands, menu, free_text]))
    guard_message_routers(dispatcher)
    run_sync_filters_inline(dispatcher)
    return dispatcher


async def test_typed_text_skips_the_command_router_and_routing_is_unchanged(bot):
    answered: list[str] = []
    dispatcher = _dispatcher(answered)
    CountingCommand.checks = 0
    for update_id, text in enumerate(["hello", "/buy", "0.5", "/sell", "/menu", "bye"], start=1):
        await dispatcher.feed_update(bot, Update(update_id=update_id, message=message(bot, text)))
    assert answered == ["free text hello", "buy", "amount 0.5", "free text /sell", "menu", "free text bye"]
    # Only the commands, and the message sent in the dialog (which the menu router then skips).
    assert CountingCommand.checks == 1 + 1 + 2 + 2


def test_consecutive_command_routers_share_one_parent_and_keep_their_order():
    first, second, free_text, last = Router(name="first"), Router(name="second"), Router(name="free"), Router(name="last")
    first.message.register(lambda event: None, Command("a"))
    second.message.register(lambda event: None, Command("b"))
    free_text.message.register(lambda event: None, F.text)
    last.message.register(lambda event: None, Command("c"))
    parent, *rest = grouped([first, second, free_text, last])
    assert parent.sub_routers == [first, second] and rest == [free_text, last]


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
