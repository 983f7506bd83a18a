"""The assistant's own phrases (intent replies render in bot/render/*)."""

from __future__ import annotations

from bot.html import escape
from bot.i18n import N_, _
from bot.render.phrases import say
from domain.phrases import Phrase
from nlp.models import ParsedCommand

NOT_UNDERSTOOD = N_(
    "I did not get that. Try for example:\n"
    "• <i>buy 0.05 btc at 61k</i>\n• <i>rsi eth 4h</i>\n• <i>alert me when SOL drops below 120</i>\n"
    "• <i>how risky is my portfolio</i>\n• or forward a signal post. /help has more."
)
UNSURE = N_("I am not sure what you mean. Did you mean:")
CHOICE_GONE = N_("That choice has expired. Please send your message again.")
NEEDS_ACCOUNT = N_("Please accept the terms first: send /start.")
TRADING_NOT_ALLOWED = N_("Trading is not enabled for this account. You can still use analysis, alerts and signals.")

_INTENT_LABELS = {
    "place_order": N_("Place an order"), "cancel_order": N_("Cancel an order"), "close_position": N_("Close a position"),
    "modify_order": N_("Change stop/target"), "evaluate_trade": N_("Review a trade idea"), "signal": N_("Read as a signal"),
    "signal_update": N_("Signal follow-up"), "price": N_("Price"), "market_overview": N_("Market overview"),
    "create_alert": N_("Set an alert"), "list_alerts": N_("My alerts"), "delete_alert": N_("Delete an alert"),
    "indicators": N_("Indicators"), "chart": N_("Chart"), "levels": N_("Support/resistance"), "portfolio": N_("My portfolio"),
    "balance": N_("My balance"), "positions": N_("My positions"), "orders": N_("My open orders"), "pnl": N_("My PnL"),
    "history": N_("My trade history"), "portfolio_risk": N_("Portfolio risk"), "position_size": N_("Position size"),
    "trade_risk": N_("Trade risk"), "recommend": N_("Outlook and advice"), "news": N_("News"), "sentiment": N_("Sentiment"),
    "help": N_("Help"), "greeting": N_("Say hello"), "explain": N_("Explain a term"), "other": N_("Something else"),
}


def reading_label(parsed: ParsedCommand) -> str:
    label = _(_INTENT_LABELS[parsed.intent]) if parsed.intent in _INTENT_LABELS else parsed.intent.replace("_", " ")
    symbol = parsed.entities.get("symbol")
    return f"{label} · {symbol}" if symbol and parsed.intent not in ("help", "greeting", "other") else label


def problem(message: Phrase | str) -> str:
    return f"⚠️ {say(message)}"
