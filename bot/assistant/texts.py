"""The assistant's own phrases (intent replies render in bot/render/*)."""

from __future__ import annotations

from bot.html import escape
from nlp.models import ParsedCommand

NOT_UNDERSTOOD = (
    "I did not get that. Try for example:\n"
    "• <i>buy 0.05 btc at 61k</i>\n• <i>rsi eth 4h</i>\n• <i>alert me when SOL drops below 120</i>\n"
    "• <i>how risky is my portfolio</i>\n• or forward a signal post. /help has more."
)
UNSURE = "I am not sure what you mean. Did you mean:"
CHOICE_GONE = "That choice has expired. Please send your message again."
NEEDS_ACCOUNT = "Please accept the terms first: send /start."
TRADING_NOT_ALLOWED = "Trading is not enabled for this account. You can still use analysis, alerts and signals."

_INTENT_LABELS = {
    "place_order": "Place an order", "cancel_order": "Cancel an order", "close_position": "Close a position",
    "modify_order": "Change stop/target", "evaluate_trade": "Review a trade idea", "signal": "Read as a signal",
    "signal_update": "Signal follow-up", "price": "Price", "market_overview": "Market overview",
    "create_alert": "Set an alert", "list_alerts": "My alerts", "delete_alert": "Delete an alert",
    "indicators": "Indicators", "chart": "Chart", "levels": "Support/resistance", "portfolio": "My portfolio",
    "balance": "My balance", "positions": "My positions", "orders": "My open orders", "pnl": "My PnL",
    "history": "My trade history", "portfolio_risk": "Portfolio risk", "position_size": "Position size",
    "trade_risk": "Trade risk", "recommend": "Outlook and advice", "news": "News", "sentiment": "Sentiment",
    "help": "Help", "greeting": "Say hello", "explain": "Explain a term", "other": "Something else",
}


def reading_label(parsed: ParsedCommand) -> str:
    label = _INTENT_LABELS.get(parsed.intent, parsed.intent.replace("_", " ").capitalize())
    symbol = parsed.entities.get("symbol")
    return f"{label} · {symbol}" if symbol and parsed.intent not in ("help", "greeting", "other") else label


def problem(user_message: str) -> str:
    return f"⚠️ {escape(user_message)}"
