"""Connected exchange accounts, live limits and /panic as HTML. Keys appear only as their hint."""

from __future__ import annotations

from collections.abc import Sequence

from bot.html import escape
from bot.i18n import N_, _, t, tn
from bot.render.numbers import money, number
from bot.render.trading import order_result, venue_banner
from bot.render.phrases import say
from domain.errors import DomainError
from domain.models import CredentialInfo, LiveLimits
from domain.services.exchange_accounts import account_name
from domain.services.paper_broker import OrderEvent

NO_VAULT = N_(
    "Connecting exchange accounts is not enabled on this bot: its admin has to set ENCRYPTION_KEY "
    "(the key that seals your API keys in the database)."
)
CHOOSE_EXCHANGE = N_(
    "<b>Connect your exchange account</b>\n"
    "Orders you confirm on it are real orders. Start on the <b>testnet</b> (play money on the exchange's "
    "test site) until you trust the setup.\nWhich exchange and market?"
)
CHOOSE_NETWORK = N_("Testnet or your real account?")
CONNECT_CANCELLED = N_("Nothing was connected.")
KEYS_UNREADABLE = N_("I need the API key and the secret, on two lines (key first). Send them again, or /cancel.")
DELETE_IT_YOURSELF = N_("⚠️ I could not delete your message with the key: please delete it yourself now.")
NO_ACCOUNTS = N_("No exchange account is connected. /connect adds one (testnet first).")
LIMITS_USAGE = N_(
    "Change a limit with, for example, <code>/limits max_order 500</code>, <code>/limits confirm 50</code>, "
    "<code>/limits leverage 2</code> or <code>/limits daily_loss 100</code> (USDT; leverage as a multiple)."
)
NOTHING_OPEN = N_("🛑 No open live orders to cancel.")
PANIC_KEEP = N_("Positions kept. No live orders are open.")


def ask_keys(exchange: str, market_type: str, is_testnet: bool, needs_passphrase: bool) -> str:
    name = escape(account_name(exchange, market_type, is_testnet))
    send = (_("Then send the key, the secret and the passphrase in one message, on three lines (key first).")
            if needs_passphrase else
            _("Then send the key and the secret in one message, on two lines (key first)."))
    return (
        f"<b>{name}</b>\n"
        + _("Create an API key with <b>reading and trading only — never withdrawals</b> (I refuse keys that can "
            "withdraw).") + " " + send + "\n"
        + _("I delete that message at once and store the key encrypted; it is never shown again. /cancel to stop.")
    )


def connected(info: CredentialInfo) -> str:
    return (
        t("✅ Connected <b>{name}</b> · key …{hint}", name=escape(_name(info)), hint=escape(info.key_hint)) + "\n"
        + t("Permissions: {permissions}", permissions=permissions(info)) + "\n"
        + _("On an order card, tap 🔁 Account to send the order there; the card then says LIVE. "
            "/accounts lists your accounts, /limits shows your brakes, /panic stops everything.")
    )


def permissions(info: CredentialInfo) -> str:
    granted = info.permissions
    if not granted or granted.get("withdraw") is None:
        return _("not reported by the exchange")
    marks = {True: "✓", False: "✗", None: "?"}
    return t("trade {trade} · withdraw {withdraw} · futures {futures}", trade=marks[granted.get("trade")],
             withdraw=marks[granted.get("withdraw")], futures=marks[granted.get("futures")])


def accounts(items: Sequence[CredentialInfo], limits: LiveLimits) -> str:
    if not items:
        return _(NO_ACCOUNTS)
    lines = [_("<b>Your exchange accounts</b>")]
    for n, info in enumerate(items, start=1):
        network = "🧪 testnet" if info.is_testnet else "🔴 LIVE"
        lines.append(f"{n}. <b>{escape(_name(info))}</b> · {network} · " + t("key …{hint}", hint=escape(info.key_hint)))
        lines.append("   " + t("Permissions: {permissions}", permissions=permissions(info)))
    lines += ["", limits_text(limits)]
    return "\n".join(lines)


def limits_text(limits: LiveLimits) -> str:
    return "\n".join([
        _("<b>Live limits</b>"),
        t("Max order value: {money}", money=money(limits.max_order_value, "USDT")),
        t("Second confirmation above: {money}", money=money(limits.confirm_above_value, "USDT")),
        t("Max leverage (perpetuals): {leverage}×", leverage=number(limits.max_leverage)),
        t("Daily loss limit: {money} (new live orders stop until 00:00 UTC)", money=money(limits.daily_loss_limit, "USDT")),
    ])


def disconnected(info: CredentialInfo) -> str:
    return t("🗑 Disconnected {name}: its key is deleted. Its order history stays.", name=escape(_name(info)))


def panic_cancelled(events: Sequence[tuple[str, OrderEvent]]) -> str:
    if not events:
        return _(NOTHING_OPEN)
    lines = [tn("🛑 Cancelled {n} live order:", "🛑 Cancelled {n} live orders:", len(events))]
    lines += [f"• {escape(account)}: {escape(e.order.symbol)} {e.order.side.value} ({e.order.status.value})"
              for account, e in events]
    return "\n".join(lines)


PANIC_ASK_CLOSE = N_("Close every open live position at market too?")


def panic_closed(results: Sequence[OrderEvent | DomainError], account_of: dict[object, str]) -> str:
    if not results:
        return _("No open live positions.")
    parts = []
    for result in results:
        if isinstance(result, DomainError):
            parts.append(f"❌ {say(result.phrase)}")
        else:
            parts.append(f"{venue_banner(account_of.get(result.order.portfolio_id, '?'))}\n{order_result(result)}")
    return "\n\n".join(parts)



def _name(info: CredentialInfo) -> str:
    return account_name(info.exchange, info.market_type, info.is_testnet, info.label)
