"""Intents: create_alert, list_alerts, delete_alert."""

from __future__ import annotations

import re

from decimal import Decimal

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, _
from bot.markup import button as markup_button
from bot.assistant.signals import signal_list
from bot.assistant.context import IntentContext, IntentHandler, answer_only
from bot.assistant_callbacks import AlertDeleteCallback, AlertOption, AlertOptionCallback
from bot.render import alerts as render
from bot.text_handler import TextReply
from db.repositories.alerts import AlertOwner
from domain.alerts import Alert
from domain.enums import AlertCondition
from domain.services.alerts import short_id
from nlp.models import ParsedCommand


def owner_of(ctx: IntentContext) -> AlertOwner:
    return AlertOwner(ctx.message.telegram_user_id, ctx.user_id)


async def create_alert(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    """A price level, a percent move, or (when an indicator is named: "btc rsi 1h above 70",
    "eth crosses the 50 ema on 4h") an indicator condition on that candle size."""
    entities = parsed.entities
    condition = entities.get("condition")
    indicators = entities.get("indicators") or []
    indicator = indicators[0] if indicators and entities.get("percent_change") is None else None
    period = entities.get("indicator_period")
    result = await ctx.services.alerts.create(
        ctx.uow, owner_of(ctx), entities["symbol"],
        condition=AlertCondition(condition) if condition in ("above", "below") else None,
        target_price=_decimal(entities.get("target_price")),
        percent_change=_decimal(entities.get("percent_change")),
        window=entities.get("window"),
        indicator=indicator,
        timeframe=entities.get("timeframe") if indicator else None,
        indicator_period=int(period) if period is not None else None,
        ai_command_id=ctx.ai_command_id,
    )
    return TextReply(render.created(result), alert_options(result.alert))


COOLDOWNS = {"15": N_("15 min"), "60": N_("1 h"), "240": N_("4 h"), "1440": N_("1 day")}
REARM_MARGINS = ("0.5", "1", "2", "5")
EXPIRIES = {"24": N_("1 day"), "168": N_("1 week"), "0": N_("never")}


def alert_options(alert: Alert) -> InlineKeyboardMarkup:
    """Once or repeating, the cooldown and re-arm margin of a repeating alert, an expiry."""
    ref = short_id(alert.id)

    def button(text: str, option: AlertOption, value: str) -> InlineKeyboardButton:
        return markup_button(text, AlertOptionCallback(alert_ref=ref, option=option, value=value))

    rows = [[button(_("🔁 Repeat") if not alert.repeat else _("1️⃣ Only once"), AlertOption.REPEAT,
                    "0" if alert.repeat else "1")]]
    if alert.repeat:
        rows.append([button(f"⏱ {_(label)}", AlertOption.COOLDOWN, value) for value, label in COOLDOWNS.items()])
        if alert.target_price is not None:
            rows.append([button(f"↩️ {m}%", AlertOption.REARM, m) for m in REARM_MARGINS])
    rows.append([button(f"⌛ {_(label)}", AlertOption.EXPIRY, value) for value, label in EXPIRIES.items()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


# The parser reads "what signals are active?" as a list request; the word says which list.
_SIGNALS_WORD = re.compile(r"\bsignals?\b|сигнал", re.IGNORECASE)


@answer_only
async def list_alerts(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    if _SIGNALS_WORD.search(parsed.text):
        return await signal_list(ctx)
    alerts = await ctx.services.alerts.list(ctx.uow, owner_of(ctx), parsed.entities.get("symbol"))
    return alert_list_reply(alerts)


def alert_list_reply(alerts) -> TextReply:  # type: ignore[no-untyped-def]
    buttons = [
        [markup_button(f"🗑 {i}. {a.symbol}", AlertDeleteCallback(alert_ref=short_id(a.id)))]
        for i, a in enumerate(alerts, start=1)
    ][:20]
    return TextReply(render.listing(alerts), InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None)


async def delete_alert(ctx: IntentContext, parsed: ParsedCommand) -> TextReply:
    alert_id = parsed.entities.get("alert_id")
    symbol = parsed.entities.get("symbol")
    if alert_id is None and symbol is None:
        alerts = await ctx.services.alerts.list(ctx.uow, owner_of(ctx))
        return alert_list_reply(alerts)
    deleted = await ctx.services.alerts.delete(
        ctx.uow, owner_of(ctx), alert_ref=None if alert_id is None else str(alert_id), symbol=symbol
    )
    return TextReply(render.deleted(deleted))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


INTENT_HANDLERS: dict[str, IntentHandler] = {
    "create_alert": create_alert,
    "list_alerts": list_alerts,
    "delete_alert": delete_alert,
}
