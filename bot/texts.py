"""Everything the bot says, as HTML. Handlers pass data in; user-provided parts go through ``escape``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.callbacks import MenuItem
from bot.html import escape
from bot.preferences import LANGUAGES, NOTIFICATION_TYPES
from db.models import TelegramUser
from domain.enums import MessageDirection, TelegramUserStatus
from domain.quiet_hours import DEFAULT_SUMMARY_HOUR, DEFAULT_URGENT, URGENT_KINDS

# -- onboarding ---------------------------------------------------------------------------------

TERMS = (
    "<b>Before we start</b>\n"
    "• I am an assistant, not a financial adviser: nothing I say is investment advice.\n"
    "• Trading crypto is risky and you can lose money. Paper trading is the default.\n"
    "• No order is placed until you confirm it with a button.\n"
    "• I store the messages you send me and my replies, to run and improve the service.\n\n"
    "Tap <b>I accept</b> to continue."
)
TERMS_REQUIRED = "Please read and accept the terms first.\n\n" + TERMS
TERMS_REQUIRED_ALERT = "Please accept the terms first: send /start."
TERMS_ALREADY_ACCEPTED = "You have already accepted the terms."
BLOCKED = "Your account is blocked. Please contact support."


def welcome_new(first_name: str | None) -> str:
    return f"Hello{_name(first_name)}! I read trading signals and turn plain language into trades.\n\n{TERMS}"


def welcome_back(first_name: str | None) -> str:
    return f"Welcome back{_name(first_name)}! What would you like to do?"


def terms_accepted(first_name: str | None) -> str:
    return (
        f"Thank you{_name(first_name)}, you are all set. Write to me in plain language, "
        "forward a signal post, or pick something below. /help shows examples."
    )


def account_linked(username: str) -> str:
    return f"This Telegram account is now linked to <b>{escape(username)}</b>."


INVALID_LINK_CODE = "That link code is not valid any more. Ask for a new one with /link."


def link_instructions(deep_link: str) -> str:
    return (
        "To use your account from another Telegram account, open this link there "
        f"(it works once):\n{escape(deep_link)}"
    )


def _name(first_name: str | None) -> str:
    return f", {escape(first_name)}" if first_name else ""


# -- help and menu ------------------------------------------------------------------------------

HELP_TOPICS: dict[MenuItem, tuple[str, tuple[str, ...]]] = {
    MenuItem.TRADE: (
        "Orders",
        ("buy 0.01 BTC at market", "sell half of my ETH at 3500", "set a stop loss on SOL at 120"),
    ),
    MenuItem.SIGNALS: (
        "Signals",
        (
            "forward a post from a signal channel",
            "BTC/USDT LONG entry 60000-61000 TP 63000 SL 59000",
            "what signals are active?",
            "how good is @channel?",
        ),
    ),
    MenuItem.ALERTS: (
        "Alerts",
        ("alert me when BTC is above 70k", "tell me if ETH drops 5% in 1h", "show my alerts"),
    ),
    MenuItem.ANALYSIS: (
        "Analysis",
        ("analyze BTC 4h", "what is the RSI of ETH?", "market overview"),
    ),
    MenuItem.PORTFOLIO: (
        "Portfolio",
        ("show my portfolio", "what is my PnL today?", "open positions"),
    ),
}

COMMANDS_HELP = (
    "/buy and /sell e.g. <code>/buy 0.01 btc at 60000</code> · /portfolio · /orders · /menu main menu · "
    "/signals followed signals · /channels channel statistics · /signalsettings amount, leverage, split · "
    "/accuracy how my technical calls did · "
    "/settings notifications, timezone, currency, language · /cancel leave the current dialog · "
    "/link use your account from another Telegram account · /help this message"
)


def help_text() -> str:
    topics = "\n\n".join(_topic_block(title, examples) for title, examples in HELP_TOPICS.values())
    return (
        "Write to me in plain language. I understand:\n\n"
        f"{topics}\n\n"
        "Every order is shown to you for confirmation before it is placed.\n\n"
        f"{COMMANDS_HELP}"
    )


def topic_text(item: MenuItem) -> str:
    title, examples = HELP_TOPICS[item]
    return _topic_block(title, examples) + "\n\nJust type it as you would say it."


def _topic_block(title: str, examples: tuple[str, ...]) -> str:
    lines = "\n".join(f"• <i>{escape(example)}</i>" for example in examples)
    return f"<b>{escape(title)}</b>\n{lines}"


MENU = "What would you like to do?"

# -- settings -----------------------------------------------------------------------------------


def settings_text(account: TelegramUser) -> str:
    master = "on" if account.notifications_enabled else "off"
    lines = [
        f"• {label}: {_on_off(account.notification_types.get(key, True))}"
        for key, label in NOTIFICATION_TYPES.items()
    ]
    return (
        "<b>Settings</b>\n\n"
        f"Notifications: <b>{master}</b>\n" + "\n".join(lines) + "\n\n"
        f"Quiet hours: <b>{quiet_hours_text(account)}</b>\n"
        f"Daily summary at <b>{summary_hour_of(account):02d}:00</b>\n"
        f"Timezone: <b>{escape(account.timezone)}</b>\n"
        f"Currency: <b>{escape(account.preferred_currency)}</b>\n"
        f"Language: <b>{escape(LANGUAGES.get(account.language, account.language))}</b>"
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
        return "off"
    urgent = ", ".join(URGENT_KINDS[k] for k in urgent_of(account) if k in URGENT_KINDS) or "nothing"
    return f"{start:02d}:00–{end:02d}:00 (still sent: {urgent})"


def _on_off(enabled: object) -> str:
    return "on" if enabled else "off"


def notification_toggled(label: str, enabled: bool) -> str:
    return f"{label}: {_on_off(enabled)}"


CHOOSE_CURRENCY = "Choose the currency for balances and reports:"
CHOOSE_LANGUAGE = "Choose your language:"
ASK_TIMEZONE = (
    "Send your timezone as a region name, for example <code>Europe/Berlin</code>, "
    "<code>America/New_York</code> or <code>UTC</code>. /cancel keeps the current one."
)
ASK_QUIET_HOURS = (
    "Send your quiet hours as two local hours, for example <code>23-7</code>: only urgent "
    "notifications reach you then, the rest wait until they end. <code>off</code> turns them off; "
    "/cancel keeps the current ones."
)
ASK_SUMMARY_HOUR = (
    "At what local hour should your daily summary arrive? Send a number from <code>0</code> to "
    "<code>23</code>, e.g. <code>8</code>. /cancel keeps the current one."
)
CHOOSE_URGENT = "Which notifications should still reach you during quiet hours?"
SETTINGS_CLOSED = "Settings saved."
UNKNOWN_OPTION = "That option is not available."


def quiet_hours_saved(account: TelegramUser) -> str:
    return f"Quiet hours: <b>{quiet_hours_text(account)}</b>."


def summary_hour_saved(hour: int) -> str:
    return f"Your daily summary will arrive at <b>{hour:02d}:00</b>."


def not_quiet_hours(text: str) -> str:
    return f"<code>{escape(text)}</code> is not a pair of hours. Send e.g. <code>22-6</code>, <code>off</code>, or /cancel."


def not_an_hour(text: str) -> str:
    return f"<code>{escape(text)}</code> is not an hour from 0 to 23. Send e.g. <code>8</code>, or /cancel."


def timezone_saved(timezone: str) -> str:
    return f"Timezone set to <b>{escape(timezone)}</b>."


def unknown_timezone(text: str) -> str:
    return (
        f"I don't know the timezone <code>{escape(text)}</code>. "
        "Try e.g. <code>Europe/London</code>, or /cancel."
    )


# -- dialogs, limits, errors --------------------------------------------------------------------

CANCELLED = "Cancelled."
NOTHING_TO_CANCEL = "There is nothing to cancel."


def rate_limited(retry_in: timedelta) -> str:
    return f"You are sending messages faster than I can take them. Please try again in {_duration(retry_in)}."


def daily_limit_reached(kind: str, limit: int, resets_at: datetime, retry_in: timedelta) -> str:
    return (
        f"You have reached today's limit of {limit} {kind}. "
        f"It resets at {resets_at:%H:%M} UTC, in {_duration(retry_in)}."
    )


def _duration(span: timedelta) -> str:
    seconds = max(1, int(span.total_seconds()))
    if seconds < 120:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} minutes"
    return f"{minutes // 60} h {minutes % 60} min"


TEMPORARILY_UNAVAILABLE = "I'm temporarily unavailable. Please try again in a minute."
SOMETHING_WENT_WRONG = "Something went wrong on my side and I could not finish that. Please try again."
STALE_BUTTON = "This button is no longer valid. Send /menu to start again."
FREE_TEXT_NOT_CONFIGURED = (
    "I can't read plain-language requests on this server yet: the language module is not enabled. "
    "/help shows what I will understand, /menu and /settings work already."
)
UNSUPPORTED_MESSAGE = (
    "I read text messages and the captions of forwarded posts. Please send your request as text."
)

# -- admin --------------------------------------------------------------------------------------

ADMIN_USAGE = (
    "<b>Admin</b>\n/admin stats\n/admin ban &lt;telegram id&gt;\n/admin unban &lt;telegram id&gt;\n"
    "/config [&lt;key&gt; &lt;value&gt;]"
)


def admin_stats(
    by_status: Mapping[TelegramUserStatus, int], blocked: int, messages_24h: Mapping[MessageDirection, int]
) -> str:
    statuses = "\n".join(f"• {status.value}: {by_status.get(status, 0)}" for status in TelegramUserStatus)
    return (
        "<b>Users</b>\n"
        f"{statuses}\n• blocked the bot: {blocked}\n\n"
        "<b>Messages, last 24 h</b>\n"
        f"• in: {messages_24h.get(MessageDirection.IN, 0)}\n"
        f"• out: {messages_24h.get(MessageDirection.OUT, 0)}"
    )


CONFIG_USAGE = "Use /config to list the runtime settings, /config &lt;key&gt; &lt;value&gt; to change one."


def config_list(settings: list[tuple[str, int, str]]) -> str:
    lines = "\n".join(f"• <code>{key}</code> = <b>{value}</b>: {escape(description)}" for key, value, description in settings)
    return f"<b>Runtime settings</b>\n{lines}\n\nChange one with /config &lt;key&gt; &lt;value&gt;."


def config_changed(key: str, old: int, new: int) -> str:
    return f"<code>{key}</code> is now <b>{new}</b> (was {old})."


def config_unknown(key: str, keys: list[str]) -> str:
    return f"There is no runtime setting <code>{escape(key)}</code>. The settings: {', '.join(keys)}."


def admin_status_changed(telegram_id: int, status: TelegramUserStatus) -> str:
    return f"User {telegram_id} is now <b>{status.value}</b>."


def admin_unknown_user(telegram_id: int) -> str:
    return f"No user with Telegram id {telegram_id}."


ADMIN_CANNOT_BAN_ADMIN = "Admins cannot be banned."
