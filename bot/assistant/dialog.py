"""What a command still needs before it can run, how to ask for it, and reading the answer.

"buy btc" has no amount: the bot asks "How much BTC?" and reads the next message as the
answer ("0.01", "$50", "10%"). Each intent lists groups of entities; a group is satisfied by
any one of its names.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from bot.html import escape
from bot.i18n import _, t
from nlp.models import ParsedCommand
from nlp.normalize import parse_number

REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "place_order": (("symbol",), ("side",), ("amount", "quote_amount", "percent_of_balance")),
    "close_position": (("symbol",),),
    "modify_order": (("symbol",), ("stop_loss", "take_profits", "to_breakeven")),
    "create_alert": (("symbol",), ("target_price", "percent_change")),
    "price": (("symbol", "symbols"),),
    "indicators": (("symbol",),),
    "chart": (("symbol",),),
    "levels": (("symbol",),),
    "position_size": (("symbol",), ("stop_loss",), ("risk_percent", "risk_amount")),
    "evaluate_trade": (("symbol",),),
    "trade_risk": (("symbol",),),
    "signal_update": (("symbol",),),
}

QUOTE_UNITS = {"usdt", "usd", "usdc", "$", "dollars", "bucks"}
_ANSWER_RE = re.compile(
    r"^\s*(?P<cur>\$)?\s*(?P<num>\d[\d.,]*[kKmM]?|\.\d+)\s*(?P<unit>%|[a-zA-Z$]+)?\s*$"
)
_SIDES = {"buy": "buy", "long": "buy", "sell": "sell", "short": "sell"}


def missing_entity(parsed: ParsedCommand) -> str | None:
    """The first entity group the command lacks, named by its first member."""
    for group in REQUIRED.get(parsed.intent, ()):
        if not any(parsed.entities.get(name) not in (None, [], "") for name in group):
            return group[0]
    return None


def question_for(parsed: ParsedCommand, missing: str) -> str:
    base = escape(str(parsed.entities.get("symbol", "")).split("/")[0])
    if missing == "symbol":
        return _("Which coin? For example <i>BTC</i> or <i>ETH/USDT</i>.")
    if missing == "side":
        return t("Buy or sell {asset}?", asset=base) if base else _("Buy or sell?")
    if missing == "amount":
        example = _("For example <i>0.01</i>, <i>$50</i> or <i>10%</i> of your balance.")
        return (t("How much {asset}?", asset=base) if base else _("How much?")) + " " + example
    if missing == "stop_loss":
        return _("At what price should the stop-loss be?")
    if missing == "target_price":
        return _("At what price? For example <i>70k</i>, or a move like <i>5%</i>.")
    if missing == "risk_percent":
        return _("How much do you want to risk? For example <i>1%</i> or <i>$50</i>.")
    return _("Tell me a little more.")


def fill_answer(parsed: ParsedCommand, missing: str, answer: str, answer_parsed: ParsedCommand) -> ParsedCommand | None:
    """The command with the missing value taken from ``answer``, or None if it does not give it."""
    entities = dict(parsed.entities)
    if missing == "symbol":
        if "symbol" not in answer_parsed.entities:
            return None
        entities["symbol"] = answer_parsed.entities["symbol"]
    elif missing == "side":
        side = _SIDES.get(answer.strip().lower())
        if side is None:
            return None
        entities["side"] = side
    else:
        amount = _read_amount(answer)
        if amount is None:
            return None
        value, unit = amount
        if missing == "amount":
            key = "percent_of_balance" if unit == "%" else "quote_amount" if unit in QUOTE_UNITS else "amount"
        elif missing == "target_price" and unit == "%":
            key = "percent_change"
        elif missing == "risk_percent" and unit != "%":
            key = "risk_amount"
        else:
            key = missing
        entities[key] = value
    return replace(parsed, entities=entities)


def _read_amount(answer: str) -> tuple[Decimal, str | None] | None:
    match = _ANSWER_RE.match(answer)
    if not match:
        return None
    value = parse_number(match.group("num"))
    if value is None or value <= 0:
        return None
    unit = (match.group("unit") or "").lower() or None
    return value, "$" if match.group("cur") else unit
