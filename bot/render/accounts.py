"""Connected exchange accounts, live limits and /panic as HTML. Keys appear only as their hint."""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.render.trading import money, order_result, venue_banner
from domain.errors import DomainError
from domain.models import CredentialInfo, LiveLimits
from domain.services.exchange_accounts import account_name
from domain.services.paper_broker import OrderEvent

NO_VAULT = (
    "Connecting exchange accounts is not enabled on this bot: its admin has to set ENCRYPTION_KEY "
    "(the key that seals your API keys in the database)."
)
CHOOSE_EXCHANGE = (
    "<b>Connect your exchange account</b>\n"
    "Orders you confirm on it are real orders. Start on the <b>testnet</b> (play money on the exchange's "
    "test site) until you trust the setup.\nWhich exchange and market?"
)
CHOOSE_NETWORK = "Testnet or your real account?"
CONNECT_CANCELLED = "Nothing was connected."
KEYS_UNREADABLE = (
    "I need the API key and the secret, on two lines (key first). Send them again, or /cancel."
)
DELETE_IT_YOURSELF = "⚠️ I could not delete your message with the key: please delete it yourself now."
NO_ACCOUNTS = "No exchange account is connected. /connect adds one (testnet first)."
LIMITS_USAGE = (
    "Change a limit with, for example, <code>/limits max_order 500</code>, <code>/limits confirm 50</code>, "
    "<code>/limits leverage 2</code> or <code>/limits daily_loss 100</code> (USDT; leverage as a multiple)."
)
NOTHING_OPEN = "🛑 No open live orders to cancel."
PANIC_KEEP = "Positions kept. No live orders are open."


def ask_keys(exchange: str, market_type: str, is_testnet: bool, needs_passphrase: bool) -> str:
    name = escape(account_name(exchange, market_type, is_testnet))
    third = " and the passphrase on a third line" if needs_passphrase else ""
    return (
        f"<b>{name}</b>\n"
        "Create an API key with <b>reading and trading only — never withdrawals</b> (I refuse keys that can "
        "withdraw). Then send the key and the secret in one message, on two lines (key first"
        f"{third}).\nI delete that message at once and store the key encrypted; it is never shown again. "
        "/cancel to stop."
    )


def connected(info: CredentialInfo) -> str:
    return (
        f"✅ Connected <b>{escape(_name(info))}</b> · key …{escape(info.key_hint)}\n"
        f"Permissions: {permissions(info)}\n"
        "On an order card, tap 🔁 Account to send the order there; the card then says LIVE. "
        "/accounts lists your accounts, /limits shows your brakes, /panic stops everything."
    )


def permissions(info: CredentialInfo) -> str:
    granted = info.permissions
    if not granted or granted.get("withdraw") is None:
        return "not reported by the exchange"
    marks = {True: "✓", False: "✗", None: "?"}
    return (f"trade {marks[granted.get('trade')]} · withdraw {marks[granted.get('withdraw')]} · "
            f"futures {marks[granted.get('futures')]}")


def accounts(items: Sequence[CredentialInfo], limits: LiveLimits) -> str:
    if not items:
        return NO_ACCOUNTS
    lines = ["<b>Your exchange accounts</b>"]
    for n, info in enumerate(items, start=1):
        network = "🧪 testnet" if info.is_testnet else "🔴 LIVE"
        lines.append(f"{n}. <b>{escape(_name(info))}</b> · {network} · key …{escape(info.key_hint)}")
        lines.append(f"   Permissions: {permissions(info)}")
    lines += ["", limits_text(limits)]
    return "\n".join(lines)


def limits_text(limits: LiveLimits) -> str:
    return (
        "<b>Live limits</b>\n"
        f"Max order value: {money(limits.max_order_value, 'USDT')}\n"
        f"Second confirmation above: {money(limits.confirm_above_value, 'USDT')}\n"
        f"Max leverage (perpetuals): {limits.max_leverage.normalize():f}×\n"
        f"Daily loss limit: {money(limits.daily_loss_limit, 'USDT')} (new live orders stop until 00:00 UTC)"
    )


def disconnected(info: CredentialInfo) -> str:
    return f"🗑 Disconnected {escape(_name(info))}: its key is deleted. Its order history stays."


def panic_cancelled(events: Sequence[tuple[str, OrderEvent]]) -> str:
    if not events:
        return NOTHING_OPEN
    lines = [f"🛑 Cancelled {len(events)} live order(s):"]
    lines += [f"• {escape(account)}: {escape(e.order.symbol)} {e.order.side.value} ({e.order.status.value})"
              for account, e in events]
    return "\n".join(lines)


PANIC_ASK_CLOSE = "Close every open live position at market too?"


def panic_closed(results: Sequence[OrderEvent | DomainError], account_of: dict[object, str]) -> str:
    if not results:
        return "No open live positions."
    parts = []
    for result in results:
        if isinstance(result, DomainError):
            parts.append(f"❌ {escape(result.user_message)}")
        else:
            parts.append(f"{venue_banner(account_of.get(result.order.portfolio_id, '?'))}\n{order_result(result)}")
    return "\n\n".join(parts)


def _name(info: CredentialInfo) -> str:
    return account_name(info.exchange, info.market_type, info.is_testnet, info.label)
