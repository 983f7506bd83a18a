"""The command list Telegram shows in the menu button (setMyCommands at start-up)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand

BOT_COMMANDS = (
    BotCommand(command="start", description="Start, or see the terms"),
    BotCommand(command="menu", description="Main menu"),
    BotCommand(command="help", description="What I understand, with examples"),
    BotCommand(command="buy", description="Buy, e.g. /buy 0.01 btc at 60000"),
    BotCommand(command="sell", description="Sell, e.g. /sell 25% eth"),
    BotCommand(command="portfolio", description="Balances, positions and PnL"),
    BotCommand(command="orders", description="Open orders"),
    BotCommand(command="signals", description="Followed and executed signals"),
    BotCommand(command="channels", description="How good each signal channel is"),
    BotCommand(command="signalsettings", description="Amount, leverage, target split, stop rules"),
    BotCommand(command="accuracy", description="How my technical calls turned out"),
    BotCommand(command="alerts", description="Your alerts; /alerts btc rsi 1h above 70 sets one"),
    BotCommand(command="settings", description="Notifications, timezone, currency, language"),
    BotCommand(command="connect", description="Connect your exchange account (testnet first)"),
    BotCommand(command="accounts", description="Your exchange accounts and live limits"),
    BotCommand(command="panic", description="Cancel every open live order"),
    BotCommand(command="cancel", description="Leave the current dialog"),
    BotCommand(command="link", description="Use your account from another Telegram account"),
)


async def register_commands(bot: Bot) -> None:
    await bot.set_my_commands(list(BOT_COMMANDS))
