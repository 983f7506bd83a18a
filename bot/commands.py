"""The command list Telegram shows in the menu button (setMyCommands at start-up), per language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand
from bot.i18n import DEFAULT_LOCALE, LANGUAGES, N_, Catalogs, _, speaking

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start, or see the terms")),
    ("menu", N_("Main menu")),
    ("help", N_("What I understand, with examples")),
    ("buy", N_("Buy, e.g. /buy 0.01 btc at 60000")),
    ("sell", N_("Sell, e.g. /sell 25% eth")),
    ("portfolio", N_("Balances, positions and PnL")),
    ("orders", N_("Open orders")),
    ("signals", N_("Followed and executed signals")),
    ("channels", N_("How good each signal channel is")),
    ("signalsettings", N_("Amount, leverage, target split, stop rules")),
    ("accuracy", N_("How my technical calls turned out")),
    ("alerts", N_("Your alerts; /alerts btc rsi 1h above 70 sets one")),
    ("settings", N_("Notifications, timezone, currency, language")),
    ("connect", N_("Connect your exchange account (testnet first)")),
    ("accounts", N_("Your exchange accounts and live limits")),
    ("panic", N_("Cancel every open live order")),
    ("cancel", N_("Leave the current dialog")),
    ("link", N_("Use your account from another Telegram account")),
)


def bot_commands() -> list[BotCommand]:
    """The list in the current language."""
    return [BotCommand(command=command, description=_(description)) for command, description in COMMANDS]


async def register_commands(bot: Bot, catalogs: Catalogs | None = None) -> None:
    """English for everyone, and each other language for users whose Telegram speaks it."""
    catalogs = catalogs or Catalogs()
    for language in LANGUAGES:
        with speaking(catalogs, language):
            commands = bot_commands()
        await bot.set_my_commands(commands, language_code=None if language == DEFAULT_LOCALE else language)
