"""Everything the bot says, as HTML. Handlers pass data in; user-provided parts go through ``escape``.

Constants are marked with ``N_`` and translated where they are used (``_(texts.CANCELLED)``);
functions translate as they render.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.callbacks import MenuItem
from bot.html import escape
from bot.i18n import N_, _, t, tn
from bot.preferences import LANGUAGES, NOTIFICATION_TYPES
from db.models import TelegramUser
from domain.enums import MessageDirection, TelegramUserStatus
from domain.quiet_hours import DEFAULT_SUMMARY_HOUR, DEFAULT_URGENT, URGENT_KINDS

# -- onboarding ---------------------------------------------------------------------------------

def terms() -> str:
    return _(
        "<b>Before we start</b>\n"
        "• I am an assistant, not a financial adviser: nothing I say is investment advice.\n"
        "• Trading crypto is risky and you can lose money. Paper trading is the default.\n"
        "• No order is placed until you confirm it with a button.\n"
        "• I store the messages you send me and my replies, to run and improve the service.\n\n"
        "Tap <b>I accept</b> to continue."
    )


def terms_required() -> str:
    return _("Please read and accept the terms first.") + "\n\n" + terms()


TERMS_REQUIRED_ALERT = N_("Please accept the terms first: send /start.")
TERMS_ALREADY_ACCEPTED = N_("You have already accepted the terms.")
BLOCKED = N_("Your account is blocked. Please contact support.")


def welcome_new(first_name: str | None) -> str:
    greeting = t("Hello, {name}!", name=escape(first_name)) if first_name else _("Hello!")
    return greeting + " " + _("I read trading signals and turn plain language into trades.") + "\n\n" + terms()


def welcome_back(first_name: str | None) -> str:
    greeting = t("Welcome back, {name}!", name=escape(first_name)) if first_name else _("Welcome back!")
    return greeting + " " + _("What would you like to do?")


def terms_accepted(first_name: str | None) -> str:
    thanks = t("Thank you, {name}, you are all set.", name=escape(first_name)) if first_name else _(
        "Thank you, you are all set."
    )
    return thanks + " " + _(
        "Write to me in plain language, forward a signal post, or pick something below. /help shows examples."
    )


def account_linked(username: str) -> str:
    return t("This Telegram account is now linked to <b>{username}</b>.", username=escape(username))


INVALID_LINK_CODE = N_("That link code is not valid any more. Ask for a new one with /link.")


def link_instructions(deep_link: str) -> str:
    return t(
        "To use your account from another Telegram account, open this link there (it works once):\n{link}",
        link=escape(deep_link),
    )


# -- help and menu ------------------------------------------------------------------------------

# Each example is something to type; its translation is what a user types in that language
# (tests/bot/test_help_examples.py sends every one, in every language, and checks the answer).
HELP_TOPICS: dict[MenuItem, tuple[str, tuple[str, ...]]] = {
    MenuItem.TRADE: (
        N_("Orders"),
        (N_("buy 0.01 BTC at market"), N_("sell half of my ETH at 3500"), N_("set a stop loss on SOL at 120")),
    ),
    MenuItem.SIGNALS: (
        N_("Signals"),
        (
            N_("BTC/USDT LONG entry 60000-61000 TP 63000 SL 59000"),
            N_("what signals are active?"),
            N_("how good is @channel?"),
        ),
    ),
    MenuItem.ALERTS: (
        N_("Alerts"),
        (N_("alert me when BTC is above 70k"), N_("tell me if ETH drops 5% in 1h"), N_("show my alerts")),
    ),
    MenuItem.ANALYSIS: (
        N_("Analysis"),
        (N_("analyze BTC 4h"), N_("what is the RSI of ETH?"), N_("market overview")),
    ),
    MenuItem.PORTFOLIO: (
        N_("Portfolio"),
        (N_("show my portfolio"), N_("what is my PnL today?"), N_("open positions")),
    ),
}
# Shown with the signal examples: something to do rather than to type.
FORWARD_HINT = N_("forward a post from a signal channel")

COMMANDS_HELP = N_(
    "/buy and /sell e.g. <code>/buy 0.01 btc at 60000</code> · /portfolio · /orders · /menu main menu · "
    "/signals followed signals · /channels channel statistics · /signalsettings amount, leverage, split · "
    "/accuracy how my technical calls did · "
    "/settings notifications, timezone, currency, language · /cancel leave the current dialog · "
    "/link use your account from another Telegram account · /help this message"
)


def help_examples() -> list[str]:
    """Every example /help shows, in the current language: what a user may type as it is."""
    return [_(example) for _title, examples in HELP_TOPICS.values() for example in examples]


def help_text() -> str:
    topics = "\n\n".join(_topic_block(item) for item in HELP_TOPICS)
    return (
        _("Write to me in plain language. I understand:") + f"\n\n{topics}\n\n"
        + _("Every order is shown to you for confirmation before it is placed.") + "\n\n"
        + _(COMMANDS_HELP)
    )


def topic_text(item: MenuItem) -> str:
    return _topic_block(item) + "\n\n" + _("Just type it as you would say it.")


def _topic_block(item: MenuItem) -> str:
    title, examples = HELP_TOPICS[item]
    lines = [f"• <i>{escape(_(example))}</i>" for example in examples]
    if item is MenuItem.SIGNALS:
        lines.insert(0, f"• {escape(_(FORWARD_HINT))}")
    return f"<b>{escape(_(title))}</b>\n" + "\n".join(lines)


MENU = N_("What would you like to do?")

# -- settings -----------------------------------------------------------------------------------


def settings_text(account: TelegramUser) -> str:
    lines = [
        f"• {_(label)}: {_on_off(account.notification_types.get(key, True))}"
        for key, label in NOTIFICATION_TYPES.items()
    ]
    language = LANGUAGES.get(account.language, LANGUAGES["en"])
    return (
        _("<b>Settings</b>") + "\n\n"
        + t("Notifications: <b>{state}</b>", state=_on_off(account.notifications_enabled)) + "\n"
        + "\n".join(lines) + "\n\n"
        + t("Quiet hours: <b>{hours}</b>", hours=quiet_hours_text(account)) + "\n"
        + t("Daily summary at <b>{hour}:00</b>", hour=f"{summary_hour_of(account):02d}") + "\n"
        + t("Timezone: <b>{timezone}</b>", timezone=escape(account.timezone)) + "\n"
        + t("Currency: <b>{currency}</b>", currency=escape(account.preferred_currency)) + "\n"
        + t("Language: <b>{language}</b>", language=escape(language))
    )


def urgent_of(account: TelegramUser) -> list[str]:
    """The kinds delivered during quiet hours (an account not yet saved has the default)."""
    return list(account.urgent_notification_types if account.urgent_notification_types is not None
                else DEFAULT_URGENT)


def summary_hour_of(account: TelegramUser) -> int:
    return DEFAULT_SUMMARY_HOUR if account.summary_hour is None else account.summary_hour


def quiet_hours_text(account: TelegramUser) -> str:
    start, end = account.quiet_hours_start, account.quiet_hours_end
    if start is None or end is None:
        return _("off")
    urgent = ", ".join(_(URGENT_KINDS[k]) for k in urgent_of(account) if k in URGENT_KINDS) or _("nothing")
    return f"{start:02d}:00–{end:02d}:00 " + t("(still sent: {urgent})", urgent=urgent)


def _on_off(enabled: object) -> str:
    return _("on") if enabled else _("off")


def notification_toggled(label: str, enabled: bool) -> str:
    return f"{_(label)}: {_on_off(enabled)}"


NOTIFICATIONS = N_("Notifications")
CHOOSE_CURRENCY = N_("Choose the currency for balances and reports:")
CHOOSE_LANGUAGE = N_("Choose your language:")
ASK_TIMEZONE = N_(
    "Send your timezone as a region name, for example <code>Europe/Berlin</code>, "
    "<code>America/New_York</code> or <code>UTC</code>. /cancel keeps the current one."
)
ASK_QUIET_HOURS = N_(
    "Send your quiet hours as two local hours, for example <code>23-7</code>: only urgent "
    "notifications reach you then, the rest wait until they end. <code>off</code> turns them off; "
    "/cancel keeps the current ones."
)
ASK_SUMMARY_HOUR = N_(
    "At what local hour should your daily summary arrive? Send a number from <code>0</code> to "
    "<code>23</code>, e.g. <code>8</code>. /cancel keeps the current one."
)
CHOOSE_URGENT = N_("Which notifications should still reach you during quiet hours?")
SETTINGS_CLOSED = N_("Settings saved.")
UNKNOWN_OPTION = N_("That option is not available. /settings shows the choices.")


def quiet_hours_saved(account: TelegramUser) -> str:
    return t("Quiet hours: <b>{hours}</b>.", hours=quiet_hours_text(account))


def summary_hour_saved(hour: int) -> str:
    return t("Your daily summary will arrive at <b>{hour}:00</b>.", hour=f"{hour:02d}")


def not_quiet_hours(text: str) -> str:
    return t("<code>{text}</code> is not a pair of hours. Send e.g. <code>22-6</code>, <code>off</code>, or /cancel.",
             text=escape(text))


def not_an_hour(text: str) -> str:
    return t("<code>{text}</code> is not an hour from 0 to 23. Send e.g. <code>8</code>, or /cancel.", text=escape(text))


def timezone_saved(timezone: str) -> str:
    return t("Timezone set to <b>{timezone}</b>.", timezone=escape(timezone))


def unknown_timezone(text: str) -> str:
    return t(
        "I don't know the timezone <code>{timezone}</code>. Try e.g. <code>Europe/London</code>, or /cancel.",
        timezone=escape(text),
    )


# -- dialogs, limits, errors --------------------------------------------------------------------

CANCELLED = N_("Cancelled.")
NOTHING_TO_CANCEL = N_("There is nothing to cancel.")


def rate_limited(retry_in: timedelta) -> str:
    return t(
        "You are sending messages faster than I can take them. Please try again in {duration}.",
        duration=_duration(retry_in),
    )


# What a daily limit counts, by the kind the rate limiter names.
LIMIT_KINDS = {"messages": N_("messages"), "commands": N_("commands"), "orders": N_("orders")}


def daily_limit_reached(kind: str, limit: int, resets_at: datetime, retry_in: timedelta) -> str:
    return t(
        "You have reached today's limit of {limit} {kind}. It resets at {time} UTC, in {duration}.",
        limit=limit, kind=_(LIMIT_KINDS.get(kind, kind)), time=f"{resets_at:%H:%M}", duration=_duration(retry_in),
    )


def _duration(span: timedelta) -> str:
    seconds = max(1, int(span.total_seconds()))
    if seconds < 120:
        return tn("{n} second", "{n} seconds", seconds)
    minutes = round(seconds / 60)
    if minutes < 120:
        return tn("{n} minute", "{n} minutes", minutes)
    return t("{hours} h {minutes} min", hours=minutes // 60, minutes=minutes % 60)


TEMPORARILY_UNAVAILABLE = N_("I'm temporarily unavailable. Please try again in a minute.")
SOMETHING_WENT_WRONG = N_("Something went wrong on my side and I could not finish that. Please try again.")
STALE_BUTTON = N_("This button is no longer valid. Send /menu to start again.")
FREE_TEXT_NOT_CONFIGURED = N_(
    "I can't read plain-language requests on this server yet: the language module is not enabled. "
    "/help shows what I will understand, /menu and /settings work already."
)
UNSUPPORTED_MESSAGE = N_(
    "I read text messages and the captions of forwarded posts. Please send your request as text."
)

# -- admin --------------------------------------------------------------------------------------

ADMIN_USAGE = N_(
    "<b>Admin</b>\n/admin stats\n/admin ban &lt;telegram id&gt;\n/admin unban &lt;telegram id&gt;\n"
    "/config [&lt;key&gt; &lt;value&gt;]"
)


def admin_stats(
    by_status: Mapping[TelegramUserStatus, int], blocked: int, messages_24h: Mapping[MessageDirection, int]
) -> str:
    statuses = "\n".join(f"• {status.value}: {by_status.get(status, 0)}" for status in TelegramUserStatus)
    return (
        _("<b>Users</b>") + f"\n{statuses}\n" + t("• blocked the bot: {count}", count=blocked) + "\n\n"
        + _("<b>Messages, last 24 h</b>") + "\n"
        + t("• in: {count}", count=messages_24h.get(MessageDirection.IN, 0)) + "\n"
        + t("• out: {count}", count=messages_24h.get(MessageDirection.OUT, 0))
    )


CONFIG_USAGE = N_("Use /config to list the runtime settings, /config &lt;key&gt; &lt;value&gt; to change one.")


def config_list(settings: list[tuple[str, int, str]]) -> str:
    lines = "\n".join(
        f"• <code>{key}</code> = <b>{value}</b>: {escape(description)}" for key, value, description in settings
    )
    return _("<b>Runtime settings</b>") + f"\n{lines}\n\n" + _("Change one with /config &lt;key&gt; &lt;value&gt;.")


def config_changed(key: str, old: int, new: int) -> str:
    return t("<code>{key}</code> is now <b>{new}</b> (was {old}).", key=key, new=new, old=old)


def config_unknown(key: str, keys: list[str]) -> str:
    return t("There is no runtime setting <code>{key}</code>. The settings: {keys}.", key=escape(key),
             keys=", ".join(keys))


def admin_status_changed(telegram_id: int, status: TelegramUserStatus) -> str:
    return t("User {id} is now <b>{status}</b>.", id=telegram_id, status=status.value)


def admin_unknown_user(telegram_id: int) -> str:
    return t("No user with Telegram id {id}.", id=telegram_id)


ADMIN_CANNOT_BAN_ADMIN = N_("Admins cannot be banned.")
